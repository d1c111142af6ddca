package io.vroute.app.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * FRR 8.4: zebra and bgpd in the foreground (so that we hold their PIDs), with a pathspace ({@code -N}) of
 * their own (named after the namespace) so that several FRR instances can run at once. Routes come from
 * {@code network} statements; an outbound route-map per session sets communities, large communities, metric
 * (MED), origin and prepend per prefix (one prefix-list per route).
 *
 * <p>FRR 8.4 quirks found here:
 * <ul>
 * <li>bgpd needs zebra (wait for {@code zserv.api}); both drop to user frr, so the config and log files and
 *     the run directory must belong to frr.</li>
 * <li>{@code vtysh -N x} complains that {@code /etc/frr/x/vtysh.conf} is missing; harmless.</li>
 * <li>With {@code frr defaults traditional} every neighbour is activated for IPv4 unicast, the IPv6 one too:
 *     it is deactivated there explicitly.</li>
 * <li>It sends End-of-RIB right after the session comes up and the routes only a few seconds later
 *     (once zebra has answered the next-hop registrations).</li>
 * <li>{@code neighbor X shutdown message TEXT} sends Cease/<b>Hard Reset</b> (6/9, RFC 8538) wrapping
 *     Cease/Administrative Shutdown with TEXT, because the peer offered graceful restart with the N bit;
 *     {@code no neighbor X shutdown} undoes it.</li>
 * <li>A rejected session logs {@code %NOTIFICATION: received from neighbor X 6/5 (Cease/Connection
 *     Rejected)} (with {@code bgp log-neighbor-changes}); it then also "sends" an FSM error 5/1 on the
 *     already closed connection.</li>
 * <li>A {@code network} route is sent with MED 0 (its metric) unless a route-map sets another.</li>
 * <li>{@code log file} writes bgpd's log; "does not have a v6 LL address" warnings on the veth are harmless.</li>
 * </ul>
 *
 * <p>With {@link #bfd(int, int)} bfdd runs too (between zebra and bgpd; bgpd reaches it through zebra), with one
 * profile ({@code receive-interval}, {@code transmit-interval}, {@code detect-multiplier}) that every neighbour
 * uses ({@code neighbor X bfd profile P}). FRR 8.4 with BFD:
 * <ul>
 * <li>When a session reaches Established, bgpd registers its BFD session again with the connection's real source
 *     address, which deletes and recreates it in bfdd: the far side sees BFD Up, then Down once, and drops BGP.
 *     {@code timers connect 1} makes bgpd come back a second later.</li>
 * <li>{@code kill -STOP} of bfdd alone ({@link #freezeBfd()}) stops BFD while bgpd keeps its TCP session and
 *     keepalives: only BFD can notice.</li>
 * </ul>
 */
final class Frr extends Daemon {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A neighbour (route server endpoint); an IPv6 address carries IPv6 unicast only, an IPv4 one IPv4 only. */
    record Neighbor(String address, long peerAs) {
        boolean ipv6() {
            return address.contains(":");
        }
    }

    private final String routerId;
    private final List<Neighbor> neighbors;
    private final List<Route> routes;
    private final int holdTime;
    private final String pathspace;
    private final Path dir;
    private Process zebra;
    private Process bfdd;
    /** The BFD profile every neighbour uses; null: no bfdd, no BFD. */
    private BfdProfile bfdProfile;

    /** A bfdd profile: the same interval for transmit and receive, in milliseconds, and the detect multiplier. */
    record BfdProfile(String name, int intervalMs, int multiplier) {
    }

    Frr(Lab lab, String ns, String name, long as, String routerId, List<Neighbor> neighbors, List<Route> routes,
        int holdTime) {
        super(lab, ns, name, as);
        this.routerId = routerId;
        this.neighbors = neighbors;
        this.routes = routes;
        this.holdTime = holdTime;
        this.pathspace = ns;
        this.dir = lab.dir().resolve(name);
    }

    /**
     * Runs bfdd and puts every neighbour on a BFD profile of {@code intervalMs} (transmit and receive) x
     * {@code multiplier}; call before {@link #start()}.
     */
    Frr bfd(int intervalMs, int multiplier) {
        this.bfdProfile = new BfdProfile("vroute", intervalMs, multiplier);
        return this;
    }

    @Override
    Path log() {
        return dir.resolve("bgpd.log");
    }

    Path bfddLog() {
        return dir.resolve("bfdd.log");
    }

    String bfddConfig() {
        BfdProfile b = bfdProfile;
        return "hostname " + name + "-bfdd\n"
                + "log file " + bfddLog() + "\n"
                + "log timestamp precision 3\n"
                + "debug bfd peer\n"
                + "bfd\n"
                + " profile " + b.name() + "\n"
                + "  receive-interval " + b.intervalMs() + "\n"
                + "  transmit-interval " + b.intervalMs() + "\n"
                + "  detect-multiplier " + b.multiplier() + "\n"
                + " exit\n"
                + "exit\n";
    }

    String bgpdConfig() {
        StringBuilder c = new StringBuilder();
        c.append("frr defaults traditional\nhostname ").append(name).append('\n');
        c.append("log file ").append(log()).append('\n');
        c.append("log timestamp precision 3\n");
        for (int i = 0; i < routes.size(); i++) {
            Route r = routes.get(i);
            c.append(r.ipv6() ? "ipv6" : "ip").append(" prefix-list R").append(i).append(" seq 5 permit ")
                    .append(r.prefix()).append('\n');
        }
        c.append("router bgp ").append(as).append('\n');
        c.append(" bgp router-id ").append(routerId).append('\n');
        c.append(" bgp log-neighbor-changes\n");
        c.append(" no bgp ebgp-requires-policy\n");
        c.append(" no bgp network import-check\n");
        for (Neighbor n : neighbors) {
            c.append(" neighbor ").append(n.address()).append(" remote-as ").append(n.peerAs()).append('\n');
            c.append(" neighbor ").append(n.address()).append(" timers connect 1\n");
            c.append(" neighbor ").append(n.address()).append(" timers ").append(Math.max(1, holdTime / 3)).append(' ')
                    .append(holdTime).append('\n');
            if (bfdProfile != null) {
                c.append(" neighbor ").append(n.address()).append(" bfd profile ").append(bfdProfile.name()).append('\n');
            }
        }
        for (boolean v6 : new boolean[] {false, true}) {
            c.append(" address-family ").append(v6 ? "ipv6" : "ipv4").append(" unicast\n");
            for (Route r : routes) if (r.ipv6() == v6) c.append("  network ").append(r.prefix()).append('\n');
            for (Neighbor n : neighbors) {
                if (n.ipv6() == v6) {
                    c.append("  neighbor ").append(n.address()).append(" activate\n");
                    c.append("  neighbor ").append(n.address()).append(" route-map ").append(v6 ? "OUT6" : "OUT4").append(" out\n");
                } else if (!v6) {
                    c.append("  no neighbor ").append(n.address()).append(" activate\n");
                }
            }
            c.append(" exit-address-family\n");
        }
        c.append("exit\n");
        for (int i = 0; i < routes.size(); i++) {
            Route r = routes.get(i);
            c.append("route-map ").append(r.ipv6() ? "OUT6" : "OUT4").append(" permit ").append(10 * (i + 1)).append('\n');
            c.append(" match ").append(r.ipv6() ? "ipv6" : "ip").append(" address prefix-list R").append(i).append('\n');
            if (!r.communities().isEmpty()) c.append(" set community ").append(String.join(" ", r.communities())).append('\n');
            if (!r.largeCommunities().isEmpty()) {
                c.append(" set large-community ").append(String.join(" ", r.largeCommunities())).append('\n');
            }
            if (r.med() != null) c.append(" set metric ").append(r.med()).append('\n');
            c.append(" set origin ").append(r.origin()).append('\n');
            if (!r.prepend().isEmpty()) {
                c.append(" set as-path prepend");
                for (long a : r.prepend()) c.append(' ').append(a);
                c.append('\n');
            }
            c.append("exit\n");
        }
        return c.toString();
    }

    @Override
    Frr start() {
        try {
            Files.createDirectories(dir);
            Lab.write(dir.resolve("zebra.conf"), "hostname " + name + "-zebra\n");
            Lab.write(dir.resolve("bgpd.conf"), bgpdConfig());
            if (bfdProfile != null) Lab.write(dir.resolve("bfdd.conf"), bfddConfig());
            try (var s = Files.list(dir)) {
                for (Path p : s.toList()) Lab.chownFrr(p);
            }
            Lab.chownFrr(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path run = lab.frrRunDir(pathspace);
        zebra = lab.spawn(ns, List.of("/usr/lib/frr/zebra", "-N", pathspace, "-f", dir.resolve("zebra.conf").toString(),
                "-i", run.resolve("zebra.pid").toString()), dir.resolve("zebra.out"), false);
        if (!Lab.waitFor(Duration.ofSeconds(10), () -> !zebra.isAlive() || Files.exists(run.resolve("zserv.api")))
                || !zebra.isAlive()) {
            throw new IllegalStateException(name + ": zebra did not start:\n" + Lab.tail(dir.resolve("zebra.out"), 20));
        }
        if (bfdProfile != null) {
            bfdd = lab.spawn(ns, List.of("/usr/lib/frr/bfdd", "-N", pathspace, "-f", dir.resolve("bfdd.conf").toString(),
                    "-i", run.resolve("bfdd.pid").toString()), dir.resolve("bfdd.out"), false);
            if (!Lab.waitFor(Duration.ofSeconds(10), () -> !bfdd.isAlive() || Files.exists(run.resolve("bfdd.vty")))
                    || !bfdd.isAlive()) {
                throw new IllegalStateException(name + ": bfdd did not start:\n" + Lab.tail(dir.resolve("bfdd.out"), 20)
                        + "\n" + Lab.tail(bfddLog(), 20));
            }
        }
        process = lab.spawn(ns, List.of("/usr/lib/frr/bgpd", "-N", pathspace, "-f", dir.resolve("bgpd.conf").toString(),
                "-i", run.resolve("bgpd.pid").toString()), dir.resolve("bgpd.out"), false);
        if (!Lab.waitFor(Duration.ofSeconds(10), () -> !process.isAlive() || Files.exists(run.resolve("bgpd.vty")))
                || !process.isAlive()) {
            throw new IllegalStateException(name + ": bgpd did not start:\n" + Lab.tail(dir.resolve("bgpd.out"), 20)
                    + "\n" + logTail(20));
        }
        return this;
    }

    /** vtysh -N pathspace -c ... (the vty sockets are files, so this needs no namespace). */
    String vtysh(String... commands) {
        List<String> cmd = new ArrayList<>(List.of("vtysh", "-N", pathspace));
        for (String c : commands) {
            cmd.add("-c");
            cmd.add(c);
        }
        Lab.Result r = Lab.runQuietly(cmd.toArray(String[]::new));
        String out = r.output().lines().filter(l -> !l.contains("vtysh.conf")).reduce("", (a, b) -> a + b + "\n");
        if (r.status() != 0 || out.contains("% Unknown command") || out.contains("% Invalid")) {
            throw new IllegalStateException("vtysh " + String.join(" | ", commands) + ": " + out);
        }
        return out;
    }

    /** conf t / router bgp AS / {@code lines}. */
    void configure(String... lines) {
        List<String> c = new ArrayList<>(List.of("configure terminal", "router bgp " + as));
        c.addAll(List.of(lines));
        vtysh(c.toArray(String[]::new));
    }

    void withdraw(Route r) {
        configure("address-family " + r.afi() + " unicast", "no network " + r.prefix());
    }

    /** neighbor X shutdown message TEXT: FRR sends a Cease/Hard Reset wrapping Administrative Shutdown + TEXT. */
    void shutdown(String neighbor, String message) {
        configure("neighbor " + neighbor + " shutdown message " + message);
    }

    void noShutdown(String neighbor) {
        configure("no neighbor " + neighbor + " shutdown");
    }

    JsonNode neighbor(String address) {
        try {
            return JSON.readTree(vtysh("show bgp neighbors " + address + " json")).path(address);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean established(String address) {
        return "Established".equals(neighbor(address).path("bgpState").asText());
    }

    /** {@code show bfd peers json}: one object per session (peer, local, status, diagnostic, remote-diagnostic, ...). */
    JsonNode bfdPeers() {
        try {
            return JSON.readTree(vtysh("show bfd peers json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** bfdd's view of the session to {@code address}; a missing node when there is none. */
    JsonNode bfdPeer(String address) {
        for (JsonNode p : bfdPeers()) if (address.equals(p.path("peer").asText())) return p;
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    /** kill -STOP of bfdd alone: BFD stops, bgpd and its keepalives go on. */
    void freezeBfd() {
        lab.freeze(bfdd);
    }

    void thawBfd() {
        lab.thaw(bfdd);
    }

    /** Freezes bfdd first (when it runs), so that a measurement from the freeze starts with BFD's silence. */
    @Override
    void freeze() {
        if (bfdd != null) lab.freeze(bfdd);
        lab.freeze(process);
        lab.freeze(zebra);
    }

    @Override
    void thaw() {
        lab.thaw(zebra);
        if (bfdd != null) lab.thaw(bfdd);
        lab.thaw(process);
    }

    @Override
    int stop() {
        int status = lab.stop(process, Duration.ofSeconds(5));
        if (bfdd != null) lab.stop(bfdd, Duration.ofSeconds(5));
        lab.stop(zebra, Duration.ofSeconds(5));
        return status;
    }
}
