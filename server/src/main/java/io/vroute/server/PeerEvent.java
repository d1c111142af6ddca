package io.vroute.server;

import java.time.Instant;

/**
 * One change of a peer's liveness: {@code kind} BGP or BFD, {@code status} UP or DOWN (the words of AWS's peer
 * event logs), and why.
 */
public record PeerEvent(Instant time, String kind, String status, String reason) {}
