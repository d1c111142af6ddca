package io.vroute.rib;

import io.vroute.bgp.wire.Prefix;

/**
 * One prefix in the RIB: its candidate routes (a short singly linked list, newest first) and the route the
 * decision process chose. A destination stays in the table after its last route goes until the next drain
 * has reported that.
 */
final class Destination {
    static final byte QUEUED = 1;    // in the RIB's list of destinations to report on at the next drain
    static final byte UNDECIDED = 2; // routes changed since the decision process last ran here

    final Prefix prefix;
    Route first;
    Route best;
    byte flags;

    Destination(Prefix prefix) {
        this.prefix = prefix;
    }

    boolean isEmpty() { return first == null; }

    Route find(Peer peer, int pathId) {
        for (Route r = first; r != null; r = r.nextInPrefix) {
            if (r.peer == peer && r.pathId == pathId) return r;
        }
        return null;
    }

    void link(Route r) {
        r.nextInPrefix = first;
        first = r;
    }

    void unlink(Route r) {
        if (first == r) {
            first = r.nextInPrefix;
        } else {
            Route p = first;
            while (p.nextInPrefix != r) p = p.nextInPrefix;
            p.nextInPrefix = r.nextInPrefix;
        }
        r.nextInPrefix = null;
    }

    void swap(Route old, Route fresh) {
        fresh.nextInPrefix = old.nextInPrefix;
        if (first == old) {
            first = fresh;
        } else {
            Route p = first;
            while (p.nextInPrefix != old) p = p.nextInPrefix;
            p.nextInPrefix = fresh;
        }
        old.nextInPrefix = null;
    }
}
