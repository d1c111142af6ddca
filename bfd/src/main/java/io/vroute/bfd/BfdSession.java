package io.vroute.bfd;

import java.util.random.RandomGenerator;

/**
 * One BFD session in asynchronous mode, active role (RFC 5880 §6.8). Pure protocol: no sockets, no threads, no
 * clock. The caller drives it with a monotonic time in nanoseconds:
 *
 * <ul>
 *   <li>{@link #receive} for every Control packet addressed to this session (§6.8.6);</li>
 *   <li>{@link #nextTransmit} says when to send, {@link #buildPacket} writes the packet (§6.8.7);</li>
 *   <li>{@link #checkDetection} at or after {@link #detectionDeadline} (§6.8.4).</li>
 * </ul>
 *
 * Intervals are in microseconds, as on the wire. Demand mode is never used: D is never set and a peer's demand
 * request is ignored, so both sides stay asynchronous (§6.6 lets either side decline). The Echo function is not
 * offered (Required Min Echo RX is 0). Nothing is allocated per packet. Not thread-safe: one thread owns it.
 */
public final class BfdSession {
    /** §6.8.3: while not Up, Desired Min TX is at least one second. */
    static final long SLOW_TX_MICROS = 1_000_000;

    private final int myDiscriminator;
    private final Authentication auth;          // null: none
    private final RandomGenerator random;
    private final StateListener listener;
    private final ControlPacket out = new ControlPacket();

    // configuration (§6.8.1 bfd.DesiredMinTxInterval as configured, bfd.RequiredMinRxInterval, bfd.DetectMult)
    private long desiredMinTx;
    private long requiredMinRx;
    private int detectMult;

    // §6.8.1 state variables
    private SessionState state = SessionState.DOWN;
    private SessionState remoteState = SessionState.DOWN;
    private int remoteDiscr;
    private Diagnostic localDiag = Diagnostic.NO_DIAGNOSTIC;
    private long remoteMinRx = 1;               // §6.8.1: initialized to 1 microsecond
    private long remoteDesiredMinTx;
    private int remoteDetectMult;
    private boolean remoteDemand;

    // what the packets carry, and what this side uses until a Poll Sequence confirms the change (§6.8.3)
    private long advertisedTx;
    private long advertisedRx;
    private int advertisedMult;
    private long txInUse;
    private long rxInUse;
    private boolean polling;
    private boolean pollPending;
    private boolean finalPending;

    // transmission schedule (§6.8.7)
    private boolean sentPeriodic;
    private long lastPeriodic;
    private int jitterPercent;

    // detection (§6.8.4)
    private boolean heard;
    private boolean expired;
    private boolean sequenceForgotten;
    private long lastReceived;

    // counters
    private long received;
    private long accepted;
    private long sent;
    private final long[] discarded = new long[Verdict.ALL.length];

    /**
     * @param myDiscriminator non-zero and unique among this system's sessions (see {@link Discriminators})
     * @param auth            null for no authentication; otherwise owned by this session from now on
     * @param random          draws the per-packet jitter (§6.8.7)
     */
    public BfdSession(int myDiscriminator, long desiredMinTx, long requiredMinRx, int detectMult,
                      Authentication auth, RandomGenerator random, StateListener listener) {
        if (myDiscriminator == 0) {
            throw new IllegalArgumentException("My Discriminator must be non-zero (RFC 5880 §6.8.1): take one from Discriminators");
        }
        validateTimers(desiredMinTx, requiredMinRx, detectMult);
        this.myDiscriminator = myDiscriminator;
        this.auth = auth;
        this.random = random;
        this.listener = listener;
        this.desiredMinTx = desiredMinTx;
        this.requiredMinRx = requiredMinRx;
        this.detectMult = detectMult;
        this.advertisedTx = Math.max(desiredMinTx, SLOW_TX_MICROS);
        this.advertisedRx = requiredMinRx;
        this.advertisedMult = detectMult;
        this.txInUse = advertisedTx;
        this.rxInUse = advertisedRx;
    }

