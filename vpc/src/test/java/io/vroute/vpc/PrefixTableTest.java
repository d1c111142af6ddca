package io.vroute.vpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The longest-prefix table agrees with a plain map and a linear scan, through puts, removals and resizes. */
class PrefixTableTest {

    private static Cidr randomPrefix(SplittableRandom random) {
        boolean ipv6 = random.nextInt(3) == 0;
        // Few distinct high bits, so that prefixes nest and probe runs collide.
        if (ipv6) {
            int length = random.nextInt(129);
            Address address = new Address(0x20010db8_00000000L | random.nextInt(4) << 8 | random.nextInt(4),
                    random.nextLong(4) << 62 | random.nextInt(8), true);
            return Cidr.of(address, length);
        }
        int length = random.nextInt(33);
        long bits = 0x0A000000L | (long) random.nextInt(4) << 16 | random.nextInt(8) << 8 | random.nextInt(4);
        return Cidr.of(Address.ipv4(bits), length);
    }

    private static Address randomAddress(SplittableRandom random) {
        Cidr near = randomPrefix(random);
        return near.isIpv6() ? new Address(near.hi(), near.lo() | random.nextInt(8), true)
                : Address.ipv4(near.lo() | random.nextInt(8));
    }

    private static Cidr longestByScan(Map<Cidr, Integer> reference, Address address) {
        Cidr best = null;
        for (Cidr cidr : reference.keySet()) {
            if (cidr.contains(address) && (best == null || cidr.length() > best.length())) {
                best = cidr;
            }
        }
        return best;
    }

    private static Integer longestByTable(PrefixTable<Integer> table, Address address) {
        for (int length = address.bits(); length >= 0; length--) {
            Integer value = table.at(address.ipv6(), length, address.hi(), address.lo());
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    @Test
    void agreesWithAPlainMapAndALinearScan() {
        SplittableRandom random = new SplittableRandom(2024);
        PrefixTable<Integer> table = new PrefixTable<>();
        Map<Cidr, Integer> reference = new HashMap<>();
        for (int step = 0; step < 40_000; step++) {
            Cidr cidr = randomPrefix(random);
            if (random.nextInt(3) == 0) {
                assertEquals(reference.remove(cidr), table.remove(cidr));
            } else {
                assertEquals(reference.put(cidr, step), table.put(cidr, step));
            }
            assertEquals(reference.size(), table.size());
            if (step % 50 == 0) {
                Address address = randomAddress(random);
                Cidr best = longestByScan(reference, address);
                assertEquals(best == null ? null : reference.get(best), longestByTable(table, address), address::toString);
            }
        }
        for (Cidr cidr : reference.keySet()) {
            assertEquals(reference.get(cidr), table.get(cidr));
        }
        Map<Cidr, Integer> listed = new HashMap<>();
        table.forEach(listed::put);
        assertEquals(reference, listed);
    }

    @Test
    void removingEverythingLeavesAnEmptyTable() {
        SplittableRandom random = new SplittableRandom(9);
        PrefixTable<Integer> table = new PrefixTable<>();
        List<Cidr> added = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            Cidr cidr = Cidr.of(Address.ipv4(random.nextLong(1L << 32)), 32);
            if (table.put(cidr, i) == null) {
                added.add(cidr);
            }
        }
        for (int i = 0; i < added.size(); i++) {
            Integer stored = table.get(added.get(i));
            assertEquals(stored, table.remove(added.get(i)));
            assertEquals(added.size() - i - 1, table.size());
            if (i + 1 < added.size()) {
                assertEquals(true, table.get(added.get(i + 1)) != null, "the others stay findable after a removal");
            }
        }
        assertEquals(0, table.size());
        assertEquals(null, table.at(false, 32, added.getFirst().hi(), added.getFirst().lo()));
    }

    @Test
    void updateAllRewritesAndRemoves() {
        PrefixTable<Integer> table = new PrefixTable<>();
        for (int i = 0; i < 1_000; i++) {
            table.put(Cidr.of(Address.ipv4(0x0A000000L + i * 256L), 24), i);
        }
        table.updateAll((cidr, value) -> value % 2 == 0 ? null : value * 10);
        assertEquals(500, table.size());
        assertEquals(null, table.get(Cidr.parse("10.0.0.0/24")));
        assertEquals(10, table.get(Cidr.parse("10.0.1.0/24")));
    }
}
