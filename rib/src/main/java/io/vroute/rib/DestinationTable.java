package io.vroute.rib;

import io.vroute.bgp.wire.Prefix;
import java.util.function.Consumer;

/**
 * Prefix to {@link Destination}: open addressing with linear probing and backward-shift deletion, so a prefix
 * costs an array slot instead of a hash-map node. Each slot's hash sits in a parallel int array: probing
 * reads consecutive ints and only follows a reference when the hash matches, which keeps an insert of a new
 * prefix to about one cache miss.
 */
final class DestinationTable {
    private static final int MIN_BITS = 4;

    private Destination[] slots = new Destination[1 << MIN_BITS];
    private int[] hashes = new int[1 << MIN_BITS]; // 0: empty slot
    private int bits = MIN_BITS;
    private int size;

    int size() { return size; }

    /** A well-spread hash that is never 0. */
    private static int hashOf(Prefix p) {
        return (int) ((p.hashCode() * 0x9E3779B97F4A7C15L) >>> 32) | 1;
    }

    private int home(int hash) {
        return hash >>> (32 - bits);
    }

    Destination get(Prefix p) {
        int h = hashOf(p);
        int mask = hashes.length - 1;
        for (int i = home(h); ; i = (i + 1) & mask) {
            int x = hashes[i];
            if (x == 0) return null;
            if (x == h) {
                Destination d = slots[i];
                if (d.prefix.equals(p)) return d;
            }
        }
    }

    Destination getOrAdd(Prefix p) {
        int h = hashOf(p);
        int mask = hashes.length - 1;
        int i = home(h);
        for (; ; i = (i + 1) & mask) {
            int x = hashes[i];
            if (x == 0) break;
            if (x == h) {
                Destination d = slots[i];
                if (d.prefix.equals(p)) return d;
            }
        }
        Destination d = new Destination(p);
        if ((size + 1) * 10L > hashes.length * 7L) {
            resize(bits + 1);
            place(d, h);
        } else {
            hashes[i] = h;
            slots[i] = d;
        }
        size++;
        return d;
    }

    void remove(Destination d) {
        int h = hashOf(d.prefix);
        int mask = hashes.length - 1;
        int i = home(h);
        while (slots[i] != d) {
            if (hashes[i] == 0) return;
            i = (i + 1) & mask;
        }
        size--;
        // Backward shift: pull later entries of the probe run into the hole so lookups need no tombstones.
        for (int j = (i + 1) & mask; hashes[j] != 0; j = (j + 1) & mask) {
            int k = home(hashes[j]);
            boolean movable = i <= j ? (k <= i || k > j) : (k <= i && k > j);
            if (movable) {
                hashes[i] = hashes[j];
                slots[i] = slots[j];
                i = j;
            }
        }
        hashes[i] = 0;
        slots[i] = null;
    }

    /** Gives back memory after a mass withdrawal; call when no iteration is running. */
    void shrinkIfSparse() {
        int b = bits;
        while (b > MIN_BITS && size * 8L < (1L << b)) b--;
        if (b != bits) resize(b);
    }

    void forEach(Consumer<Destination> c) {
        for (Destination d : slots) if (d != null) c.accept(d);
    }

    private void place(Destination d, int h) {
        int mask = hashes.length - 1;
        int i = home(h);
        while (hashes[i] != 0) i = (i + 1) & mask;
        hashes[i] = h;
        slots[i] = d;
    }

    private void resize(int newBits) {
        Destination[] oldSlots = slots;
        int[] oldHashes = hashes;
        bits = newBits;
        slots = new Destination[1 << newBits];
        hashes = new int[1 << newBits];
        for (int i = 0; i < oldSlots.length; i++) if (oldHashes[i] != 0) place(oldSlots[i], oldHashes[i]);
    }
}
