package io.vroute.bgp.wire;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * The path attributes of an UPDATE (RFC 4271 §5) other than MP_REACH_NLRI and MP_UNREACH_NLRI, which
 * {@link UpdateMessage} carries as NLRI. Immutable, with a precomputed hash, so that identical sets can be
 * interned and shared by every route that carries them. ASNs (AS_PATH, AGGREGATOR) are 4-octet values: the
 * decoder has already merged AS4_PATH/AS4_AGGREGATOR from 2-octet peers (RFC 6793 §4.2.3), and the encoder
 * splits them again for such peers.
 */
public final class PathAttributes {
    // Attribute type codes
    public static final int ORIGIN = 1;              // RFC 4271 §5.1.1
    public static final int AS_PATH = 2;             // RFC 4271 §5.1.2
    public static final int NEXT_HOP = 3;            // RFC 4271 §5.1.3
    public static final int MULTI_EXIT_DISC = 4;     // RFC 4271 §5.1.4
    public static final int LOCAL_PREF = 5;          // RFC 4271 §5.1.5
    public static final int ATOMIC_AGGREGATE = 6;    // RFC 4271 §5.1.6
    public static final int AGGREGATOR = 7;          // RFC 4271 §5.1.7
    public static final int COMMUNITIES = 8;         // RFC 1997
    public static final int ORIGINATOR_ID = 9;       // RFC 4456
    public static final int CLUSTER_LIST = 10;       // RFC 4456
    public static final int MP_REACH_NLRI = 14;      // RFC 4760 §3
    public static final int MP_UNREACH_NLRI = 15;    // RFC 4760 §4
    public static final int EXTENDED_COMMUNITIES = 16; // RFC 4360
    public static final int AS4_PATH = 17;           // RFC 6793 §3
    public static final int AS4_AGGREGATOR = 18;     // RFC 6793 §3
    public static final int LARGE_COMMUNITIES = 32;  // RFC 8092

    // Attribute flags (RFC 4271 §4.3)
    public static final int FLAG_OPTIONAL = 0x80;
    public static final int FLAG_TRANSITIVE = 0x40;
    public static final int FLAG_PARTIAL = 0x20;
    public static final int FLAG_EXTENDED_LENGTH = 0x10;

    private static final int[] NO_INTS = new int[0];
    private static final long[] NO_LONGS = new long[0];
    public static final PathAttributes EMPTY = builder().build();

    /** AGGREGATOR (RFC 4271 §5.1.7) with a 4-octet ASN. */
    public record Aggregator(long asn, InetAddress address) {}

    /**
     * An attribute carried as opaque bytes: an optional transitive attribute this implementation does not
     * interpret (RFC 4271 §5: passed on with the Partial bit set), or a known one kept verbatim.
     */
    public record RawAttribute(int flags, int type, byte[] value) {
        public RawAttribute {
            value = value.clone();
        }
        @Override public byte[] value() { return value.clone(); }
        @Override public boolean equals(Object o) {
            return o instanceof RawAttribute r && r.flags == flags && r.type == type && Arrays.equals(r.value, value);
        }
        @Override public int hashCode() { return (flags * 256 + type) * 31 + Arrays.hashCode(value); }
        @Override public String toString() {
            return "attr" + type + "[flags=0x" + Integer.toHexString(flags) + ", " + HexFormat.of().formatHex(value) + "]";
        }
    }

    private final Origin origin;
    private final AsPath asPath;
    private final InetAddress nextHop;
    private final Long med;
    private final Long localPref;
    private final boolean atomicAggregate;
    private final Aggregator aggregator;
    private final int[] communities;
    private final long[] extendedCommunities;
    private final int[] largeCommunities;
    private final List<RawAttribute> otherAttributes;
    private final int hash;

    private PathAttributes(Builder b) {
        this(b.origin, b.asPath, b.nextHop, b.med, b.localPref, b.atomicAggregate, b.aggregator,
                b.communities == null ? NO_INTS : b.communities.clone(),
                b.extendedCommunities == null ? NO_LONGS : b.extendedCommunities.clone(),
                b.largeCommunities == null ? NO_INTS : b.largeCommunities.clone(), b.otherAttributes);
    }

