package io.vroute.bfd;

/** Hand-built peer packets for the tests. */
final class Packets {
    static final int PEER = 0x2222_2222;
    static final int LOCAL = 0x1111_1111;

    private Packets() {
    }

    /** A valid 24-byte packet from PEER to LOCAL, state Up, 300 ms both ways, Detect Mult 3, in a 64-byte buffer. */
    static ControlPacket valid() {
        return from(SessionState.UP, LOCAL);
    }

    static ControlPacket from(SessionState state, int yourDiscr) {
        return new ControlPacket().wrap(new byte[64], 0, 24).clear(24).setState(state).setDetectMult(3)
                .setMyDiscriminator(PEER).setYourDiscriminator(yourDiscr)
                .setDesiredMinTx(300_000).setRequiredMinRx(300_000);
    }
}