    // ---------------------------------------------------------------- reception (§6.8.6)

    /**
     * Applies a received Control packet: the §6.8.6 discard rules, authentication (§6.7.4), the remote variables,
     * the end of a Poll Sequence, the state table, and a Final owed for a Poll. A discarded packet changes nothing
     * but its counter (except {@link Verdict#SESSION_ADMIN_DOWN}, which updates the remote variables first, as the
     * RFC orders).
     */
    public Verdict receive(ControlPacket p, long now) {
        received++;
        Verdict v = p.check();
        if (v == Verdict.ACCEPT && p.yourDiscriminator() != 0 && p.yourDiscriminator() != myDiscriminator) {
            v = Verdict.NO_SUCH_SESSION;
        }
        if (v == Verdict.ACCEPT) {
            if (p.authPresent()) v = auth == null ? Verdict.AUTH_NOT_EXPECTED : auth.verify(p);
            else if (auth != null) v = Verdict.AUTH_MISSING;
        }
        if (v != Verdict.ACCEPT) return discard(v);

        remoteDiscr = p.myDiscriminator();
        remoteState = p.state();
        remoteDemand = p.demand();                 // noted, never acted on: we stay asynchronous
        remoteMinRx = p.requiredMinRx();
        remoteDesiredMinTx = p.desiredMinTx();
        remoteDetectMult = p.detectMult();
        heard = true;
        expired = false;
        sequenceForgotten = false;
        lastReceived = now;
        if (polling && p.isFinal()) pollAnswered();

        if (state == SessionState.ADMIN_DOWN) return discard(Verdict.SESSION_ADMIN_DOWN);

        SessionState theirs = remoteState;
        if (theirs == SessionState.ADMIN_DOWN) {
            if (state != SessionState.DOWN) transition(SessionState.DOWN, Diagnostic.NEIGHBOR_SIGNALED_SESSION_DOWN, now);
        } else {
            switch (state) {
                case DOWN -> {
                    if (theirs == SessionState.DOWN) transition(SessionState.INIT, localDiag, now);
                    else if (theirs == SessionState.INIT) transition(SessionState.UP, localDiag, now);
                }
                case INIT -> {
                    if (theirs == SessionState.INIT || theirs == SessionState.UP) transition(SessionState.UP, localDiag, now);
                }
                case UP -> {
                    if (theirs == SessionState.DOWN) transition(SessionState.DOWN, Diagnostic.NEIGHBOR_SIGNALED_SESSION_DOWN, now);
                }
                default -> { }
            }
        }
        if (p.poll()) finalPending = true;         // answer with F at once, outside the periodic schedule
        accepted++;
        return Verdict.ACCEPT;
    }

    private Verdict discard(Verdict v) {
        discarded[v.ordinal()]++;
        return v;
    }

    // ---------------------------------------------------------------- transmission (§6.8.7)

    /**
     * When the next packet is due, in the caller's nanoseconds: {@code now} when a Final is owed or nothing was
     * sent yet, {@link Long#MAX_VALUE} when the peer asked for no packets (Required Min RX 0), else the last
     * periodic packet plus the jittered interval.
     */
    public long nextTransmit(long now) {
        if (finalPending) return now;
        if (remoteMinRx == 0) return Long.MAX_VALUE;
        if (!sentPeriodic) return now;
        return lastPeriodic + periodicDelayNanos();
    }

