package io.vroute.vpc;

import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * A map from CIDR blocks to values, built for longest-prefix match over very large tables. It holds one
 * open-addressing hash level per prefix length and family (33 for IPv4, 129 for IPv6); a lookup probes the
 * non-empty levels from the longest length down. Keys are kept as bare ints (IPv4) or longs (IPv6), no
 * key object per entry, so an IPv4 route costs a slot of an int and a reference at a load of one third to
 * two thirds: about 15 to 35 bytes, plus its value (which the caller shares among routes).
 */
final class PrefixTable<V> {
    private static final int V6_BASE = 33;

    private final Level[] levels = new Level[V6_BASE + 129];
    private int size;

    int size() {
        return size;
    }

    V get(Cidr key) {
        Level level = levels[index(key.ipv6(), key.length())];
        return level == null ? null : cast(level.get(key.hi(), key.lo()));
    }

    /** Stores {@code value} (not null) under {@code key}; returns what was there before, or null. */
    V put(Cidr key, V value) {
        int index = index(key.ipv6(), key.length());
        Level level = levels[index];
        if (level == null) {
            level = levels[index] = new Level(key.ipv6());
        }
        Object previous = level.put(key.hi(), key.lo(), value);
        if (previous == null) {
            size++;
        }
        return cast(previous);
    }

    V remove(Cidr key) {
        int index = index(key.ipv6(), key.length());
        Level level = levels[index];
        if (level == null) {
            return null;
        }
        Object previous = level.remove(key.hi(), key.lo());
        if (previous != null) {
            size--;
            if (level.size == 0) {
                levels[index] = null;
            }
        }
        return cast(previous);
    }

    /**
     * The value stored for the block of {@code length} that holds the address, or null. The address bits
     * are masked here.
     */
    V at(boolean ipv6, int length, long hi, long lo) {
        Level level = levels[index(ipv6, length)];
        if (level == null) {
            return null;
        }
        return cast(level.get(Cidr.maskHi(length, ipv6, hi), Cidr.maskLo(length, ipv6, lo)));
    }

    /** True when some block of that length is stored. */
    boolean holdsLength(boolean ipv6, int length) {
        return levels[index(ipv6, length)] != null;
    }

    void forEach(BiConsumer<Cidr, V> action) {
        for (int index = 0; index < levels.length; index++) {
            Level level = levels[index];
            if (level == null) {
                continue;
            }
            boolean ipv6 = index >= V6_BASE;
            int length = ipv6 ? index - V6_BASE : index;
            for (int slot = 0; slot < level.values.length; slot++) {
                Object value = level.values[slot];
                if (value != null) {
                    action.accept(new Cidr(level.hi(slot), level.lo(slot), length, ipv6), cast(value));
                }
            }
        }
    }

    /**
     * Replaces every value with what {@code update} returns for it; null removes the entry. Levels are
     * rebuilt, so the update may remove as many entries as it likes.
     */
    void updateAll(BiFunction<Cidr, V, V> update) {
        for (int index = 0; index < levels.length; index++) {
            Level level = levels[index];
            if (level == null) {
                continue;
            }
            boolean ipv6 = index >= V6_BASE;
            int length = ipv6 ? index - V6_BASE : index;
            Level kept = new Level(ipv6);
            for (int slot = 0; slot < level.values.length; slot++) {
                Object value = level.values[slot];
                if (value == null) {
                    continue;
                }
                long hi = level.hi(slot);
                long lo = level.lo(slot);
                V updated = update.apply(new Cidr(hi, lo, length, ipv6), cast(value));
                if (updated != null) {
                    kept.put(hi, lo, updated);
                }
            }
            size += kept.size - level.size;
            levels[index] = kept.size == 0 ? null : kept;
        }
    }

    private static int index(boolean ipv6, int length) {
        return ipv6 ? V6_BASE + length : length;
    }

    @SuppressWarnings("unchecked")
    private static <V> V cast(Object value) {
        return (V) value;
    }

