package io.vroute.bfd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** The RFC 5880 §4.1 layout and the session-independent §6.8.6 discard rules. */
class ControlPacketTest {

    @Property
    void everyFieldSurvivesAWriteAndARead(
            @ForAll @IntRange(min = 0, max = 7) int version, @ForAll @IntRange(min = 0, max = 31) int diag,
            @ForAll SessionState state, @ForAll boolean poll, @ForAll boolean fin, @ForAll boolean cpi,
            @ForAll boolean auth, @ForAll boolean demand, @ForAll boolean multipoint,
            @ForAll @IntRange(min = 0, max = 255) int mult, @ForAll @IntRange(min = 0, max = 255) int length,
            @ForAll int myDiscr, @ForAll int yourDiscr,
            @ForAll @LongRange(min = 0, max = 0xffff_ffffL) long tx, @ForAll @LongRange(min = 0, max = 0xffff_ffffL) long rx,
            @ForAll @LongRange(min = 0, max = 0xffff_ffffL) long echo,
            @ForAll @IntRange(min = 0, max = 255) int authType, @ForAll @IntRange(min = 0, max = 255) int authLen,
            @ForAll @IntRange(min = 0, max = 255) int keyId, @ForAll int seq) {
        byte[] buf = new byte[60];
        ControlPacket w = new ControlPacket().wrap(buf, 3, 52).clear(52);
        // written in an order that makes each setter leave its neighbours' bits alone
        w.setDiag(diag).setVersion(version).setMultipoint(multipoint).setState(state).setPoll(poll).setFinal(fin)
                .setControlPlaneIndependent(cpi).setAuthPresent(auth).setDemand(demand)
                .setDetectMult(mult).setLength(length).setMyDiscriminator(myDiscr).setYourDiscriminator(yourDiscr)
                .setDesiredMinTx(tx).setRequiredMinRx(rx).setRequiredMinEchoRx(echo)
                .setAuthType(authType).setAuthLen(authLen).setAuthKeyId(keyId).setAuthSequence(seq);

        ControlPacket r = new ControlPacket().wrap(buf, 3, 52);
        assertEquals(version, r.version());
        assertEquals(diag, r.diag());
        assertEquals(state, r.state());
        assertEquals(state.code, r.stateCode());
        assertEquals(poll, r.poll());
        assertEquals(fin, r.isFinal());
        assertEquals(cpi, r.controlPlaneIndependent());
        assertEquals(auth, r.authPresent());
        assertEquals(demand, r.demand());
        assertEquals(multipoint, r.multipoint());
        assertEquals(mult, r.detectMult());
        assertEquals(length, r.length());
        assertEquals(myDiscr, r.myDiscriminator());
        assertEquals(yourDiscr, r.yourDiscriminator());
        assertEquals(tx, r.desiredMinTx());
        assertEquals(rx, r.requiredMinRx());
        assertEquals(echo, r.requiredMinEchoRx());
        assertEquals(authType, r.authType());
        assertEquals(authLen, r.authLen());
        assertEquals(keyId, r.authKeyId());
        assertEquals(seq, r.authSequence());
        assertEquals(0, buf[0] | buf[1] | buf[2] | buf[55] | buf[56], "nothing written outside the packet");
    }

    @Test
    void theWireLayoutIsTheRfcs() {
        byte[] buf = new byte[24];
        new ControlPacket().wrap(buf, 0, 24).clear(24).setDiag(3).setState(SessionState.UP).setPoll(true)
                .setDetectMult(5).setMyDiscriminator(0x01020304).setYourDiscriminator(0x0a0b0c0d)
                .setDesiredMinTx(1_000_000).setRequiredMinRx(300_000).setRequiredMinEchoRx(0);
        byte[] expected = {
                0x23, (byte) 0xe0, 5, 24,                     // vers 1 diag 3 | Up, P | mult | length
                1, 2, 3, 4, 0x0a, 0x0b, 0x0c, 0x0d,
                0x00, 0x0f, 0x42, 0x40,                       // 1,000,000 us
                0x00, 0x04, (byte) 0x93, (byte) 0xe0,         // 300,000 us
                0, 0, 0, 0};
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, buf);
    }

    @Test
    void aWellFormedPacketIsAccepted() {
        assertEquals(Verdict.ACCEPT, Packets.valid().check());
    }

    @Test
    void fewerThanFourBytesAreTooShort() {
        assertEquals(Verdict.TOO_SHORT, new ControlPacket().wrap(new byte[3], 0, 3).check());
    }

    @Test
    void aVersionOtherThanOneIsDropped() {
        assertEquals(Verdict.BAD_VERSION, Packets.valid().setVersion(0).check());
        assertEquals(Verdict.BAD_VERSION, Packets.valid().setVersion(2).check());
    }

    @Test
    void lengthBelowTheMandatorySectionIsDropped() {
        assertEquals(Verdict.BAD_LENGTH, Packets.valid().setLength(23).check());
        ControlPacket withAuth = Packets.valid();
        withAuth.wrap(withAuth.buffer(), 0, 26).setAuthPresent(true).setLength(25);
        assertEquals(Verdict.BAD_LENGTH, withAuth.check());
        assertEquals(Verdict.ACCEPT, withAuth.setLength(26).check());
    }

    @Test
    void lengthBeyondThePayloadIsDropped() {
        ControlPacket p = Packets.valid();
        p.wrap(p.buffer(), 0, 23);
        assertEquals(Verdict.LENGTH_EXCEEDS_PAYLOAD, p.check());
        assertEquals(Verdict.LENGTH_EXCEEDS_PAYLOAD, Packets.valid().setLength(60).check());
    }

    @Test
    void trailingBytesAfterLengthAreIgnored() {
        ControlPacket p = Packets.valid();
        p.wrap(p.buffer(), 0, 64);
        assertEquals(Verdict.ACCEPT, p.check());
    }

    @Test
    void zeroDetectMultIsDropped() {
        assertEquals(Verdict.ZERO_DETECT_MULT, Packets.valid().setDetectMult(0).check());
    }

    @Test
    void multipointIsDropped() {
        assertEquals(Verdict.MULTIPOINT, Packets.valid().setMultipoint(true).check());
    }

    @Test
    void zeroMyDiscriminatorIsDropped() {
        assertEquals(Verdict.ZERO_MY_DISCRIMINATOR, Packets.valid().setMyDiscriminator(0).check());
    }

    @Test
    void zeroYourDiscriminatorIsOnlyForDownAndAdminDown() {
        assertEquals(Verdict.ACCEPT, Packets.valid().setYourDiscriminator(0).setState(SessionState.DOWN).check());
        assertEquals(Verdict.ACCEPT, Packets.valid().setYourDiscriminator(0).setState(SessionState.ADMIN_DOWN).check());
        assertEquals(Verdict.ZERO_YOUR_DISCRIMINATOR, Packets.valid().setYourDiscriminator(0).setState(SessionState.INIT).check());
        assertEquals(Verdict.ZERO_YOUR_DISCRIMINATOR, Packets.valid().setYourDiscriminator(0).setState(SessionState.UP).check());
    }

    @Test
    void wrappingOutsideTheBufferIsRefusedWithAHint() {
        var e = assertThrows(IllegalArgumentException.class, () -> new ControlPacket().wrap(new byte[10], 4, 10));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("pass the part of the buffer"));
        assertThrows(IllegalArgumentException.class, () -> new ControlPacket().wrap(new byte[20], 0, 20).clear(24));
    }
}
