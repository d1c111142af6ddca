package io.vroute.rib;

/**
 * One route of an {@link Explanation}.
 *
 * @param route  the route
 * @param best   true for the route the decision process chose
 * @param step   "best", or the step where the route dropped out: next-hop, as-loop, as-path-length, origin,
 *               med, oldest, router-id, peer-address, path-id, neighbor
 * @param reason a sentence saying why, naming the route that did better where there is one
 */
public record Candidate(Route route, boolean best, String step, String reason) {}
