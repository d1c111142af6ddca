package io.vroute.bfd;

import java.util.Arrays;

/**
 * My Discriminator to session, for the demultiplexing of received packets (RFC 5880 §6.3): open addressing over
 * primitive ints, so a lookup on the packet path allocates nothing (a {@code HashMap<Integer, ...>} would box).
 * Zero is never a key (§6.8.1). One thread only.
 */
final class DiscriminatorTable<V> {
    private int[] keys = new int[64];
    private Object[] values = new Object[64];
    private int size;

    @SuppressWarnings("unchecked")
    V get(int key) {
        int mask = keys.length - 1;
        for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
            int k = keys[i];
            if (k == key) return (V) values[i];
            if (k == 0) return null;
        }
    }

    void put(int key, V value) {
        if (key == 0) throw new IllegalArgumentException("discriminator 0 is reserved (RFC 5880 §6.8.1)");
        if ((size + 1) * 2 > keys.length) grow();
        int mask = keys.length - 1;
        for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
            if (keys[i] == key) { values[i] = value; return; }
            if (keys[i] == 0) { keys[i] = key; values[i] = value; size++; return; }
        }
    }

    void remove(int key) {
        int mask = keys.length - 1;
        int i = mix(key) & mask;
        while (keys[i] != key) {
            if (keys[i] == 0) return;
            i = (i + 1) & mask;
        }
        keys[i] = 0;
        values[i] = null;
        size--;
        // re-insert the rest of the cluster so that lookups never stop early at the hole
        for (int j = (i + 1) & mask; keys[j] != 0; j = (j + 1) & mask) {
            int k = keys[j];
            Object v = values[j];
            keys[j] = 0;
            values[j] = null;
            size--;
            @SuppressWarnings("unchecked") V value = (V) v;
            put(k, value);
        }
    }

    int size() { return size; }

    private void grow() {
        int[] oldKeys = keys;
        Object[] oldValues = values;
        keys = new int[oldKeys.length * 2];
        values = new Object[oldKeys.length * 2];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != 0) {
                @SuppressWarnings("unchecked") V v = (V) oldValues[i];
                put(oldKeys[i], v);
            }
        }
        Arrays.fill(oldValues, null);
    }

    private static int mix(int key) {
        int h = key * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
