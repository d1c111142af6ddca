package io.vroute.bfd;

import static io.vroute.bfd.Diagnostic.ADMINISTRATIVELY_DOWN;
import static io.vroute.bfd.Diagnostic.CONTROL_DETECTION_TIME_EXPIRED;
import static io.vroute.bfd.Diagnostic.NEIGHBOR_SIGNALED_SESSION_DOWN;
import static io.vroute.bfd.Diagnostic.NO_DIAGNOSTIC;
import static io.vroute.bfd.Packets.LOCAL;
import static io.vroute.bfd.Packets.PEER;
import static io.vroute.bfd.SessionState.ADMIN_DOWN;
import static io.vroute.bfd.SessionState.DOWN;
import static io.vroute.bfd.SessionState.INIT;
import static io.vroute.bfd.SessionState.UP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The RFC 5880 §6.8 state machine, timers, Poll Sequence and detection, driven by hand-built peer packets. */
class BfdSessionTest {
    static final long MS = 1_000_000L;        // nanoseconds
    static final long T0 = 5_000 * MS;

    final List<String> events = new ArrayList<>();
    final byte[] out = new byte[64];
    final ControlPacket sent = new ControlPacket();

    BfdSession session(long tx, long rx, int mult) {
        return new BfdSession(LOCAL, tx, rx, mult, null, new SplittableRandom(7),
                (from, to, diag, now) -> events.add(from + "->" + to + " " + diag));
    }

    BfdSession session() {
        return session(300_000, 300_000, 3);
    }

    Verdict deliver(BfdSession s, SessionState peerState, long now) {
        return s.receive(Packets.from(peerState, s.remoteDiscriminator() == 0 && peerState.code < 2 ? 0 : LOCAL), now);
    }

    ControlPacket transmit(BfdSession s, long now) {
        int n = s.buildPacket(out, now);
        return sent.wrap(out, 0, n);
    }

    BfdSession up() {
        BfdSession s = session();
        deliver(s, INIT, T0);
        assertEquals(UP, s.state());
        events.clear();
        return s;
    }

    // ---------------------------------------------------------------- the §6.8.6 table

    @Test
    void startsDownWithNoDiagnosticAndNoPeer() {
        BfdSession s = session();
        ControlPacket p = transmit(s, T0);
        assertEquals(Verdict.ACCEPT, p.check());
        assertEquals(DOWN, p.state());
        assertEquals(0, p.diag());
        assertEquals(LOCAL, p.myDiscriminator());
        assertEquals(0, p.yourDiscriminator());
        assertEquals(3, p.detectMult());
        assertEquals(24, p.length());
        assertEquals(0, p.requiredMinEchoRx());
        assertFalse(p.demand() || p.multipoint() || p.authPresent() || p.poll() || p.isFinal());
    }

    @Test
    void downGoesInitWhenThePeerSaysDown() {
        BfdSession s = session();
        assertEquals(Verdict.ACCEPT, deliver(s, DOWN, T0));
        assertEquals(INIT, s.state());
        assertEquals(PEER, s.remoteDiscriminator());
        assertEquals(List.of("DOWN->INIT NO_DIAGNOSTIC"), events);
        assertEquals(PEER, transmit(s, T0).yourDiscriminator());
    }

    @Test
    void downGoesUpWhenThePeerSaysInit() {
        BfdSession s = session();
        deliver(s, INIT, T0);
        assertEquals(List.of("DOWN->UP NO_DIAGNOSTIC"), events);
    }

    @Test
    void downIgnoresAPeerThatSaysUp() {
        BfdSession s = session();
        assertEquals(Verdict.ACCEPT, s.receive(Packets.from(UP, LOCAL), T0));
        assertEquals(DOWN, s.state());
        assertTrue(events.isEmpty());
    }

    @Test
    void initGoesUpWhenThePeerSaysInitOrUp() {
        for (SessionState theirs : new SessionState[] {INIT, UP}) {
            BfdSession s = session();
            deliver(s, DOWN, T0);
            events.clear();
            s.receive(Packets.from(theirs, LOCAL), T0 + MS);
            assertEquals(UP, s.state(), "Init on " + theirs);
            assertEquals(List.of("INIT->UP NO_DIAGNOSTIC"), events);
        }
    }

    @Test
    void initStaysOnDown() {
        BfdSession s = session();
        deliver(s, DOWN, T0);
        s.receive(Packets.from(DOWN, LOCAL), T0 + MS);
        assertEquals(INIT, s.state());
    }

