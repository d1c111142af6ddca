package io.vroute.bfd;

/**
 * A BFD Control packet (RFC 5880 §4.1) read and written in place over a caller's byte[]. One instance is
 * meant to be reused for every packet: {@link #wrap} points it at a buffer, the getters read the wire
 * fields and the setters write them, and nothing is allocated.
 *
 * <pre>
 *  0: Vers(3) Diag(5) | 1: Sta(2) P F C A D M | 2: Detect Mult | 3: Length
 *  4: My Discriminator   8: Your Discriminator
 * 12: Desired Min TX Interval  16: Required Min RX Interval  20: Required Min Echo RX Interval (microseconds)
 * 24: Auth Type | 25: Auth Len | 26: Auth Key ID | 27: reserved | 28: Sequence Number | 32: Auth Key/Hash (SHA1, §4.4)
 * </pre>
 */
public final class ControlPacket {
    /** The only protocol version (§4.1). */
    public static final int VERSION = 1;
    /** The mandatory section, without authentication (§4.1). */
    public static final int MANDATORY_LENGTH = 24;
    /** The smallest Length with the A bit set: the mandatory section plus Auth Type and Auth Len (§6.8.6). */
    public static final int MIN_LENGTH_WITH_AUTH = 26;

    static final int POLL = 0x20;
    static final int FINAL = 0x10;
    static final int CONTROL_PLANE_INDEPENDENT = 0x08;
    static final int AUTH_PRESENT = 0x04;
    static final int DEMAND = 0x02;
    static final int MULTIPOINT = 0x01;

    private byte[] buf = new byte[0];
    private int off;
    private int available;

    /** Points this packet at {@code available} bytes of {@code buf} starting at {@code off}: what arrived, or room to write. */
    public ControlPacket wrap(byte[] buf, int off, int available) {
        if (off < 0 || available < 0 || off + available > buf.length) {
            throw new IllegalArgumentException("offset " + off + " and length " + available
                    + " fall outside a buffer of " + buf.length + " bytes: pass the part of the buffer that holds the packet");
        }
        this.buf = buf;
        this.off = off;
        this.available = available;
        return this;
    }

    public byte[] buffer() {
        return buf;
    }

    public int offset() {
        return off;
    }

    /** The bytes that arrived (or the room to write): Length may be smaller, never larger for a valid packet. */
    public int available() {
        return available;
    }

    /**
     * The RFC 5880 §6.8.6 discard rules that need no session: version, Length, Detect Mult, Multipoint, My
     * Discriminator, and a zero Your Discriminator with state Init or Up. The session checks the rest.
     */
    public Verdict check() {
        if (available < 4) return Verdict.TOO_SHORT;
        if (version() != VERSION) return Verdict.BAD_VERSION;
        int length = length();
        if (length < (authPresent() ? MIN_LENGTH_WITH_AUTH : MANDATORY_LENGTH)) return Verdict.BAD_LENGTH;
        if (length > available) return Verdict.LENGTH_EXCEEDS_PAYLOAD;
        if (detectMult() == 0) return Verdict.ZERO_DETECT_MULT;
        if (multipoint()) return Verdict.MULTIPOINT;
        if (myDiscriminator() == 0) return Verdict.ZERO_MY_DISCRIMINATOR;
        if (yourDiscriminator() == 0) {
            int sta = stateCode();
            if (sta != SessionState.DOWN.code && sta != SessionState.ADMIN_DOWN.code) return Verdict.ZERO_YOUR_DISCRIMINATOR;
        }
        return Verdict.ACCEPT;
    }

    // ---- reading ----

