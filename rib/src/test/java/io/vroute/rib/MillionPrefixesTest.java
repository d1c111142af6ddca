package io.vroute.rib;

import static io.vroute.rib.Fixtures.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vroute.bgp.feed.SyntheticTable;
import io.vroute.bgp.wire.AsPath;
import io.vroute.bgp.wire.PathAttributes;
import io.vroute.bgp.wire.Prefix;
import io.vroute.bgp.wire.SessionContext;
import io.vroute.bgp.wire.UpdateMessage;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.ref.Reference;
import java.lang.ref.WeakReference;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The benchmark target in miniature, without JMH: a full table from one peer, how fast it is applied and
 * decided, and how much heap it holds. Prints its figures; asserts only correctness (timings vary by machine).
 */
class MillionPrefixesTest {
    private static final int PREFIXES = 1_000_000;
    private static final InetAddress NEXT_HOP = ip("10.0.1.10");
    private static final InetAddress SECOND_HOP = ip("10.0.2.10");
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private static Rib newRib() {
        // A 4-octet private ASN: the synthetic paths draw from 1..400000 and must not look like loops.
        return new Rib(new RibOptions(4_200_000_000L), nh -> nh.equals(NEXT_HOP) ? "eni-a" : nh.equals(SECOND_HOP) ? "eni-b" : null);
    }

    private static final class Counter implements Rib.FibListener {
        long changes;
        @Override public void changed(Prefix p, Route oldBest, Route newBest) { changes++; }
    }

    /** Applies every UPDATE and drains once; returns the number of best-path changes reported. */
    private static long feed(Rib rib, Neighbor n, List<UpdateMessage> updates) {
        for (UpdateMessage u : updates) rib.apply(n, u);
        Counter c = new Counter();
        rib.drainChanges(c);
        return c.changes;
    }

    @Test
    void millionPrefixesFromOnePeerAreDecidedQuicklyAndHeldCompactly() {
        Neighbor feeder = new Neighbor(0, "rsp-feeder", NEXT_HOP, 65001, NEXT_HOP);
        long idle = usedHeapAfterGc();
        List<UpdateMessage> updates = SyntheticTable.generate(7, PREFIXES, 20_000, 65001, NEXT_HOP).updates(SessionContext.FOUR_OCTET);

        Rib rib = null;
        for (int round = 1; round <= 4; round++) { // the first rounds warm the JIT up
            rib = newRib();
            long cpu = THREADS.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            long changes = feed(rib, feeder, updates);
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuSeconds = (THREADS.getCurrentThreadCpuTime() - cpu) / 1e9;
            assertEquals(PREFIXES, changes);
            assertEquals(PREFIXES, rib.routeCount());
            // CPU time as well: on a shared build machine the wall clock also counts other people's work.
            System.out.printf("rib: round %d: %,d prefixes applied and decided in %.3f s = %,.0f prefixes/s (%,.0f per CPU second)%n",
                    round, PREFIXES, seconds, PREFIXES / seconds, PREFIXES / cpuSeconds);
        }
        assertEquals(20_000, rib.attributeSetCount());
        assertEquals(1, rib.nextHopCount());

        updates = null; // only the RIB holds the prefixes now
        long held = usedHeapAfterGc() - idle;
        System.out.printf("rib: %,d routes hold %,d bytes of heap = %.0f bytes/route (prefix, route, table slot and"
                + " a share of %,d attribute sets)%n", rib.routeCount(), held, (double) held / rib.routeCount(), rib.attributeSetCount());
        Reference.reachabilityFence(rib);
    }

    @Test
    void secondFullFeedIsDecidedAgainstTheFirst() {
        Neighbor first = new Neighbor(0, "rsp-first", NEXT_HOP, 65001, NEXT_HOP);
        Neighbor second = new Neighbor(1, "rsp-second", SECOND_HOP, 65002, SECOND_HOP);
        SyntheticTable table = SyntheticTable.generate(7, PREFIXES, 20_000, 65001, NEXT_HOP);
        List<UpdateMessage> fromFirst = table.updates(SessionContext.FOUR_OCTET);
        List<UpdateMessage> fromSecond = secondPeersView(fromFirst);
        Rib rib = newRib();
        feed(rib, first, fromFirst);

        long start = System.nanoTime();
        long changes = feed(rib, second, fromSecond);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("rib: second peer's %,d prefixes decided against the first in %.3f s = %,.0f prefixes/s (%,d best paths moved)%n",
                PREFIXES, seconds, PREFIXES / seconds, changes);

        assertEquals(2L * PREFIXES, rib.routeCount());
        assertEquals(PREFIXES, rib.prefixCount());
        // The second peer wins exactly where its path is shorter (on a tie the first is older).
        long expected = 0;
        for (int i = 0; i < table.size(); i++) {
            Route best = rib.best(table.prefix(i));
            if (best.neighbor().equals(second)) expected++;
        }
        assertEquals(expected, changes);

        start = System.nanoTime();
        assertEquals(PREFIXES, rib.dropNeighbor(second));
        long moved = feed(rib, second, List.of());
        System.out.printf("rib: dropping the second peer moved %,d best paths back in %.3f s%n", moved, (System.nanoTime() - start) / 1e9);
        assertEquals(changes, moved);
    }

    /** The same prefixes through AS 65002: a one-hop path for every other attribute set, a longer one otherwise. */
    private static List<UpdateMessage> secondPeersView(List<UpdateMessage> first) {
        java.util.Map<PathAttributes, PathAttributes> changed = new java.util.IdentityHashMap<>();
        List<UpdateMessage> out = new java.util.ArrayList<>(first.size());
        for (UpdateMessage u : first) {
            PathAttributes a = changed.computeIfAbsent(u.attributes(), x -> x.toBuilder().nextHop(SECOND_HOP)
                    .asPath(changed.size() % 2 == 0 ? AsPath.sequence(65002) : x.asPath().prepend(65002, 1)).build());
            out.add(new UpdateMessage(null, a, u.nlri(), null, null));
        }
        return out;
    }

    @Test
    void routesAreFreedAfterDropNeighbor() {
        Rib rib = newRib();
        Neighbor n = new Neighbor(0, "rsp-gone", NEXT_HOP, 65001, NEXT_HOP);
        WeakReference<Route> route = feedAndWatch(rib, n);

        assertEquals(100_000, rib.dropNeighbor(n));
        assertEquals(100_000, feed(rib, n, List.of()));
        assertEquals(0, rib.prefixCount());
        assertEquals(0, rib.routeCount());
        assertEquals(0, rib.attributeSetCount(), "attribute sets leave with their last route");
        assertEquals(0, rib.nextHopCount());
        for (int i = 0; i < 20 && route.get() != null; i++) usedHeapAfterGc();
        assertNull(route.get(), "a dropped route is garbage once reported");
        assertNull(rib.best(Prefix.parse("10.0.0.0/24")));
    }

    private static WeakReference<Route> feedAndWatch(Rib rib, Neighbor n) {
        SyntheticTable table = SyntheticTable.generate(3, 100_000, 1_000, 65001, NEXT_HOP);
        feed(rib, n, table.updates(SessionContext.FOUR_OCTET));
        PathAttributes a = table.attributesOf(0);
        assertEquals(a, rib.best(table.prefix(0)).attributes());
        return new WeakReference<>(rib.best(table.prefix(0)));
    }

    private static long usedHeapAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
