package io.vroute.bgp.wire;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * AS_PATH (RFC 4271 §5.1.2) as a list of segments; ASNs are always held as 4-octet values (RFC 6793), whatever
 * the session spoke on the wire. Immutable.
 */
public final class AsPath {
    public static final AsPath EMPTY = new AsPath(List.of());

    /** Segment types: RFC 4271 §4.3 (SET, SEQUENCE) and RFC 5065 §3 (confederation segments). */
    public enum SegmentType {
        AS_SET(1), AS_SEQUENCE(2), AS_CONFED_SEQUENCE(3), AS_CONFED_SET(4);

        public final int code;

        SegmentType(int code) { this.code = code; }

        public static SegmentType ofCode(int code) {
            return switch (code) {
                case 1 -> AS_SET;
                case 2 -> AS_SEQUENCE;
                case 3 -> AS_CONFED_SEQUENCE;
                case 4 -> AS_CONFED_SET;
                default -> null;
            };
        }
    }

    /** One segment; {@code asns} holds unsigned 32-bit ASNs in ints. */
    public record Segment(SegmentType type, int[] asns) {
        public Segment {
            asns = asns.clone();
        }
        @Override public int[] asns() { return asns.clone(); }
        public int size() { return asns.length; }
        public long asn(int i) { return asns[i] & 0xFFFF_FFFFL; }
        @Override public boolean equals(Object o) {
            return o instanceof Segment s && s.type == type && Arrays.equals(s.asns, asns);
        }
        @Override public int hashCode() { return type.hashCode() * 31 + Arrays.hashCode(asns); }
    }

    private final List<Segment> segments;
    private final int hash;

    public AsPath(List<Segment> segments) {
        this.segments = List.copyOf(segments);
        this.hash = this.segments.hashCode();
    }

    /** A path of one AS_SEQUENCE. */
    public static AsPath sequence(long... asns) {
        if (asns.length == 0) return EMPTY;
        int[] a = new int[asns.length];
        for (int i = 0; i < asns.length; i++) a[i] = (int) asns[i];
        return new AsPath(List.of(new Segment(SegmentType.AS_SEQUENCE, a)));
    }

    public List<Segment> segments() { return segments; }

    /**
     * The path length the decision process compares (RFC 4271 §9.1.2.2 a): an AS_SET counts as 1 whatever its
     * size, confederation segments count 0 (RFC 5065 §5.3).
     */
    public int length() {
        int n = 0;
        for (Segment s : segments) {
            switch (s.type()) {
                case AS_SEQUENCE -> n += s.asns.length;
                case AS_SET -> n += 1;
                default -> { }
            }
        }
        return n;
    }

    /** True when any segment holds {@code asn} (loop detection, RFC 4271 §9.1.2). */
    public boolean contains(long asn) {
        int a = (int) asn;
        for (Segment s : segments) for (int x : s.asns) if (x == a) return true;
        return false;
    }

    /** Every ASN in order, flattened (sets in their wire order): what `bgp listen --json` prints. */
    public long[] flatten() {
        int n = 0;
        for (Segment s : segments) n += s.asns.length;
        long[] out = new long[n];
        int i = 0;
        for (Segment s : segments) for (int x : s.asns) out[i++] = x & 0xFFFF_FFFFL;
        return out;
    }

    /** The first AS of the path (the neighbour AS, RFC 4271 §9.1.2.2 c), or -1 when the path starts otherwise. */
    public long firstAs() {
        if (segments.isEmpty()) return -1;
        Segment s = segments.get(0);
        return s.type() == SegmentType.AS_SEQUENCE && s.asns.length > 0 ? s.asn(0) : -1;
    }

    /** A copy with {@code asn} prepended {@code times} times. */
    public AsPath prepend(long asn, int times) {
        List<Segment> out = new ArrayList<>(segments.size() + 1);
        int[] add = new int[times];
        Arrays.fill(add, (int) asn);
        if (!segments.isEmpty() && segments.get(0).type() == SegmentType.AS_SEQUENCE
                && segments.get(0).asns.length + times <= 255) {
            int[] old = segments.get(0).asns;
            int[] merged = Arrays.copyOf(add, times + old.length);
            System.arraycopy(old, 0, merged, times, old.length);
            out.add(new Segment(SegmentType.AS_SEQUENCE, merged));
            out.addAll(segments.subList(1, segments.size()));
        } else {
            out.add(new Segment(SegmentType.AS_SEQUENCE, add));
            out.addAll(segments);
        }
        return new AsPath(out);
    }

    @Override public boolean equals(Object o) { return o instanceof AsPath p && p.hash == hash && p.segments.equals(segments); }
    @Override public int hashCode() { return hash; }

    /** "65001 65002 {65003 65004}" in the customary notation; confederation segments in ( ) and [ ]. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Segment s : segments) {
            if (sb.length() > 0) sb.append(' ');
            String open = switch (s.type()) { case AS_SET -> "{"; case AS_CONFED_SEQUENCE -> "("; case AS_CONFED_SET -> "["; default -> ""; };
            String close = switch (s.type()) { case AS_SET -> "}"; case AS_CONFED_SEQUENCE -> ")"; case AS_CONFED_SET -> "]"; default -> ""; };
            sb.append(open);
            for (int i = 0; i < s.asns.length; i++) {
                if (i > 0) sb.append(s.type() == SegmentType.AS_SET || s.type() == SegmentType.AS_CONFED_SET ? "," : " ");
                sb.append(s.asn(i));
            }
            sb.append(close);
        }
        return sb.toString();
    }
}
