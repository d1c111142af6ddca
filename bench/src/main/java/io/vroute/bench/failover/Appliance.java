package io.vroute.bench.failover;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;

/**
 * A firewall appliance in its own namespace announcing {@value Lab#FLOATING}/32 to the route server: FRR 8.4
 * (zebra, bfdd, bgpd), BIRD 2 or gobgpd. The same two appliances (FRR active, BIRD standby prepending its AS once)
 * face both route servers, with the same timers; only the route server's address differs (none: both use
 * {@value Lab#ROUTE_SERVER}).
 */
final class Appliance {
    /** Which daemon, and with which liveness. */
    enum Kind { FRR, BIRD, GOBGP }

    static final long AS = 65001;
    static final long ROUTE_SERVER_AS = 65000;

    private final Kind kind;
    private final String ns;
    private final String address;
    private final boolean prepend;
    private final Path dir;
    private final int bfdIntervalMs;
    private final int bfdMultiplier;
    private final int holdTime;
    /** In the order they are frozen: BFD first, so that the measurement starts with BFD's silence. */
    private final List<Process> processes = new ArrayList<>();

    Appliance(Kind kind, String ns, String address, boolean prepend, Path dir, int bfdIntervalMs, int bfdMultiplier,
              int holdTime) {
        this.kind = kind;
        this.ns = ns;
        this.address = address;
        this.prepend = prepend;
        this.dir = dir;
        this.bfdIntervalMs = bfdIntervalMs;
        this.bfdMultiplier = bfdMultiplier;
        this.holdTime = holdTime;
    }

    String namespace() {
        return ns;
    }

    String address() {
        return address;
    }

    Kind kind() {
        return kind;
    }

    Appliance start() {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        switch (kind) {
            case FRR -> startFrr();
            case BIRD -> startBird();
            case GOBGP -> startGoBgp();
        }
        return this;
    }

    /** kill -STOP of every daemon of the appliance, in one command. */
    void freeze() {
        Shell.signal("STOP", processes.toArray(Process[]::new));
    }

    void thaw() {
        Shell.signal("CONT", processes.reversed().toArray(Process[]::new));
    }

    void stop() {
        for (Process p : processes.reversed()) Shell.stop(p, 5000);
        if (kind == Kind.FRR) deleteTree(Path.of("/var/run/frr", ns));
    }

    String logs() {
        return switch (kind) {
            case FRR -> Shell.tail(dir.resolve("bgpd.log"), 15) + "\n" + Shell.tail(dir.resolve("bfdd.log"), 15);
            case BIRD -> Shell.tail(dir.resolve("bird.log"), 25);
            case GOBGP -> Shell.tail(dir.resolve("gobgpd.log"), 25);
        };
    }

    // ------------------------------------------------------------------------------------------------ FRR

