package io.vroute.linux;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The attributes of one received netlink message (or of one nested attribute), indexed by type: where each
 * attribute's value starts and how long it is, in a buffer in host byte order. Types above {@value #MAX_TYPE} and
 * repeated types after the first are ignored; the nested flag (NLA_F_NESTED) and byte-order flag are masked off.
 * Attributes that run past the end stop the walk, so a truncated message yields fewer attributes, never an
 * exception.
 */
final class Attributes {
    static final int MAX_TYPE = 63;
    private static final int TYPE_MASK = 0x3FFF;

    private final ByteBuffer buffer;
    private final int[] offset = new int[MAX_TYPE + 1];
    private final int[] length = new int[MAX_TYPE + 1];

    private Attributes(ByteBuffer buffer, int from, int to) {
        this.buffer = buffer;
        java.util.Arrays.fill(offset, -1);
        int at = from;
        while (at + 4 <= to) {
            int len = Short.toUnsignedInt(buffer.getShort(at));
            int type = Short.toUnsignedInt(buffer.getShort(at + 2)) & TYPE_MASK;
            if (len < 4 || at + len > to) break;
            if (type <= MAX_TYPE && offset[type] < 0) {
                offset[type] = at + 4;
                length[type] = len - 4;
            }
            at += Message.align(len);
        }
    }

    /** The attributes in {@code buffer[from, to)}. */
    static Attributes parse(ByteBuffer buffer, int from, int to) {
        return new Attributes(buffer, from, Math.min(to, buffer.limit()));
    }

    boolean has(int type) {
        return type <= MAX_TYPE && offset[type] >= 0;
    }

    /** A 32-bit host-order attribute, or {@code otherwise} when absent or too short. */
    int u32(int type, int otherwise) {
        return has(type) && length[type] >= 4 ? buffer.getInt(offset[type]) : otherwise;
    }

    /** A one-byte attribute, or {@code otherwise} when absent. */
    int u8(int type, int otherwise) {
        return has(type) && length[type] >= 1 ? Byte.toUnsignedInt(buffer.get(offset[type])) : otherwise;
    }

    /** The raw value, or null when absent. */
    byte[] bytes(int type) {
        if (!has(type)) return null;
        byte[] value = new byte[length[type]];
        buffer.get(offset[type], value);
        return value;
    }

    /** A string attribute up to its NUL, or null when absent. */
    String string(int type) {
        if (!has(type)) return null;
        int start = offset[type];
        int end = start;
        while (end < start + length[type] && buffer.get(end) != 0) end++;
        byte[] text = new byte[end - start];
        buffer.get(start, text);
        return new String(text, StandardCharsets.UTF_8);
    }

    /** The attributes nested in attribute {@code type}, or null when absent. */
    Attributes nested(int type) {
        if (!has(type)) return null;
        return new Attributes(buffer, offset[type], offset[type] + length[type]);
    }
}
