package io.vroute.app.interop;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * BIRD 2.0.12: one static protocol per advertised route (so that {@code birdc disable} of it withdraws just
 * that prefix), one BGP protocol per session, and an export filter that sets each route's communities,
 * large communities, MED, ORIGIN and prepend. Runs in the foreground ({@code -f}) so that the PID we hold is
 * BIRD's own.
 *
 * <p>BIRD 2.0.12 quirks found here:
 * <ul>
 * <li>{@code rs} is a keyword (route server client): {@code protocol bgp rs} is a syntax error, so the
 *     sessions are named {@code vr4}/{@code vr6}.</li>
 * <li>eBGP needs explicit import and export filters (RFC 8212).</li>
 * <li>It waits {@code connect delay time} (default 5 s) before its first connection and after
 *     {@code enable}; {@code error wait time} (default 60 s) after an error: both are shortened here.</li>
 * <li>{@code birdc disable vr4 "text"} sends Cease/Administrative Shutdown (6/2) with the text as the
 *     shutdown communication (the quotes are part of birdc's syntax); {@code show protocols all} shows it.</li>
 * <li>A MED set in the export filter is sent to the eBGP peer. {@code bgp_path.prepend()} runs before
 *     BIRD prepends its own AS.</li>
 * <li>A rejected session logs {@code <RMT> vr4: Received: Connection rejected}.</li>
 * <li>Sends End-of-RIB for each family (it offers graceful restart by default), sometimes before the routes
 *     of that family if the export is still being computed.</li>
 * </ul>
 *
 * <p>With {@link #bfd(int, int)} a {@code protocol bfd} runs on every interface with those timers and every BGP
 * session has {@code bfd on}: BIRD keeps dialling while BFD is not Up yet, and a refusal (Cease/Connection
 * Rejected) costs it {@code error wait time}, 1 s doubling up to 10 s here. BIRD 2.0.12 with BFD:
 * <ul>
 * <li>It has no name for Cease subcode 10 (BFD Down, RFC 9384): {@code vr4: Received: Unknown error 6.10}.</li>
 * <li>When a BGP session ends it drops that session's BFD session and starts a new one (new discriminator); the
 *     far side gets the new one's Down packets (Your Discriminator 0), which take its Up session Down.</li>
 * <li>{@code show bfd sessions} shows the local state only (no diagnostics).</li>
 * <li>After a session comes back (BFD Down, then Up) it sends its routes about 2.5 s after Established
 *     (End-of-RIB with them), against well under a second on its first session.</li>
 * </ul>
 */
final class Bird extends Daemon {
    /** A BGP session: the protocol name, our address, the neighbour's address and AS, and its family. */
    record Session(String protocol, String localAddress, String neighbor, long peerAs, boolean ipv6) {
    }

    private final String routerId;
    private final List<Session> sessions;
    private final List<Route> routes;
    private final int holdTime;
    /** BFD interval (transmit and receive) in ms and detect multiplier; 0: no BFD. */
    private int bfdIntervalMs;
    private int bfdMultiplier;

    Bird(Lab lab, String ns, String name, long as, String routerId, List<Session> sessions, List<Route> routes,
         int holdTime) {
        super(lab, ns, name, as);
        this.routerId = routerId;
        this.sessions = sessions;
        this.routes = routes;
        this.holdTime = holdTime;
    }

    /** Runs BFD at {@code intervalMs} (transmit and receive) x {@code multiplier} on every session; call before {@link #start()}. */
    Bird bfd(int intervalMs, int multiplier) {
        this.bfdIntervalMs = intervalMs;
        this.bfdMultiplier = multiplier;
        return this;
    }

    Path config() {
        return lab.dir().resolve(name + ".conf");
    }

    Path socket() {
        return lab.dir().resolve(name + ".ctl");
    }

    @Override
    Path log() {
        return lab.dir().resolve(name + ".log");
    }

    /** The static protocol that holds {@code r}. */
    String staticProtocol(Route r) {
        return "r" + routes.indexOf(r);
    }

    String configText() {
        StringBuilder c = new StringBuilder();
        c.append("log \"").append(log()).append("\" all;\n");
        c.append("router id ").append(routerId).append(";\n");
        c.append("protocol device { }\n");
        if (bfdIntervalMs > 0) {
            c.append("protocol bfd {\n  interface \"*\" { min rx interval ").append(bfdIntervalMs)
                    .append(" ms; min tx interval ").append(bfdIntervalMs).append(" ms; multiplier ").append(bfdMultiplier)
                    .append("; };\n}\n");
        }
        for (Route r : routes) {
            c.append("protocol static ").append(staticProtocol(r)).append(" { ").append(r.ipv6() ? "ipv6" : "ipv4")
                    .append("; route ").append(r.prefix()).append(" blackhole; }\n");
        }
        c.append("filter to_vroute {\n");
        for (Route r : routes) {
            c.append("  if proto = \"").append(staticProtocol(r)).append("\" then {\n");
            for (String cm : r.communities()) c.append("    bgp_community.add((").append(cm.replace(':', ',')).append("));\n");
            for (String lc : r.largeCommunities()) {
                c.append("    bgp_large_community.add((").append(lc.replace(':', ',')).append("));\n");
            }
            if (r.med() != null) c.append("    bgp_med = ").append(r.med()).append(";\n");
            c.append("    bgp_origin = ORIGIN_").append(r.origin().toUpperCase(java.util.Locale.ROOT)).append(";\n");
            // prepend() puts an AS in front, so the last one of the list goes first.
            for (int i = r.prepend().size() - 1; i >= 0; i--) {
                c.append("    bgp_path.prepend(").append(r.prepend().get(i)).append(");\n");
            }
            c.append("    accept;\n  }\n");
        }
        c.append("  reject;\n}\n");
        c.append("template bgp vroute_t {\n  local as ").append(as).append(";\n");
        c.append("  hold time ").append(holdTime).append("; keepalive time ").append(Math.max(1, holdTime / 3)).append(";\n");
        c.append("  connect delay time 1; connect retry time 1; error wait time 1, 10;\n");
        if (bfdIntervalMs > 0) c.append("  bfd on;\n");
        c.append("}\n");
        for (Session s : sessions) {
            c.append("protocol bgp ").append(s.protocol()).append(" from vroute_t {\n");
            c.append("  local ").append(s.localAddress()).append("; neighbor ").append(s.neighbor())
                    .append(" as ").append(s.peerAs()).append(";\n");
            c.append("  ").append(s.ipv6() ? "ipv6" : "ipv4").append(" { import none; export filter to_vroute; };\n}\n");
        }
        return c.toString();
    }

    @Override
    Bird start() {
        Lab.write(config(), configText());
        process = lab.spawn(ns, List.of("bird", "-f", "-c", config().toString(), "-s", socket().toString()),
                lab.dir().resolve(name + ".out"), false);
        if (!Lab.waitFor(Duration.ofSeconds(10), () -> !process.isAlive() || birdcQuietly("show", "status").status() == 0)
                || !process.isAlive()) {
            throw new IllegalStateException(name + " did not start:\n" + Lab.tail(lab.dir().resolve(name + ".out"), 20)
                    + "\n" + logTail(20));
        }
        return this;
    }

    Lab.Result birdcQuietly(String... args) {
        List<String> cmd = new ArrayList<>(List.of("birdc", "-s", socket().toString()));
        cmd.addAll(List.of(args));
        return Lab.runQuietly(cmd.toArray(String[]::new));
    }

    String birdc(String... args) {
        Lab.Result r = birdcQuietly(args);
        // birdc exits 1 when BIRD answers with an error ("syntax error ...", "Unterminated string").
        if (r.status() != 0) {
            throw new IllegalStateException("birdc " + String.join(" ", args) + ": " + r.output());
        }
        return r.output();
    }

    /** Withdraws {@code r} by disabling its static protocol. */
    void withdraw(Route r) {
        birdc("disable", staticProtocol(r));
    }

    /** Cease/Administrative Shutdown carrying {@code message}. */
    void disable(String protocol, String message) {
        birdc("disable", protocol, "\"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
    }

    void enable(String protocol) {
        birdc("enable", protocol);
    }

    String showProtocol(String protocol) {
        return birdcQuietly("show", "protocols", "all", protocol).output();
    }

    /** {@code birdc show bfd sessions}: address, interface, state, since, interval, timeout per session. */
    String bfdSessions() {
        return birdcQuietly("show", "bfd", "sessions").output();
    }

    boolean established(String protocol) {
        return birdcQuietly("show", "protocols", protocol).output().contains("Established");
    }
}
