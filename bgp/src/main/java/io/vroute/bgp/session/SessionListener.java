package io.vroute.bgp.session;

import io.vroute.bgp.wire.AddressFamily;
import io.vroute.bgp.wire.NotificationMessage;
import io.vroute.bgp.wire.OpenMessage;
import io.vroute.bgp.wire.RouteRefreshMessage;
import io.vroute.bgp.wire.SessionContext;
import io.vroute.bgp.wire.UpdateMessage;
import java.net.InetSocketAddress;

/**
 * What a {@link BgpSpeaker} tells its user. Every method is called on the speaker's I/O thread, in the order
 * things happened, and must return quickly without blocking: hand heavy work to another thread (and use
 * {@link BgpSpeaker#pauseReading} for backpressure). A method that throws is logged and otherwise ignored.
 */
public interface SessionListener {
    default void stateChanged(PeerInfo peer, SessionState from, SessionState to) {}

    /** The session reached Established with {@code holdTime} negotiated (RFC 4271 §4.2). */
    default void established(PeerInfo peer, OpenMessage received, SessionContext negotiated, int holdTime) {}

    /**
     * An UPDATE (End-of-RIB markers go to {@link #endOfRib} instead). Called on the session's I/O thread, the
     * same thread that sends every session's keepalives and runs their hold timers: it must not block. Queue the
     * message for the RIB and return; when the queue is too long, call {@link BgpSpeaker#pauseReading} and
     * later {@link BgpSpeaker#resumeReading}.
     */
    default void update(PeerInfo peer, UpdateMessage update) {}

    /** The peer's End-of-RIB marker for a family (RFC 4724 §2). */
    default void endOfRib(PeerInfo peer, AddressFamily family) {}

    /** A NOTIFICATION we sent ({@code sentByUs}) or received (RFC 4271 §4.5); the session ends after it. */
    default void notification(PeerInfo peer, NotificationMessage notification, boolean sentByUs) {}

    /**
     * The session left Established. {@code routesKeptStale}: the peer is restarting gracefully (RFC 4724 §4.2),
     * keep its routes but mark them stale until {@link #staleRoutesExpired}; otherwise drop its routes now.
     */
    default void down(PeerInfo peer, String reason, boolean routesKeptStale) {}

    /** Drop this peer's routes of {@code family} that are still stale (End-of-RIB came, or time ran out). */
    default void staleRoutesExpired(PeerInfo peer, AddressFamily family) {}

    /** The peer asks for our routes again (RFC 2918), or marks a refresh's start or end (RFC 7313). */
    default void routeRefresh(PeerInfo peer, RouteRefreshMessage message) {}

    /**
     * A connection was refused: from an address that is not a configured peer (it got Cease / Connection
     * Rejected), or from a GTSM peer whose packets arrived with too low a TTL (closed without a word).
     */
    default void rejected(InetSocketAddress remote, String reason) {}
}
