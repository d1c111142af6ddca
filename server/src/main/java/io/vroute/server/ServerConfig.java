package io.vroute.server;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How a vroute server runs.
 *
 * @param dataDir      where the store lives
 * @param quotas       resource limits ({@link Quotas#vroute()} by default)
 * @param bgpPort      the TCP port every endpoint listens on (179)
 * @param holdTime     the hold time endpoints offer, seconds (RFC 4271 §4.2: the session uses the smaller of both sides')
 * @param restartGrace after a restart, how long installed routes are kept while the peers come back before routes that
 *                     were not re-advertised are removed (like a restarting speaker keeping its forwarding state,
 *                     RFC 4724 §4.1)
 * @param persistRouteUnit the unit of persistRoutesDuration (one minute; tests shorten it)
 * @param bfdPort      the UDP port BFD listens on and sends to (3784, RFC 5881 §4)
 * @param dataplane    where route tables go: null for the model only (the store), or the Linux kernel with this
 *                     layout (a router namespace per VPC, a kernel table per route table)
 */
public record ServerConfig(Path dataDir, Quotas quotas, int bgpPort, int holdTime, Duration restartGrace,
                           Duration persistRouteUnit, int bfdPort, io.vroute.server.dataplane.KernelLayout dataplane) {
    public ServerConfig(Path dataDir, Quotas quotas, int bgpPort, int holdTime, Duration restartGrace, Duration persistRouteUnit) {
        this(dataDir, quotas, bgpPort, holdTime, restartGrace, persistRouteUnit, 3784, null);
    }

    public static ServerConfig defaults(Path dataDir) {
        return new ServerConfig(dataDir, Quotas.vroute(), 179, 90, Duration.ofSeconds(120), Duration.ofMinutes(1), 3784, null);
    }

    public ServerConfig withBfdPort(int p) { return new ServerConfig(dataDir, quotas, bgpPort, holdTime, restartGrace, persistRouteUnit, p, dataplane); }
    public ServerConfig withDataplane(io.vroute.server.dataplane.KernelLayout d) { return new ServerConfig(dataDir, quotas, bgpPort, holdTime, restartGrace, persistRouteUnit, bfdPort, d); }

    public ServerConfig withBgpPort(int p) { return new ServerConfig(dataDir, quotas, p, holdTime, restartGrace, persistRouteUnit, bfdPort, dataplane); }
    public ServerConfig withHoldTime(int h) { return new ServerConfig(dataDir, quotas, bgpPort, h, restartGrace, persistRouteUnit, bfdPort, dataplane); }
    public ServerConfig withQuotas(Quotas q) { return new ServerConfig(dataDir, q, bgpPort, holdTime, restartGrace, persistRouteUnit, bfdPort, dataplane); }
    public ServerConfig withRestartGrace(Duration d) { return new ServerConfig(dataDir, quotas, bgpPort, holdTime, d, persistRouteUnit, bfdPort, dataplane); }
    public ServerConfig withPersistRouteUnit(Duration d) { return new ServerConfig(dataDir, quotas, bgpPort, holdTime, restartGrace, d, bfdPort, dataplane); }
}
