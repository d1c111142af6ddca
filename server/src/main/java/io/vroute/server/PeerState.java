package io.vroute.server;

import io.vroute.bfd.BfdEngine;
import io.vroute.bgp.session.SessionState;
import java.time.Instant;
import java.util.List;

/**
 * A peer's live session status, as DescribeRouteServerPeers reports it (bgpStatus / bfdStatus).
 *
 * @param fibRoutes of those, the best paths (in the FIB, so in the route tables)
 * @param bfd    the BFD session's status; null for a bgp-keepalive peer or while none could be opened
 * @param events the peer's recent BGP and BFD status changes, oldest first
 * @param counts what the peer sent since it was configured
 */
public record PeerState(SessionState session, boolean bgpUp, Instant since, String lastDownReason, int routes,
                        int fibRoutes, BfdEngine.Status bfd, List<PeerEvent> events, Counts counts) {
    /** UPDATEs applied to the RIB, and the prefixes they announced and withdrew. */
    public record Counts(long updates, long announced, long withdrawn) {
        static final Counts NONE = new Counts(0, 0, 0);
    }

    static PeerState none() {
        return new PeerState(SessionState.IDLE, false, null, null, 0, 0, null, List.of(), Counts.NONE);
    }

    public boolean bfdUp() {
        return bfd != null && bfd.state() == io.vroute.bfd.SessionState.UP;
    }
}
