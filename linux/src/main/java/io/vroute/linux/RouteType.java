package io.vroute.linux;

/**
 * What the kernel does with packets a route matches (rtm_type, {@code RTN_*} in {@code <linux/rtnetlink.h>}).
 * vroute writes {@link #UNICAST} and {@link #BLACKHOLE} routes ({@link #UNREACHABLE} and {@link #PROHIBIT} too);
 * the others appear in dumps of tables the kernel fills itself.
 */
public enum RouteType {
    /** Forward to the next hop (a gateway, or directly on an output interface). */
    UNICAST(1),
    /** A local address of this namespace (table local). */
    LOCAL(2),
    /** A broadcast address (table local). */
    BROADCAST(3),
    /** An anycast address. */
    ANYCAST(4),
    /** A multicast route. */
    MULTICAST(5),
    /** Drop silently. */
    BLACKHOLE(6),
    /** Drop and answer ICMP unreachable. */
    UNREACHABLE(7),
    /** Drop and answer ICMP administratively prohibited. */
    PROHIBIT(8),
    /** Stop the lookup in this table and continue with the next rule. */
    THROW(9),
    /** A route type this module has no name for. */
    OTHER(-1);

    private final int code;

    RouteType(int code) {
        this.code = code;
    }

    /** The RTN_* number. */
    int code() {
        return code;
    }

    /** Whether vroute may write routes of this type. */
    boolean writable() {
        return this == UNICAST || this == BLACKHOLE || this == UNREACHABLE || this == PROHIBIT;
    }

    static RouteType of(int code) {
        for (RouteType t : values()) {
            if (t.code == code) return t;
        }
        return OTHER;
    }
}
