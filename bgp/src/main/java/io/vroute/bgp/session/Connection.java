package io.vroute.bgp.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.util.concurrent.ScheduledFuture;
import io.vroute.bgp.wire.AddressFamily;
import io.vroute.bgp.wire.BgpMessage;
import io.vroute.bgp.wire.BgpProtocolException;
import io.vroute.bgp.wire.KeepaliveMessage;
import io.vroute.bgp.wire.MessageDecoder;
import io.vroute.bgp.wire.MessageEncoder;
import io.vroute.bgp.wire.NotificationMessage;
import io.vroute.bgp.wire.OpenMessage;
import io.vroute.bgp.wire.RouteRefreshMessage;
import io.vroute.bgp.wire.SessionContext;
import io.vroute.bgp.wire.UpdateMessage;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * One TCP connection of a peer and its half of the state machine (OpenSent, OpenConfirm, Established; RFC 4271
 * §8.2.2). A peer has at most two while a collision (§6.8) is being resolved. Everything runs on the speaker's
 * event loop.
 */
final class Connection extends ChannelInboundHandlerAdapter {
    /** RFC 4271 §8.2.2: the hold timer in OpenSent is "a large value", 4 minutes suggested. */
    static final int OPEN_SENT_HOLD_SECONDS = 240;

    final Peer peer;
    final EpollSocketChannel channel;
    /** True when we dialled (the "connection initiated by the local system" of §6.8). */
    final boolean outgoing;
    private final MessageDecoder decoder = new MessageDecoder(SessionContext.INITIAL);
    private ByteBuf cumulation;
    SessionState state = SessionState.OPEN_SENT;
    OpenMessage remoteOpen;
    SessionContext context = SessionContext.INITIAL;
    int holdTime;
    private long lastReceivedNanos = System.nanoTime();
    private ScheduledFuture<?> holdTimer;
    private ScheduledFuture<?> keepaliveTimer;
    private boolean pausedByUs;
    private boolean closed;
    long messagesIn;
    long messagesOut;

    Connection(Peer peer, EpollSocketChannel channel, boolean outgoing) {
        this.peer = peer;
        this.channel = channel;
        this.outgoing = outgoing;
    }

    /** Installs the handler, sends our OPEN and starts reading (RFC 4271 §8.2.2, Connect/Active -> OpenSent). */
    void start(OpenMessage ourOpen) {
        channel.pipeline().addLast(this);
        send(ourOpen);
        armHoldTimer(OPEN_SENT_HOLD_SECONDS);
        channel.config().setAutoRead(true);
        channel.read();
    }

    InetSocketAddress local() { return channel.localAddress(); }
    InetSocketAddress remote() { return channel.remoteAddress(); }

    void send(BgpMessage m) {
        if (closed) return;
        messagesOut++;
        channel.writeAndFlush(Unpooled.wrappedBuffer(MessageEncoder.encode(m, context)));
    }

    /** Sends a NOTIFICATION, tells the listener, then closes once it is written (RFC 4271 §6). */
    void fail(NotificationMessage n, String reason) {
        if (closed) return;
        BgpSpeaker.LOG.log(System.Logger.Level.INFO, "{0}: sending {1} on {2}", peer.name(), n.describe(), describe());
        peer.notificationSent(this, n);
        messagesOut++;
        channel.writeAndFlush(Unpooled.wrappedBuffer(MessageEncoder.encode(n, context))).addListener(f -> channel.close());
        end(reason, n, true);
    }

    /** Closes the TCP connection without a NOTIFICATION (a "TCP reset" for the peer). */
    void abort(String reason) {
        if (closed) return;
        channel.close();
        end(reason, null, false);
    }

    /**
     * Releases timers and buffers and reports the end to the peer exactly once. {@code notification} is the
     * NOTIFICATION that ended the connection (sent or received), null when the TCP connection just ended.
     */
    private void end(String reason, NotificationMessage notification, boolean sentByUs) {
        if (closed) return;
        closed = true;
        cancelTimers();
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
        peer.connectionClosed(this, reason, notification, sentByUs);
    }

