package io.vroute.app.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * gobgpd 3.10, configured like the seed's gobgpd.conf (global AS and router-id; one [[neighbors]] per route
 * server endpoint with peer-as and one afi-safi), plus short timers. Routes are added and withdrawn through
 * {@code gobgp global rib}; the gRPC API (127.0.0.1:50051) is per namespace, so the CLI runs in the same one.
 *
 * <p>GoBGP 3.10 quirks found here:
 * <ul>
 * <li>The first connection attempt comes 5 to 10 s after start, whatever connect-retry says (the connect
 *     loop starts with a randomised wait); after a NOTIFICATION it retries in a few seconds. Allow 30 s.</li>
 * <li>{@code gobgp global rib add} without {@code origin} sends ORIGIN incomplete (the seed's
 *     {@code [{Origin: ?}]}); {@code aspath 65001,65001} is the path <em>before</em> gobgpd prepends its own
 *     AS, so the wire has 65001 65001 65001.</li>
 * <li>{@code gobgp neighbor X disable --reason TEXT} sends Cease/Administrative Shutdown (6/2) but
 *     <b>without</b> TEXT; only the deprecated {@code gobgp neighbor X shutdown --reason TEXT} (it prints a
 *     deprecation warning) puts TEXT in the RFC 9003 shutdown communication. Both leave the peer
 *     administratively down; {@code enable} brings it back, after 10 s or so.</li>
 * <li>No End-of-RIB without graceful restart configured.</li>
 * <li>After a Cease/Connection Rejected its log (even at debug level) shows no notification code; only
 *     {@code gobgp neighbor X} counts it ("Notifications: Rcvd") and the session never leaves Active/Idle.</li>
 * </ul>
 */
final class GoBgp extends Daemon {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One [[neighbors]] block: a route server endpoint and the afi-safi it carries; optionally a TCP-MD5
     * {@code auth-password}, GTSM ({@code ttl-security} with {@code ttl-min}, 0 for none) and ADD-PATH send
     * ({@code add-paths send-max}, 0 for none).
     */
    record Neighbor(String address, long peerAs, String afiSafi, String authPassword, int ttlMin, int addPathSendMax) {
        Neighbor(String address, long peerAs, String afiSafi) {
            this(address, peerAs, afiSafi, null, 0, 0);
        }

        Neighbor authPassword(String password) {
            return new Neighbor(address, peerAs, afiSafi, password, ttlMin, addPathSendMax);
        }

        Neighbor ttlSecurity(int min) {
            return new Neighbor(address, peerAs, afiSafi, authPassword, min, addPathSendMax);
        }

        /** RFC 7911: up to {@code max} paths per prefix to a peer that can receive them. */
        Neighbor addPathSend(int max) {
            return new Neighbor(address, peerAs, afiSafi, authPassword, ttlMin, max);
        }

        static Neighbor ipv4(String address, long peerAs) {
            return new Neighbor(address, peerAs, "ipv4-unicast");
        }

        static Neighbor ipv6(String address, long peerAs) {
            return new Neighbor(address, peerAs, "ipv6-unicast");
        }

        /** Both unicast families over one session (RFC 4760). */
        static Neighbor dualStack(String address, long peerAs) {
            return new Neighbor(address, peerAs, "ipv4-unicast,ipv6-unicast");
        }
    }

    private final String routerId;
    private final List<String> localAddresses;
    private final List<Neighbor> neighbors;
    private final int holdTime;
    private final Path dir;

    GoBgp(Lab lab, String ns, String name, long as, String routerId, List<String> localAddresses,
          List<Neighbor> neighbors, int holdTime) {
        super(lab, ns, name, as);
        this.routerId = routerId;
        this.localAddresses = localAddresses;
        this.neighbors = neighbors;
        this.holdTime = holdTime;
        this.dir = lab.dir();
    }

    Path config() {
        return dir.resolve(name + ".toml");
    }

    @Override
    Path log() {
        return dir.resolve(name + ".log");
    }

