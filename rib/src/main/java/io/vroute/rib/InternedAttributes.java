package io.vroute.rib;

import io.vroute.bgp.wire.AsPath;
import io.vroute.bgp.wire.Origin;
import io.vroute.bgp.wire.PathAttributes;

/**
 * One distinct attribute set with its next hop, held by the RIB and shared by every route that carries both,
 * with the values the decision process compares worked out once. For IPv4 the next hop is part of the set
 * anyway (NEXT_HOP); for IPv6 it comes from MP_REACH_NLRI, so one set may pair with several next hops.
 * Counted: the entry leaves the {@link AttributeTable} with its last route.
 */
final class InternedAttributes {
    final PathAttributes value;
    final NextHop nextHop;
    final int hash;
    /** RFC 4271 §9.1.2.2 (a): AS_SET counts 1, confederation segments 0 (RFC 5065 §5.3); no AS_PATH counts 0. */
    final int pathLength;
    /** RFC 4271 §9.1.2.2 (b): IGP 0 < EGP 1 < INCOMPLETE 2; a set without ORIGIN ranks as INCOMPLETE. */
    final int origin;
    /** RFC 4271 §9.1.2.2 (c): a missing MULTI_EXIT_DISC counts as 0. */
    final long med;
    /** The neighbouring AS (first AS of the path), or -1 when the path does not start with an AS_SEQUENCE. */
    final long firstAs;
    /** The local ASN when the AS_PATH holds it (RFC 4271 §9.1.2 loop), else -1. */
    final long loopAsn;
    int refs;

    InternedAttributes(PathAttributes value, NextHop nextHop, int hash, long localAsn) {
        this.value = value;
        this.nextHop = nextHop;
        this.hash = hash;
        AsPath path = value.asPath();
        this.pathLength = path == null ? 0 : path.length();
        Origin o = value.origin();
        this.origin = o == null ? Origin.INCOMPLETE.code() : o.code();
        this.med = value.med() == null ? 0 : value.med();
        this.firstAs = path == null ? -1 : path.firstAs();
        this.loopAsn = path != null && path.contains(localAsn) ? localAsn : -1;
    }

    boolean isLoop() { return loopAsn >= 0; }

    /** "65001 65002" or "(empty)". */
    String pathText() {
        AsPath path = value.asPath();
        return path == null || path.segments().isEmpty() ? "(empty)" : path.toString();
    }

    String originWord() { return Origin.values()[origin].word(); }
}