    String describe() {
        return BgpSpeaker.format(local()) + (outgoing ? " -> " : " <- ") + BgpSpeaker.format(remote());
    }

    boolean isClosed() { return closed; }

    private void cancelTimers() {
        if (holdTimer != null) holdTimer.cancel(false);
        if (keepaliveTimer != null) keepaliveTimer.cancel(false);
    }

    // ------------------------------------------------------------------------------------------ timers

    private void armHoldTimer(int seconds) {
        if (holdTimer != null) holdTimer.cancel(false);
        holdTimer = null;
        if (seconds == 0) return; // RFC 4271 §4.4: hold time 0 means no keepalives and no hold timer
        long holdNanos = TimeUnit.SECONDS.toNanos(seconds);
        holdTimer = channel.eventLoop().schedule(() -> checkHold(holdNanos), holdNanos, TimeUnit.NANOSECONDS);
    }

    private void checkHold(long holdNanos) {
        if (closed) return;
        long now = System.nanoTime();
        if (pausedByUs) lastReceivedNanos = now; // our backpressure is not the peer's silence
        long due = lastReceivedNanos + holdNanos;
        if (now - due >= 0) {
            // RFC 4271 §8.2.2 (Event 10, HoldTimer_Expires): NOTIFICATION Hold Timer Expired, then close.
            fail(new NotificationMessage(NotificationMessage.HOLD_TIMER_EXPIRED, 0),
                    "hold timer expired: nothing received for " + TimeUnit.NANOSECONDS.toSeconds(holdNanos) + " s");
            return;
        }
        holdTimer = channel.eventLoop().schedule(() -> checkHold(holdNanos), due - now, TimeUnit.NANOSECONDS);
    }

    private void startKeepalives() {
        if (holdTime == 0 || keepaliveTimer != null) return;
        // RFC 4271 §10: KeepaliveTime is a third of the Hold Time.
        long interval = Math.max(1, TimeUnit.SECONDS.toMillis(holdTime) / 3);
        keepaliveTimer = channel.eventLoop().scheduleAtFixedRate(() -> send(KeepaliveMessage.INSTANCE), interval, interval,
                TimeUnit.MILLISECONDS);
    }

    /**
     * Backpressure from the listener: stop (or resume) reading the socket and handing messages over. The hold
     * timer does not run while we are the ones not reading (see {@link #checkHold}): the silence is ours, not
     * the peer's. Keepalives still go out.
     */
    void pauseReading(boolean pause) {
        if (closed || pausedByUs == pause) return;
        pausedByUs = pause;
        lastReceivedNanos = System.nanoTime();
        if (pause) channel.config().setAutoRead(false);
        else if (!yielded) continueReading(); // messages already buffered when we paused come first
    }

    // ------------------------------------------------------------------------------------------ reading

