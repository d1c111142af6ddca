package io.vroute.linux;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One netlink request being written: the {@code nlmsghdr}, the family header (written field by field with
 * {@link #u8}, {@link #u16}, {@link #u32}) and route attributes ({@code rtattr}/{@code nlattr}, nestable). Numbers are
 * in host byte order as netlink wants; addresses are written as their raw network-order bytes. The sequence number
 * is left 0 here and filled in by {@link #copyTo} when the request is sent. Layouts from {@code <linux/netlink.h>}:
 * messages and attributes are aligned to 4 bytes; each attribute's length excludes its padding, but the message
 * (and so every nest) is kept padded after each attribute.
 */
final class Message {
    static final int HEADER = 16;

    // nlmsg_type values for control messages, <linux/netlink.h>
    static final int NLMSG_NOOP = 1;
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;

    // nlmsg_flags
    static final int NLM_F_REQUEST = 0x1;
    static final int NLM_F_MULTI = 0x2;
    static final int NLM_F_ACK = 0x4;
    static final int NLM_F_DUMP_INTR = 0x10;
    static final int NLM_F_ROOT = 0x100;
    static final int NLM_F_MATCH = 0x200;
    static final int NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;
    static final int NLM_F_REPLACE = 0x100;
    static final int NLM_F_EXCL = 0x200;
    static final int NLM_F_CREATE = 0x400;
    // flags of an NLMSG_ERROR answer: the request was capped (NETLINK_CAP_ACK), TLVs follow (NETLINK_EXT_ACK)
    static final int NLM_F_CAPPED = 0x100;
    static final int NLM_F_ACK_TLVS = 0x200;
    static final int NLMSGERR_ATTR_MSG = 1;

    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.nativeOrder());
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());

    private byte[] bytes = new byte[128];
    private int length;

    /** Starts a request of {@code type} (e.g. RTM_NEWROUTE) with {@code flags} (NLM_F_REQUEST is added). */
    Message(int type, int flags) {
        length = HEADER;
        SHORT.set(bytes, 4, (short) type);
        SHORT.set(bytes, 6, (short) (flags | NLM_F_REQUEST));
    }

    /** The length so far, which is the length on the wire once every nest is closed. */
    int length() {
        return length;
    }

    private void ensure(int more) {
        if (length + more > bytes.length) bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
    }

    /** Appends one byte of the family header. */
    Message u8(int value) {
        ensure(1);
        bytes[length++] = (byte) value;
        return this;
    }

    /** Appends a 16-bit host-order field of the family header. */
    Message u16(int value) {
        ensure(2);
        SHORT.set(bytes, length, (short) value);
        length += 2;
        return this;
    }

    /** Appends a 32-bit host-order field of the family header. */
    Message u32(int value) {
        ensure(4);
        INT.set(bytes, length, value);
        length += 4;
        return this;
    }

    private void pad() {
        int aligned = align(length);
        ensure(aligned - length);
        while (length < aligned) bytes[length++] = 0;
    }

    /** Appends an attribute holding {@code value} as is (addresses: network byte order). */
    Message attr(int type, byte[] value) {
        pad();
        ensure(4 + value.length);
        SHORT.set(bytes, length, (short) (4 + value.length));
        SHORT.set(bytes, length + 2, (short) type);
        System.arraycopy(value, 0, bytes, length + 4, value.length);
        length += 4 + value.length;
        pad();   // keep the message aligned, so an enclosing nest's length covers the padding (as iproute2 does)
        return this;
    }

    /** Appends a 32-bit host-order attribute. */
    Message attrU32(int type, int value) {
        pad();
        ensure(8);
        SHORT.set(bytes, length, (short) 8);
        SHORT.set(bytes, length + 2, (short) type);
        INT.set(bytes, length + 4, value);
        length += 8;
        return this;
    }

    /** Appends a one-byte attribute. */
    Message attrU8(int type, int value) {
        return attr(type, new byte[] {(byte) value});
    }

    /** Appends a NUL-terminated string attribute (interface names, link kinds). */
    Message attrString(int type, String value) {
        byte[] text = value.getBytes(StandardCharsets.UTF_8);
        return attr(type, Arrays.copyOf(text, text.length + 1));
    }

    /** Opens a nested attribute; close it with {@link #end} passing what this returned. */
    int nest(int type) {
        pad();
        ensure(4);
        int start = length;
        SHORT.set(bytes, length + 2, (short) type);
        length += 4;
        return start;
    }

    /** Closes the nested attribute opened at {@code start}: its length now covers everything appended since. */
    void end(int start) {
        SHORT.set(bytes, start, (short) (length - start));
    }

    /**
     * Copies the finished message into {@code target} at {@code offset} with sequence number {@code seq}, setting
     * {@code nlmsg_len}, and returns the aligned length it occupies there.
     */
    int copyTo(MemorySegment target, long offset, int seq) {
        INT.set(bytes, 0, length);
        INT.set(bytes, 8, seq);
        MemorySegment.copy(bytes, 0, target, ValueLayout.JAVA_BYTE, offset, length);
        int aligned = align(length);
        for (int i = length; i < aligned; i++) target.set(ValueLayout.JAVA_BYTE, offset + i, (byte) 0);
        return aligned;
    }

    /** The finished message as bytes (sequence 0), for tests that check the encoding. */
    byte[] toBytes() {
        INT.set(bytes, 0, length);
        return Arrays.copyOf(bytes, length);
    }

    /** NLMSG_ALIGN / NLA_ALIGN: the next multiple of 4. */
    static int align(int n) {
        return (n + 3) & ~3;
    }
}
