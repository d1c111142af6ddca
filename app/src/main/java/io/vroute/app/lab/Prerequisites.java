package io.vroute.app.lab;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The programs a lab runs and the Debian packages they come in. Missing ones are installed with apt-get when the lab
 * runs as root (which it must anyway); otherwise the message says what to install.
 */
final class Prerequisites {
    private Prerequisites() {}

    record Need(String program, String aptPackage) {
    }

    static final Need IP = new Need("ip", "iproute2");
    static final Need SETSID = new Need("setsid", "util-linux");
    static final Need PING = new Need("ping", "iputils-ping");
    static final Need GOBGPD = new Need("gobgpd", "gobgpd");
    static final Need GOBGP = new Need("gobgp", "gobgpd");
    static final Need ZEBRA = new Need("/usr/lib/frr/zebra", "frr");
    static final Need BFDD = new Need("/usr/lib/frr/bfdd", "frr");
    static final Need BGPD = new Need("/usr/lib/frr/bgpd", "frr");
    static final Need VTYSH = new Need("vtysh", "frr");

    /** What a scenario needs: GoBGP for floating-ip with bgp-keepalive, FRR with bfdd wherever BFD runs. */
    static List<Need> of(String scenario, String liveness) {
        List<Need> needs = new ArrayList<>(List.of(IP, SETSID, PING));
        if (scenario.equals("floating-ip") && liveness.equals("bgp-keepalive")) {
            needs.addAll(List.of(GOBGPD, GOBGP));
        } else {
            needs.addAll(List.of(ZEBRA, BFDD, BGPD, VTYSH));
        }
        return needs;
    }

    /** Makes sure the programs are there: installs the missing ones as root, else explains what to do. */
    static void ensure(List<Need> needs, PrintWriter out) throws IOException {
        Set<String> packages = missing(needs);
        if (packages.isEmpty()) return;
        String install = "apt-get install -y " + String.join(" ", packages);
        if (!Shell.isRoot()) {
            throw new IOException("the lab needs " + String.join(", ", packages) + ", which are not installed: run `sudo "
                    + install + "` (or run this command as root, and it installs them)");
        }
        out.println("installing " + String.join(" ", packages) + " (apt-get)...");
        out.flush();
        Map<String, String> env = Map.of("DEBIAN_FRONTEND", "noninteractive");
        List<String> cmd = new ArrayList<>(List.of("apt-get", "install", "-y", "--no-install-recommends"));
        cmd.addAll(packages);
        Shell.Result r = Shell.run(900, cmd, env);
        if (!r.ok()) {
            // Package lists may be missing or stale (a fresh container): refresh them once and try again.
            Shell.run(600, List.of("apt-get", "update"), env);
            r = Shell.run(900, cmd, env);
        }
        Set<String> still = missing(needs);
        if (!still.isEmpty()) {
            throw new IOException("could not install " + String.join(" ", still) + ": apt-get said:\n"
                    + tail(r.output(), 10) + "\ninstall them by hand (" + install + ") and run this again");
        }
    }

    static Set<String> missing(List<Need> needs) {
        Set<String> packages = new LinkedHashSet<>();
        for (Need n : needs) if (!Shell.has(n.program())) packages.add(n.aptPackage());
        return packages;
    }

    private static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