    /**
     * One prefix length: linear probing, a power-of-two capacity kept at most two-thirds full. IPv4 keys
     * take an int per slot, IPv6 keys two longs.
     */
    private static final class Level {
        private static final int MIN_CAPACITY = 8;

        final boolean ipv6;
        int[] keys4;
        long[] his;
        long[] los;
        Object[] values;
        int size;

        Level(boolean ipv6) {
            this.ipv6 = ipv6;
            allocate(MIN_CAPACITY);
        }

        private void allocate(int capacity) {
            if (ipv6) {
                his = new long[capacity];
                los = new long[capacity];
            } else {
                keys4 = new int[capacity];
            }
            values = new Object[capacity];
        }

        long hi(int slot) {
            return ipv6 ? his[slot] : 0;
        }

        long lo(int slot) {
            return ipv6 ? los[slot] : Integer.toUnsignedLong(keys4[slot]);
        }

        private boolean holds(int slot, long hi, long lo) {
            return ipv6 ? los[slot] == lo && his[slot] == hi : keys4[slot] == (int) lo;
        }

        private void place(int slot, long hi, long lo, Object value) {
            values[slot] = value;
            if (ipv6) {
                his[slot] = hi;
                los[slot] = lo;
            } else {
                keys4[slot] = (int) lo;
            }
        }

        Object get(long hi, long lo) {
            int mask = values.length - 1;
            for (int slot = slot(hi, lo, mask); ; slot = (slot + 1) & mask) {
                Object value = values[slot];
                if (value == null) {
                    return null;
                }
                if (holds(slot, hi, lo)) {
                    return value;
                }
            }
        }

        Object put(long hi, long lo, Object value) {
            int mask = values.length - 1;
            int slot = slot(hi, lo, mask);
            for (; values[slot] != null; slot = (slot + 1) & mask) {
                if (holds(slot, hi, lo)) {
                    Object previous = values[slot];
                    values[slot] = value;
                    return previous;
                }
            }
            place(slot, hi, lo, value);
            if (++size * 3 > values.length * 2) {
                resize(values.length * 2);
            }
            return null;
        }

        Object remove(long hi, long lo) {
            int mask = values.length - 1;
            int slot = slot(hi, lo, mask);
            while (true) {
                if (values[slot] == null) {
                    return null;
                }
                if (holds(slot, hi, lo)) {
                    break;
                }
                slot = (slot + 1) & mask;
            }
            Object previous = values[slot];
            // Backward-shift deletion: pull later members of the probe run into the hole, so lookups
            // never need tombstones.
            int hole = slot;
            for (int next = (hole + 1) & mask; values[next] != null; next = (next + 1) & mask) {
                int home = slot(hi(next), lo(next), mask);
                boolean homeAfterHole = hole <= next ? (home > hole && home <= next) : (home > hole || home <= next);
                if (!homeAfterHole) {
                    place(hole, hi(next), lo(next), values[next]);
                    hole = next;
                }
            }
            values[hole] = null;
            size--;
            if (values.length > MIN_CAPACITY && size * 8 < values.length) {
                resize(values.length / 2);
            }
            return previous;
        }

        private void resize(int capacity) {
            int[] oldKeys4 = keys4;
            long[] oldHis = his;
            long[] oldLos = los;
            Object[] oldValues = values;
            allocate(capacity);
            int mask = capacity - 1;
            for (int i = 0; i < oldValues.length; i++) {
                if (oldValues[i] == null) {
                    continue;
                }
                long hi = ipv6 ? oldHis[i] : 0;
                long lo = ipv6 ? oldLos[i] : Integer.toUnsignedLong(oldKeys4[i]);
                int slot = slot(hi, lo, mask);
                while (values[slot] != null) {
                    slot = (slot + 1) & mask;
                }
                place(slot, hi, lo, oldValues[i]);
            }
        }

        private static int slot(long hi, long lo, int mask) {
            long h = lo * 0x9E3779B97F4A7C15L + hi * 0xC2B2AE3D27D4EB4FL;
            h ^= h >>> 29;
            h *= 0xBF58476D1CE4E5B9L;
            h ^= h >>> 32;
            return (int) h & mask;
        }
    }
}