    /**
     * Writes the next Control packet at {@code out[0]} and returns its length (24, or 52 with SHA1). A packet
     * answering a Poll carries F and not P; otherwise P is set while a Poll Sequence runs. Unless the packet is only
     * an out-of-schedule Final, it restarts the periodic timer with a fresh jitter.
     */
    public int buildPacket(byte[] buf, long now) {
        boolean sendFinal = finalPending;
        finalPending = false;
        boolean periodicDue = remoteMinRx != 0 && (!sentPeriodic || now - (lastPeriodic + periodicDelayNanos()) >= 0);
        if (!sendFinal || periodicDue) {
            sentPeriodic = true;
            lastPeriodic = now;
            jitterPercent = drawJitter();
        }
        int length = ControlPacket.MANDATORY_LENGTH + (auth == null ? 0 : Authentication.SECTION_LENGTH);
        out.wrap(buf, 0, buf.length).clear(length)
                .setDiag(localDiag.code)
                .setState(state)
                .setPoll(polling && !sendFinal)            // §6.5: never P and F together
                .setFinal(sendFinal)
                .setAuthPresent(auth != null)
                .setDetectMult(detectMult)
                .setMyDiscriminator(myDiscriminator)
                .setYourDiscriminator(remoteDiscr)
                .setDesiredMinTx(advertisedTx)
                .setRequiredMinRx(advertisedRx)
                .setRequiredMinEchoRx(0);
        if (auth != null) auth.sign(buf, 0, length);
        sent++;
        return length;
    }

    /** §6.8.7: max(Desired Min TX in use, the peer's Required Min RX), in microseconds, before jitter. */
    long transmitInterval() {
        return Math.max(txInUse, remoteMinRx);
    }

    private long periodicDelayNanos() {
        return transmitInterval() * jitterPercent * 10L;   // micros x percent / 100 x 1000
    }

    /** §6.8.7: 75-100 % of the interval, at most 90 % when Detect Mult is 1. */
    private int drawJitter() {
        return random.nextInt(75, detectMult == 1 ? 91 : 101);
    }

    // ---------------------------------------------------------------- detection (§6.8.4)

    /** The peer's Detect Mult x max(our Required Min RX in use, its Desired Min TX), in microseconds; 0 before any packet. */
    public long detectionTime() {
        return remoteDetectMult * Math.max(rxInUse, remoteDesiredMinTx);
    }

    /**
     * When {@link #checkDetection} next has something to do, or {@link Long#MAX_VALUE} when nothing is left to do
     * until a packet arrives (never a time in the past once checked, so a loop sleeping until it cannot spin).
     */
    public long detectionDeadline() {
        if (!heard) return Long.MAX_VALUE;
        long detect = detectionTime() * 1000L;
        if (!expired) return lastReceived + detect;
        return auth != null && !sequenceForgotten ? lastReceived + 2 * detect : Long.MAX_VALUE;
    }

    /**
     * §6.8.4: after a Detection Time without a valid packet, bfd.RemoteDiscr is reset and an Init or Up session goes
     * Down with "Control Detection Time Expired"; after twice that, the received sequence number is forgotten
     * (§6.8.1 bfd.AuthSeqKnown). Returns true when the session went Down.
     */
    public boolean checkDetection(long now) {
        if (!heard) return false;
        long detect = detectionTime() * 1000L;
        long silent = now - lastReceived;
        if (auth != null && !sequenceForgotten && silent >= 2 * detect) {
            auth.forgetSequence();
            sequenceForgotten = true;
        }
        if (expired || silent < detect) return false;
        expired = true;
        remoteDiscr = 0;
        if (state == SessionState.INIT || state == SessionState.UP) {
            transition(SessionState.DOWN, Diagnostic.CONTROL_DETECTION_TIME_EXPIRED, now);
            return true;
        }
        return false;
    }

    /**
     * The detection time the peer uses for us, as far as we know it: our Detect Mult x max(its Required Min RX, our
     * Desired Min TX), microseconds (RFC 5880 §6.8.4 seen from the other side).
     */
    public long advertisedDetectionTime() {
        return (long) advertisedMult * Math.max(remoteMinRx, advertisedTx);
    }

    // ---------------------------------------------------------------- management

    /** §6.8.16: holds the session AdminDown, diagnostic "Administratively Down"; the peer sees it and goes Down. */
    public void adminDown(long now) {
        if (state != SessionState.ADMIN_DOWN) transition(SessionState.ADMIN_DOWN, Diagnostic.ADMINISTRATIVELY_DOWN, now);
    }

    /** §6.8.16: leaves AdminDown for Down and clears the diagnostic; does nothing in any other state. */
    public void enable(long now) {
        if (state == SessionState.ADMIN_DOWN) transition(SessionState.DOWN, Diagnostic.NO_DIAGNOSTIC, now);
    }