    public int version() { return u8(0) >>> 5; }
    public int diag() { return u8(0) & 0x1f; }
    public int stateCode() { return u8(1) >>> 6; }
    public SessionState state() { return SessionState.of(stateCode()); }
    public boolean poll() { return (u8(1) & POLL) != 0; }
    public boolean isFinal() { return (u8(1) & FINAL) != 0; }
    public boolean controlPlaneIndependent() { return (u8(1) & CONTROL_PLANE_INDEPENDENT) != 0; }
    public boolean authPresent() { return (u8(1) & AUTH_PRESENT) != 0; }
    public boolean demand() { return (u8(1) & DEMAND) != 0; }
    public boolean multipoint() { return (u8(1) & MULTIPOINT) != 0; }
    public int detectMult() { return u8(2); }
    public int length() { return u8(3); }
    public int myDiscriminator() { return i32(4); }
    public int yourDiscriminator() { return i32(8); }
    /** Microseconds, unsigned 32-bit. */
    public long desiredMinTx() { return Integer.toUnsignedLong(i32(12)); }
    /** Microseconds, unsigned 32-bit. */
    public long requiredMinRx() { return Integer.toUnsignedLong(i32(16)); }
    /** Microseconds, unsigned 32-bit. */
    public long requiredMinEchoRx() { return Integer.toUnsignedLong(i32(20)); }
    /** Only meaningful with the A bit set and Length at least 26. */
    public int authType() { return u8(24); }
    public int authLen() { return u8(25); }
    /** Only meaningful for the SHA1 and MD5 types (§4.3, §4.4). */
    public int authKeyId() { return u8(26); }
    public int authSequence() { return i32(28); }

    // ---- writing ----

    /** Zeroes {@code length} bytes and writes version 1 and Length: the start of every packet built here. */
    public ControlPacket clear(int length) {
        if (length < MANDATORY_LENGTH || length > 255 || length > available) {
            throw new IllegalArgumentException("a Control packet of " + length + " bytes does not fit: give 24-255 bytes"
                    + " and a buffer of at least that many (" + available + " available)");
        }
        for (int i = 0; i < length; i++) buf[off + i] = 0;
        return setVersion(VERSION).setLength(length);
    }

    public ControlPacket setVersion(int version) { put8(0, (u8(0) & 0x1f) | (version & 7) << 5); return this; }
    public ControlPacket setDiag(int diag) { put8(0, (u8(0) & 0xe0) | (diag & 0x1f)); return this; }
    public ControlPacket setState(SessionState state) { put8(1, (u8(1) & 0x3f) | state.code << 6); return this; }
    public ControlPacket setPoll(boolean on) { return flag(POLL, on); }
    public ControlPacket setFinal(boolean on) { return flag(FINAL, on); }
    public ControlPacket setControlPlaneIndependent(boolean on) { return flag(CONTROL_PLANE_INDEPENDENT, on); }
    public ControlPacket setAuthPresent(boolean on) { return flag(AUTH_PRESENT, on); }
    public ControlPacket setDemand(boolean on) { return flag(DEMAND, on); }
    public ControlPacket setMultipoint(boolean on) { return flag(MULTIPOINT, on); }
    public ControlPacket setDetectMult(int mult) { put8(2, mult); return this; }
    public ControlPacket setLength(int length) { put8(3, length); return this; }
    public ControlPacket setMyDiscriminator(int discr) { put32(4, discr); return this; }
    public ControlPacket setYourDiscriminator(int discr) { put32(8, discr); return this; }
    public ControlPacket setDesiredMinTx(long micros) { put32(12, (int) micros); return this; }
    public ControlPacket setRequiredMinRx(long micros) { put32(16, (int) micros); return this; }
    public ControlPacket setRequiredMinEchoRx(long micros) { put32(20, (int) micros); return this; }
    public ControlPacket setAuthType(int type) { put8(24, type); return this; }
    public ControlPacket setAuthLen(int len) { put8(25, len); return this; }
    public ControlPacket setAuthKeyId(int keyId) { put8(26, keyId); return this; }
    public ControlPacket setAuthSequence(int seq) { put32(28, seq); return this; }

    private ControlPacket flag(int bit, boolean on) {
        put8(1, on ? u8(1) | bit : u8(1) & ~bit);
        return this;
    }

    private int u8(int at) {
        return buf[off + at] & 0xff;
    }

    private int i32(int at) {
        int p = off + at;
        return (buf[p] & 0xff) << 24 | (buf[p + 1] & 0xff) << 16 | (buf[p + 2] & 0xff) << 8 | buf[p + 3] & 0xff;
    }

    private void put8(int at, int v) {
        buf[off + at] = (byte) v;
    }

    private void put32(int at, int v) {
        int p = off + at;
        buf[p] = (byte) (v >>> 24);
        buf[p + 1] = (byte) (v >>> 16);
        buf[p + 2] = (byte) (v >>> 8);
        buf[p + 3] = (byte) v;
    }
}