    @Test
    void upGoesDownWhenThePeerSaysDown() {
        BfdSession s = up();
        s.receive(Packets.from(DOWN, LOCAL), T0 + MS);
        assertEquals(DOWN, s.state());
        assertEquals(NEIGHBOR_SIGNALED_SESSION_DOWN, s.diagnostic());
        assertEquals(List.of("UP->DOWN NEIGHBOR_SIGNALED_SESSION_DOWN"), events);
        assertEquals(3, transmit(s, T0 + MS).diag());
    }

    @Test
    void upStaysOnInitAndUp() {
        BfdSession s = up();
        s.receive(Packets.from(INIT, LOCAL), T0 + MS);
        s.receive(Packets.from(UP, LOCAL), T0 + 2 * MS);
        assertEquals(UP, s.state());
        assertTrue(events.isEmpty());
    }

    @Test
    void aPeerInAdminDownTakesInitAndUpDownButLeavesDownAlone() {
        BfdSession s = up();
        s.receive(Packets.from(ADMIN_DOWN, LOCAL), T0 + MS);
        assertEquals(List.of("UP->DOWN NEIGHBOR_SIGNALED_SESSION_DOWN"), events);

        events.clear();
        s.receive(Packets.from(ADMIN_DOWN, LOCAL), T0 + 2 * MS);
        assertEquals(DOWN, s.state());
        assertTrue(events.isEmpty(), "Down stays Down");

        BfdSession init = session();
        deliver(init, DOWN, T0);
        events.clear();
        init.receive(Packets.from(ADMIN_DOWN, LOCAL), T0 + MS);
        assertEquals(List.of("INIT->DOWN NEIGHBOR_SIGNALED_SESSION_DOWN"), events);
    }

    @Test
    void localAdminDownIsSentAndIgnoresThePeerUntilEnabled() {
        BfdSession s = up();
        s.adminDown(T0 + MS);
        assertEquals(List.of("UP->ADMIN_DOWN ADMINISTRATIVELY_DOWN"), events);
        ControlPacket p = transmit(s, T0 + MS);
        assertEquals(ADMIN_DOWN, p.state());
        assertEquals(ADMINISTRATIVELY_DOWN.code, p.diag());

        assertEquals(Verdict.SESSION_ADMIN_DOWN, s.receive(Packets.from(INIT, LOCAL).setPoll(true), T0 + 2 * MS));
        assertEquals(ADMIN_DOWN, s.state());
        assertEquals(INIT, s.remoteState(), "the remote variables are still updated");
        assertFalse(s.finalOwed(), "a discarded Poll is not answered");
        assertEquals(1, s.discarded(Verdict.SESSION_ADMIN_DOWN));

        events.clear();
        s.enable(T0 + 3 * MS);
        assertEquals(List.of("ADMIN_DOWN->DOWN NO_DIAGNOSTIC"), events);
        s.enable(T0 + 4 * MS);
        assertEquals(1, events.size(), "enable outside AdminDown does nothing");
    }

    @Test
    void twoSessionsComeUpAndAdminDownTakesThePeerDown() {
        List<String> bEvents = new ArrayList<>();
        BfdSession a = session();
        BfdSession b = new BfdSession(PEER, 300_000, 300_000, 3, null, new SplittableRandom(9),
                (from, to, diag, now) -> bEvents.add(from + "->" + to + " " + diag));
        byte[] wire = new byte[64];
        ControlPacket p = new ControlPacket();
        long t = T0;
        for (int i = 0; i < 3; i++) {
            b.receive(p.wrap(wire, 0, a.buildPacket(wire, t)), t);
            a.receive(p.wrap(wire, 0, b.buildPacket(wire, t)), t);
            t += MS;
        }
        assertEquals(UP, a.state());
        assertEquals(UP, b.state());
        a.adminDown(t);
        b.receive(p.wrap(wire, 0, a.buildPacket(wire, t)), t);
        assertEquals(DOWN, b.state());
        assertEquals(NEIGHBOR_SIGNALED_SESSION_DOWN, b.diagnostic());
        assertEquals(List.of("DOWN->INIT NO_DIAGNOSTIC", "INIT->UP NO_DIAGNOSTIC", "UP->DOWN NEIGHBOR_SIGNALED_SESSION_DOWN"),
                bEvents);
    }

    // ---------------------------------------------------------------- session-level discards

    @Test
    void aPacketForAnotherSessionIsDroppedAndCounted() {
        BfdSession s = session();
        assertEquals(Verdict.NO_SUCH_SESSION, s.receive(Packets.from(INIT, 0x3333), T0));
        assertEquals(DOWN, s.state());
        assertEquals(1, s.discarded(Verdict.NO_SUCH_SESSION));
        assertEquals(1, s.received());
        assertEquals(0, s.accepted());
    }

