package io.vroute.vpc;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One change to a data plane's copy of a route table: put a route (add or replace the one for its
 * destination), or remove the route for a destination.
 *
 * @param destination the destination
 * @param route       the route to hold from now on; null to remove the destination
 */
public record RouteChange(Cidr destination, RouteView route) {

    public static RouteChange put(RouteView route) {
        return new RouteChange(route.destination(), route);
    }

    public static RouteChange remove(Cidr destination) {
        return new RouteChange(destination, null);
    }

    public boolean removal() {
        return route == null;
    }

    /**
     * The changes that turn {@code actual} into {@code wanted}: removals first, then puts for every route
     * that is new or differs. Applying them twice does no harm.
     */
    public static List<RouteChange> between(Collection<RouteView> actual, Collection<RouteView> wanted) {
        Map<Cidr, RouteView> want = new LinkedHashMap<>();
        for (RouteView route : wanted) {
            want.put(route.destination(), route);
        }
        Map<Cidr, RouteView> have = new LinkedHashMap<>();
        for (RouteView route : actual) {
            have.put(route.destination(), route);
        }
        List<RouteChange> changes = new ArrayList<>();
        for (Cidr destination : have.keySet()) {
            if (!want.containsKey(destination)) {
                changes.add(remove(destination));
            }
        }
        for (RouteView route : want.values()) {
            if (!route.equals(have.get(route.destination()))) {
                changes.add(put(route));
            }
        }
        return changes;
    }
}