    /** Takes the arrays as they are (the caller hands them over and keeps no reference); copies the list. */
    private PathAttributes(Origin origin, AsPath asPath, InetAddress nextHop, Long med, Long localPref, boolean atomicAggregate,
                           Aggregator aggregator, int[] communities, long[] extendedCommunities, int[] largeCommunities,
                           List<RawAttribute> otherAttributes) {
        this.origin = origin;
        this.asPath = asPath;
        this.nextHop = nextHop;
        this.med = med;
        this.localPref = localPref;
        this.atomicAggregate = atomicAggregate;
        this.aggregator = aggregator;
        this.communities = communities;
        this.extendedCommunities = extendedCommunities;
        this.largeCommunities = largeCommunities;
        if (largeCommunities.length % 3 != 0) throw new IllegalArgumentException("large communities come in triples");
        this.otherAttributes = List.copyOf(otherAttributes);
        // Objects.hash(origin, asPath, nextHop, med, localPref, atomicAggregate, aggregator, otherAttributes),
        // spelled out so that decoding a set does not allocate the varargs array.
        int h = 1;
        h = 31 * h + Objects.hashCode(origin);
        h = 31 * h + Objects.hashCode(asPath);
        h = 31 * h + Objects.hashCode(nextHop);
        h = 31 * h + Objects.hashCode(med);
        h = 31 * h + Objects.hashCode(localPref);
        h = 31 * h + Boolean.hashCode(atomicAggregate);
        h = 31 * h + Objects.hashCode(aggregator);
        h = 31 * h + this.otherAttributes.hashCode();
        h = h * 31 + Arrays.hashCode(communities);
        h = h * 31 + Arrays.hashCode(extendedCommunities);
        h = h * 31 + Arrays.hashCode(largeCommunities);
        this.hash = h;
    }

    /**
     * The decoder's way in: like the builder, but the community arrays (fresh from the wire, null when absent)
     * become the set's own without a copy, and no builder is made.
     */
    static PathAttributes decoded(Origin origin, AsPath asPath, InetAddress nextHop, Long med, Long localPref,
                                  boolean atomicAggregate, Aggregator aggregator, int[] communities,
                                  long[] extendedCommunities, int[] largeCommunities, List<RawAttribute> otherAttributes) {
        return new PathAttributes(origin, asPath, nextHop, med, localPref, atomicAggregate, aggregator,
                communities == null ? NO_INTS : communities, extendedCommunities == null ? NO_LONGS : extendedCommunities,
                largeCommunities == null ? NO_INTS : largeCommunities, otherAttributes);
    }

