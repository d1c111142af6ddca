package io.vroute.bgp.session;

import java.net.InetAddress;
import java.time.Instant;

/** A snapshot of one peer's session. {@code establishedSince} and {@code holdTime} are set only while Established. */
public record PeerStatus(InetAddress address, long remoteAs, SessionState state, Instant establishedSince, int holdTime,
                         long messagesReceived, long messagesSent, String lastError) {}
