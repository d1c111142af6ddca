package io.vroute.bfd;

/**
 * What became of a received Control packet: {@link #ACCEPT}, or the RFC 5880 §6.8.6 (and §6.7.4) rule that
 * discarded it. Each session counts its discards per verdict.
 */
public enum Verdict {
    ACCEPT,
    /** Fewer than 4 bytes: not even the header can be read. */
    TOO_SHORT,
    /** §6.8.6: the version is not 1. */
    BAD_VERSION,
    /** §6.8.6: Length is below 24, or below 26 with the A bit set. */
    BAD_LENGTH,
    /** §6.8.6: Length is larger than the payload that arrived. */
    LENGTH_EXCEEDS_PAYLOAD,
    /** §6.8.6: Detect Mult is zero. */
    ZERO_DETECT_MULT,
    /** §6.8.6: the Multipoint bit is set. */
    MULTIPOINT,
    /** §6.8.6: My Discriminator is zero. */
    ZERO_MY_DISCRIMINATOR,
    /** §6.8.6: Your Discriminator is non-zero and names no session here. */
    NO_SUCH_SESSION,
    /** §6.8.6: Your Discriminator is zero while the peer says Init or Up. */
    ZERO_YOUR_DISCRIMINATOR,
    /** §6.8.6: the A bit is set but this session has no authentication configured. */
    AUTH_NOT_EXPECTED,
    /** §6.8.6: this session requires authentication and the A bit is clear. */
    AUTH_MISSING,
    /** §6.7.4: Auth Type is not the one configured. */
    AUTH_TYPE_MISMATCH,
    /** §6.7.4: Auth Len is not 28, or the section does not fit in Length. */
    AUTH_LENGTH,
    /** §6.7.4: Auth Key ID is not the configured key. */
    AUTH_KEY_ID,
    /** §6.7.4: the sequence number is outside the accepted window (a replay, or too far ahead). */
    AUTH_SEQUENCE,
    /** §6.7.4: the SHA1 digest does not match. */
    AUTH_DIGEST,
    /** §6.8.6: the local session is AdminDown; the remote variables were updated, the rest ignored. */
    SESSION_ADMIN_DOWN;

    static final Verdict[] ALL = values();
}