    /**
     * Changes the timers and starts a Poll Sequence (§6.8.3). While Up, a larger Desired Min TX and a smaller
     * Required Min RX take effect only once the peer answers with F; the other directions take effect at once.
     * A change during a running Poll Sequence waits for it and then polls again.
     */
    public void setTimers(long desiredMinTx, long requiredMinRx, int multiplier) {
        validateTimers(desiredMinTx, requiredMinRx, multiplier);
        this.desiredMinTx = desiredMinTx;
        this.requiredMinRx = requiredMinRx;
        this.detectMult = multiplier;
        timersChanged();
    }

    private static void validateTimers(long desiredMinTx, long requiredMinRx, int multiplier) {
        if (desiredMinTx <= 0 || desiredMinTx > 0xffff_ffffL) {
            throw new IllegalArgumentException("Desired Min TX " + desiredMinTx
                    + " us: give 1 to 4294967295 microseconds (zero is not allowed, §6.8.1)");
        }
        if (requiredMinRx < 0 || requiredMinRx > 0xffff_ffffL) {
            throw new IllegalArgumentException("Required Min RX " + requiredMinRx + " us: give 0 to 4294967295 microseconds");
        }
        if (multiplier < 1 || multiplier > 255) {
            throw new IllegalArgumentException("Detect Mult " + multiplier + ": give 1 to 255 (zero is not allowed, §6.8.1)");
        }
    }

    private void timersChanged() {
        boolean up = state == SessionState.UP;
        long tx = up ? desiredMinTx : Math.max(desiredMinTx, SLOW_TX_MICROS);
        long rx = requiredMinRx;
        if (!(up && tx > txInUse)) txInUse = tx;
        if (!(up && rx < rxInUse)) rxInUse = rx;
        if (tx != advertisedTx || rx != advertisedRx || detectMult != advertisedMult) {
            advertisedTx = tx;
            advertisedRx = rx;
            advertisedMult = detectMult;
            if (polling) pollPending = true;
            else polling = true;
        }
    }

    private void pollAnswered() {
        if (pollPending) {                         // a newer change is not confirmed yet: poll again, keep deferring
            pollPending = false;
            return;
        }
        polling = false;
        txInUse = advertisedTx;
        rxInUse = advertisedRx;
    }

    private void transition(SessionState to, Diagnostic diag, long now) {
        SessionState from = state;
        state = to;
        localDiag = diag;
        timersChanged();                           // §6.8.3: the 1 s floor comes and goes with Up
        listener.stateChanged(from, to, diag, now);
    }

    // ---------------------------------------------------------------- read-outs

    public int myDiscriminator() { return myDiscriminator; }
    public int remoteDiscriminator() { return remoteDiscr; }
    public SessionState state() { return state; }
    public SessionState remoteState() { return remoteState; }
    public Diagnostic diagnostic() { return localDiag; }
    public boolean remoteDemandMode() { return remoteDemand; }
    public boolean pollInProgress() { return polling; }
    public boolean finalOwed() { return finalPending; }
    /** Desired Min TX this side transmits at now, microseconds (before the peer's Required Min RX and jitter). */
    public long desiredMinTxInUse() { return txInUse; }
    /** Required Min RX this side uses for its Detection Time now, microseconds. */
    public long requiredMinRxInUse() { return rxInUse; }
    /** Desired Min TX the packets carry now, microseconds. */
    public long advertisedDesiredMinTx() { return advertisedTx; }
    public long remoteMinRx() { return remoteMinRx; }
    public long received() { return received; }
    /** When the last valid packet was accepted, on the clock the caller passes as {@code now}; 0 before the first. */
    public long lastReceived() { return lastReceived; }
    public long accepted() { return accepted; }
    public long sent() { return sent; }
    public long discarded(Verdict reason) { return discarded[reason.ordinal()]; }
    public long discardedTotal() {
        long total = 0;
        for (long n : discarded) total += n;
        return total;
    }
}
