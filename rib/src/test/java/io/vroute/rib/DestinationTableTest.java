package io.vroute.rib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.vroute.bgp.wire.Prefix;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The prefix table: growth, removal with backward shift, probe-run collisions, shrinking. */
class DestinationTableTest {

    private static Prefix v4(int i) {
        return Prefix.ipv4(i << 8, 24);
    }

    @Test
    void aPrefixAddedOnceIsTheSameDestinationEveryTime() {
        DestinationTable t = new DestinationTable();
        Destination d = t.getOrAdd(Prefix.parse("10.0.0.0/8"));
        assertSame(d, t.getOrAdd(Prefix.parse("10.0.0.0/8")));
        assertSame(d, t.get(Prefix.parse("10.0.0.0/8")));
        assertNull(t.get(Prefix.parse("10.0.0.0/9")), "another length is another prefix");
        assertNull(t.get(Prefix.parse("2001:db8::/32")));
        assertEquals(1, t.size());
    }

    @Test
    void growsFromSixteenSlotsAndFindsEveryPrefix() {
        DestinationTable t = new DestinationTable();
        int n = 200_000;
        Destination[] added = new Destination[n];
        for (int i = 0; i < n; i++) added[i] = t.getOrAdd(v4(i));
        assertEquals(n, t.size());
        for (int i = 0; i < n; i++) assertSame(added[i], t.get(v4(i)));
        for (int i = 0; i < n; i++) assertSame(added[i], t.getOrAdd(v4(i)), "adding again finds the same destination");
        assertEquals(n, t.size());
        assertNull(t.get(v4(n)));
    }

    @Test
    void removedPrefixesAreGoneAndTheirNeighboursInTheProbeRunStay() {
        DestinationTable t = new DestinationTable();
        int n = 50_000;
        for (int i = 0; i < n; i++) t.getOrAdd(v4(i));
        for (int i = 0; i < n; i += 2) t.remove(t.get(v4(i)));
        assertEquals(n / 2, t.size());
        for (int i = 0; i < n; i++) {
            if (i % 2 == 0) assertNull(t.get(v4(i)), "removed " + v4(i));
            else assertEquals(v4(i), t.get(v4(i)).prefix);
        }
        Destination stranger = new Destination(v4(n + 1));
        t.remove(stranger); // not in the table: nothing happens
        assertEquals(n / 2, t.size());
    }

    @Test
    void randomAddsAndRemovesAgreeWithAHashMap() {
        DestinationTable t = new DestinationTable();
        Map<Prefix, Destination> oracle = new HashMap<>();
        SplittableRandom r = new SplittableRandom(7);
        // A small key space, so that removals hit present keys and probe runs collide, wrap and shift often.
        for (int step = 0; step < 400_000; step++) {
            Prefix p = r.nextInt(4) == 0 ? Prefix.ipv6((long) r.nextInt(3000) << 32, 0, 48) : v4(r.nextInt(20_000));
            if (r.nextInt(3) == 0) {
                Destination d = oracle.remove(p);
                if (d != null) t.remove(d);
            } else {
                Destination d = t.getOrAdd(p);
                Destination was = oracle.putIfAbsent(p, d);
                if (was != null) assertSame(was, d);
            }
            if (step % 50_000 == 0) t.shrinkIfSparse();
        }
        assertEquals(oracle.size(), t.size());
        for (Map.Entry<Prefix, Destination> e : oracle.entrySet()) assertSame(e.getValue(), t.get(e.getKey()));
        Map<Destination, Boolean> seen = new IdentityHashMap<>();
        t.forEach(d -> assertNull(seen.put(d, true), "forEach visits " + d.prefix + " once"));
        assertEquals(oracle.size(), seen.size());
    }

    @Test
    void shrinksAfterAMassWithdrawalAndKeepsWhatIsLeft() {
        DestinationTable t = new DestinationTable();
        int n = 100_000;
        for (int i = 0; i < n; i++) t.getOrAdd(v4(i));
        for (int i = 100; i < n; i++) t.remove(t.get(v4(i)));
        t.shrinkIfSparse();
        assertEquals(100, t.size());
        for (int i = 0; i < 100; i++) assertEquals(v4(i), t.get(v4(i)).prefix);
        for (int i = 0; i < n; i++) t.getOrAdd(v4(i)); // and it grows again
        assertEquals(n, t.size());
        for (int i = 0; i < n; i++) assertEquals(v4(i), t.get(v4(i)).prefix);
    }
}
