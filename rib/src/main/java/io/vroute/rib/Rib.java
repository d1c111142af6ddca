package io.vroute.rib;

import io.vroute.bgp.wire.AddressFamily;
import io.vroute.bgp.wire.Nlri;
import io.vroute.bgp.wire.PathAttributes;
import io.vroute.bgp.wire.Prefix;
import io.vroute.bgp.wire.UpdateMessage;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The route server's RIB: every route every neighbour announced (Adj-RIBs-In), one best route per prefix
 * (Loc-RIB), and the list of prefixes whose best route changed, for the FIB.
 *
 * <p>Single-threaded: one thread makes every call. Changes are cheap and lazy: {@link #apply} and friends only
 * note which prefixes they touched; the decision process runs for those prefixes in {@link #drainChanges},
 * which reports each prefix whose best route is not the one reported last time. Queries ({@link #best},
 * {@link #routes}, {@link #explain}, {@link #forEachRoute}) decide pending prefixes first, so they always
 * answer for the routes held now, but they report nothing.
 *
 * <p>A route's {@link Route#arrival() arrival} is the number of the batch it came in, a batch being what
 * arrives between two drains. The "oldest" step therefore keeps a route that has been in the table over a
 * newcomer, while routes that arrive together are ordered by BGP identifier and peer address, whatever order
 * they came in.
 */
public final class Rib {

    /** Told about every prefix whose best route changed. */
    @FunctionalInterface
    public interface FibListener {
        /**
         * @param oldBest the best route last reported for the prefix, null when there was none
         * @param newBest the best route now, null when no eligible route is left
         */
        void changed(Prefix prefix, Route oldBest, Route newBest);
    }

    /** Queue capacity kept across drains (two arrays of this many references). */
    private static final int KEPT_QUEUE = 1 << 15;

    private final NextHopTable nextHops;
    private final AttributeTable attributeSets;
    private final DecisionProcess decision;
    private final DestinationTable destinations = new DestinationTable();
    private Peer[] peers = new Peer[8];
    // Destinations touched since the last drain, and for each the best route reported at that drain: a
    // destination not queued has reported == best, so this is the only place the old best needs keeping.
    private Destination[] queued = new Destination[64];
    private Route[] queuedWas = new Route[64];
    private int queuedCount;
    private long batch = 1;
    private int prefixCount;
    private long routeCount;
    private boolean walking; // a listener or consumer is running: the table must not change under it

    public Rib(RibOptions options, NextHopResolver resolver) {
        Objects.requireNonNull(options, "RIB options are missing: pass new RibOptions(localAsn)");
        this.nextHops = new NextHopTable(resolver);
        this.attributeSets = new AttributeTable(options.localAsn(), nextHops);
        this.decision = new DecisionProcess(options.compareMedAcrossAs());
    }

    // ---- changes -------------------------------------------------------------------------------------------

    /**
     * Applies an UPDATE from {@code n}: its withdrawals, then its announcements. RFC 7606 treat-as-withdraw is
     * already folded into the message's announced/withdrawn lists. An End-of-RIB changes nothing.
     */
    public void apply(Neighbor n, UpdateMessage u) {
        checkNotWalking();
        // The fields that UpdateMessage.withdrawn() and announced() gather, read in the same order without
        // building those lists: this runs once per UPDATE of a full table.
        boolean asWithdraw = u.errorHandling() == UpdateMessage.ErrorHandling.TREAT_AS_WITHDRAW; // RFC 7606 §2
        Nlri v4 = u.nlri();
        UpdateMessage.MpReach mpReach = u.mpReach();
        Nlri mpUnreach = u.mpUnreach();
        if (!u.withdrawnRoutes().isEmpty() || (mpUnreach != null && !mpUnreach.isEmpty()) || asWithdraw) {
            Peer peer = existingPeer(n);
            if (peer != null) {
                removeAll(peer, u.withdrawnRoutes());
                if (mpUnreach != null) removeAll(peer, mpUnreach);
                if (asWithdraw) {
                    removeAll(peer, v4);
                    if (mpReach != null) removeAll(peer, mpReach.nlri());
                }
            }
            if (asWithdraw) return;
        }
        boolean mp = mpReach != null && !mpReach.nlri().isEmpty();
        if (v4.isEmpty() && !mp) return;
        Peer peer = peer(n);
        if (!v4.isEmpty()) addAll(peer, v4, u);
        if (mp) addAll(peer, mpReach.nlri(), u);
    }

    private void removeAll(Peer peer, Nlri w) {
        for (int i = 0; i < w.size(); i++) remove(peer, w.prefix(i), w.pathId(i));
    }

    private void addAll(Peer peer, Nlri nlri, UpdateMessage u) {
        // RFC 4760 §3: the next hop of MP_REACH_NLRI prefixes is the one in that attribute.
        NextHop nh = nextHops.acquire(u.nextHop(nlri.family()));
        InternedAttributes a = attributeSets.acquire(u.attributes(), nh); // held while the routes take their own
        try {
            for (int i = 0; i < nlri.size(); i++) add(peer, nlri.prefix(i), nlri.pathId(i), a);
        } finally {
            attributeSets.release(a);
            nextHops.release(nh);
        }
    }

    /**
     * Adds or replaces the route of {@code n} for {@code p} with path id {@code pathId} (0 without ADD-PATH).
     * Replacing it with the same attributes and next hop changes nothing, not even its age; anything else
     * makes it a new route (RFC 4271 §3.1: a new advertisement of the same prefix replaces the old route).
     */
    public void announce(Neighbor n, Prefix p, int pathId, PathAttributes a, InetAddress nextHop) {
        checkNotWalking();
        Objects.requireNonNull(p, "prefix is missing");
        Objects.requireNonNull(a, "path attributes are missing: pass PathAttributes.EMPTY for none");
        Peer peer = peer(n);
        NextHop nh = nextHops.acquire(nextHop);
        InternedAttributes ia = attributeSets.acquire(a, nh);
        add(peer, p, pathId, ia);
        attributeSets.release(ia);
        nextHops.release(nh);
    }

    /** Removes the route of {@code n} for {@code p} with path id {@code pathId}; nothing when there is none. */
    public void withdraw(Neighbor n, Prefix p, int pathId) {
        checkNotWalking();
        Peer peer = existingPeer(n);
        if (peer != null) remove(peer, p, pathId);
    }

    /**
     * The session with {@code n} went down: every route it announced goes (RFC 4271 §8.2.2: routes of a
     * closed session are withdrawn). The neighbour's id is free for reuse afterwards.
     *
     * @return how many routes went
     */
    public int dropNeighbor(Neighbor n) {
        checkNotWalking();
        Peer peer = existingPeer(n);
        if (peer == null) return 0;
        int dropped = 0;
        for (Route r = peer.first; r != null; ) {
            Route next = r.nextOfPeer;
            r.previousOfPeer = null;
            r.nextOfPeer = null;
            detach(r);
            dropped++;
            r = next;
        }
        peer.first = null;
        peer.routes = 0;
        routeCount -= dropped;
        peers[n.id()] = null;
        return dropped;
    }

    /**
     * Graceful restart (RFC 4724 §4.2): the session went down but the neighbour is restarting; keep its routes,
     * marked stale, until it announces them again or {@link #sweepStale} drops the rest.
     */
    public void markStale(Neighbor n) {
        checkNotWalking();
        Peer peer = existingPeer(n);
        if (peer == null) return;
        for (Route r = peer.first; r != null; r = r.nextOfPeer) r.stamp |= Route.STALE;
    }

    /**
     * Drops the routes of {@code n} in {@code family} that are still stale: call at the neighbour's End-of-RIB
     * for the family, or when the stale-path timer runs out (RFC 4724 §4.2).
     *
     * @return how many routes went
     */
    public int sweepStale(Neighbor n, AddressFamily family) {
        checkNotWalking();
        Peer peer = existingPeer(n);
        if (peer == null) return 0;
        boolean v6 = family.equals(AddressFamily.IPV6_UNICAST);
        if (!v6 && !family.equals(AddressFamily.IPV4_UNICAST)) return 0;
        int swept = 0;
        for (Route r = peer.first; r != null; ) {
            Route next = r.nextOfPeer;
            if (r.isStale() && r.destination.prefix.isIpv6() == v6) {
                peer.unlink(r);
                detach(r);
                routeCount--;
                swept++;
            }
            r = next;
        }
        return swept;
    }

    /**
     * Asks the resolver again about every next hop (call when ENIs or their addresses changed). Routes whose
     * next hop now belongs to another ENI, or to none, are replaced and their prefixes decided again.
     */
    public void reresolveNextHops() {
        checkNotWalking();
        if (!nextHops.reresolve()) return;
        for (Peer peer : peers) {
            if (peer == null) continue;
            for (Route r = peer.first; r != null; r = r.nextOfPeer) {
                NextHop fresh = r.attributes.nextHop.replacement;
                if (fresh == null) continue;
                // Same path, same age, another interface: a copy takes the route's place.
                Route copy = new Route(r.destination, peer, r.pathId, attributeSets.acquire(r.attributes.value, fresh), r.stamp);
                replace(r, copy);
                r = copy;
            }
        }
    }

    // ---- the FIB's view ------------------------------------------------------------------------------------

    /**
     * Decides every prefix touched since the last drain and tells {@code listener} about each whose best route
     * is not the one it was last told about (a prefix that changed and changed back is not reported). The
     * listener must not change the RIB; it may query it. When the listener throws, the drain stops and the
     * change it failed on, with every one not yet reported, comes again with the next drain.
     */
    public void drainChanges(FibListener listener) {
        checkNotWalking();
        walking = true;
        int i = 0;
        try {
            for (; i < queuedCount; i++) {
                Destination d = queued[i];
                if ((d.flags & Destination.UNDECIDED) != 0) decide(d);
                Route was = queuedWas[i];
                Route now = d.best;
                if (was != now) listener.changed(d.prefix, was, now);
                d.flags &= ~Destination.QUEUED;
                queued[i] = null;
                queuedWas[i] = null;
                if (d.isEmpty()) destinations.remove(d);
            }
        } finally {
            walking = false;
            if (i < queuedCount) { // the listener threw: this change and the rest come again with the next drain
                int rest = queuedCount - i;
                System.arraycopy(queued, i, queued, 0, rest);
                System.arraycopy(queuedWas, i, queuedWas, 0, rest);
                Arrays.fill(queued, rest, queuedCount, null);
                Arrays.fill(queuedWas, rest, queuedCount, null);
                queuedCount = rest;
            } else {
                queuedCount = 0;
            }
            batch++;
            // Only a queue far beyond what steady batches need (a mass withdrawal, a table loaded without drains)
            // gives its memory back: shrinking after every drain would make the next batch grow it all over again.
            if (queued.length > KEPT_QUEUE && queuedCount * 8 < queued.length) {
                int length = Math.max(KEPT_QUEUE, queuedCount * 2);
                queued = Arrays.copyOf(queued, length);
                queuedWas = Arrays.copyOf(queuedWas, length);
            }
            destinations.shrinkIfSparse();
        }
    }

    // ---- queries -------------------------------------------------------------------------------------------

    /** The best route for {@code p}, or null when it has no eligible route. */
    public Route best(Prefix p) {
        Destination d = destinations.get(p);
        if (d == null) return null;
        settle(d);
        return d.best;
    }

    /** Every route for {@code p}, best first, then in the order they lost (see {@link #explain}). */
    public List<Route> routes(Prefix p) {
        Destination d = destinations.get(p);
        if (d == null || d.isEmpty()) return List.of();
        settle(d);
        return List.copyOf(decision.rank(d.first).order());
    }

    /** Calls {@code c} for every route held (best or not), prefix by prefix in no particular order. */
    public void forEachRoute(Consumer<Route> c) {
        settleAll();
        boolean outer = walking; // may run inside a drain's listener
        walking = true;
        try {
            destinations.forEach(d -> {
                for (Route r = d.first; r != null; r = r.nextInPrefix) c.accept(r);
            });
        } finally {
            walking = outer;
        }
    }

    /**
     * Calls {@code c} for every route of {@code n} (best or not), walking only that neighbour's own list: the cost is
     * its routes, not the RIB's. The callback must not change the RIB.
     */
    public void forEachRouteOf(Neighbor n, Consumer<Route> c) {
        Peer peer = existingPeer(n);
        if (peer == null) return;
        settleAll();
        boolean outer = walking;
        walking = true;
        try {
            for (Route r = peer.first; r != null; r = r.nextOfPeer) c.accept(r);
        } finally {
            walking = outer;
        }
    }

    /** Why {@code p} has the best route it has. */
    public Explanation explain(Prefix p) {
        Destination d = destinations.get(p);
        if (d == null || d.isEmpty()) return new Explanation(p, List.of());
        settle(d);
        DecisionProcess.Ranking k = decision.rank(d.first);
        List<Candidate> out = new ArrayList<>(k.order().size());
        for (Route r : k.order()) {
            if (r == k.best()) out.add(new Candidate(r, true, "best", decision.bestReason(k)));
            else {
                DecisionProcess.Loss loss = k.losses().get(r);
                out.add(new Candidate(r, false, loss.step().word, decision.reason(r, loss)));
            }
        }
        return new Explanation(p, out);
    }

    /** Prefixes with at least one route. */
    public int prefixCount() { return prefixCount; }

    /** Routes held, from all neighbours. */
    public long routeCount() { return routeCount; }

    /** Routes held from {@code n}. */
    public int routeCount(Neighbor n) {
        Peer peer = existingPeer(n);
        return peer == null ? 0 : peer.routes;
    }

    /** Distinct attribute sets held, counted per next hop (each shared by all the routes that carry it). */
    public int attributeSetCount() { return attributeSets.size(); }

    /** Distinct next-hop addresses held. */
    public int nextHopCount() { return nextHops.size(); }

    // ---- inside --------------------------------------------------------------------------------------------

    private void add(Peer peer, Prefix p, int pathId, InternedAttributes a) {
        Destination d = destinations.getOrAdd(p);
        Route old = d.find(peer, pathId);
        if (old != null) {
            if (old.attributes == a) { // the same route again: nothing changes, not even its age
                old.stamp &= ~Route.STALE; // RFC 4724 §4.2: a re-announced route is fresh again
                return;
            }
            a.refs++;
            replace(old, new Route(d, peer, pathId, a, batch)); // RFC 4271 §3.1: an implicit withdraw
            return;
        }
        a.refs++;
        Route r = new Route(d, peer, pathId, a, batch);
        if (d.isEmpty()) prefixCount++;
        d.link(r);
        peer.link(r);
        routeCount++;
        touch(d);
    }

    private void remove(Peer peer, Prefix p, int pathId) {
        Destination d = destinations.get(p);
        if (d == null) return;
        Route r = d.find(peer, pathId);
        if (r == null) return;
        peer.unlink(r);
        detach(r);
        routeCount--;
    }

    /** Takes {@code r} out of its prefix and releases what it held; the caller has unlinked it from its peer. */
    private void detach(Route r) {
        Destination d = r.destination;
        d.unlink(r);
        if (d.isEmpty()) prefixCount--;
        attributeSets.release(r.attributes);
        touch(d);
    }

    /** Puts {@code fresh} in the place of {@code old}; the caller has raised fresh's count. */
    private void replace(Route old, Route fresh) {
        old.destination.swap(old, fresh);
        old.peer.swap(old, fresh);
        attributeSets.release(old.attributes);
        touch(old.destination);
    }

    /** Notes that {@code d}'s routes changed: it is decided again before anyone looks, and reported at the drain. */
    private void touch(Destination d) {
        d.flags |= Destination.UNDECIDED;
        if ((d.flags & Destination.QUEUED) != 0) return;
        d.flags |= Destination.QUEUED;
        if (queuedCount == queued.length) {
            queued = Arrays.copyOf(queued, queuedCount * 2);
            queuedWas = Arrays.copyOf(queuedWas, queuedCount * 2);
        }
        queuedWas[queuedCount] = d.best; // not queued until now, so this is what the last drain reported
        queued[queuedCount++] = d;
    }

    private void decide(Destination d) {
        d.best = decision.best(d.first);
        d.flags &= ~Destination.UNDECIDED;
    }

    private void settle(Destination d) {
        if ((d.flags & Destination.UNDECIDED) != 0) decide(d);
    }

    private void settleAll() {
        for (int i = 0; i < queuedCount; i++) {
            Destination d = queued[i];
            if (d != null) settle(d); // null: already reported by the drain that is running
        }
    }

    private Peer existingPeer(Neighbor n) {
        int id = n.id();
        return id < peers.length ? peers[id] : null;
    }

    /** The peer for {@code n}, made on first use; a changed record (e.g. its BGP identifier) is taken over. */
    private Peer peer(Neighbor n) {
        int id = n.id();
        if (id >= peers.length) peers = Arrays.copyOf(peers, Math.max(id + 1, peers.length * 2));
        Peer peer = peers[id];
        if (peer == null) {
            peer = new Peer(n);
            peers[id] = peer;
        } else if (peer.neighbor != n) {
            if (!peer.neighbor.equals(n)) {
                peer.update(n);
                // The tie-breaks compare the identifier and address: decide this neighbour's prefixes again.
                for (Route r = peer.first; r != null; r = r.nextOfPeer) touch(r.destination);
            } else {
                peer.neighbor = n;
            }
        }
        return peer;
    }

    private void checkNotWalking() {
        if (walking) {
            throw new IllegalStateException("the RIB was changed from inside drainChanges or forEachRoute; "
                    + "collect what to do in the callback and apply it after the call returns");
        }
    }
}
