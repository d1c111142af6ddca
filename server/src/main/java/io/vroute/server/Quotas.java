package io.vroute.server;

/**
 * Limits per resource. {@link #aws()} is Amazon VPC Route Server's default quotas, for users who want vroute to
 * refuse what AWS would refuse; {@link #vroute()} (the default) keeps AWS's structural limits and lifts the
 * arbitrary ones far beyond them.
 *
 * <p>A peer that advertises more than {@code routesPerPeer} routes has its session closed with Cease / Maximum
 * Number of Prefixes Reached (RFC 4486 §4), its routes are withdrawn and a warning is logged; it may reconnect after
 * the idle hold time and is closed again if it still sends too many.
 */
public record Quotas(String profile, int routeServersPerRegion, int endpointsPerSubnet, int peersPerEndpoint,
                     int routesPerPeer) {
    public static Quotas aws() { return new Quotas("aws", 5, 2, 20, 100); }

    public static Quotas vroute() { return new Quotas("vroute", 1000, 2, 1000, 2_000_000); }

    public static Quotas named(String name) {
        return switch (name) {
            case "aws" -> aws();
            case "vroute" -> vroute();
            default -> throw new IllegalArgumentException("unknown quota profile '" + name + "': use aws or vroute");
        };
    }
}