    /** FRR as in the interop tests: zebra, then bfdd, then bgpd, each waited for; pathspace = the namespace. */
    private void startFrr() {
        Path run = Path.of("/var/run/frr", ns);
        try {
            Files.createDirectories(run);
            chownFrr(Path.of("/var/run/frr"));
            chownFrr(run);
            Shell.write(dir.resolve("zebra.conf"), "hostname " + ns + "-zebra\n");
            Shell.write(dir.resolve("bfdd.conf"), "hostname " + ns + "-bfdd\nlog file " + dir.resolve("bfdd.log")
                    + "\nlog timestamp precision 6\ndebug bfd peer\nbfd\n profile bench\n  receive-interval " + bfdIntervalMs
                    + "\n  transmit-interval " + bfdIntervalMs + "\n  detect-multiplier " + bfdMultiplier + "\n exit\nexit\n");
            StringBuilder c = new StringBuilder();
            c.append("frr defaults traditional\nhostname ").append(ns).append("\nlog file ").append(dir.resolve("bgpd.log"))
                    .append("\nlog timestamp precision 6\n");
            c.append("router bgp ").append(AS).append("\n bgp router-id ").append(address).append('\n');
            c.append(" bgp log-neighbor-changes\n no bgp ebgp-requires-policy\n no bgp network import-check\n");
            String rs = Lab.ROUTE_SERVER;
            c.append(" neighbor ").append(rs).append(" remote-as ").append(ROUTE_SERVER_AS).append('\n');
            c.append(" neighbor ").append(rs).append(" timers connect 1\n");
            c.append(" neighbor ").append(rs).append(" timers ").append(Math.max(1, holdTime / 3)).append(' ').append(holdTime).append('\n');
            if (bfdIntervalMs > 0) c.append(" neighbor ").append(rs).append(" bfd profile bench\n");
            c.append(" address-family ipv4 unicast\n  network ").append(Lab.FLOATING).append("/32\n");
            if (prepend) c.append("  neighbor ").append(rs).append(" route-map PREPEND out\n");
            c.append(" exit-address-family\nexit\n");
            if (prepend) c.append("route-map PREPEND permit 10\n set as-path prepend ").append(AS).append("\nexit\n");
            Shell.write(dir.resolve("bgpd.conf"), c.toString());
            chownFrr(dir);
            try (var s = Files.list(dir)) {
                for (Path p : s.toList()) chownFrr(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Process zebra = Shell.spawnIn(ns, dir.resolve("zebra.out"), "/usr/lib/frr/zebra", "-N", ns, "-f",
                dir.resolve("zebra.conf").toString(), "-i", run.resolve("zebra.pid").toString());
        awaitFile(zebra, run.resolve("zserv.api"), "zebra");
        Process bfdd = null;
        if (bfdIntervalMs > 0) {
            bfdd = Shell.spawnIn(ns, dir.resolve("bfdd.out"), "/usr/lib/frr/bfdd", "-N", ns, "-f",
                    dir.resolve("bfdd.conf").toString(), "-i", run.resolve("bfdd.pid").toString());
            awaitFile(bfdd, run.resolve("bfdd.vty"), "bfdd");
        }
        Process bgpd = Shell.spawnIn(ns, dir.resolve("bgpd.out"), "/usr/lib/frr/bgpd", "-N", ns, "-f",
                dir.resolve("bgpd.conf").toString(), "-i", run.resolve("bgpd.pid").toString());
        awaitFile(bgpd, run.resolve("bgpd.vty"), "bgpd");
        if (bfdd != null) processes.add(bfdd);
        processes.add(bgpd);
        processes.add(zebra);
    }

    private void awaitFile(Process p, Path file, String what) {
        if (!Shell.await(10_000, () -> !p.isAlive() || Files.exists(file)) || !p.isAlive()) {
            throw new IllegalStateException(ns + ": " + what + " did not start (is FRR 8 installed, user frr present?):\n"
                    + Shell.tail(dir.resolve(what + ".out"), 20));
        }
    }

    private static void chownFrr(Path p) throws IOException {
        UserPrincipalLookupService users = p.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(p, users.lookupPrincipalByName("frr"));
        Files.getFileAttributeView(p, PosixFileAttributeView.class).setGroup(users.lookupPrincipalByGroupName("frr"));
    }

    // ------------------------------------------------------------------------------------------------ BIRD

    private void startBird() {
        StringBuilder c = new StringBuilder();
        c.append("log \"").append(dir.resolve("bird.log")).append("\" all;\n");
        c.append("timeformat log \"%F %T.%6f\";\n");
        c.append("router id ").append(address).append(";\nprotocol device { }\n");
        if (bfdIntervalMs > 0) {
            c.append("protocol bfd {\n  interface \"*\" { min rx interval ").append(bfdIntervalMs).append(" ms; min tx interval ")
                    .append(bfdIntervalMs).append(" ms; multiplier ").append(bfdMultiplier).append("; };\n}\n");
        }
        c.append("protocol static floating { ipv4; route ").append(Lab.FLOATING).append("/32 blackhole; }\n");
        c.append("filter to_rs {\n  if proto = \"floating\" then {\n");
        if (prepend) c.append("    bgp_path.prepend(").append(AS).append(");\n");
        c.append("    accept;\n  }\n  reject;\n}\n");
        c.append("protocol bgp rs1 {\n  local ").append(address).append(" as ").append(AS).append(";\n  neighbor ")
                .append(Lab.ROUTE_SERVER).append(" as ").append(ROUTE_SERVER_AS).append(";\n");
        c.append("  hold time ").append(holdTime).append("; keepalive time ").append(Math.max(1, holdTime / 3)).append(";\n");
        c.append("  connect delay time 1; connect retry time 1; error wait time 1, 10;\n");
        if (bfdIntervalMs > 0) c.append("  bfd on;\n");
        c.append("  ipv4 { import none; export filter to_rs; };\n}\n");
        Path conf = dir.resolve("bird.conf");
        Shell.write(conf, c.toString());
        Path socket = dir.resolve("bird.ctl");
        Process bird = Shell.spawnIn(ns, dir.resolve("bird.out"), "bird", "-f", "-c", conf.toString(), "-s", socket.toString());
        if (!Shell.await(10_000, () -> !bird.isAlive() || Files.exists(socket)) || !bird.isAlive()) {
            throw new IllegalStateException(ns + ": bird did not start:\n" + Shell.tail(dir.resolve("bird.out"), 20));
        }
        processes.add(bird);
    }

    // ------------------------------------------------------------------------------------------------ GoBGP

    /** gobgpd (no BFD in 3.10: liveness is the hold timer); its gRPC API is 127.0.0.1:50051 of its namespace. */
    private void startGoBgp() {
        String conf = "[global.config]\n  as = " + AS + "\n  router-id = \"" + address + "\"\n  local-address-list = [\""
                + address + "\"]\n[[neighbors]]\n  [neighbors.config]\n    neighbor-address = \"" + Lab.ROUTE_SERVER
                + "\"\n    peer-as = " + ROUTE_SERVER_AS + "\n  [neighbors.timers.config]\n    connect-retry = 1\n"
                + "    hold-time = " + holdTime + "\n    keepalive-interval = " + Math.max(1, holdTime / 3) + "\n"
                + "  [[neighbors.afi-safis]]\n    [neighbors.afi-safis.config]\n      afi-safi-name = \"ipv4-unicast\"\n";
        Path file = dir.resolve("gobgpd.toml");
        Shell.write(file, conf);
        Process p = Shell.spawnIn(ns, dir.resolve("gobgpd.log"), "gobgpd", "-f", file.toString(), "-t", "toml");
        processes.add(p);
        boolean added = Shell.await(10_000, () -> {
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "gobgp", "global", "rib", "add",
                    Lab.FLOATING + "/32", "-a", "ipv4"));
            if (prepend) cmd.addAll(List.of("aspath", Long.toString(AS)));
            return p.isAlive() && Shell.run(cmd.toArray(String[]::new)).status() == 0;
        });
        if (!added) throw new IllegalStateException(ns + ": gobgpd did not take the route:\n" + logs());
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) return;
        try (var s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            System.err.println("could not delete " + root + ": " + e.getMessage());
        }
    }
}
