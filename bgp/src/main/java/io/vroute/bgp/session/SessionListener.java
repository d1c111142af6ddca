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

    default void update(PeerInfo peer, UpdateMessage update) {}

    /** The peer's End-of-RIB marker for a family (RFC 4724 §2). */
    default void endOfRib(PeerInfo peer, AddressFamily family) {}

    default void notification(PeerInfo peer, NotificationMessage notification, boolean sentByUs) {}

    /**
     * The session left Established. {@code routesKeptStale}: the peer is restarting gracefully (RFC 4724 §4.2),
     * keep its routes but mark them stale until {@link #staleRoutesExpired}; otherwise drop its routes now.
     */
    default void down(PeerInfo peer, String reason, boolean routesKeptStale) {}

    /** Drop this peer's routes of {@code family} that are still stale (End-of-RIB came, or time ran out). */
    default void staleRoutesExpired(PeerInfo peer, AddressFamily family) {}

    default void routeRefresh(PeerInfo peer, RouteRefreshMessage message) {}

    /** A connection from an address that is not a configured peer was refused. */
    default void rejected(InetSocketAddress remote, String reason) {}
}
