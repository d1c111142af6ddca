package io.vroute.bgp.wire;

import java.util.Arrays;
import java.util.List;

/**
 * A list of prefixes of one address family as carried in an UPDATE, with their ADD-PATH path identifiers
 * (RFC 7911 §3) when the session negotiated ADD-PATH receive for the family. Arrays, so that reading a
 * message allocates one object per prefix and nothing else per prefix.
 */
public final class Nlri {
    public static final Nlri EMPTY_IPV4 = new Nlri(AddressFamily.IPV4_UNICAST, new Prefix[0], null);

    private final AddressFamily family;
    private final Prefix[] prefixes;
    private final int[] pathIds; // null when the family has no ADD-PATH

    public Nlri(AddressFamily family, Prefix[] prefixes, int[] pathIds) {
        if (pathIds != null && pathIds.length != prefixes.length) throw new IllegalArgumentException("one path id per prefix");
        this.family = family;
        this.prefixes = prefixes;
        this.pathIds = pathIds;
    }

    public static Nlri of(AddressFamily family, List<Prefix> prefixes) {
        return new Nlri(family, prefixes.toArray(new Prefix[0]), null);
    }

    public AddressFamily family() { return family; }
    public int size() { return prefixes.length; }
    public boolean isEmpty() { return prefixes.length == 0; }
    public Prefix prefix(int i) { return prefixes[i]; }
    /** True when the prefixes carry ADD-PATH path identifiers. */
    public boolean hasPathIds() { return pathIds != null; }
    /** The path identifier of prefix {@code i}, 0 without ADD-PATH. */
    public int pathId(int i) { return pathIds == null ? 0 : pathIds[i]; }
    public List<Prefix> prefixes() { return List.of(prefixes); }

    @Override
    public boolean equals(Object o) {
        return o instanceof Nlri n && n.family.equals(family) && Arrays.equals(n.prefixes, prefixes)
                && Arrays.equals(n.pathIds, pathIds);
    }

    @Override public int hashCode() { return family.hashCode() * 31 + Arrays.hashCode(prefixes); }

    @Override public String toString() { return family + Arrays.toString(prefixes); }
}
