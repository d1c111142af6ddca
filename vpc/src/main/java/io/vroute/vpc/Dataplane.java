package io.vroute.vpc;

import java.util.List;

/**
 * Where route tables become forwarding state: the Linux kernel (a routing table per route table), or
 * nothing at all in the model-only mode, where the {@link Network} is the whole truth. The caller computes
 * what a table must hold ({@link Network#effectiveRoutes(String)}), reads what the data plane holds, and
 * applies the difference ({@link RouteChange#between}); this is how a restart repairs a table.
 */
public interface Dataplane {

    /** Applies the changes to the data plane's copy of the route table, in order. Must be idempotent. */
    void apply(String routeTableId, List<RouteChange> changes);

    /** The routes the data plane holds for the route table now (empty when it holds none). */
    List<RouteView> read(String routeTableId);
}