    public static Builder builder() { return new Builder(); }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.origin = origin; b.asPath = asPath; b.nextHop = nextHop; b.med = med; b.localPref = localPref;
        b.atomicAggregate = atomicAggregate; b.aggregator = aggregator; b.communities = communities;
        b.extendedCommunities = extendedCommunities; b.largeCommunities = largeCommunities;
        b.otherAttributes.addAll(otherAttributes);
        return b;
    }

    /** Null when absent. */
    public Origin origin() { return origin; }
    /** Null when absent (an UPDATE without AS_PATH); {@link AsPath#EMPTY} when present and empty. */
    public AsPath asPath() { return asPath; }
    /** The NEXT_HOP attribute (IPv4 NLRI only; MP_REACH_NLRI carries its own), null when absent. */
    public InetAddress nextHop() { return nextHop; }
    /** MULTI_EXIT_DISC as an unsigned 32-bit value, null when absent. */
    public Long med() { return med; }
    /** LOCAL_PREF, null when absent. */
    public Long localPref() { return localPref; }
    public boolean atomicAggregate() { return atomicAggregate; }
    public Aggregator aggregator() { return aggregator; }
    /** RFC 1997 communities, each a 32-bit value (high 16 bits the ASN). */
    public int[] communities() { return communities.clone(); }
    public int communityCount() { return communities.length; }
    public int community(int i) { return communities[i]; }
    /** RFC 4360 extended communities as opaque 8-octet values. */
    public long[] extendedCommunities() { return extendedCommunities.clone(); }
    /** RFC 8092 large communities, flattened: global administrator, local data 1, local data 2, repeated. */
    public int[] largeCommunities() { return largeCommunities.clone(); }
    public List<RawAttribute> otherAttributes() { return otherAttributes; }

    /** "65001:100" for each community. */
    public List<String> communityStrings() {
        List<String> out = new ArrayList<>(communities.length);
        for (int c : communities) out.add(((c >>> 16) & 0xFFFF) + ":" + (c & 0xFFFF));
        return out;
    }

    /** "65001:1:2" for each large community. */
    public List<String> largeCommunityStrings() {
        List<String> out = new ArrayList<>(largeCommunities.length / 3);
        for (int i = 0; i < largeCommunities.length; i += 3) {
            out.add(Integer.toUnsignedString(largeCommunities[i]) + ":" + Integer.toUnsignedString(largeCommunities[i + 1])
                    + ":" + Integer.toUnsignedString(largeCommunities[i + 2]));
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        return o instanceof PathAttributes p && p.hash == hash && p.atomicAggregate == atomicAggregate
                && p.origin == origin && Objects.equals(p.asPath, asPath) && Objects.equals(p.nextHop, nextHop)
                && Objects.equals(p.med, med) && Objects.equals(p.localPref, localPref)
                && Objects.equals(p.aggregator, aggregator) && Arrays.equals(p.communities, communities)
                && Arrays.equals(p.extendedCommunities, extendedCommunities)
                && Arrays.equals(p.largeCommunities, largeCommunities) && p.otherAttributes.equals(otherAttributes);
    }

    @Override public int hashCode() { return hash; }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        if (origin != null) sb.append("origin=").append(origin.word());
        if (asPath != null) sb.append(", as_path=[").append(asPath).append(']');
        if (nextHop != null) sb.append(", next_hop=").append(Prefix.formatAddress(nextHop));
        if (med != null) sb.append(", med=").append(med);
        if (localPref != null) sb.append(", local_pref=").append(localPref);
        if (atomicAggregate) sb.append(", atomic_aggregate");
        if (aggregator != null) sb.append(", aggregator=").append(aggregator.asn()).append('/').append(Prefix.formatAddress(aggregator.address()));
        if (communities.length > 0) sb.append(", communities=").append(communityStrings());
        if (extendedCommunities.length > 0) {
            sb.append(", ext_communities=[");
            for (int i = 0; i < extendedCommunities.length; i++) sb.append(i > 0 ? " " : "").append(String.format("%016x", extendedCommunities[i]));
            sb.append(']');
        }
        if (largeCommunities.length > 0) sb.append(", large_communities=").append(largeCommunityStrings());
        for (RawAttribute r : otherAttributes) sb.append(", ").append(r);
        return sb.append('}').toString().replace("{, ", "{");
    }

    public static final class Builder {
        private Origin origin;
        private AsPath asPath;
        private InetAddress nextHop;
        private Long med;
        private Long localPref;
        private boolean atomicAggregate;
        private Aggregator aggregator;
        private int[] communities;
        private long[] extendedCommunities;
        private int[] largeCommunities;
        private final List<RawAttribute> otherAttributes = new ArrayList<>(0);

        private Builder() {}

        public Builder origin(Origin v) { origin = v; return this; }
        public Builder asPath(AsPath v) { asPath = v; return this; }
        public Builder nextHop(InetAddress v) { nextHop = v; return this; }
        public Builder med(Long v) { med = v; return this; }
        public Builder localPref(Long v) { localPref = v; return this; }
        public Builder atomicAggregate(boolean v) { atomicAggregate = v; return this; }
        public Builder aggregator(Aggregator v) { aggregator = v; return this; }
        public Builder communities(int[] v) { communities = v; return this; }
        public Builder extendedCommunities(long[] v) { extendedCommunities = v; return this; }
        public Builder largeCommunities(int[] v) { largeCommunities = v; return this; }
        public Builder addOther(RawAttribute v) { otherAttributes.add(v); return this; }
        public Builder clearOthers() { otherAttributes.clear(); return this; }
        public PathAttributes build() { return new PathAttributes(this); }
    }
}
