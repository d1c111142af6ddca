package io.vroute.app.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The BGP daemon of a lab node, in the node's namespace: GoBGP configured as in the seed (bgp-keepalive liveness;
 * GoBGP 3.10 has no BFD), or FRR 8.4 with bfdd when the lab runs with BFD. It advertises {@code prefixes} to every
 * route server endpoint; a standby prepends its own AS {@code prepend} more times, so that the active one wins on
 * AS_PATH length.
 *
 * @param name           the node
 * @param namespace      its network namespace
 * @param dir            where its configuration and logs go
 * @param asn            its AS
 * @param routerId       its BGP identifier (its interface's address)
 * @param endpoints      the route server endpoint addresses to peer with
 * @param prefixes       what it advertises
 * @param prepend        how many extra times it prepends its own AS (0: the active one)
 * @param routeServerAsn the route server's AS
 */
record Appliance(String name, String namespace, Path dir, long asn, String routerId, List<String> endpoints,
                 List<String> prefixes, int prepend, long routeServerAsn) {
    /**
     * The hold time the lab's appliances offer. The endpoints offer 90 s and a session takes the smaller of the two
     * (RFC 4271 §4.2), so with bgp-keepalive liveness this bounds how long a dead appliance keeps its routes.
     */
    static final int HOLD_TIME = 3;
    static final int KEEPALIVE = 1;
    /**
     * The BFD timers of the lab's BFD appliances (and of their peers on the route server side): a silent appliance is
     * declared down after multiplier x interval, 300 ms (RFC 5880 §6.8.4).
     */
    static final int BFD_INTERVAL_MS = 100, BFD_MULTIPLIER = 3;

    // ------------------------------------------------------------------------------------------ GoBGP

    /** The seed's gobgpd.conf (global as and router-id; per endpoint a neighbor with peer-as and ipv4-unicast), plus timers. */
    String gobgpConfig() {
        StringBuilder t = new StringBuilder();
        t.append("[global.config]\nas = ").append(asn).append("\nrouter-id = \"").append(routerId).append("\"\n");
        for (String e : endpoints) {
            t.append("[[neighbors]]\n[neighbors.config]\nneighbor-address = \"").append(e).append("\"\n");
            t.append("peer-as = ").append(routeServerAsn).append('\n');
            t.append("[neighbors.timers.config]\nconnect-retry = 1\nhold-time = ").append(HOLD_TIME)
                    .append("\nkeepalive-interval = ").append(KEEPALIVE).append('\n');
            t.append("[[neighbors.afi-safis]]\n[neighbors.afi-safis.config]\nafi-safi-name = \"ipv4-unicast\"\n");
        }
        return t.toString();
    }

    /** Starts gobgpd and advertises the prefixes ({@code gobgp global rib add}); returns its PID. */
    List<Long> startGoBgp() throws IOException {
        Files.createDirectories(dir);
        Path conf = dir.resolve("gobgpd.conf");
        Files.writeString(conf, gobgpConfig());
        long pid = Shell.spawn(namespace, List.of("gobgpd", "-f", conf.toString(), "-t", "toml"), dir.resolve("gobgpd.log"));
        if (!waitFor(Duration.ofSeconds(15), () -> !Shell.alive(pid) || Shell.inNamespace(namespace, "gobgp", "neighbor").ok())
                || !Shell.alive(pid)) {
            throw new IOException(name + ": gobgpd did not start:\n" + RouteServerProcess.tail(dir.resolve("gobgpd.log"), 15));
        }
        for (String p : prefixes) {
            List<String> args = new ArrayList<>(List.of("gobgp", "global", "rib", "add", p));
            if (prepend > 0) {
                // The path before gobgpd adds its own AS on export: "aspath 65001" goes out as 65001 65001.
                args.add("aspath");
                args.add(String.join(",", Collections.nCopies(prepend, Long.toString(asn))));
            }
            Shell.Result r = Shell.inNamespace(namespace, args.toArray(String[]::new));
            if (!r.ok()) throw new IOException(name + ": " + String.join(" ", args) + ": " + r.output().strip());
        }
        return List.of(pid);
    }

    // ------------------------------------------------------------------------------------------ FRR with BFD

    /** FRR's pathspace for this node ({@code -N}), so that several FRR instances run side by side. */
    String pathspace() {
        return namespace;
    }

    String bgpdConfig() {
        StringBuilder c = new StringBuilder("frr defaults traditional\nhostname ").append(name).append('\n');
        c.append("log file ").append(dir.resolve("bgpd.log")).append("\nlog timestamp precision 3\n");
        c.append("router bgp ").append(asn).append("\n bgp router-id ").append(routerId).append('\n');
        c.append(" bgp log-neighbor-changes\n no bgp ebgp-requires-policy\n no bgp network import-check\n");
        for (String e : endpoints) {
            c.append(" neighbor ").append(e).append(" remote-as ").append(routeServerAsn).append('\n');
            // An endpoint of another subnet is reached through the subnet's router address but delivered there, one
            // hop away: eBGP with TTL 1 and single-hop BFD (TTL 255 on arrival, RFC 5881 §5) work, while FRR's
            // connected check would refuse the neighbour.
            c.append(" neighbor ").append(e).append(" disable-connected-check\n");
            c.append(" neighbor ").append(e).append(" timers connect 1\n");
            c.append(" neighbor ").append(e).append(" timers ").append(KEEPALIVE).append(' ').append(HOLD_TIME).append('\n');
            c.append(" neighbor ").append(e).append(" bfd profile lab\n");
        }
        c.append(" address-family ipv4 unicast\n");
        for (String p : prefixes) c.append("  network ").append(p).append('\n');
        if (prepend > 0) {
            for (String e : endpoints) c.append("  neighbor ").append(e).append(" route-map prepend out\n");
        }
        c.append(" exit-address-family\nexit\n");
        if (prepend > 0) {
            c.append("route-map prepend permit 10\n set as-path prepend");
            for (int i = 0; i < prepend; i++) c.append(' ').append(asn);
            c.append("\nexit\n");
        }
        return c.toString();
    }

    String bfddConfig() {
        return "hostname " + name + "-bfdd\nlog file " + dir.resolve("bfdd.log") + "\nlog timestamp precision 3\n"
                + "bfd\n profile lab\n  receive-interval " + BFD_INTERVAL_MS + "\n  transmit-interval " + BFD_INTERVAL_MS
                + "\n  detect-multiplier " + BFD_MULTIPLIER + "\n exit\nexit\n";
    }

    /**
     * Starts zebra, bfdd and bgpd in the foreground (bgpd reaches bfdd through zebra); returns their PIDs, bfdd first,
     * so that a freeze silences BFD before anything else.
     */
    List<Long> startFrr() throws IOException {
        Files.createDirectories(dir);
        // An endpoint of another subnet is reachable only through the default route, which zebra's next-hop
        // tracking ignores unless told otherwise; bgpd would never dial it.
        Files.writeString(dir.resolve("zebra.conf"), "hostname " + name + "-zebra\nip nht resolve-via-default\n");
        Files.writeString(dir.resolve("bfdd.conf"), bfddConfig());
        Files.writeString(dir.resolve("bgpd.conf"), bgpdConfig());
        Path run = runDirectory();
        Files.createDirectories(run);
        // FRR's daemons drop to user frr: it must read the configs and write the logs and pid files.
        for (Path p : List.of(run.getParent(), run, dir, dir.resolve("zebra.conf"), dir.resolve("bfdd.conf"), dir.resolve("bgpd.conf"))) {
            chownFrr(p);
        }
        List<Long> pids = new ArrayList<>();
        long zebra = startFrrDaemon("zebra", run, "zserv.api");
        long bfdd = startFrrDaemon("bfdd", run, "bfdd.vty");
        long bgpd = startFrrDaemon("bgpd", run, "bgpd.vty");
        pids.add(bfdd);
        pids.add(bgpd);
        pids.add(zebra);
        return pids;
    }

    Path runDirectory() {
        return Path.of("/var/run/frr", pathspace());
    }

    private long startFrrDaemon(String daemon, Path run, String readyFile) throws IOException {
        Files.deleteIfExists(run.resolve(readyFile));
        List<String> cmd = List.of("/usr/lib/frr/" + daemon, "-N", pathspace(), "-f", dir.resolve(daemon + ".conf").toString(),
                "-i", run.resolve(daemon + ".pid").toString());
        long pid = Shell.spawn(namespace, cmd, dir.resolve(daemon + ".out"));
        if (!waitFor(Duration.ofSeconds(10), () -> Files.exists(run.resolve(readyFile)) || !Shell.alive(pid)) || !Shell.alive(pid)) {
            throw new IOException(name + ": FRR " + daemon + " did not start:\n" + RouteServerProcess.tail(dir.resolve(daemon + ".out"), 15));
        }
        return pid;
    }

    private static void chownFrr(Path p) throws IOException {
        UserPrincipalLookupService users = p.getFileSystem().getUserPrincipalLookupService();
        try {
            Files.setOwner(p, users.lookupPrincipalByName("frr"));
            Files.getFileAttributeView(p, PosixFileAttributeView.class).setGroup(users.lookupPrincipalByGroupName("frr"));
        } catch (UserPrincipalNotFoundException e) {
            throw new IOException("user frr is missing: install FRR (apt-get install frr) for the lab's BFD appliances", e);
        }
    }

    static boolean waitFor(Duration limit, BooleanSupplier done) {
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end) {
            if (done.getAsBoolean()) return true;
            Shell.sleep(100);
            if (Thread.currentThread().isInterrupted()) return false;
        }
        return done.getAsBoolean();
    }
}
