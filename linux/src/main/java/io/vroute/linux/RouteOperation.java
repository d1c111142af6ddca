package io.vroute.linux;

/**
 * One change in a batch for {@link Routes#apply}.
 *
 * @param kind  add, replace or delete
 * @param route the route (for delete: its table, destination and metric select it)
 */
public record RouteOperation(Kind kind, RouteSpec route) {

    /** What a {@link RouteOperation} does; each behaves like the {@link Routes} method of the same name. */
    public enum Kind {
        /** {@link Routes#add}: create, failing with EEXIST if a route with the key exists. */
        ADD,
        /** {@link Routes#replace}: create or update, refusing routes of other owners. */
        REPLACE,
        /** {@link Routes#delete}: remove the owned route with the key. */
        DELETE
    }

    /**
     * Checks that both parts are there.
     *
     * @throws IllegalArgumentException when the kind or the route is null
     */
    public RouteOperation {
        if (kind == null || route == null) throw new IllegalArgumentException("a route operation needs a kind and a route");
    }

    /** Adds {@code route}. */
    public static RouteOperation add(RouteSpec route) {
        return new RouteOperation(Kind.ADD, route);
    }

    /** Replaces (or creates) {@code route}. */
    public static RouteOperation replace(RouteSpec route) {
        return new RouteOperation(Kind.REPLACE, route);
    }

    /** Deletes {@code route}. */
    public static RouteOperation delete(RouteSpec route) {
        return new RouteOperation(Kind.DELETE, route);
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + " route " + route;
    }
}
