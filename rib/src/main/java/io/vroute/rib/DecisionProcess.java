package io.vroute.rib;

import io.vroute.bgp.wire.Prefix;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Picks one best route per prefix (RFC 4271 §9.1.2) and says why the others lost.
 *
 * <p>Routes that cannot be used are set aside first. The rest go through the steps of {@link #RANKED} in order;
 * each step keeps only the routes with the best value for it, as the tie-breaking rules of RFC 4271 §9.1.2.2
 * are written, until one route is left. LOCAL_PREF (§9.1.1) and the iBGP/IGP-cost steps (§9.1.2.2 (d), (e))
 * play no part: a route server learns every route over eBGP from appliances one hop away.
 */
final class DecisionProcess {

    /** Every reason a route can lose, in the order they apply. */
    enum Step {
        NEXT_HOP("next-hop"),             // RFC 4271 §9.1.2.1: the next hop resolves to no ENI
        AS_LOOP("as-loop"),               // RFC 4271 §9.1.2: AS_PATH holds the local AS
        AS_PATH_LENGTH("as-path-length"), // RFC 4271 §9.1.2.2 (a)
        ORIGIN("origin"),                 // RFC 4271 §9.1.2.2 (b)
        MED("med"),                       // RFC 4271 §9.1.2.2 (c)
        OLDEST("oldest"),                 // prefer the route held longest, for stability (RFC 5004)
        ROUTER_ID("router-id"),           // RFC 4271 §9.1.2.2 (f)
        PEER_ADDRESS("peer-address"),     // RFC 4271 §9.1.2.2 (g)
        PATH_ID("path-id"),               // several ADD-PATH paths of one neighbour (RFC 7911)
        NEIGHBOR("neighbor");             // sessions of one appliance to two endpoints: same address, same id

        final String word;

        Step(String word) { this.word = word; }
    }

    static final Step[] RANKED = {Step.AS_PATH_LENGTH, Step.ORIGIN, Step.MED, Step.OLDEST, Step.ROUTER_ID,
            Step.PEER_ADDRESS, Step.PATH_ID, Step.NEIGHBOR};

    /** Where a route dropped out, and the route that held the better value. */
    record Loss(Step step, Route against) {}

    /** The outcome for one prefix with every route's place: the best first. */
    record Ranking(Route best, List<Route> order, Map<Route, Loss> losses, int eligible) {}

    @FunctionalInterface
    private interface Losses {
        void lost(Route route, Step step, Route against);
    }

    private final boolean medAcrossAs;
    private Route[] scratch = new Route[16];

    DecisionProcess(boolean medAcrossAs) {
        this.medAcrossAs = medAcrossAs;
    }

    /** The best of the routes linked from {@code first}, or null when none is eligible. Not re-entrant. */
    Route best(Route first) {
        if (first == null) return null;
        if (first.nextInPrefix == null) return first.isEligible() ? first : null;
        int n = 0;
        for (Route r = first; r != null; r = r.nextInPrefix) {
            if (!r.isEligible()) continue; // RFC 4271 §9.1.2.1 and §9.1.2: unresolvable and looped routes never compete
            if (n == scratch.length) scratch = Arrays.copyOf(scratch, n * 2);
            scratch[n++] = r;
        }
        Route best = n == 0 ? null : n == 1 ? scratch[0] : eliminate(scratch, n, null);
        Arrays.fill(scratch, 0, n, null);
        return best;
    }

    /** Every route of a prefix ranked, with the step where each lost. */
    Ranking rank(Route first) {
        List<Route> all = new ArrayList<>();
        List<Route> eligible = new ArrayList<>();
        Map<Route, Loss> losses = new IdentityHashMap<>();
        for (Route r = first; r != null; r = r.nextInPrefix) {
            all.add(r);
            if (r.target() == null) losses.put(r, new Loss(Step.NEXT_HOP, null));
            else if (r.attributes.isLoop()) losses.put(r, new Loss(Step.AS_LOOP, null));
            else eligible.add(r);
        }
        Route best = null;
        if (!eligible.isEmpty()) {
            Route[] c = eligible.toArray(new Route[0]);
            best = eliminate(c, c.length, (r, s, against) -> losses.put(r, new Loss(s, against)));
            for (Route r : eligible) {
                Loss l = losses.get(r);
                if (l == null) continue;
                // The best holds the winning value of every step it passed; name it, except where MED was only
                // compared inside one neighbouring AS and the route that beat this one may be another.
                if (l.step() != Step.MED || medAcrossAs) losses.put(r, new Loss(l.step(), best));
            }
        }
        Route winner = best;
        all.sort((a, b) -> {
            if (a == winner || b == winner) return a == winner ? (b == winner ? 0 : -1) : 1;
            int c = Integer.compare(losses.get(b).step().ordinal(), losses.get(a).step().ordinal());
            for (int i = 0; c == 0 && i < RANKED.length; i++) c = compare(RANKED[i], a, b);
            return c;
        });
        return new Ranking(best, all, losses, eligible.size());
    }

    private Route eliminate(Route[] c, int n, Losses losses) {
        for (Step s : RANKED) {
            n = s == Step.MED && !medAcrossAs ? keepLowestMedPerNeighbourAs(c, n, losses) : keepLowest(s, c, n, losses);
            if (n == 1) break;
        }
        return c[0];
    }

    private static int keepLowest(Step s, Route[] c, int n, Losses losses) {
        Route min = c[0];
        for (int i = 1; i < n; i++) if (compare(s, c[i], min) < 0) min = c[i];
        int k = 0;
        for (int i = 0; i < n; i++) {
            Route r = c[i];
            if (compare(s, r, min) == 0) c[k++] = r;
            else if (losses != null) losses.lost(r, s, min);
        }
        return k;
    }

    /**
     * RFC 4271 §9.1.2.2 (c): a route loses when another route from the same neighbouring AS has a lower MED;
     * routes from different neighbouring ASes are not compared.
     */
    private static int keepLowestMedPerNeighbourAs(Route[] c, int n, Losses losses) {
        Route[] beatenBy = new Route[n];
        for (int i = 0; i < n; i++) {
            long as = neighbourAs(c[i]);
            for (int j = 0; j < n; j++) {
                if (neighbourAs(c[j]) != as || c[j].attributes.med >= c[i].attributes.med) continue;
                if (beatenBy[i] == null || c[j].attributes.med < beatenBy[i].attributes.med) beatenBy[i] = c[j];
            }
        }
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (beatenBy[i] == null) c[k++] = c[i];
            else if (losses != null) losses.lost(c[i], Step.MED, beatenBy[i]);
        }
        return k;
    }

    /** RFC 4271 §9.1.2.2 (c): the neighbouring AS is the first AS of the path; the session's AS when there is none. */
    static long neighbourAs(Route r) {
        long first = r.attributes.firstAs;
        return first >= 0 ? first : r.peer.neighbor.asn();
    }

    static int compare(Step s, Route a, Route b) {
        return switch (s) {
            case AS_PATH_LENGTH -> Integer.compare(a.attributes.pathLength, b.attributes.pathLength);
            case ORIGIN -> Integer.compare(a.attributes.origin, b.attributes.origin);
            case MED -> Long.compare(a.attributes.med, b.attributes.med);
            case OLDEST -> Long.compare(a.arrival(), b.arrival());
            case ROUTER_ID -> compareAddresses(a.peer.routerId, b.peer.routerId);
            case PEER_ADDRESS -> compareAddresses(a.peer.address, b.peer.address);
            case PATH_ID -> Integer.compareUnsigned(a.pathId, b.pathId);
            case NEIGHBOR -> {
                int c = a.peer.neighbor.name().compareTo(b.peer.neighbor.name());
                yield c != 0 ? c : Integer.compare(a.peer.neighbor.id(), b.peer.neighbor.id());
            }
            case NEXT_HOP, AS_LOOP -> 0;
        };
    }

    /** Numeric order of addresses; IPv4 before IPv6. */
    private static int compareAddresses(byte[] a, byte[] b) {
        if (a.length != b.length) return Integer.compare(a.length, b.length);
        return Arrays.compareUnsigned(a, b);
    }

    /** The sentence saying why {@code r} lost at {@code loss}. */
    String reason(Route r, Loss loss) {
        Route o = loss.against();
        return switch (loss.step()) {
            case NEXT_HOP, AS_LOOP -> r.ineligibleReason();
            case AS_PATH_LENGTH -> "AS_PATH length " + r.attributes.pathLength + " is longer than "
                    + o.attributes.pathLength + " (" + o.label() + ")";
            case ORIGIN -> "ORIGIN " + r.attributes.originWord() + " ranks below " + o.attributes.originWord()
                    + " (" + o.label() + ")";
            case MED -> "MED " + r.attributes.med + " is higher than " + o.attributes.med
                    + (medAcrossAs ? "" : " from the same neighbouring AS " + neighbourAs(r)) + " (" + o.label() + ")";
            case OLDEST -> "arrived later (arrival " + r.arrival() + ") than " + o.arrival() + " (" + o.label() + ")";
            case ROUTER_ID -> "BGP identifier " + routerIdText(r) + " is higher than " + routerIdText(o)
                    + " (" + o.label() + ")";
            case PEER_ADDRESS -> "peer address " + Prefix.formatAddress(r.peer.neighbor.address()) + " is higher than "
                    + Prefix.formatAddress(o.peer.neighbor.address()) + " (" + o.label() + ")";
            case PATH_ID -> "path id " + Integer.toUnsignedString(r.pathId) + " is higher than "
                    + Integer.toUnsignedString(o.pathId) + " (" + o.label() + ")";
            case NEIGHBOR -> "neighbour " + r.peer.neighbor.name() + " sorts after " + o.peer.neighbor.name()
                    + " (" + o.label() + ")";
        };
    }

    /** The sentence saying why the best won: each step that set routes aside, in order. */
    String bestReason(Ranking k) {
        if (k.order().size() == 1) return "the only route";
        if (k.eligible() == 1) return "the only eligible route of " + k.order().size();
        Route b = k.best();
        StringBuilder sb = new StringBuilder("best of ").append(k.eligible()).append(" eligible routes: ");
        boolean[] used = new boolean[Step.values().length];
        for (Loss l : k.losses().values()) used[l.step().ordinal()] = true;
        String sep = "";
        for (Step s : RANKED) {
            if (!used[s.ordinal()]) continue;
            sb.append(sep).append(switch (s) {
                case AS_PATH_LENGTH -> "shortest AS_PATH (length " + b.attributes.pathLength + ")";
                case ORIGIN -> "lowest ORIGIN (" + b.attributes.originWord() + ")";
                case MED -> "lowest MED (" + b.attributes.med + (medAcrossAs ? ")" : " within its neighbouring AS)");
                case OLDEST -> "oldest (arrival " + b.arrival() + ")";
                case ROUTER_ID -> "lowest BGP identifier (" + routerIdText(b) + ")";
                case PEER_ADDRESS -> "lowest peer address (" + Prefix.formatAddress(b.peer.neighbor.address()) + ")";
                case PATH_ID -> "lowest path id (" + Integer.toUnsignedString(b.pathId) + ")";
                case NEIGHBOR -> "first neighbour name (" + b.peer.neighbor.name() + ")";
                case NEXT_HOP, AS_LOOP -> throw new AssertionError(s);
            });
            sep = ", then ";
        }
        return sb.toString();
    }

    private static String routerIdText(Route r) {
        InetAddress id = r.peer.neighbor.routerId();
        return id == null ? "0.0.0.0" : Prefix.formatAddress(id);
    }
}
