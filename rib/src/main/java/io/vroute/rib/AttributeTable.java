package io.vroute.rib;

import io.vroute.bgp.wire.PathAttributes;

/**
 * Interns attribute sets with their next hop across all neighbours: equal sets through the same next hop
 * become one {@link InternedAttributes} whatever session or decoder produced them, counted by the routes
 * that hold it and dropped with the last of them (which also releases its {@link NextHop}). Open addressing
 * with linear probing and backward-shift deletion, so an entry costs one array slot.
 */
final class AttributeTable {
    private static final int MIN_SLOTS = 64;

    private final long localAsn;
    private final NextHopTable nextHops;
    private InternedAttributes[] slots = new InternedAttributes[MIN_SLOTS];
    private int shift = 64 - Integer.numberOfTrailingZeros(MIN_SLOTS);
    private int size;
    private InternedAttributes last; // the decoder hands the same instance for a run of UPDATEs

    AttributeTable(long localAsn, NextHopTable nextHops) {
        this.localAsn = localAsn;
        this.nextHops = nextHops;
    }

    /** The shared entry for {@code a} through {@code nh}, its count raised by one. */
    InternedAttributes acquire(PathAttributes a, NextHop nh) {
        InternedAttributes e = last;
        if (e == null || e.value != a || e.nextHop != nh) {
            int hash = hash(a, nh);
            e = find(a, nh, hash);
            if (e == null) e = insert(a, nh, hash);
            last = e;
        }
        e.refs++;
        return e;
    }

    /** Lowers the count; the entry is forgotten when nothing holds it any more. */
    void release(InternedAttributes e) {
        if (--e.refs > 0) return;
        remove(e);
        nextHops.release(e.nextHop);
        if (last == e) last = null;
    }

    int size() { return size; }

    private static int hash(PathAttributes a, NextHop nh) {
        return a.hashCode() * 31 + System.identityHashCode(nh);
    }

    /** Fibonacci hashing: the top bits of the product spread even sequential hash codes. */
    private int home(int hash, int mask) {
        return (int) ((hash * 0x9E3779B97F4A7C15L) >>> shift) & mask;
    }

    private InternedAttributes find(PathAttributes a, NextHop nh, int hash) {
        int mask = slots.length - 1;
        for (int i = home(hash, mask); ; i = (i + 1) & mask) {
            InternedAttributes e = slots[i];
            if (e == null) return null;
            if (e.hash == hash && e.nextHop == nh && (e.value == a || e.value.equals(a))) return e;
        }
    }

    private InternedAttributes insert(PathAttributes a, NextHop nh, int hash) {
        if ((size + 1) * 4 > slots.length * 3) resize(slots.length * 2);
        nh.refs++; // the entry holds its next hop
        InternedAttributes e = new InternedAttributes(a, nh, hash, localAsn);
        place(e);
        size++;
        return e;
    }

    private void place(InternedAttributes e) {
        int mask = slots.length - 1;
        int i = home(e.hash, mask);
        while (slots[i] != null) i = (i + 1) & mask;
        slots[i] = e;
    }

    private void remove(InternedAttributes e) {
        int mask = slots.length - 1;
        int i = home(e.hash, mask);
        while (slots[i] != e) {
            if (slots[i] == null) return;
            i = (i + 1) & mask;
        }
        slots[i] = null;
        size--;
        // Backward shift: pull later entries of the probe run into the hole so lookups need no tombstones.
        for (int j = (i + 1) & mask; slots[j] != null; j = (j + 1) & mask) {
            int h = home(slots[j].hash, mask);
            boolean movable = i <= j ? (h <= i || h > j) : (h <= i && h > j);
            if (movable) {
                slots[i] = slots[j];
                slots[j] = null;
                i = j;
            }
        }
        if (slots.length > MIN_SLOTS && size * 8 < slots.length) resize(slots.length / 2);
    }

    private void resize(int length) {
        InternedAttributes[] old = slots;
        slots = new InternedAttributes[length];
        shift = 64 - Integer.numberOfTrailingZeros(length);
        for (InternedAttributes e : old) if (e != null) place(e);
    }
}