    String configText() {
        StringBuilder t = new StringBuilder();
        t.append("[global.config]\n");
        t.append("  as = ").append(as).append('\n');
        t.append("  router-id = \"").append(routerId).append("\"\n");
        if (!localAddresses.isEmpty()) {
            t.append("  local-address-list = [")
                    .append(localAddresses.stream().map(a -> "\"" + a + "\"").collect(Collectors.joining(", ")))
                    .append("]\n");
        }
        for (Neighbor n : neighbors) {
            t.append("[[neighbors]]\n");
            t.append("  [neighbors.config]\n");
            t.append("    neighbor-address = \"").append(n.address()).append("\"\n");
            t.append("    peer-as = ").append(n.peerAs()).append('\n');
            if (n.authPassword() != null) t.append("    auth-password = \"").append(n.authPassword()).append("\"\n");
            t.append("  [neighbors.timers.config]\n");
            t.append("    connect-retry = 1\n");
            t.append("    hold-time = ").append(holdTime).append('\n');
            t.append("    keepalive-interval = ").append(Math.max(1, holdTime / 3)).append('\n');
            if (n.ttlMin() > 0) {
                t.append("  [neighbors.ttl-security.config]\n");
                t.append("    enabled = true\n");
                t.append("    ttl-min = ").append(n.ttlMin()).append('\n');
            }
            if (n.addPathSendMax() > 0) {
                t.append("  [neighbors.add-paths.config]\n");
                t.append("    send-max = ").append(n.addPathSendMax()).append('\n');
            }
            for (String family : n.afiSafi().split(",")) {
                t.append("  [[neighbors.afi-safis]]\n");
                t.append("    [neighbors.afi-safis.config]\n");
                t.append("      afi-safi-name = \"").append(family).append("\"\n");
            }
        }
        return t.toString();
    }

    @Override
    GoBgp start() {
        Lab.write(config(), configText());
        process = lab.spawn(ns, List.of("gobgpd", "-f", config().toString(), "-t", "toml"), log(), false);
        // The CLI works once the gRPC server is up.
        if (!Lab.waitFor(Duration.ofSeconds(10), () -> !process.isAlive() || cliQuietly("neighbor").status() == 0)
                || !process.isAlive()) {
            throw new IllegalStateException(name + " did not start:\n" + logTail(20));
        }
        return this;
    }

    Lab.Result cliQuietly(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "gobgp"));
        cmd.addAll(List.of(args));
        return Lab.runQuietly(cmd.toArray(String[]::new));
    }

    String cli(String... args) {
        Lab.Result r = cliQuietly(args);
        if (r.status() != 0) throw new IllegalStateException("gobgp " + String.join(" ", args) + ": " + r.output());
        return r.output();
    }

    /** gobgp global rib add PREFIX [-a ipv6] origin O [aspath ...] [med N] [community ...] [large-community ...]. */
    void announce(Route r) {
        List<String> args = new ArrayList<>(List.of("global", "rib", "add", "-a", r.afi(), r.prefix(), "origin", r.origin()));
        if (!r.prepend().isEmpty()) {
            args.add("aspath");
            args.add(r.prepend().stream().map(String::valueOf).collect(Collectors.joining(",")));
        }
        if (r.med() != null) {
            args.add("med");
            args.add(Long.toString(r.med()));
        }
        if (!r.communities().isEmpty()) {
            args.add("community");
            args.add(String.join(",", r.communities()));
        }
        if (!r.largeCommunities().isEmpty()) {
            args.add("large-community");
            args.add(String.join(",", r.largeCommunities()));
        }
        cli(args.toArray(String[]::new));
    }

    void withdraw(Route r) {
        cli("global", "rib", "del", "-a", r.afi(), r.prefix());
    }

    /** Cease/Administrative Shutdown with {@code reason} as the shutdown communication (see the class comment). */
    void shutdown(String neighbor, String reason) {
        cli("neighbor", neighbor, "shutdown", "--reason", reason);
    }

    /** Cease/Administrative Shutdown; GoBGP 3.10 drops {@code --reason} here. */
    void disable(String neighbor) {
        cli("neighbor", neighbor, "disable");
    }

    void enable(String neighbor) {
        cli("neighbor", neighbor, "enable");
    }

    /** {@code gobgp -j neighbor X}. */
    JsonNode neighbor(String address) {
        try {
            return JSON.readTree(cli("-j", "neighbor", address));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** session_state 6 is ESTABLISHED in GoBGP's API (1 idle, 2 connect, 3 active, 4 opensent, 5 openconfirm). */
    boolean established(String address) {
        return neighbor(address).path("state").path("session_state").asInt() == 6;
    }

    long notificationsReceived(String address) {
        return neighbor(address).path("state").path("messages").path("received").path("notification").asLong();
    }
}
