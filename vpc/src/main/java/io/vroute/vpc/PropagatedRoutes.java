package io.vroute.vpc;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The routes route servers have propagated into one route table. Per destination it keeps one
 * {@link Propagated} per route server; the first one set is the active one, a later one from another route
 * server waits behind it. Values are interned by the {@link Network}, so a million routes through a few
 * next hops share a few value objects and cost little more than their keys.
 */
final class PropagatedRoutes {

    /** What one route server wrote for a destination. */
    record Propagated(String routeServerId, String networkInterfaceId, String nextHopIp) {
    }

    /** Values are a {@link Propagated} or, when several route servers wrote the destination, a Propagated[]. */
    private final PrefixTable<Object> routes = new PrefixTable<>();
    private final Map<String, Integer> countByRouteServer = new HashMap<>();

    /** Number of destinations that hold a propagated route. */
    int size() {
        return routes.size();
    }

    /** Stores the route; returns true when the table changed. */
    boolean set(Cidr destination, Propagated route) {
        Object current = routes.get(destination);
        if (current == null) {
            routes.put(destination, route);
            count(route.routeServerId(), 1);
            return true;
        }
        Propagated[] all = all(current);
        for (int i = 0; i < all.length; i++) {
            if (all[i].routeServerId().equals(route.routeServerId())) {
                if (all[i].equals(route)) {
                    return false;
                }
                Propagated[] replaced = all.clone();
                replaced[i] = route;
                routes.put(destination, pack(replaced));
                return true;
            }
        }
        Propagated[] more = Arrays.copyOf(all, all.length + 1);
        more[all.length] = route;
        routes.put(destination, more);
        count(route.routeServerId(), 1);
        return true;
    }

    /** Removes that route server's route to the destination; returns true when there was one. */
    boolean remove(Cidr destination, String routeServerId) {
        Object current = routes.get(destination);
        if (current == null) {
            return false;
        }
        Object left = without(current, routeServerId);
        if (left == current) {
            return false;
        }
        if (left == null) {
            routes.remove(destination);
        } else {
            routes.put(destination, left);
        }
        count(routeServerId, -1);
        return true;
    }

    /** Removes every route of that route server; returns how many. */
    int clear(String routeServerId) {
        int owned = countByRouteServer.getOrDefault(routeServerId, 0);
        if (owned == 0) {
            return 0;
        }
        if (countByRouteServer.size() == 1) {
            routes.updateAll((destination, value) -> null);
        } else {
            routes.updateAll((destination, value) -> without(value, routeServerId));
        }
        countByRouteServer.remove(routeServerId);
        return owned;
    }

    /** The active route to exactly this destination, or null. */
    Propagated active(Cidr destination) {
        return first(routes.get(destination));
    }

    /** That route server's route to exactly this destination, or null. */
    Propagated of(Cidr destination, String routeServerId) {
        for (Propagated route : all(routes.get(destination))) {
            if (route.routeServerId().equals(routeServerId)) {
                return route;
            }
        }
        return null;
    }

    /** The active route for the block of {@code length} holding the address, or null. */
    Propagated activeAt(boolean ipv6, int length, long hi, long lo) {
        return first(routes.at(ipv6, length, hi, lo));
    }

    boolean holdsLength(boolean ipv6, int length) {
        return routes.holdsLength(ipv6, length);
    }

    void forEachActive(BiConsumer<Cidr, Propagated> action) {
        routes.forEach((destination, value) -> action.accept(destination, first(value)));
    }

    private void count(String routeServerId, int delta) {
        countByRouteServer.merge(routeServerId, delta, (a, b) -> a + b == 0 ? null : a + b);
    }

    private static Propagated first(Object value) {
        return value == null ? null : value instanceof Propagated one ? one : ((Propagated[]) value)[0];
    }

    private static Propagated[] all(Object value) {
        if (value == null) {
            return new Propagated[0];
        }
        return value instanceof Propagated one ? new Propagated[] {one} : (Propagated[]) value;
    }

    private static Object pack(Propagated[] routes) {
        return routes.length == 1 ? routes[0] : routes;
    }

    /** The value without that route server's route: the same object when it had none, null when none is left. */
    private static Object without(Object value, String routeServerId) {
        Propagated[] all = all(value);
        int at = -1;
        for (int i = 0; i < all.length; i++) {
            if (all[i].routeServerId().equals(routeServerId)) {
                at = i;
            }
        }
        if (at < 0) {
            return value;
        }
        if (all.length == 1) {
            return null;
        }
        Propagated[] left = new Propagated[all.length - 1];
        System.arraycopy(all, 0, left, 0, at);
        System.arraycopy(all, at + 1, left, at, all.length - at - 1);
        return pack(left);
    }
}
