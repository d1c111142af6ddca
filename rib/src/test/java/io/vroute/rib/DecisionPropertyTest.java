package io.vroute.rib;

import static io.vroute.rib.Fixtures.announce;
import static io.vroute.rib.Fixtures.drain;
import static io.vroute.rib.Fixtures.ip;
import static io.vroute.rib.Fixtures.path;
import static io.vroute.rib.Fixtures.prefix;
import static io.vroute.rib.Fixtures.withdraw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vroute.bgp.wire.AsPath;
import io.vroute.bgp.wire.Origin;
import io.vroute.bgp.wire.PathAttributes;
import io.vroute.bgp.wire.Prefix;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class DecisionPropertyTest {
    private static final Prefix P = prefix("172.16.1.0/24");

    /** One neighbour's route, described by the values the decision steps look at (age aside). */
    record Offer(int pathLength, int origin, Long med, int firstAs, int routerId, int address, boolean resolvable, boolean loop) {
        PathAttributes attributes() {
            long[] asns = new long[pathLength];
            asns[0] = firstAs;
            for (int i = 1; i < pathLength; i++) asns[i] = loop && i == pathLength - 1 ? Fixtures.LOCAL_AS : 64_600 + i;
            PathAttributes.Builder b = PathAttributes.builder().origin(Origin.ofCode(origin)).asPath(AsPath.sequence(asns))
                    .nextHop(ip(resolvable ? "10.0.1.1" : "10.0.9.9"));
            if (med != null) b.med(med);
            return b.build();
        }

        boolean eligible() { return resolvable && !(loop && pathLength > 1); }
    }

    @Provide
    Arbitrary<List<Offer>> offers() {
        Arbitrary<Offer> offer = Combinators.combine(
                Arbitraries.integers().between(1, 3), Arbitraries.integers().between(0, 2),
                Arbitraries.longs().between(0, 3).injectNull(0.3), Arbitraries.of(65001, 65002),
                Arbitraries.integers().between(0, 3), Arbitraries.integers().between(1, 3),
                Arbitraries.of(true, true, true, false), Arbitraries.of(false, false, false, true)).as(Offer::new);
        return offer.list().ofMinSize(1).ofMaxSize(6);
    }

    private static Neighbor neighbourOf(int i, Offer o) {
        return new Neighbor(i, "rsp-" + i, ip("10.0.0." + o.address()), o.firstAs(),
                o.routerId() == 0 ? null : ip("1.1.1." + o.routerId()));
    }

    /** Announces every offer in {@code order} within one batch; the name of the best's neighbour, or null. */
    private static String winner(List<Offer> offers, List<Integer> order, boolean medAcrossAs) {
        Rib rib = new Rib(new RibOptions(Fixtures.LOCAL_AS, medAcrossAs), new Fixtures.Enis().own("10.0.1.1", "eni-a"));
        for (int i : order) rib.apply(neighbourOf(i, offers.get(i)), announce(offers.get(i).attributes(), P.toString()));
        drain(rib);
        Route best = rib.best(P);
        return best == null ? null : best.neighbor().name();
    }

    @Property(tries = 500)
    void winnerDoesNotDependOnArrivalOrderWithinABatch(@ForAll("offers") List<Offer> offers, @ForAll long seed,
                                                       @ForAll boolean medAcrossAs) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < offers.size(); i++) order.add(i);
        List<Integer> shuffled = new ArrayList<>(order);
        Collections.shuffle(shuffled, new Random(seed));
        assertEquals(winner(offers, order, medAcrossAs), winner(offers, shuffled, medAcrossAs));
    }

    @Property(tries = 500)
    void winnerIsTheLowestByTheDocumentedOrder(@ForAll("offers") List<Offer> offers) {
        // A plain restatement of the order: eligibility, then AS_PATH length, ORIGIN, MED (absent = 0), BGP
        // identifier (absent = 0), peer address, neighbour name.
        Comparator<Integer> order = Comparator.<Integer>comparingInt(i -> offers.get(i).pathLength())
                .thenComparingInt(i -> offers.get(i).origin())
                .thenComparingLong(i -> offers.get(i).med() == null ? 0 : offers.get(i).med())
                .thenComparingInt(i -> offers.get(i).routerId())
                .thenComparingInt(i -> offers.get(i).address())
                .thenComparing(i -> "rsp-" + i);
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < offers.size(); i++) all.add(i);
        String expected = all.stream().filter(i -> offers.get(i).eligible()).min(order).map(i -> "rsp-" + i).orElse(null);
        assertEquals(expected, winner(offers, all, true));
    }

    @Provide
    Arbitrary<List<int[]>> operations() {
        // {kind, neighbour, prefix, variant}: kind 0-4 announce, 5-6 withdraw, 7 drop the neighbour, 8-9 drain
        Arbitrary<int[]> op = Combinators.combine(Arbitraries.integers().between(0, 9), Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 3)).as((k, n, p, v) -> new int[] {k, n, p, v});
        return op.list().ofMinSize(1).ofMaxSize(60);
    }

    @Property(tries = 300)
    void drainReportsExactlyThePrefixesWhoseBestChanged(@ForAll("operations") List<int[]> ops) {
        Rib rib = new Rib(new RibOptions(Fixtures.LOCAL_AS), new Fixtures.Enis().own("10.0.1.1", "eni-a").own("10.0.2.1", "eni-b"));
        List<Prefix> prefixes = List.of(prefix("10.1.0.0/16"), prefix("10.2.0.0/16"), prefix("10.3.0.0/24"), prefix("10.3.0.0/25"));
        Map<Prefix, Route> reported = new HashMap<>();
        for (int[] op : ops) {
            Neighbor n = new Neighbor(op[1], "rsp-" + op[1], ip("10.0.0." + (op[1] + 1)), 65001 + op[1], ip("1.1.1." + (3 - op[1])));
            String p = prefixes.get(op[2]).toString();
            switch (op[0]) {
                case 0, 1, 2, 3, 4 -> {
                    // variants: two path lengths, a MED, and a next hop no ENI owns
                    PathAttributes a = switch (op[3]) {
                        case 0 -> path("10.0.1.1", 65001 + op[1]);
                        case 1 -> path("10.0.2.1", 65001 + op[1], 65100);
                        case 2 -> Fixtures.withMed(path("10.0.1.1", 65001 + op[1]), 5);
                        default -> path("10.0.9.9", 65001 + op[1]);
                    };
                    rib.apply(n, announce(a, p));
                }
                case 5, 6 -> rib.apply(n, withdraw(p));
                case 7 -> rib.dropNeighbor(n);
                default -> checkDrain(rib, prefixes, reported);
            }
        }
        checkDrain(rib, prefixes, reported);
    }

    private static void checkDrain(Rib rib, List<Prefix> prefixes, Map<Prefix, Route> reported) {
        List<Fixtures.Change> changes = drain(rib);
        Set<Prefix> changed = new HashSet<>();
        for (Prefix p : prefixes) if (rib.best(p) != reported.get(p)) changed.add(p);
        Set<Prefix> told = new HashSet<>();
        for (Fixtures.Change c : changes) {
            assertTrue(told.add(c.prefix()), "each prefix at most once per drain: " + c.prefix());
            assertSame(reported.get(c.prefix()), c.oldBest(), "old best is what was reported before");
            assertSame(rib.best(c.prefix()), c.newBest(), "new best is the best now");
            reported.put(c.prefix(), c.newBest());
        }
        assertEquals(changed, told);
    }
}
