package io.vroute.bgp.feed;

import io.vroute.bgp.wire.AddressFamily;
import io.vroute.bgp.wire.AsPath;
import io.vroute.bgp.wire.MessageEncoder;
import io.vroute.bgp.wire.Nlri;
import io.vroute.bgp.wire.Origin;
import io.vroute.bgp.wire.PathAttributes;
import io.vroute.bgp.wire.Prefix;
import io.vroute.bgp.wire.SessionContext;
import io.vroute.bgp.wire.UpdateMessage;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A realistic, reproducible IPv4 table for benchmarks and feeders: distinct prefixes with an Internet-like
 * length mix (mostly /24, then /22-/23, /16-/21), a given number of distinct attribute sets (AS paths of 1 to
 * 10 hops starting with the peer's AS, a few with AS_SET, MEDs, communities, some large communities), and the
 * prefixes grouped per attribute set the way a real speaker packs them into UPDATEs.
 */
public final class SyntheticTable {
    private final Prefix[] prefixes;
    private final PathAttributes[] attributeSets;
    private final int[] setOfPrefix;

    private SyntheticTable(Prefix[] prefixes, PathAttributes[] attributeSets, int[] setOfPrefix) {
        this.prefixes = prefixes;
        this.attributeSets = attributeSets;
        this.setOfPrefix = setOfPrefix;
    }

    /**
     * @param seed          the same seed gives the same table
     * @param prefixCount   distinct IPv4 prefixes
     * @param attributeSets distinct attribute sets the prefixes share
     * @param peerAs        the first AS of every path
     * @param nextHop       NEXT_HOP of every route
     */
    public static SyntheticTable generate(long seed, int prefixCount, int attributeSets, long peerAs, InetAddress nextHop) {
        SplittableRandom r = new SplittableRandom(seed);
        PathAttributes[] sets = new PathAttributes[attributeSets];
        java.util.HashSet<PathAttributes> distinct = new java.util.HashSet<>(attributeSets * 2);
        for (int i = 0; i < attributeSets; ) {
            int hops = 1 + r.nextInt(10);
            long[] path = new long[hops];
            path[0] = peerAs;
            for (int h = 1; h < hops; h++) path[h] = 1 + r.nextInt(r.nextInt(10) == 0 ? 400_000 : 64_000);
            AsPath asPath = AsPath.sequence(path);
            if (r.nextInt(50) == 0) { // a few aggregated paths end in an AS_SET
                List<AsPath.Segment> segs = new ArrayList<>(asPath.segments());
                segs.add(new AsPath.Segment(AsPath.SegmentType.AS_SET, new int[] {64_512 + r.nextInt(1000), 64_512 + r.nextInt(1000)}));
                asPath = new AsPath(segs);
            }
            PathAttributes.Builder b = PathAttributes.builder()
                    .origin(r.nextInt(10) < 8 ? Origin.IGP : r.nextInt(2) == 0 ? Origin.INCOMPLETE : Origin.EGP)
                    .asPath(asPath)
                    .nextHop(nextHop);
            if (r.nextInt(3) == 0) b.med((long) r.nextInt(1000));
            int nc = r.nextInt(5);
            if (nc > 0) {
                int[] c = new int[nc];
                for (int k = 0; k < nc; k++) c[k] = (int) ((path[Math.min(k, hops - 1)] & 0xFFFF) << 16) | r.nextInt(1000);
                b.communities(c);
            }
            if (r.nextInt(10) == 0) b.largeCommunities(new int[] {(int) peerAs, r.nextInt(100), r.nextInt(100)});
            PathAttributes a = b.build();
            if (distinct.add(a)) sets[i++] = a; // a repeated draw is drawn again, so the count is exact
        }
        // Distinct prefixes: draw, sort, drop duplicates, top up.
        long[] keys = new long[prefixCount];
        int n = 0;
        java.util.HashSet<Long> seen = new java.util.HashSet<>(prefixCount * 2);
        while (n < prefixCount) {
            int len = prefixLength(r);
            int addr = (1 + r.nextInt(223)) << 24 | r.nextInt(1 << 24);
            Prefix p = Prefix.ipv4(addr, len);
            long key = ((p.lo() & 0xFFFF_FFFFL) << 8) | len;
            if (seen.add(key)) keys[n++] = key;
        }
        Arrays.sort(keys);
        Prefix[] prefixes = new Prefix[prefixCount];
        int[] setOf = new int[prefixCount];
        for (int i = 0; i < prefixCount; i++) {
            prefixes[i] = Prefix.ipv4((int) (keys[i] >>> 8), (int) (keys[i] & 0xFF));
            setOf[i] = r.nextInt(attributeSets);
        }
        return new SyntheticTable(prefixes, sets, setOf);
    }

    private static int prefixLength(SplittableRandom r) {
        int x = r.nextInt(100);
        if (x < 60) return 24;
        if (x < 72) return 23;
        if (x < 82) return 22;
        if (x < 88) return 21;
        if (x < 92) return 20;
        if (x < 95) return 19;
        if (x < 97) return 16 + r.nextInt(3);
        return 8 + r.nextInt(8);
    }

    public int size() { return prefixes.length; }
    public Prefix prefix(int i) { return prefixes[i]; }
    public PathAttributes attributesOf(int i) { return attributeSets[setOfPrefix[i]]; }
    public int attributeSetCount() { return attributeSets.length; }

    /**
     * The table as UPDATE messages: prefixes grouped by attribute set, each message filled up to the
     * session's maximum length, in attribute-set order.
     */
    public List<UpdateMessage> updates(SessionContext context) {
        int sets = attributeSets.length;
        int[] count = new int[sets + 1];
        for (int s : setOfPrefix) count[s + 1]++;
        for (int i = 0; i < sets; i++) count[i + 1] += count[i];
        Prefix[] bySet = new Prefix[prefixes.length];
        int[] fill = Arrays.copyOf(count, sets);
        for (int i = 0; i < prefixes.length; i++) bySet[fill[setOfPrefix[i]]++] = prefixes[i];

        List<UpdateMessage> out = new ArrayList<>();
        int max = context.maxMessageLength();
        for (int s = 0; s < sets; s++) {
            int from = count[s], to = count[s + 1];
            if (from == to) continue;
            PathAttributes a = attributeSets[s];
            int base = MessageEncoder.encode(new UpdateMessage(null, a, null, null, null), context).length;
            int start = from, size = base;
            for (int i = from; i < to; i++) {
                int add = 1 + (bySet[i].length() + 7) / 8;
                if (size + add > max) {
                    out.add(update(a, bySet, start, i));
                    start = i;
                    size = base;
                }
                size += add;
            }
            out.add(update(a, bySet, start, to));
        }
        return out;
    }

    /** {@link #updates} encoded for {@code context}. */
    public List<byte[]> encodedUpdates(SessionContext context) {
        List<byte[]> out = new ArrayList<>();
        for (UpdateMessage u : updates(context)) out.add(MessageEncoder.encode(u, context));
        return out;
    }

    private static UpdateMessage update(PathAttributes a, Prefix[] bySet, int from, int to) {
        return new UpdateMessage(null, a, new Nlri(AddressFamily.IPV4_UNICAST, Arrays.copyOfRange(bySet, from, to), null), null, null);
    }
}
