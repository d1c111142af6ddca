package io.vroute.bfd;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Keyed SHA1 and Meticulous Keyed SHA1 authentication of Control packets (RFC 5880 §4.4, §6.7.4), for one
 * session: it holds the key, bfd.XmitAuthSeq, bfd.RcvAuthSeq and bfd.AuthSeqKnown. One MessageDigest and two
 * 20-byte scratch arrays are reused, so signing and checking allocate nothing. Not thread-safe: the session's
 * thread owns it.
 */
public final class Authentication {
    /** Auth Type 4 (§4.1). */
    public static final int KEYED_SHA1 = 4;
    /** Auth Type 5 (§4.1). */
    public static final int METICULOUS_KEYED_SHA1 = 5;
    /** Auth Len for both SHA1 types (§4.4). */
    public static final int SECTION_LENGTH = 28;

    private static final int HASH_AT = ControlPacket.MANDATORY_LENGTH + 8;
    private static final int HASH_LENGTH = 20;

    private final int type;
    private final int keyId;
    private final byte[] paddedKey = new byte[HASH_LENGTH];
    private final MessageDigest sha1;
    private final byte[] received = new byte[HASH_LENGTH];
    private final byte[] computed = new byte[HASH_LENGTH];

    private int xmitSeq;
    private int rcvSeq;
    private boolean seqKnown;

    private Authentication(int type, int keyId, byte[] key, int initialXmitSeq) {
        if (keyId < 0 || keyId > 255) {
            throw new IllegalArgumentException("key ID " + keyId + " does not fit the 8-bit Auth Key ID field: use 0-255");
        }
        if (key.length < 1 || key.length > HASH_LENGTH) {
            throw new IllegalArgumentException("a SHA1 key of " + key.length + " bytes: RFC 5880 §4.4 takes 1-20 bytes");
        }
        this.type = type;
        this.keyId = keyId;
        System.arraycopy(key, 0, paddedKey, 0, key.length);   // §4.4: shorter keys are padded with zeros
        this.xmitSeq = initialXmitSeq;
        try {
            this.sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK offers no SHA-1 MessageDigest, which BFD authentication needs", e);
        }
    }

    /**
     * Keyed SHA1: a received sequence number may repeat. {@code initialXmitSeq} should be random (§6.8.1,
     * bfd.XmitAuthSeq).
     */
    public static Authentication keyedSha1(int keyId, byte[] key, int initialXmitSeq) {
        return new Authentication(KEYED_SHA1, keyId, key, initialXmitSeq);
    }

    /** Meticulous Keyed SHA1: every received sequence number must be newer than the last one accepted. */
    public static Authentication meticulousKeyedSha1(int keyId, byte[] key, int initialXmitSeq) {
        return new Authentication(METICULOUS_KEYED_SHA1, keyId, key, initialXmitSeq);
    }

    public int type() {
        return type;
    }

    /** The sequence number the next signed packet carries. */
    int nextXmitSequence() {
        return xmitSeq;
    }

    /** bfd.AuthSeqKnown. */
    boolean sequenceKnown() {
        return seqKnown;
    }

    /** §6.8.1: forget bfd.RcvAuthSeq after twice the Detection Time without a packet; the next good one sets it. */
    void forgetSequence() {
        seqKnown = false;
    }

    /**
     * Signs the packet whose first {@code length} bytes sit at {@code buf[off]} (§6.7.4, transmission): writes the
     * auth section at byte 24, then replaces the key in the hash field with SHA1 over the whole packet. The
     * sequence number advances on every packet (a MUST for the meticulous type, allowed for the other).
     */
    void sign(byte[] buf, int off, int length) {
        if (length < ControlPacket.MANDATORY_LENGTH + SECTION_LENGTH) {
            throw new IllegalArgumentException("a packet of " + length + " bytes has no room for the 28-byte SHA1 section:"
                    + " build it with Length 52");
        }
        int a = off + ControlPacket.MANDATORY_LENGTH;
        buf[a] = (byte) type;
        buf[a + 1] = (byte) SECTION_LENGTH;
        buf[a + 2] = (byte) keyId;
        buf[a + 3] = 0;
        int seq = xmitSeq;
        buf[a + 4] = (byte) (seq >>> 24);
        buf[a + 5] = (byte) (seq >>> 16);
        buf[a + 6] = (byte) (seq >>> 8);
        buf[a + 7] = (byte) seq;
        xmitSeq = seq + 1;                                     // circular, unsigned 32-bit
        System.arraycopy(paddedKey, 0, buf, off + HASH_AT, HASH_LENGTH);
        sha1.reset();
        sha1.update(buf, off, length);
        digestInto(buf, off + HASH_AT);
    }

    /**
     * Checks a packet with the A bit set (§6.7.4, reception): type, Auth Len, key ID, the sequence window, then the
     * digest. On {@link Verdict#ACCEPT} bfd.RcvAuthSeq becomes the packet's sequence number. The packet's bytes are
     * left as they arrived.
     */
    Verdict verify(ControlPacket p) {
        if (p.authType() != type) return Verdict.AUTH_TYPE_MISMATCH;
        if (p.authLen() != SECTION_LENGTH || p.length() < ControlPacket.MANDATORY_LENGTH + SECTION_LENGTH) {
            return Verdict.AUTH_LENGTH;
        }
        if (p.authKeyId() != keyId) return Verdict.AUTH_KEY_ID;
        int seq = p.authSequence();
        if (seqKnown && !inWindow(seq, p.detectMult())) return Verdict.AUTH_SEQUENCE;

        byte[] buf = p.buffer();
        int hashAt = p.offset() + HASH_AT;
        System.arraycopy(buf, hashAt, received, 0, HASH_LENGTH);
        System.arraycopy(paddedKey, 0, buf, hashAt, HASH_LENGTH);
        sha1.reset();
        sha1.update(buf, p.offset(), p.length());
        digestInto(computed, 0);
        System.arraycopy(received, 0, buf, hashAt, HASH_LENGTH);   // give the caller its bytes back
        if (!MessageDigest.isEqual(received, computed)) return Verdict.AUTH_DIGEST;

        rcvSeq = seq;
        seqKnown = true;
        return Verdict.ACCEPT;
    }

    /**
     * §6.7.4: keyed SHA1 takes bfd.RcvAuthSeq to bfd.RcvAuthSeq + 3 x Detect Mult inclusive, meticulous keyed SHA1
     * starts one later (so a replay of the last packet fails); both wrap around 2^32. Detect Mult is the received
     * packet's.
     */
    private boolean inWindow(int seq, int detectMult) {
        long ahead = Integer.toUnsignedLong(seq - rcvSeq);
        long first = type == METICULOUS_KEYED_SHA1 ? 1 : 0;
        return ahead >= first && ahead <= 3L * detectMult;
    }

    private void digestInto(byte[] out, int at) {
        try {
            sha1.digest(out, at, HASH_LENGTH);
        } catch (DigestException e) {
            throw new IllegalStateException("SHA-1 could not write its 20-byte digest", e);
        }
    }
}
