package io.vroute.bench.failover;

import java.nio.file.Path;
import java.time.Instant;

/**
 * One copy of the failover lab, built around one route server:
 * <pre>
 *   router namespace: bridge A 10.0.1.0/24 (.1 and the route server's 10.0.1.4), bridge C 10.0.3.0/24 (.1),
 *                     rule iif (bridge C) lookup T; T holds the route server's best route to 172.16.1.1/32
 *   active  10.0.1.10 (172.16.1.1/32 on lo)     standby 10.0.1.11 (172.16.1.1/32 on lo, AS path prepended)
 *   client  10.0.3.10: ping -i 0.01 172.16.1.1
 * </pre>
 * {@link VrouteLab} has vroute build it (its Linux data plane, through its API); {@link BirdLab} builds the same with
 * {@code ip} and runs BIRD 2 in the router namespace, its kernel protocol writing into T.
 */
abstract class Lab implements AutoCloseable {
    static final String FLOATING = "172.16.1.1";
    static final String ROUTE_SERVER = "10.0.1.4";
    static final String ACTIVE = "10.0.1.10";
    static final String STANDBY = "10.0.1.11";
    static final String CLIENT = "10.0.3.10";
    static final String CLIENT_SUBNET = "10.0.3.0/24";

    /** Liveness of the sessions: BFD at {@code bfdIntervalMs} x {@code bfdMultiplier}, or the hold timer alone (interval 0). */
    record Liveness(int bfdIntervalMs, int bfdMultiplier, int holdTime) {
        boolean bfd() {
            return bfdIntervalMs > 0;
        }

        String describe() {
            return bfd() ? "BFD " + bfdIntervalMs + " ms x " + bfdMultiplier + " (hold time " + holdTime + " s)"
                    : "bgp-keepalive, hold time " + holdTime + " s";
        }
    }

    protected final String prefix;
    protected final Path dir;
    protected final Liveness liveness;

    Lab(String prefix, Path dir, Liveness liveness) {
        this.prefix = prefix;
        this.dir = dir;
        this.liveness = liveness;
    }

    /** The route server's name in the tables: "vroute", "BIRD". */
    abstract String name();

    /** Builds the namespaces and starts the route server; the appliances come after. */
    abstract void build();

    abstract String router();

    /** The kernel table the client's subnet looks up. */
    abstract int table();

    abstract String activeNamespace();

    abstract String standbyNamespace();

    abstract String clientNamespace();

    /**
     * When the route server's BFD session with {@code peer} went Down after {@code after}, by the route server's own
     * account; null when it has none (yet).
     */
    abstract Instant bfdDown(String peer, Instant after);

    /** A second account of the same Down, where the route server has one (vroute: its control thread's event), or null. */
    Instant bfdDownHandled(String peer, Instant after) {
        return null;
    }

    /** Whether both sessions (and, with BFD, both BFD sessions) are up at the route server. */
    abstract boolean sessionsUp();

    abstract String logs();

    /** Puts 172.16.1.1/32 on the appliance's loopback (it answers the client's pings itself). */
    static void floatingOnLoopback(String ns) {
        Shell.check("ip", "-n", ns, "link", "set", "lo", "up");
        Shell.check("ip", "-n", ns, "addr", "add", FLOATING + "/32", "dev", "lo");
    }

    @Override
    public void close() {
        Shell.stopAll();
        Shell.deleteNamespaces(prefix);
    }
}
