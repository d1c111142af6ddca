package io.vroute.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

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
 * @param peerLogDir   where peer event logs with destination {@code file} go (default {@code <dataDir>/peer-logs})
 * @param webhooks     where notifications of route servers with snsNotificationsEnabled are posted; none by default
 */
public record ServerConfig(Path dataDir, Quotas quotas, int bgpPort, int holdTime, Duration restartGrace,
                           Duration persistRouteUnit, int bfdPort, io.vroute.server.dataplane.KernelLayout dataplane,
                           Path peerLogDir, Webhooks webhooks) {
    /**
     * Webhook endpoints and the secret their requests are signed with (HMAC-SHA256, docs/notifications.md).
     * {@code toString} leaves the secret out.
     */
    public record Webhooks(List<String> urls, byte[] secret) {
        public Webhooks {
            urls = List.copyOf(urls);
        }

        @Override public String toString() { return "Webhooks: " + urls.size() + " endpoint(s), secret not shown"; }
    }

    public ServerConfig(Path dataDir, Quotas quotas, int bgpPort, int holdTime, Duration restartGrace, Duration persistRouteUnit) {
        this(dataDir, quotas, bgpPort, holdTime, restartGrace, persistRouteUnit, 3784, null, dataDir.resolve("peer-logs"), null);
    }

    public static ServerConfig defaults(Path dataDir) {
        return new ServerConfig(dataDir, Quotas.vroute(), 179, 90, Duration.ofSeconds(120), Duration.ofMinutes(1), 3784, null,
                dataDir.resolve("peer-logs"), null);
    }

    public ServerConfig withBfdPort(int p) { return new ServerConfig(dataDir, quotas, bgpPort, holdTime, restartGrace, persistRouteUnit, p, dataplane, peerLogDir, webhooks); }
    public ServerConfig withDataplane(io.vroute.server.dataplane.KernelLayout d) { return new ServerConfig(dataDir, quotas, bgpPort, holdTime, restartGrace, persistRouteUnit, bfdPort, d, peerLogDir, webhooks); }
    public ServerConfig withBgpPort(int p) { return new ServerConfig(dataDir, quotas, p, holdTime, restartGrace, persistRouteUnit, bfdPort, dataplane, peerLogDir, webhooks); }
    public ServerConfig withHoldTime(int h) { return new ServerConfig(dataDir, quotas, bgpPort, h, restartGrace, persistRouteUnit, bfdPort, dataplane, peerLogDir, webhooks); }
    public ServerConfig withQuotas(Quotas q) { return new ServerConfig(dataDir, q, bgpPort, holdTime, restartGrace, persistRouteUnit, bfdPort, dataplane, peerLogDir, webhooks); }
    public ServerConfig withRestartGrace(Duration d) { return new ServerConfig(dataDir, quotas, bgpPort, holdTime, d, persistRouteUnit, bfdPort, dataplane, peerLogDir, webhooks); }
    public ServerConfig withPersistRouteUnit(Duration d) { return new ServerConfig(dataDir, quotas, bgpPort, holdTime, restartGrace, d, bfdPort, dataplane, peerLogDir, webhooks); }
    public ServerConfig withPeerLogDir(Path p) { return new ServerConfig(dataDir, quotas, bgpPort, holdTime, restartGrace, persistRouteUnit, bfdPort, dataplane, p, webhooks); }
    public ServerConfig withWebhooks(Webhooks w) { return new ServerConfig(dataDir, quotas, bgpPort, holdTime, restartGrace, persistRouteUnit, bfdPort, dataplane, peerLogDir, w); }
}
