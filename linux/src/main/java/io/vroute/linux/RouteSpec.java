package io.vroute.linux;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One route in one kernel routing table: what {@link Routes} writes and what its dumps return.
 *
 * <p>A route is identified in its table by destination and metric (the kernel's key; TOS is always 0 here): adding
 * a second route with the same destination and metric fails (EEXIST), and replace and delete act on the route with
 * that key. An absent metric means 0 for IPv4 and 1024 for IPv6, the kernel's defaults.
 *
 * @param table           the routing table, 1..2^31-1 (254 is main; tables above 255 are sent as RTA_TABLE)
 * @param destination     the destination prefix
 * @param gateway         the next hop, same family as the destination; empty for a directly connected route
 * @param outputInterface the interface index of the next hop; a unicast route needs it or a gateway (or both)
 * @param protocol        who owns the route (rtm_protocol, 0..255); {@link Netlink#VROUTE_PROTOCOL} for vroute's
 * @param metric          the route's priority (RTA_PRIORITY, lower wins), empty for the kernel's default
 * @param type            unicast, blackhole, ...
 */
public record RouteSpec(int table, IpPrefix destination, Optional<InetAddress> gateway, OptionalInt outputInterface,
                        int protocol, OptionalInt metric, RouteType type) {

    /** Metric the kernel gives an IPv6 route written without one (IP6_RT_PRIO_USER). */
    static final int IPV6_DEFAULT_METRIC = 1024;

    /**
     * Checks the route; null optionals are taken as empty and a null type as unicast. Whether the route can be
     * written (a unicast route needs a next hop) is checked by {@link Routes}, since dumps return any route.
     *
     * @throws IllegalArgumentException for a table, protocol or interface out of range, or a gateway of the other
     *                                  family
     */
    public RouteSpec {
        if (table < 1) throw new IllegalArgumentException("route table " + table + " is not in 1..2147483647");
        if (destination == null) throw new IllegalArgumentException("a route needs a destination prefix");
        if (gateway == null) gateway = Optional.empty();
        if (outputInterface == null) outputInterface = OptionalInt.empty();
        if (metric == null) metric = OptionalInt.empty();
        if (type == null) type = RouteType.UNICAST;
        if (protocol < 0 || protocol > 255) throw new IllegalArgumentException("route protocol " + protocol + " is not in 0..255");
        if (gateway.isPresent() && (gateway.get() instanceof Inet6Address) != destination.ipv6()) {
            throw new IllegalArgumentException("gateway " + gateway.get().getHostAddress() + " is not of the family of "
                    + destination + ": give an IPv" + (destination.ipv6() ? "6" : "4") + " gateway");
        }
        if (outputInterface.isPresent() && outputInterface.getAsInt() < 1) {
            throw new IllegalArgumentException("interface index " + outputInterface.getAsInt() + " is not positive: "
                    + "look it up with Links.indexOf");
        }
    }

    /** A unicast route of vroute's via {@code gateway}, out of interface {@code outputInterface} (0: any). */
    public static RouteSpec via(int table, IpPrefix destination, InetAddress gateway, int outputInterface) {
        return new RouteSpec(table, destination, Optional.of(gateway),
                outputInterface == 0 ? OptionalInt.empty() : OptionalInt.of(outputInterface),
                Netlink.VROUTE_PROTOCOL, OptionalInt.empty(), RouteType.UNICAST);
    }

    /** A directly connected unicast route of vroute's: destinations reached on {@code outputInterface}. */
    public static RouteSpec onLink(int table, IpPrefix destination, int outputInterface) {
        return new RouteSpec(table, destination, Optional.empty(), OptionalInt.of(outputInterface),
                Netlink.VROUTE_PROTOCOL, OptionalInt.empty(), RouteType.UNICAST);
    }

    /** A blackhole route of vroute's: matching packets are dropped. */
    public static RouteSpec blackhole(int table, IpPrefix destination) {
        return new RouteSpec(table, destination, Optional.empty(), OptionalInt.empty(),
                Netlink.VROUTE_PROTOCOL, OptionalInt.empty(), RouteType.BLACKHOLE);
    }

    /** This route with metric {@code value}. */
    public RouteSpec withMetric(int value) {
        return new RouteSpec(table, destination, gateway, outputInterface, protocol, OptionalInt.of(value), type);
    }

    /** This route owned by {@code value} instead. */
    public RouteSpec withProtocol(int value) {
        return new RouteSpec(table, destination, gateway, outputInterface, value, metric, type);
    }

    /** The metric the kernel keys this route by: the given one, else its default for the family. */
    int effectiveMetric() {
        return metric.orElse(destination.ipv6() ? IPV6_DEFAULT_METRIC : 0);
    }

    /** Whether {@code other} has the same key in the kernel: table, destination and metric. */
    boolean sameKey(RouteSpec other) {
        return table == other.table && destination.equals(other.destination) && effectiveMetric() == other.effectiveMetric();
    }

    /** Like {@code ip route}: {@code 10.0.0.0/24 via 10.0.1.1 dev#3 table 100 proto 249 metric 5}. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        if (type != RouteType.UNICAST) s.append(type.name().toLowerCase(java.util.Locale.ROOT)).append(' ');
        s.append(destination);
        gateway.ifPresent(g -> s.append(" via ").append(g.getHostAddress()));
        outputInterface.ifPresent(i -> s.append(" dev#").append(i));
        s.append(" table ").append(table).append(" proto ").append(protocol);
        metric.ifPresent(m -> s.append(" metric ").append(Integer.toUnsignedString(m)));
        return s.toString();
    }
}