    @ParameterizedTest
    @EnumSource(value = Verdict.class, names = {"BAD_VERSION", "BAD_LENGTH", "LENGTH_EXCEEDS_PAYLOAD", "ZERO_DETECT_MULT",
            "MULTIPOINT", "ZERO_MY_DISCRIMINATOR", "ZERO_YOUR_DISCRIMINATOR", "AUTH_NOT_EXPECTED"})
    void everyMalformedPacketIsDroppedWithItsCounterAndChangesNothing(Verdict reason) {
        UnaryOperator<ControlPacket> spoil = switch (reason) {
            case BAD_VERSION -> p -> p.setVersion(3);
            case BAD_LENGTH -> p -> p.setLength(20);
            case LENGTH_EXCEEDS_PAYLOAD -> p -> p.setLength(40);
            case ZERO_DETECT_MULT -> p -> p.setDetectMult(0);
            case MULTIPOINT -> p -> p.setMultipoint(true);
            case ZERO_MY_DISCRIMINATOR -> p -> p.setMyDiscriminator(0);
            case ZERO_YOUR_DISCRIMINATOR -> p -> p.setYourDiscriminator(0);
            case AUTH_NOT_EXPECTED -> p -> p.wrap(p.buffer(), 0, 26).setAuthPresent(true).setLength(26);
            default -> throw new AssertionError(reason);
        };
        BfdSession s = session();
        assertEquals(reason, s.receive(spoil.apply(Packets.from(INIT, LOCAL)), T0));
        assertEquals(DOWN, s.state());
        assertEquals(0, s.remoteDiscriminator());
        assertEquals(1, s.discarded(reason));
        assertEquals(1, s.discardedTotal());
        assertEquals(Long.MAX_VALUE, s.detectionDeadline(), "a dropped packet does not feed detection");
    }

    @Test
    void aSessionWithAuthenticationDropsAnUnsignedPacket() {
        BfdSession s = new BfdSession(LOCAL, 300_000, 300_000, 3,
                Authentication.meticulousKeyedSha1(1, new byte[] {1, 2, 3}, 0), new SplittableRandom(1), (f, t, d, n) -> { });
        assertEquals(Verdict.AUTH_MISSING, s.receive(Packets.from(DOWN, 0), T0));
        assertEquals(1, s.discarded(Verdict.AUTH_MISSING));
    }

