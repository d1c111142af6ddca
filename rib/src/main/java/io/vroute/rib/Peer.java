package io.vroute.rib;

/**
 * What the RIB keeps per neighbour: its current {@link Neighbor} record, the byte forms of the addresses the
 * tie-breaks compare, and its routes as an intrusive doubly linked list, so that dropping a session costs
 * the routes it had and not a walk over the whole table.
 */
final class Peer {
    private static final byte[] ZERO_ID = new byte[4];

    Neighbor neighbor;
    byte[] address;
    byte[] routerId;
    Route first;
    int routes;

    Peer(Neighbor neighbor) {
        update(neighbor);
    }

    void update(Neighbor n) {
        neighbor = n;
        address = n.address().getAddress();
        routerId = n.routerId() == null ? ZERO_ID : n.routerId().getAddress(); // null until the session is up
    }

    void link(Route r) {
        r.nextOfPeer = first;
        r.previousOfPeer = null;
        if (first != null) first.previousOfPeer = r;
        first = r;
        routes++;
    }

    void unlink(Route r) {
        if (r.previousOfPeer == null) first = r.nextOfPeer;
        else r.previousOfPeer.nextOfPeer = r.nextOfPeer;
        if (r.nextOfPeer != null) r.nextOfPeer.previousOfPeer = r.previousOfPeer;
        r.previousOfPeer = null;
        r.nextOfPeer = null;
        routes--;
    }

    /** Puts {@code fresh} where {@code old} was in the list. */
    void swap(Route old, Route fresh) {
        fresh.previousOfPeer = old.previousOfPeer;
        fresh.nextOfPeer = old.nextOfPeer;
        if (old.previousOfPeer == null) first = fresh;
        else old.previousOfPeer.nextOfPeer = fresh;
        if (old.nextOfPeer != null) old.nextOfPeer.previousOfPeer = fresh;
        old.previousOfPeer = null;
        old.nextOfPeer = null;
    }
}
