package io.vroute.rib;

import io.vroute.bgp.wire.Prefix;
import java.util.List;

/** Why a prefix has the best route it has: every candidate, the best first, with the step it lost at. */
public record Explanation(Prefix prefix, List<Candidate> candidates) {
    public Explanation {
        candidates = List.copyOf(candidates);
    }

    /** The chosen route, or null when no route is eligible. */
    public Route best() {
        return candidates.isEmpty() || !candidates.get(0).best() ? null : candidates.get(0).route();
    }

    /** A heading line, then one line per candidate: step, neighbour, next hop and target, reason. */
    public String render() {
        StringBuilder sb = new StringBuilder().append(prefix).append(": ");
        Route best = best();
        int n = candidates.size();
        if (n == 0) {
            sb.append("no routes (no neighbour announces this prefix)");
        } else if (best == null) {
            sb.append(n).append(n == 1 ? " route" : " routes").append(", none eligible: nothing is installed");
        } else {
            sb.append(n).append(n == 1 ? " route" : " routes").append(", best via ").append(best.target());
        }
        for (Candidate c : candidates) {
            Route r = c.route();
            sb.append("\n  ").append(c.step());
            sb.repeat(' ', Math.max(1, 16 - c.step().length()));
            sb.append(r.label());
            if (r.pathId() != 0) sb.append(" path-id ").append(Integer.toUnsignedString(r.pathId()));
            sb.append(" -> ").append(r.target() == null ? "no ENI" : r.target());
            if (r.isStale()) sb.append(" (stale)");
            sb.append(": ").append(c.reason());
        }
        return sb.toString();
    }
}
