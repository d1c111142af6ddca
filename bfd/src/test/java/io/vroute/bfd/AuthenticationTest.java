package io.vroute.bfd;

import static io.vroute.bfd.Packets.LOCAL;
import static io.vroute.bfd.Packets.PEER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Keyed SHA1 and Meticulous Keyed SHA1, RFC 5880 §4.4 and §6.7.4. */
class AuthenticationTest {
    static final byte[] KEY = "vroute-bfd-key".getBytes(StandardCharsets.US_ASCII);
    static final long MS = 1_000_000L;

    /** A signed 52-byte packet from PEER, state Down, Detect Mult 3, with the given sequence number. */
    static ControlPacket signed(Authentication signer) {
        byte[] buf = new byte[64];
        ControlPacket p = new ControlPacket().wrap(buf, 0, 52).clear(52).setState(SessionState.DOWN).setAuthPresent(true)
                .setDetectMult(3).setMyDiscriminator(PEER).setDesiredMinTx(1_000_000).setRequiredMinRx(300_000);
        signer.sign(buf, 0, 52);
        return p;
    }

    @Test
    void theDigestIsSha1OverThePacketWithTheKeyInPlace() throws Exception {
        Authentication a = Authentication.keyedSha1(7, KEY, 0x01020304);
        ControlPacket p = signed(a);
        assertEquals(4, p.authType());
        assertEquals(28, p.authLen());
        assertEquals(7, p.authKeyId());
        assertEquals(0x01020304, p.authSequence());
        assertEquals(0x01020305, a.nextXmitSequence(), "advances per packet");

        byte[] copy = java.util.Arrays.copyOf(p.buffer(), 52);
        byte[] padded = new byte[20];
        System.arraycopy(KEY, 0, padded, 0, KEY.length);
        System.arraycopy(padded, 0, copy, 32, 20);
        byte[] expected = MessageDigest.getInstance("SHA-1").digest(copy);
        assertArrayEquals(expected, java.util.Arrays.copyOfRange(p.buffer(), 32, 52));
    }

    @Test
    void aGoodPacketPassesAndIsLeftAsItArrived() {
        for (boolean meticulous : new boolean[] {false, true}) {
            ControlPacket p = signed(make(meticulous, 1, KEY, 100));
            byte[] before = p.buffer().clone();
            Authentication rx = make(meticulous, 1, KEY, 0);
            assertEquals(Verdict.ACCEPT, rx.verify(p));
            assertTrue(rx.sequenceKnown());
            assertArrayEquals(before, p.buffer());
        }
    }

    @Test
    void aChangedByteFailsTheDigest() {
        ControlPacket p = signed(Authentication.meticulousKeyedSha1(1, KEY, 5));
        p.setDesiredMinTx(10_000);
        Authentication rx = Authentication.meticulousKeyedSha1(1, KEY, 0);
        assertEquals(Verdict.AUTH_DIGEST, rx.verify(p));
        assertFalse(rx.sequenceKnown(), "a bad packet does not set bfd.RcvAuthSeq");
    }

    @Test
    void theWrongKeyFailsTheDigest() {
        ControlPacket p = signed(Authentication.keyedSha1(1, "other".getBytes(StandardCharsets.US_ASCII), 5));
        assertEquals(Verdict.AUTH_DIGEST, Authentication.keyedSha1(1, KEY, 0).verify(p));
    }

    @Test
    void typeLengthAndKeyIdMustMatch() {
        assertEquals(Verdict.AUTH_TYPE_MISMATCH,
                Authentication.meticulousKeyedSha1(1, KEY, 0).verify(signed(Authentication.keyedSha1(1, KEY, 0))));
        assertEquals(Verdict.AUTH_KEY_ID, Authentication.keyedSha1(2, KEY, 0).verify(signed(Authentication.keyedSha1(1, KEY, 0))));
        assertEquals(Verdict.AUTH_LENGTH,
                Authentication.keyedSha1(1, KEY, 0).verify(signed(Authentication.keyedSha1(1, KEY, 0)).setAuthLen(24)));
        ControlPacket shortened = signed(Authentication.keyedSha1(1, KEY, 0)).setLength(40);
        assertEquals(Verdict.AUTH_LENGTH, Authentication.keyedSha1(1, KEY, 0).verify(shortened));
    }

    @Test
    void meticulousRefusesAReplayAndKeyedAllowsARepeat() {
        ControlPacket p = signed(Authentication.meticulousKeyedSha1(1, KEY, 50));
        Authentication meticulous = Authentication.meticulousKeyedSha1(1, KEY, 0);
        assertEquals(Verdict.ACCEPT, meticulous.verify(p));
        assertEquals(Verdict.AUTH_SEQUENCE, meticulous.verify(p));

        ControlPacket k = signed(Authentication.keyedSha1(1, KEY, 50));
        Authentication keyed = Authentication.keyedSha1(1, KEY, 0);
        assertEquals(Verdict.ACCEPT, keyed.verify(k));
        assertEquals(Verdict.ACCEPT, keyed.verify(k));
    }

