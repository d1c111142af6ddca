package io.vroute.server;

import io.vroute.bgp.session.SessionState;
import java.time.Instant;

/** A peer's live session status, as DescribeRouteServerPeers reports it (bgpStatus / bfdStatus). */
public record PeerState(SessionState session, boolean bgpUp, Instant since, String lastDownReason, int routes) {}
