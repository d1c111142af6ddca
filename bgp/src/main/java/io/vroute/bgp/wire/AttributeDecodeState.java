package io.vroute.bgp.wire;

import io.vroute.bgp.wire.UpdateMessage.ErrorHandling;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Scratch state the {@link AttributeParser}s fill while one attribute block is decoded; reused by its
 * {@link UpdateDecoder} (so not thread-safe). Also records the RFC 7606 outcome: the heaviest action seen
 * (§3 h) and one log line per problem.
 */
final class AttributeDecodeState {
    static final int AS_TRANS = 23456; // RFC 6793 §2

    boolean fourOctetAs;
    Origin origin;
    AsPath asPath;
    InetAddress nextHop;
    Long med;
    Long localPref;
    boolean atomicAggregate;
    PathAttributes.Aggregator aggregator;
    long aggregatorWireAs;
    int[] communities;
    long[] extendedCommunities;
    int[] largeCommunities;
    final ArrayList<PathAttributes.RawAttribute> others = new ArrayList<>();
    AsPath as4Path;
    PathAttributes.Aggregator as4Aggregator;
    boolean hasOrigin, hasAsPath, hasNextHop;
    String nextHopProblem;
    /** Set by AS path parsing when it returns null. */
    String pathProblem;

    ErrorHandling handling = ErrorHandling.NONE;
    ArrayList<String> errors;
    private final long[] seen = new long[4];

    // Memo of the last IPv4 address built: sessions mostly repeat one next hop.
    private int lastV4 = 0;
    private InetAddress lastV4Address;

    /** Starts a new attribute block. */
    void begin(boolean fourOctetAs) {
        this.fourOctetAs = fourOctetAs;
        origin = null; asPath = null; nextHop = null; med = null; localPref = null; atomicAggregate = false;
        aggregator = null; aggregatorWireAs = -1; communities = null; extendedCommunities = null; largeCommunities = null;
        others.clear(); as4Path = null; as4Aggregator = null;
        hasOrigin = false; hasAsPath = false; hasNextHop = false; nextHopProblem = null; pathProblem = null;
        handling = ErrorHandling.NONE; errors = null;
        seen[0] = 0; seen[1] = 0; seen[2] = 0; seen[3] = 0;
    }

    /** Marks {@code type} as seen; true when it was already (a duplicate, RFC 7606 §3 g). */
    boolean markSeen(int type) {
        long bit = 1L << (type & 63);
        boolean dup = (seen[type >>> 6] & bit) != 0;
        seen[type >>> 6] |= bit;
        return dup;
    }

    /** Records a problem; the heaviest action wins (RFC 7606 §3 h). */
    void record(ErrorHandling action, String line) {
        if (errors == null) errors = new ArrayList<>(2);
        errors.add(line);
        if (action.ordinal() > handling.ordinal()) handling = action;
    }

    List<String> errorList() { return errors == null ? List.of() : List.copyOf(errors); }

    InetAddress ipv4(byte[] b, int off) {
        int v = NlriCodec.readInt(b, off);
        if (v == lastV4 && lastV4Address != null) return lastV4Address;
        try {
            InetAddress a = InetAddress.getByAddress(new byte[] {b[off], b[off + 1], b[off + 2], b[off + 3]});
            lastV4 = v;
            lastV4Address = a;
            return a;
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static InetAddress ipv6(byte[] b, int off) {
        try {
            // Inet6Address even for ::ffff:a.b.c.d, which InetAddress.getByAddress would turn into IPv4.
            return Inet6Address.getByAddress(null, java.util.Arrays.copyOfRange(b, off, off + 16), -1);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * RFC 6793 §4.2.3: on a 2-octet session, merges AS4_PATH and AS4_AGGREGATOR into AS_PATH and AGGREGATOR.
     */
    void reconcileAs4() {
        if (fourOctetAs || (as4Path == null && as4Aggregator == null)) return;
        if (aggregator != null && as4Aggregator != null) {
            // RFC 6793 §4.2.3: an AGGREGATOR other than AS_TRANS means an OLD speaker aggregated after the AS4
            // attributes were made: AS4_AGGREGATOR and AS4_PATH are both ignored.
            if (aggregatorWireAs != AS_TRANS) return;
            aggregator = as4Aggregator;
        }
        if (as4Path == null || asPath == null) return;
        int n = countForMerge(asPath), n4 = countForMerge(as4Path);
        // RFC 6793 §4.2.3: an AS4_PATH longer than AS_PATH is ignored.
        if (n < n4) return;
        asPath = merge(asPath, as4Path, n - n4);
    }

    /** RFC 6793 §4.2.3: AS_SET counts as one AS, confederation segments count none. */
    private static int countForMerge(AsPath p) {
        int n = 0;
        for (AsPath.Segment s : p.segments()) {
            switch (s.type()) {
                case AS_SEQUENCE -> n += s.size();
                case AS_SET -> n += 1;
                default -> { }
            }
        }
        return n;
    }

    /**
     * RFC 6793 §4.2.3: the leading {@code need} ASes of AS_PATH (with any confederation segments among them)
     * followed by AS4_PATH; a partial AS_SEQUENCE joins an AS4_PATH that starts with one.
     */
    private static AsPath merge(AsPath path, AsPath as4, int need) {
        List<AsPath.Segment> out = new ArrayList<>(path.segments().size() + as4.segments().size());
        for (AsPath.Segment s : path.segments()) {
            if (s.type() == AsPath.SegmentType.AS_CONFED_SEQUENCE || s.type() == AsPath.SegmentType.AS_CONFED_SET) {
                out.add(s);
                continue;
            }
            if (need == 0) break;
            if (s.type() == AsPath.SegmentType.AS_SET) {
                out.add(s);
                need--;
                continue;
            }
            int take = Math.min(need, s.size());
            out.add(take == s.size() ? s : new AsPath.Segment(s.type(), java.util.Arrays.copyOf(s.asns(), take)));
            need -= take;
        }
        List<AsPath.Segment> tail = as4.segments();
        int from = 0;
        if (!out.isEmpty() && !tail.isEmpty()) {
            AsPath.Segment last = out.get(out.size() - 1), first = tail.get(0);
            if (last.type() == AsPath.SegmentType.AS_SEQUENCE && first.type() == AsPath.SegmentType.AS_SEQUENCE
                    && last.size() + first.size() <= 255) {
                int[] a = last.asns(), b = first.asns();
                int[] joined = java.util.Arrays.copyOf(a, a.length + b.length);
                System.arraycopy(b, 0, joined, a.length, b.length);
                out.set(out.size() - 1, new AsPath.Segment(AsPath.SegmentType.AS_SEQUENCE, joined));
                from = 1;
            }
        }
        out.addAll(tail.subList(from, tail.size()));
        return new AsPath(out);
    }

    PathAttributes build() {
        // The arrays were made for this block only (the parsers allocate them), so the set may keep them.
        return PathAttributes.decoded(origin, asPath, nextHop, med, localPref, atomicAggregate, aggregator,
                communities, extendedCommunities, largeCommunities, others);
    }

    DecodedAttributes result() {
        return new DecodedAttributes(build(), handling, errorList(), hasOrigin, hasAsPath, hasNextHop, nextHopProblem, fourOctetAs);
    }
}