    @Test
    void theWindowIsThreeDetectMultsAheadAndWrapsAround() {
        for (boolean meticulous : new boolean[] {false, true}) {
            Authentication rx = make(meticulous, 1, KEY, 0);
            assertEquals(Verdict.ACCEPT, rx.verify(signed(make(meticulous, 1, KEY, -2))));        // 0xfffffffe
            assertEquals(Verdict.ACCEPT, rx.verify(signed(make(meticulous, 1, KEY, 7))), "-2 + 9 wraps to 7");
            assertEquals(Verdict.AUTH_SEQUENCE, rx.verify(signed(make(meticulous, 1, KEY, 17))), "7 + 10 > 3 x 3");
            assertEquals(Verdict.AUTH_SEQUENCE, rx.verify(signed(make(meticulous, 1, KEY, 6))), "behind");
            assertEquals(Verdict.ACCEPT, rx.verify(signed(make(meticulous, 1, KEY, 16))), "7 + 9");
        }
    }

    @Test
    void aForgottenSequenceTakesAnyNumberOnce() {
        Authentication rx = Authentication.meticulousKeyedSha1(1, KEY, 0);
        assertEquals(Verdict.ACCEPT, rx.verify(signed(Authentication.meticulousKeyedSha1(1, KEY, 1000))));
        rx.forgetSequence();
        assertEquals(Verdict.ACCEPT, rx.verify(signed(Authentication.meticulousKeyedSha1(1, KEY, 3))));
    }

    @Test
    void keysOfOneToTwentyBytesOnly() {
        assertThrows(IllegalArgumentException.class, () -> Authentication.keyedSha1(1, new byte[0], 0));
        var e = assertThrows(IllegalArgumentException.class, () -> Authentication.keyedSha1(1, new byte[21], 0));
        assertTrue(e.getMessage().contains("1-20 bytes"));
        assertThrows(IllegalArgumentException.class, () -> Authentication.keyedSha1(256, KEY, 0));
        Authentication.keyedSha1(1, new byte[20], 0);
    }

    @Test
    void twoAuthenticatedSessionsComeUpAndAStrangerIsDropped() {
        BfdSession a = new BfdSession(LOCAL, 300_000, 300_000, 3, Authentication.meticulousKeyedSha1(3, KEY, 11),
                new SplittableRandom(1), (f, t, d, n) -> { });
        BfdSession b = new BfdSession(PEER, 300_000, 300_000, 3, Authentication.meticulousKeyedSha1(3, KEY, 900),
                new SplittableRandom(2), (f, t, d, n) -> { });
        byte[] wire = new byte[64];
        ControlPacket p = new ControlPacket();
        for (long t = 0; t < 3; t++) {
            assertEquals(Verdict.ACCEPT, b.receive(p.wrap(wire, 0, a.buildPacket(wire, t * MS)), t * MS));
            assertEquals(Verdict.ACCEPT, a.receive(p.wrap(wire, 0, b.buildPacket(wire, t * MS)), t * MS));
        }
        assertEquals(SessionState.UP, a.state());
        assertEquals(SessionState.UP, b.state());
        assertEquals(52, p.length());

        BfdSession stranger = new BfdSession(PEER, 300_000, 300_000, 3, Authentication.meticulousKeyedSha1(3, "guess".getBytes(
                StandardCharsets.US_ASCII), 903), new SplittableRandom(3), (f, t, d, n) -> { });
        assertEquals(Verdict.AUTH_DIGEST, a.receive(p.wrap(wire, 0, stranger.buildPacket(wire, 5 * MS)), 5 * MS));
        assertEquals(1, a.discarded(Verdict.AUTH_DIGEST));

        assertEquals(Verdict.AUTH_SEQUENCE, a.receive(p.wrap(wire, 0, b.buildPacket(wire, 6 * MS)).setAuthSequence(0), 6 * MS),
                "the sequence check comes before the digest");
    }

    @Test
    void twiceTheDetectionTimeOfSilenceForgetsTheSequence() {
        Authentication auth = Authentication.keyedSha1(1, KEY, 0);
        BfdSession s = new BfdSession(LOCAL, 300_000, 300_000, 3, auth, new SplittableRandom(1), (f, t, d, n) -> { });
        assertEquals(Verdict.ACCEPT, s.receive(signed(Authentication.keyedSha1(1, KEY, 77)), 0));
        assertTrue(auth.sequenceKnown());
        s.checkDetection(3_000 * MS);                           // 3 x 1 s detection: expired, not yet twice
        assertTrue(auth.sequenceKnown());
        assertEquals(6_000 * MS, s.detectionDeadline());
        s.checkDetection(6_000 * MS);
        assertFalse(auth.sequenceKnown());
    }

    private static Authentication make(boolean meticulous, int keyId, byte[] key, int seq) {
        return meticulous ? Authentication.meticulousKeyedSha1(keyId, key, seq) : Authentication.keyedSha1(keyId, key, seq);
    }
}