    @Test
    void aZeroDiscriminatorIsRefused() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new BfdSession(0, 300_000, 300_000, 3, null, new SplittableRandom(), (f, t, d, n) -> { }));
        assertTrue(e.getMessage().contains("Discriminators"));
        assertThrows(IllegalArgumentException.class, () -> session().setTimers(300_000, 300_000, 0));
        assertThrows(IllegalArgumentException.class, () -> session().setTimers(0, 300_000, 3));
    }

    // ---------------------------------------------------------------- transmission (§6.8.3, §6.8.7)

    @Test
    void transmitsNoFasterThanOnceASecondWhileNotUp() {
        BfdSession s = session(50_000, 50_000, 3);
        ControlPacket p = transmit(s, T0);
        assertEquals(1_000_000, p.desiredMinTx(), "§6.8.3: at least 1 s advertised while not Up");
        assertEquals(50_000, p.requiredMinRx());
        long next = s.nextTransmit(T0);
        assertTrue(next - T0 >= 750 * MS && next - T0 <= 1000 * MS, "next packet after " + (next - T0) / MS + " ms");

        deliver(s, DOWN, T0 + MS);                 // Init: still not Up
        assertEquals(1_000_000, s.transmitInterval());
        s.receive(Packets.from(UP, LOCAL).setDesiredMinTx(50_000).setRequiredMinRx(10_000), T0 + 2 * MS);
        assertEquals(UP, s.state());
        assertEquals(50_000, s.transmitInterval(), "the configured rate once Up");
        assertEquals(50_000, transmit(s, T0 + 3 * MS).desiredMinTx());
    }

    @Test
    void theIntervalIsTheSlowerOfOursAndThePeersRequiredMinRx() {
        BfdSession s = up();
        s.receive(Packets.from(UP, LOCAL).setRequiredMinRx(700_000), T0 + MS);
        assertEquals(700_000, s.transmitInterval());
    }

    @Test
    void jitterStaysBetween75And100PercentOfTheInterval() {
        assertJitter(3, 75, 100);
    }

    @Test
    void jitterStaysBetween75And90PercentWhenDetectMultIsOne() {
        assertJitter(1, 75, 90);
    }

    private void assertJitter(int mult, int lowPercent, int highPercent) {
        BfdSession s = session(1_000_000, 1_000_000, mult);
        long t = T0;
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < 2_000; i++) {
            s.buildPacket(out, t);
            long delay = s.nextTransmit(t) - t;
            min = Math.min(min, delay);
            max = Math.max(max, delay);
            t += delay;
        }
        assertEquals(lowPercent * 10 * MS, min, "shortest gap");
        assertEquals(highPercent * 10 * MS, max, "longest gap");
    }

    @Test
    void aPeerThatWantsNoPacketsGetsOnlyFinals() {
        BfdSession s = up();
        s.receive(Packets.from(UP, LOCAL).setRequiredMinRx(0), T0 + MS);
        assertEquals(Long.MAX_VALUE, s.nextTransmit(T0 + 2 * MS));
        s.receive(Packets.from(UP, LOCAL).setRequiredMinRx(0).setPoll(true), T0 + 3 * MS);
        assertEquals(T0 + 3 * MS, s.nextTransmit(T0 + 3 * MS));
        assertTrue(transmit(s, T0 + 3 * MS).isFinal());
        assertEquals(Long.MAX_VALUE, s.nextTransmit(T0 + 3 * MS));
    }

    @Test
    void demandModeIsNeverUsedAndAPeersRequestIsIgnored() {
        BfdSession s = up();
        s.receive(Packets.from(UP, LOCAL).setDemand(true), T0 + MS);
        assertTrue(s.remoteDemandMode());
        assertEquals(UP, s.state());
        ControlPacket p = transmit(s, T0 + MS);
        assertFalse(p.demand());
        assertTrue(s.nextTransmit(T0 + MS) < Long.MAX_VALUE, "still periodic: asynchronous mode");
        assertFalse(s.checkDetection(T0 + 800 * MS), "detection still runs");
    }

    // ---------------------------------------------------------------- Poll Sequence (§6.5, §6.8.3)

    @Test
    void aPollIsAnsweredAtOnceWithFinalAndWithoutPoll() {
        BfdSession s = up();
        s.buildPacket(out, T0);                      // periodic timer running
        long periodic = s.nextTransmit(T0);
        s.receive(Packets.from(UP, LOCAL).setPoll(true), T0 + MS);
        assertTrue(s.finalOwed());
        assertEquals(T0 + MS, s.nextTransmit(T0 + MS));
        ControlPacket p = transmit(s, T0 + MS);
        assertTrue(p.isFinal());
        assertFalse(p.poll(), "§6.5: never P and F together, even while our own poll runs");
        assertEquals(periodic, s.nextTransmit(T0 + MS), "the Final does not move the periodic schedule");
    }

    @Test
    void goingUpPollsForTheFasterRate() {
        BfdSession s = up();
        assertTrue(s.pollInProgress(), "1 s -> 300 ms is a timer change");
        assertTrue(transmit(s, T0).poll());
        s.receive(Packets.from(UP, LOCAL).setFinal(true), T0 + MS);
        assertFalse(s.pollInProgress());
        assertFalse(transmit(s, T0 + MS).poll());
    }

    @Test
    void aSlowerTxAndAFasterRxWaitForTheFinal() {
        BfdSession s = up();
        s.receive(Packets.from(UP, LOCAL).setFinal(true), T0 + MS);
        s.setTimers(500_000, 100_000, 3);
        ControlPacket p = transmit(s, T0 + 2 * MS);
        assertTrue(p.poll());
        assertEquals(500_000, p.desiredMinTx(), "the new values are advertised with P");
        assertEquals(100_000, p.requiredMinRx());
        assertEquals(300_000, s.desiredMinTxInUse(), "a slower TX waits for F");
        assertEquals(300_000, s.requiredMinRxInUse(), "a faster RX waits for F");
        assertEquals(900_000, s.detectionTime());

        s.receive(Packets.from(UP, LOCAL), T0 + 3 * MS);
        assertTrue(s.pollInProgress(), "only F ends the poll");
        s.receive(Packets.from(UP, LOCAL).setFinal(true), T0 + 4 * MS);
        assertFalse(s.pollInProgress());
        assertEquals(500_000, s.desiredMinTxInUse());
        assertEquals(100_000, s.requiredMinRxInUse());
        assertEquals(900_000, s.detectionTime(), "3 x max(100 ms, peer's 300 ms)");
        assertFalse(transmit(s, T0 + 5 * MS).poll());
    }

    @Test
    void aFasterTxAndASlowerRxApplyAtOnce() {
        BfdSession s = up();
        s.receive(Packets.from(UP, LOCAL).setFinal(true), T0 + MS);
        s.setTimers(100_000, 600_000, 3);
        assertTrue(s.pollInProgress());
        assertEquals(100_000, s.desiredMinTxInUse());
        assertEquals(600_000, s.requiredMinRxInUse());
        assertEquals(1_800_000, s.detectionTime());
    }

    @Test
    void aChangeDuringAPollWaitsForASecondPoll() {
        BfdSession s = up();
        s.receive(Packets.from(UP, LOCAL).setFinal(true), T0 + MS);
        s.setTimers(400_000, 300_000, 3);
        s.setTimers(500_000, 300_000, 3);
        s.receive(Packets.from(UP, LOCAL).setFinal(true), T0 + 2 * MS);
        assertTrue(s.pollInProgress(), "the second change needs its own Final");
        assertEquals(300_000, s.desiredMinTxInUse());
        s.receive(Packets.from(UP, LOCAL).setFinal(true), T0 + 3 * MS);
        assertFalse(s.pollInProgress());
        assertEquals(500_000, s.desiredMinTxInUse());
    }

    @Test
    void settingTheSameTimersStartsNoPoll() {
        BfdSession s = up();
        s.receive(Packets.from(UP, LOCAL).setFinal(true), T0 + MS);
        s.setTimers(300_000, 300_000, 3);
        assertFalse(s.pollInProgress());
        s.setTimers(300_000, 300_000, 5);
        assertTrue(s.pollInProgress(), "a new Detect Mult is a timer change too");
    }

    // ---------------------------------------------------------------- detection (§6.8.4)

    @Test
    void silenceForTheDetectionTimeTakesTheSessionDown() {
        BfdSession s = up();
        assertEquals(900_000, s.detectionTime(), "3 x max(300 ms, 300 ms)");
        assertEquals(T0 + 900 * MS, s.detectionDeadline());
        assertFalse(s.checkDetection(T0 + 899 * MS));
        assertTrue(s.checkDetection(T0 + 900 * MS));
        assertEquals(DOWN, s.state());
        assertEquals(CONTROL_DETECTION_TIME_EXPIRED, s.diagnostic());
        assertEquals(0, s.remoteDiscriminator(), "§6.8.1: bfd.RemoteDiscr is forgotten");
        assertEquals(List.of("UP->DOWN CONTROL_DETECTION_TIME_EXPIRED"), events);
        assertFalse(s.checkDetection(T0 + 2_000 * MS), "expires once");
        assertEquals(1, transmit(s, T0 + 2_000 * MS).diag());
    }

    @Test
    void detectionUsesThePeersMultiplierAndTheSlowerInterval() {
        BfdSession s = session(300_000, 200_000, 3);
        s.receive(Packets.from(INIT, 0).setState(DOWN).setDetectMult(5).setDesiredMinTx(400_000), T0);
        assertEquals(INIT, s.state());
        assertEquals(5 * 400_000, s.detectionTime());
        assertFalse(s.checkDetection(T0 + 1_999 * MS));
        assertTrue(s.checkDetection(T0 + 2_000 * MS));
        assertEquals(List.of("DOWN->INIT NO_DIAGNOSTIC", "INIT->DOWN CONTROL_DETECTION_TIME_EXPIRED"), events);
    }

    @Test
    void aPacketRestartsDetection() {
        BfdSession s = up();
        s.receive(Packets.from(UP, LOCAL), T0 + 800 * MS);
        assertFalse(s.checkDetection(T0 + 1_000 * MS));
        assertTrue(s.checkDetection(T0 + 1_700 * MS));
    }

    @Test
    void detectionInDownOnlyForgetsThePeer() {
        BfdSession d = session();
        d.receive(Packets.from(UP, LOCAL), T0);        // Down ignores Up
        assertEquals(PEER, d.remoteDiscriminator());
        assertFalse(d.checkDetection(T0 + 900 * MS));
        assertEquals(0, d.remoteDiscriminator());
        assertEquals(DOWN, d.state());
    }

    @Test
    void nothingExpiresBeforeTheFirstPacket() {
        BfdSession s = session();
        assertEquals(Long.MAX_VALUE, s.detectionDeadline());
        assertFalse(s.checkDetection(Long.MAX_VALUE));
    }

    @Test
    void countersAddUp() {
        BfdSession s = session();
        deliver(s, DOWN, T0);
        s.receive(Packets.from(UP, 0x999), T0);
        transmit(s, T0);
        transmit(s, T0 + MS);
        assertEquals(2, s.received());
        assertEquals(1, s.accepted());
        assertEquals(1, s.discardedTotal());
        assertEquals(2, s.sent());
        assertEquals(NO_DIAGNOSTIC, s.diagnostic());
    }
}
