package io.vroute.bgp.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Interns decoded path attribute sets per session: raw attribute octets (MP_REACH_NLRI/MP_UNREACH_NLRI left
 * out, they carry NLRI) map to the {@link DecodedAttributes} they decoded to, so an attribute block seen
 * before costs one hash and one range compare, copies nothing, and yields the identical PathAttributes
 * instance. The key also holds the session's 4-octet-AS mode, which changes what the octets mean.
 *
 * <p>Bounded: an open-addressing table that starts small, doubles while at most half full, and stops growing
 * at {@code 2 * maxEntries} slots. A lookup probes at most {@value #PROBES} slots; once the table cannot
 * grow, an insert whose probe window is full replaces one entry of that window (no deletion is ever
 * needed, so no tombstones). Not thread-safe: one per {@link UpdateDecoder}.
 */
final class AttributeCache {
    /** The most attribute sets kept before eviction starts (about 64 bytes of key each, plus the sets). */
    static final int DEFAULT_MAX_ENTRIES = 1 << 17;
    static final int PROBES = 16;
    private static final int INITIAL_SLOTS = 1 << 10;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final int maxSlots;
    private DecodedAttributes[] table;
    private int size;

    AttributeCache(int maxEntries) {
        // The smallest power of two holding maxEntries at half load.
        this.maxSlots = Math.max(2 * PROBES, Integer.highestOneBit(Math.max(1, maxEntries - 1)) << 2);
    }

    /** Hash of {@code len} octets at {@code off}, 8 at a time; {@code fourOctetAs} is folded in. */
    static int hash(byte[] b, int off, int len, boolean fourOctetAs) {
        long h = len * 0x9E3779B97F4A7C15L + (fourOctetAs ? 0x632BE59BD9B4E019L : 0);
        int i = 0;
        for (; i + 8 <= len; i += 8) {
            h = (h ^ (long) LONGS.get(b, off + i)) * 0xBF58476D1CE4E5B9L;
            h ^= h >>> 29;
        }
        long tail = 0;
        for (; i < len; i++) tail = (tail << 8) | (b[off + i] & 0xFF);
        h = (h ^ tail) * 0x94D049BB133111EBL;
        h ^= h >>> 31;
        return (int) (h ^ (h >>> 32));
    }

    DecodedAttributes get(byte[] b, int off, int len, int hash, boolean fourOctetAs) {
        DecodedAttributes[] t = table;
        if (t == null) return null;
        int mask = t.length - 1;
        int i = hash & mask;
        for (int probe = 0; probe < PROBES; probe++, i = (i + 1) & mask) {
            DecodedAttributes e = t[i];
            if (e == null) return null;
            if (e.hash == hash && e.key.length == len && e.fourOctetAs == fourOctetAs
                    && Arrays.equals(e.key, 0, len, b, off, off + len)) {
                return e;
            }
        }
        return null;
    }

    /** Stores {@code value} under the octets (copied); {@code value} must not be stored yet. */
    void put(byte[] b, int off, int len, int hash, DecodedAttributes value) {
        if (table == null) table = new DecodedAttributes[Math.min(INITIAL_SLOTS, maxSlots)];
        else if ((size + 1) * 2 > table.length && table.length < maxSlots) rehash(table.length * 2);
        value.key = Arrays.copyOfRange(b, off, off + len);
        value.hash = hash;
        insert(value);
    }

    int size() { return size; }

    private void insert(DecodedAttributes value) {
        DecodedAttributes[] t = table;
        int mask = t.length - 1;
        int start = value.hash & mask;
        for (int probe = 0; probe < PROBES; probe++) {
            int i = (start + probe) & mask;
            if (t[i] == null) {
                t[i] = value;
                size++;
                return;
            }
        }
        t[(start + (value.hash >>> 29)) & mask] = value; // window full: replace one of its entries
    }

    private void rehash(int slots) {
        DecodedAttributes[] old = table;
        table = new DecodedAttributes[slots];
        size = 0;
        for (DecodedAttributes e : old) if (e != null) insert(e);
    }
}