    /**
     * How long one turn of reading may hold the I/O thread. After that the rest waits behind the loop's other
     * work (timers, keepalives, other sessions), so a peer flooding UPDATEs delays no keepalive by more than this.
     */
    private static final long READ_BUDGET_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    /** Reading stopped because the budget ran out; a continuation is queued on the loop. */
    private boolean yielded;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        if (closed) {
            in.release();
            return;
        }
        if (cumulation == null) {
            cumulation = in;
        } else {
            // One flat buffer: a message split across reads is appended, never wrapped in nested composites.
            if (cumulation.writableBytes() < in.readableBytes() || cumulation.refCnt() > 1 || cumulation.isReadOnly()) {
                ByteBuf bigger = ctx.alloc().buffer(Math.max(cumulation.readableBytes() + in.readableBytes(), 2 * cumulation.readableBytes()));
                bigger.writeBytes(cumulation);
                cumulation.release();
                cumulation = bigger;
            }
            cumulation.writeBytes(in);
            in.release();
        }
        if (!yielded) readTurn();
    }

    /** Decodes buffered messages until the budget runs out, then lets the loop breathe and comes back. */
    private void readTurn() {
        boolean more;
        try {
            more = drain(System.nanoTime() + READ_BUDGET_NANOS);
        } catch (BgpProtocolException e) {
            protocolError(e);
            return;
        }
        releaseIfEmpty();
        if (more && !closed) {
            yielded = true;
            channel.config().setAutoRead(false); // no more socket reads until the backlog is handled
            channel.eventLoop().execute(this::continueReading);
        }
    }

    private void continueReading() {
        yielded = false;
        if (closed || pausedByUs) return;
        readTurn();
        if (!yielded && !closed && !pausedByUs) channel.config().setAutoRead(true);
    }

    /** RFC 4271 §6: an error the peer caused ends the connection with the NOTIFICATION the decoder chose. */
    private void protocolError(BgpProtocolException e) {
        BgpSpeaker.LOG.log(System.Logger.Level.WARNING, "{0}: {1}; sending {2}", peer.name(), e.getMessage(), e.notification().describe());
        fail(e.notification(), "we sent " + e.notification().describe() + ": " + e.getMessage());
    }

    private void releaseIfEmpty() {
        if (cumulation != null && !cumulation.isReadable()) {
            cumulation.release();
            cumulation = null;
        } else if (cumulation != null && cumulation.readerIndex() > 65536) {
            cumulation.discardSomeReadBytes();
        }
    }

    private final byte[] header = new byte[BgpMessage.HEADER_LENGTH];

    /** Handles whole messages in the buffer; true when it stopped at the deadline with whole messages left. */
    private boolean drain(long deadline) throws BgpProtocolException {
        while (!closed && !pausedByUs && cumulation != null && cumulation.readableBytes() >= BgpMessage.HEADER_LENGTH) {
            int r = cumulation.readerIndex();
            cumulation.getBytes(r, header);
            int length = decoder.frameLength(header, 0, header.length);
            if (cumulation.readableBytes() < length) return false;
            if (System.nanoTime() - deadline > 0) return true;
            byte[] frame = new byte[length];
            cumulation.readBytes(frame);
            BgpMessage m = decoder.decode(frame, 0, length);
            messagesIn++;
            lastReceivedNanos = System.nanoTime();
            onMessage(m);
        }
        return false;
    }

    private void onMessage(BgpMessage m) throws BgpProtocolException {
        switch (m) {
            case OpenMessage open -> onOpen(open);
            case KeepaliveMessage k -> onKeepalive();
            case UpdateMessage u -> onUpdate(u);
            case NotificationMessage n -> onNotification(n);
            case RouteRefreshMessage rr -> onRouteRefresh(rr);
        }
    }

    private void onOpen(OpenMessage open) throws BgpProtocolException {
        if (state != SessionState.OPEN_SENT) throw fsmError();
        long asn = open.asn();
        if (asn != peer.config().remoteAs()) {
            // RFC 4271 §6.2: an unacceptable Autonomous System is Bad Peer AS.
            throw new BgpProtocolException(NotificationMessage.OPEN_MESSAGE_ERROR, NotificationMessage.BAD_PEER_AS,
                    "peer says AS " + asn + " but is configured as AS " + peer.config().remoteAs());
        }
        long ourId = peer.speaker().config().routerIdInt() & 0xFFFF_FFFFL;
        if ((open.bgpIdentifier() & 0xFFFF_FFFFL) == ourId && asn == peer.speaker().config().localAs()) {
            // RFC 6286 §2.2: an internal peer with our own BGP Identifier is Bad BGP Identifier. An external
            // peer may share it (RFC 6286 §2.1 only asks for uniqueness within an AS): collisions then fall
            // back to comparing AS numbers (RFC 6286 §2.3).
            throw new BgpProtocolException(NotificationMessage.OPEN_MESSAGE_ERROR, NotificationMessage.BAD_BGP_IDENTIFIER,
                    "internal peer uses our own BGP identifier " + Peer.formatId(open.bgpIdentifier()));
        }
        remoteOpen = open;
        // RFC 4271 §4.2: the session's hold time is the smaller of both; 0 means none. An OPEN offering 1 or 2 s
        // never gets here: OpenCodec refuses it with OPEN Message Error / Unacceptable Hold Time (§6.2).
        holdTime = Math.min(peer.config().holdTime(), open.holdTime());
        context = peer.negotiate(open);
        decoder.context(context);
        if (!peer.resolveCollision(this)) return; // this connection lost and is closed
        send(KeepaliveMessage.INSTANCE); // RFC 4271 §8.2.2: OpenSent, OPEN received -> KEEPALIVE, OpenConfirm
        state = SessionState.OPEN_CONFIRM;
        peer.connectionStateChanged(this);
        armHoldTimer(holdTime);
        startKeepalives(); // RFC 4271 §8.2.2: the KeepaliveTimer already runs in OpenConfirm
    }

    private void onKeepalive() throws BgpProtocolException {
        switch (state) {
            case OPEN_CONFIRM -> {
                state = SessionState.ESTABLISHED; // RFC 4271 §8.2.2 (Event 26, KeepAliveMsg in OpenConfirm)
                peer.established(this);
            }
            case ESTABLISHED -> { }
            default -> throw fsmError();
        }
    }

    private void onUpdate(UpdateMessage u) throws BgpProtocolException {
        if (state != SessionState.ESTABLISHED) throw fsmError();
        for (String e : u.errors()) {
            BgpSpeaker.LOG.log(System.Logger.Level.WARNING, "{0}: malformed UPDATE handled per RFC 7606: {1}", peer.name(), e);
        }
        AddressFamily eor = u.endOfRibFamily();
        if (eor != null) peer.endOfRib(eor);
        else peer.speaker().listener().update(peer.info(this), u);
    }

    private void onRouteRefresh(RouteRefreshMessage rr) throws BgpProtocolException {
        if (state != SessionState.ESTABLISHED) throw fsmError();
        peer.speaker().listener().routeRefresh(peer.info(this), rr);
    }

    private void onNotification(NotificationMessage n) {
        String text = Peer.describe(n);
        BgpSpeaker.LOG.log(System.Logger.Level.WARNING, "{0}: received NOTIFICATION {1}", peer.name(), text);
        peer.speaker().listener().notification(peer.info(this), n, false);
        channel.close();
        end(text, n, false); // RFC 4271 §8.2.2 (Event 25, NotifMsg): release resources, drop the connection
    }

    /** RFC 6608 §4: FSM Error with a subcode naming the state the unexpected message arrived in. */
    private BgpProtocolException fsmError() {
        int sub = switch (state) {
            case OPEN_SENT -> 1;
            case OPEN_CONFIRM -> 2;
            case ESTABLISHED -> 3;
            default -> 0;
        };
        return new BgpProtocolException(NotificationMessage.FSM_ERROR, sub, "unexpected message in " + state);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // Whatever the peer sent before closing is handled first, above all the NOTIFICATION saying why: it
        // may still sit in the buffer when a read turn yielded or reading was paused.
        if (!closed && cumulation != null) {
            pausedByUs = false;
            try {
                drain(System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
            } catch (BgpProtocolException e) {
                BgpSpeaker.LOG.log(System.Logger.Level.WARNING, "{0}: {1} in its last bytes", peer.name(), e.getMessage());
            }
        }
        end("TCP connection closed by the peer", null, false); // RFC 4271 §8.2.2 (Event 18, TcpConnectionFails)
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        BgpSpeaker.LOG.log(System.Logger.Level.WARNING, "{0}: connection error: {1}", peer.name(), cause.toString());
        channel.close();
        end("connection error: " + cause.getMessage(), null, false);
    }
}
