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
        peer.notificationSent(this, n);
        messagesOut++;
        channel.writeAndFlush(Unpooled.wrappedBuffer(MessageEncoder.encode(n, context))).addListener(f -> channel.close());
        closeQuietly(reason, true);
    }

    /** Releases timers and buffers and reports the end to the peer exactly once. */
    void closeQuietly(String reason, boolean notificationInvolved) {
        if (closed) return;
        closed = true;
        cancelTimers();
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
        if (channel.isActive() && !notificationInvolved) channel.close();
        peer.connectionClosed(this, reason, notificationInvolved);
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
        if (holdTime == 0) return;
        // RFC 4271 §10: KeepaliveTime is a third of the Hold Time.
        long interval = Math.max(1, TimeUnit.SECONDS.toMillis(holdTime) / 3);
        keepaliveTimer = channel.eventLoop().scheduleAtFixedRate(() -> send(KeepaliveMessage.INSTANCE), interval, interval,
                TimeUnit.MILLISECONDS);
    }

    void pauseReading(boolean pause) {
        pausedByUs = pause;
        if (!pause) lastReceivedNanos = System.nanoTime();
        channel.config().setAutoRead(!pause);
        if (!pause) channel.read();
    }

    // ------------------------------------------------------------------------------------------ reading

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
            cumulation = Unpooled.wrappedBuffer(cumulation, in);
        }
        try {
            drain();
        } catch (BgpProtocolException e) {
            BgpSpeaker.LOG.log(System.Logger.Level.WARNING, "{0}: {1}; sending {2}", peer.name(), e.getMessage(), e.notification().describe());
            fail(e.notification(), "we sent " + e.notification().describe() + ": " + e.getMessage());
        }
        if (cumulation != null && !cumulation.isReadable()) {
            cumulation.release();
            cumulation = null;
        } else if (cumulation != null && cumulation.readerIndex() > 65536) {
            ByteBuf copy = Unpooled.buffer(cumulation.readableBytes());
            copy.writeBytes(cumulation);
            cumulation.release();
            cumulation = copy;
        }
    }

    private final byte[] header = new byte[BgpMessage.HEADER_LENGTH];

    private void drain() throws BgpProtocolException {
        while (!closed && cumulation != null && cumulation.readableBytes() >= BgpMessage.HEADER_LENGTH) {
            int r = cumulation.readerIndex();
            cumulation.getBytes(r, header);
            int length = decoder.frameLength(header, 0, header.length);
            if (cumulation.readableBytes() < length) return;
            byte[] frame = new byte[length];
            cumulation.readBytes(frame);
            BgpMessage m = decoder.decode(frame, 0, length);
            messagesIn++;
            lastReceivedNanos = System.nanoTime();
            onMessage(m);
        }
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
        remoteOpen = open;
        // RFC 4271 §4.2: the session's hold time is the smaller of both; 0 means none.
        holdTime = Math.min(peer.config().holdTime(), open.holdTime());
        context = peer.negotiate(open);
        decoder.context(context);
        if (!peer.resolveCollision(this)) return; // this connection lost and is closed
        send(KeepaliveMessage.INSTANCE); // RFC 4271 §8.2.2: OpenSent, OPEN received -> KEEPALIVE, OpenConfirm
        state = SessionState.OPEN_CONFIRM;
        peer.connectionStateChanged(this);
        armHoldTimer(holdTime);
    }

    private void onKeepalive() throws BgpProtocolException {
        switch (state) {
            case OPEN_CONFIRM -> {
                state = SessionState.ESTABLISHED;
                startKeepalives();
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
        BgpSpeaker.LOG.log(System.Logger.Level.WARNING, "{0}: received NOTIFICATION {1}", peer.name(), n.describe());
        peer.speaker().listener().notification(peer.info(this), n, false);
        channel.close();
        closeQuietly("peer sent " + n.describe(), true);
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
        closeQuietly("TCP connection closed by the peer", false);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        BgpSpeaker.LOG.log(System.Logger.Level.WARNING, "{0}: connection error: {1}", peer.name(), cause.toString());
        channel.close();
        closeQuietly("connection error: " + cause.getMessage(), false);
    }
}
