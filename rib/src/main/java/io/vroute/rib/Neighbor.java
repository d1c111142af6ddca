package io.vroute.rib;

import java.net.InetAddress;
import java.util.Objects;

/**
 * A BGP neighbour whose routes the RIB holds: one session of an appliance with a route server endpoint.
 *
 * @param id       a small number chosen by the caller that names this neighbour inside the RIB; keep ids dense
 *                 (they index an array) and reuse one only after {@link Rib#dropNeighbor} released it
 * @param name     how people know the neighbour, e.g. the peer id {@code rsp-0123456789abcdef0}
 * @param address  the neighbour's address on the session (RFC 4271 §9.1.2.2 (g) compares it)
 * @param asn      the neighbour's AS
 * @param routerId the neighbour's BGP Identifier from its OPEN (RFC 4271 §9.1.2.2 (f)); null until the
 *                 session is up, and then compared as 0.0.0.0
 */
public record Neighbor(int id, String name, InetAddress address, long asn, InetAddress routerId) {
    public Neighbor {
        if (id < 0) {
            throw new IllegalArgumentException("neighbour id must be 0 or more, not " + id
                    + ": give each neighbour a small number of its own (ids index an array)");
        }
        Objects.requireNonNull(name, "neighbour name is missing: pass the peer id, e.g. rsp-0123456789abcdef0");
        Objects.requireNonNull(address, "neighbour address is missing: pass the address the session runs to");
    }
}
