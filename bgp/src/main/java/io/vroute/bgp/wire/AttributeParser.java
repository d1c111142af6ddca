package io.vroute.bgp.wire;

import io.vroute.bgp.wire.UpdateMessage.ErrorHandling;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decodes one path attribute type into {@link AttributeDecodeState}. Each subclass knows its type code, the
 * Optional/Transitive flags the spec gives it, and what RFC 7606 prescribes when it is malformed;
 * {@link #parse} only says what is wrong, and {@link #malformed} turns that into treat-as-withdraw,
 * attribute-discard or a session reset. Parsers are stateless singletons registered by type code.
 */
abstract class AttributeParser {
    /** What a malformed attribute of this type leads to. */
    enum Action { TREAT_AS_WITHDRAW, ATTRIBUTE_DISCARD, SESSION_RESET }

    private static final AttributeParser[] BY_TYPE = new AttributeParser[256];

    static {
        for (AttributeParser p : List.of(new OriginParser(), new AsPathParser(), new NextHopParser(), new MedParser(),
                new LocalPrefParser(), new AtomicAggregateParser(), new AggregatorParser(), new CommunitiesParser(),
                new OriginatorIdParser(), new ClusterListParser(), new ExtendedCommunitiesParser(), new As4PathParser(),
                new As4AggregatorParser(), new LargeCommunitiesParser())) {
            BY_TYPE[p.type] = p;
        }
    }

    /** The parser of {@code type}, or null when the type is not recognized. */
    static AttributeParser forType(int type) { return BY_TYPE[type]; }

    /** Name for log lines: "AS_PATH", or "attribute 99". */
    static String name(int type) {
        AttributeParser p = BY_TYPE[type];
        if (p != null) return p.name;
        return switch (type) {
            case PathAttributes.MP_REACH_NLRI -> "MP_REACH_NLRI";
            case PathAttributes.MP_UNREACH_NLRI -> "MP_UNREACH_NLRI";
            default -> "attribute " + type;
        };
    }

    final int type;
    final String name;
    /** The Optional and Transitive bits (RFC 4271 §4.3) this attribute must carry. */
    final int flags;
    final Action action;
    /** Where the malformation rule comes from, for the log line. */
    final String reference;

    AttributeParser(int type, String name, int flags, Action action, String reference) {
        this.type = type;
        this.name = name;
        this.flags = flags;
        this.action = action;
        this.reference = reference;
    }

    /**
     * Decodes the {@code len} value octets at {@code off}; returns null when well formed, otherwise what is
     * wrong, with nothing stored in {@code st}.
     */
    abstract String parse(byte[] b, int off, int len, int attrFlags, AttributeDecodeState st);

    /**
     * Applies this attribute's malformation rule. {@code attrStart..attrEnd} is the whole attribute, which a
     * session reset sends back in the NOTIFICATION data (RFC 4271 §6.3).
     */
    void malformed(AttributeDecodeState st, String reason, byte[] b, int attrStart, int attrEnd, int subcode)
            throws BgpProtocolException {
        switch (action) {
            case TREAT_AS_WITHDRAW -> st.record(ErrorHandling.TREAT_AS_WITHDRAW,
                    name + ": " + reason + "; treat-as-withdraw (" + reference + ")");
            case ATTRIBUTE_DISCARD -> st.record(ErrorHandling.ATTRIBUTE_DISCARD,
                    name + ": " + reason + "; attribute-discard (" + reference + ")");
            case SESSION_RESET -> throw new BgpProtocolException(NotificationMessage.UPDATE_MESSAGE_ERROR, subcode,
                    Arrays.copyOfRange(b, attrStart, attrEnd), name + ": " + reason + " (" + reference + ")");
        }
    }

    static long readUnsigned(byte[] b, int off) { return NlriCodec.readInt(b, off) & 0xFFFF_FFFFL; }

    static String wrongLength(int len, String expected) { return "length " + len + " (expected " + expected + ")"; }

    /**
     * An AS_PATH-encoded value (RFC 4271 §4.3 with RFC 5065 §3 segment types) of {@code asSize}-octet ASNs, or
     * null with {@code st.pathProblem} set when malformed per RFC 7606 §7.2 (unknown segment type, overrun,
     * lone trailing octet, empty segment) or when it holds AS 0 (RFC 7607 §2).
     */
    static AsPath parsePath(byte[] b, int off, int len, int asSize, AttributeDecodeState st) {
        if (len == 0) return AsPath.EMPTY;
        int end = off + len;
        int p = off;
        AsPath.Segment first = null;
        List<AsPath.Segment> more = null;
        while (p < end) {
            if (end - p < 2) { st.pathProblem = "segment header truncated"; return null; }
            AsPath.SegmentType t = AsPath.SegmentType.ofCode(b[p] & 0xFF);
            int n = b[p + 1] & 0xFF;
            if (t == null) { st.pathProblem = "undefined segment type " + (b[p] & 0xFF); return null; }
            if (n == 0) { st.pathProblem = "segment of length 0"; return null; }
            p += 2;
            if (p + n * asSize > end) { st.pathProblem = "segment overruns attribute"; return null; }
            int[] asns = new int[n];
            if (asSize == 4) {
                for (int i = 0; i < n; i++, p += 4) asns[i] = NlriCodec.readInt(b, p);
            } else {
                for (int i = 0; i < n; i++, p += 2) asns[i] = (b[p] & 0xFF) << 8 | (b[p + 1] & 0xFF);
            }
            for (int a : asns) if (a == 0) { st.pathProblem = "AS 0 in path (RFC 7607 §2)"; return null; }
            AsPath.Segment s = new AsPath.Segment(t, asns);
            if (first == null) {
                first = s;
            } else {
                if (more == null) { more = new ArrayList<>(4); more.add(first); }
                more.add(s);
            }
        }
        return new AsPath(more == null ? List.of(first) : more);
    }

    // ---- one parser per attribute type ----

    /** ORIGIN, well-known mandatory (RFC 4271 §5.1.1). */
    static final class OriginParser extends AttributeParser {
        static final int TYPE = PathAttributes.ORIGIN;
        OriginParser() { super(TYPE, "ORIGIN", PathAttributes.FLAG_TRANSITIVE, Action.TREAT_AS_WITHDRAW, "RFC 7606 §7.1"); }
        @Override String parse(byte[] b, int off, int len, int f, AttributeDecodeState st) {
            st.hasOrigin = true;
            if (len != 1) return wrongLength(len, "1");
            Origin o = Origin.ofCode(b[off] & 0xFF);
            if (o == null) return "undefined value " + (b[off] & 0xFF);
            st.origin = o;
            return null;
        }
    }

    /** AS_PATH, well-known mandatory (RFC 4271 §5.1.2); 2- or 4-octet ASNs by session (RFC 6793 §4). */
    static final class AsPathParser extends AttributeParser {
        static final int TYPE = PathAttributes.AS_PATH;
        AsPathParser() { super(TYPE, "AS_PATH", PathAttributes.FLAG_TRANSITIVE, Action.TREAT_AS_WITHDRAW, "RFC 7606 §7.2"); }
        @Override String parse(byte[] b, int off, int len, int f, AttributeDecodeState st) {
            st.hasAsPath = true;
            AsPath p = parsePath(b, off, len, st.fourOctetAs ? 4 : 2, st);
            if (p == null) return st.pathProblem;
            st.asPath = p;
            return null;
        }
    }

    /**
     * NEXT_HOP, well-known (RFC 4271 §5.1.3), needed only for the NLRI field (RFC 4760 §3). A problem is kept
     * aside: the decoder applies treat-as-withdraw (RFC 7606 §7.3) only when the NLRI field is not empty.
     */
    static final class NextHopParser extends AttributeParser {
        static final int TYPE = PathAttributes.NEXT_HOP;
        NextHopParser() { super(TYPE, "NEXT_HOP", PathAttributes.FLAG_TRANSITIVE, Action.TREAT_AS_WITHDRAW, "RFC 7606 §7.3"); }
        @Override String parse(byte[] b, int off, int len, int f, AttributeDecodeState st) {
            st.hasNextHop = true;
            if (len != 4) return wrongLength(len, "4");
            int a = NlriCodec.readInt(b, off);
            int top = a >>> 24;
            // RFC 4271 §6.3: a next hop that is not a valid host address is semantically incorrect: this
            // network (0/8), loopback (127/8), multicast (224/4) and reserved/broadcast (240/4).
            if (top == 0 || top == 127 || top >= 224) return "not a valid host address " + (top) + "." + ((a >>> 16) & 0xFF) + "." + ((a >>> 8) & 0xFF) + "." + (a & 0xFF);
            st.nextHop = st.ipv4(b, off);
            return null;
        }
        @Override void malformed(AttributeDecodeState st, String reason, byte[] b, int s, int e, int subcode) {
            st.hasNextHop = true;
            st.nextHopProblem = reason;
        }
    }

    /** MULTI_EXIT_DISC, optional non-transitive (RFC 4271 §5.1.4). */
    static final class MedParser extends AttributeParser {
        static final int TYPE = PathAttributes.MULTI_EXIT_DISC;
        MedParser() { super(TYPE, "MULTI_EXIT_DISC", PathAttributes.FLAG_OPTIONAL, Action.TREAT_AS_WITHDRAW, "RFC 7606 §7.4"); }
        @Override String parse(byte[] b, int off, int len, int f, AttributeDecodeState st) {
            if (len != 4) return wrongLength(len, "4");
            st.med = readUnsigned(b, off);
            return null;
        }
    }

    /**
     * LOCAL_PREF, well-known (RFC 4271 §5.1.5). RFC 7606 §7.5 has an eBGP peer's LOCAL_PREF discarded; whether
     * the peer is external is the session's business, this layer only checks the length.
     */
    static final class LocalPrefParser extends AttributeParser {
        static final int TYPE = PathAttributes.LOCAL_PREF;
        LocalPrefParser() { super(TYPE, "LOCAL_PREF", PathAttributes.FLAG_TRANSITIVE, Action.TREAT_AS_WITHDRAW, "RFC 7606 §7.5"); }
        @Override String parse(byte[] b, int off, int len, int f, AttributeDecodeState st) {
            if (len != 4) return wrongLength(len, "4");
            st.localPref = readUnsigned(b, off);
            return null;
        }
    }

    /** ATOMIC_AGGREGATE, well-known discretionary (RFC 4271 §5.1.6). */
    static final class AtomicAggregateParser extends AttributeParser {
        static final int TYPE = PathAttributes.ATOMIC_AGGREGATE;
        AtomicAggregateParser() { super(TYPE, "ATOMIC_AGGREGATE", PathAttributes.FLAG_TRANSITIVE, Action.ATTRIBUTE_DISCARD, "RFC 7606 §7.6"); }
        @Override String parse(byte[] b, int off, int len, int f, AttributeDecodeState st) {
            if (len != 0) return wrongLength(len, "0");
            st.atomicAggregate = true;
            return null;
        }
    }

    /** AGGREGATOR, optional transitive (RFC 4271 §5.1.7), 6 octets on 2-octet sessions, 8 on 4-octet (RFC 6793 §4). */
    static final class AggregatorParser extends AttributeParser {
        static final int TYPE = PathAttributes.AGGREGATOR;
        AggregatorParser() { super(TYPE, "AGGREGATOR", PathAttributes.FLAG_OPTIONAL | PathAttributes.FLAG_TRANSITIVE, Action.ATTRIBUTE_DISCARD, "RFC 7606 §7.7"); }
        @Override String parse(byte[] b, int off, int len, int f, AttributeDecodeState st) {
            int asSize = st.fourOctetAs ? 4 : 2;
            if (len != asSize + 4) return wrongLength(len, String.valueOf(asSize + 4));
            long as = asSize == 4 ? readUnsigned(b, off) : ((b[off] & 0xFF) << 8 | (b[off + 1] & 0xFF));
            if (as == 0) return "AS 0 (RFC 7607 §2)";
            st.aggregatorWireAs = as;
            st.aggregator = new PathAttributes.Aggregator(as, st.ipv4(b, off + asSize));
            return null;
        }
    }

    /** COMMUNITIES, optional transitive (RFC 1997). */
    static final class CommunitiesParser extends AttributeParser {
        static final int TYPE = PathAttributes.COMMUNITIES;
        CommunitiesParser() { super(TYPE, "COMMUNITIES", PathAttributes.FLAG_OPTIONAL | PathAttributes.FLAG_TRANSITIVE, Action.TREAT_AS_WITHDRAW, "RFC 7606 §7.8"); }
        @Override String parse(byte[] b, int off, int len, int f, AttributeDecodeState st) {
            if (len == 0 || len % 4 != 0) return wrongLength(len, "a non-zero multiple of 4");
            int[] c = new int[len / 4];
            for (int i = 0; i < c.length; i++) c[i] = NlriCodec.readInt(b, off + 4 * i);
            st.communities = c;
            return null;
        }
    }

    /** ORIGINATOR_ID, optional non-transitive (RFC 4456 §8); kept verbatim. */
    static final class OriginatorIdParser extends AttributeParser {
        static final int TYPE = PathAttributes.ORIGINATOR_ID;
        OriginatorIdParser() { super(TYPE, "ORIGINATOR_ID", PathAttributes.FLAG_OPTIONAL, Action.TREAT_AS_WITHDRAW, "RFC 7606 §7.9"); }
        @Override String parse(byte[] b, int off, int len, int f, AttributeDecodeState st) {
            if (len != 4) return wrongLength(len, "4");
            st.others.add(new PathAttributes.RawAttribute(f & ~PathAttributes.FLAG_EXTENDED_LENGTH, TYPE, Arrays.copyOfRange(b, off, off + len)));
            return null;
        }
    }

    /** CLUSTER_LIST, optional non-transitive (RFC 4456 §8); kept verbatim. */
    static final class ClusterListParser extends AttributeParser {
        static final int TYPE = PathAttributes.CLUSTER_LIST;
        ClusterListParser() { super(TYPE, "CLUSTER_LIST", PathAttributes.FLAG_OPTIONAL, Action.TREAT_AS_WITHDRAW, "RFC 7606 §7.10"); }
        @Override String parse(byte[] b, int off, int len, int f, AttributeDecodeState st) {
            if (len == 0 || len % 4 != 0) return wrongLength(len, "a non-zero multiple of 4");
            st.others.add(new PathAttributes.RawAttribute(f & ~PathAttributes.FLAG_EXTENDED_LENGTH, TYPE, Arrays.copyOfRange(b, off, off + len)));
            return null;
        }
    }

    /** EXTENDED_COMMUNITIES, optional transitive (RFC 4360 §2), kept as opaque 8-octet values. */
    static final class ExtendedCommunitiesParser extends AttributeParser {
        static final int TYPE = PathAttributes.EXTENDED_COMMUNITIES;
        ExtendedCommunitiesParser() { super(TYPE, "EXTENDED_COMMUNITIES", PathAttributes.FLAG_OPTIONAL | PathAttributes.FLAG_TRANSITIVE, Action.TREAT_AS_WITHDRAW, "RFC 7606 §7.14"); }
        @Override String parse(byte[] b, int off, int len, int f, AttributeDecodeState st) {
            if (len == 0 || len % 8 != 0) return wrongLength(len, "a non-zero multiple of 8");
            long[] c = new long[len / 8];
            for (int i = 0; i < c.length; i++) {
                c[i] = (long) NlriCodec.readInt(b, off + 8 * i) << 32 | (NlriCodec.readInt(b, off + 8 * i + 4) & 0xFFFF_FFFFL);
            }
            st.extendedCommunities = c;
            return null;
        }
    }

    /**
     * AS4_PATH, optional transitive (RFC 6793 §3). Only meaningful from a 2-octet session; malformed ones are
     * discarded (RFC 6793 §6), as is one sent on a 4-octet session (RFC 6793 §6: NEW speakers do not send it).
     */
    static final class As4PathParser extends AttributeParser {
        static final int TYPE = PathAttributes.AS4_PATH;
        As4PathParser() { super(TYPE, "AS4_PATH", PathAttributes.FLAG_OPTIONAL | PathAttributes.FLAG_TRANSITIVE, Action.ATTRIBUTE_DISCARD, "RFC 6793 §6"); }
        @Override String parse(byte[] b, int off, int len, int f, AttributeDecodeState st) {
            if (st.fourOctetAs) return "received on a 4-octet AS session";
            AsPath p = parsePath(b, off, len, 4, st);
            if (p == null) return st.pathProblem;
            boolean confed = false;
            for (AsPath.Segment s : p.segments()) {
                confed |= s.type() == AsPath.SegmentType.AS_CONFED_SEQUENCE || s.type() == AsPath.SegmentType.AS_CONFED_SET;
            }
            if (confed) {
                // RFC 6793 §6: confederation segments in AS4_PATH are dropped, the rest is used.
                List<AsPath.Segment> keep = new ArrayList<>();
                for (AsPath.Segment s : p.segments()) {
                    if (s.type() == AsPath.SegmentType.AS_SEQUENCE || s.type() == AsPath.SegmentType.AS_SET) keep.add(s);
                }
                p = new AsPath(keep);
                st.record(ErrorHandling.ATTRIBUTE_DISCARD, name + ": confederation segment; segment discarded (" + reference + ")");
            }
            st.as4Path = p;
            return null;
        }
    }

    /** AS4_AGGREGATOR, optional transitive (RFC 6793 §3); discarded when malformed (RFC 6793 §6). */
    static final class As4AggregatorParser extends AttributeParser {
        static final int TYPE = PathAttributes.AS4_AGGREGATOR;
        As4AggregatorParser() { super(TYPE, "AS4_AGGREGATOR", PathAttributes.FLAG_OPTIONAL | PathAttributes.FLAG_TRANSITIVE, Action.ATTRIBUTE_DISCARD, "RFC 6793 §6"); }
        @Override String parse(byte[] b, int off, int len, int f, AttributeDecodeState st) {
            if (st.fourOctetAs) return "received on a 4-octet AS session";
            if (len != 8) return wrongLength(len, "8");
            long as = readUnsigned(b, off);
            if (as == 0) return "AS 0 (RFC 7607 §2)";
            st.as4Aggregator = new PathAttributes.Aggregator(as, st.ipv4(b, off + 4));
            return null;
        }
    }

    /** LARGE_COMMUNITIES, optional transitive (RFC 8092 §3). */
    static final class LargeCommunitiesParser extends AttributeParser {
        static final int TYPE = PathAttributes.LARGE_COMMUNITIES;
        LargeCommunitiesParser() { super(TYPE, "LARGE_COMMUNITIES", PathAttributes.FLAG_OPTIONAL | PathAttributes.FLAG_TRANSITIVE, Action.TREAT_AS_WITHDRAW, "RFC 8092 §6"); }
        @Override String parse(byte[] b, int off, int len, int f, AttributeDecodeState st) {
            if (len == 0 || len % 12 != 0) return wrongLength(len, "a non-zero multiple of 12");
            int[] c = new int[len / 4];
            for (int i = 0; i < c.length; i++) c[i] = NlriCodec.readInt(b, off + 4 * i);
            st.largeCommunities = c;
            return null;
        }
    }
}
