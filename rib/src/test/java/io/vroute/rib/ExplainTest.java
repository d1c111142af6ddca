package io.vroute.rib;

import static io.vroute.rib.Fixtures.announce;
import static io.vroute.rib.Fixtures.drain;
import static io.vroute.rib.Fixtures.neighbor;
import static io.vroute.rib.Fixtures.path;
import static io.vroute.rib.Fixtures.prefix;
import static io.vroute.rib.Fixtures.withMed;
import static io.vroute.rib.Fixtures.withOrigin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vroute.bgp.wire.Origin;
import io.vroute.bgp.wire.Prefix;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExplainTest {
    private static final Prefix P = prefix("10.1.0.0/16");

    private final Fixtures.Enis enis = new Fixtures.Enis().own("10.0.1.10", "eni-a").own("10.0.2.10", "eni-b")
            .own("10.0.3.10", "eni-c");
    private final Rib rib = new Rib(new RibOptions(65000), enis);
    private final Neighbor a = neighbor(0, "rsp-a", "10.0.1.10", 65001, "10.0.1.10");
    private final Neighbor b = neighbor(1, "rsp-b", "10.0.2.10", 65002, "10.0.2.10");
    private final Neighbor c = neighbor(2, "rsp-c", "10.0.3.10", 65003, "10.0.3.10");
    private final Neighbor d = neighbor(3, "rsp-d", "10.0.4.10", 65004, "10.0.4.10");

    @Test
    void everyCandidateGetsOneLineBestFirstUnusableLast() {
        rib.apply(a, announce(withMed(path("10.0.1.10", 65001), 50), "10.1.0.0/16"));
        drain(rib);
        rib.apply(b, announce(withMed(path("10.0.2.10", 65002), 20), "10.1.0.0/16"));
        rib.apply(c, announce(withOrigin(path("10.0.3.10", 65003), Origin.INCOMPLETE), "10.1.0.0/16"));
        rib.apply(d, announce(path("10.0.4.10", 65004), "10.1.0.0/16"));
        rib.apply(neighbor(4, "rsp-e", "10.0.1.11", 65005, "10.0.1.11"), announce(path("10.0.1.10", 65005, 65000), "10.1.0.0/16"));
        drain(rib);

        Explanation e = rib.explain(P);
        assertEquals("""
                10.1.0.0/16: 5 routes, best via eni-b
                  best            rsp-b via 10.0.2.10 -> eni-b: best of 3 eligible routes: lowest ORIGIN (igp), then lowest MED (20)
                  med             rsp-a via 10.0.1.10 -> eni-a: MED 50 is higher than 20 (rsp-b via 10.0.2.10)
                  origin          rsp-c via 10.0.3.10 -> eni-c: ORIGIN incomplete ranks below igp (rsp-b via 10.0.2.10)
                  as-loop         rsp-e via 10.0.1.10 -> eni-a: AS_PATH 65005 65000 contains the local ASN 65000 (a routing loop); \
                the appliance must not send routes that passed through this route server's AS
                  next-hop        rsp-d via 10.0.4.10 -> no ENI: next hop 10.0.4.10 is not an address of any ENI in the VPC; \
                give that address to an appliance's ENI or make the appliance announce its own address""", e.render());
        assertSame(rib.best(P), e.best());
        assertEquals(List.of("best", "med", "origin", "as-loop", "next-hop"), e.candidates().stream().map(Candidate::step).toList());
        assertEquals(rib.routes(P), e.candidates().stream().map(Candidate::route).toList(), "routes() uses the same order");
        assertTrue(e.candidates().get(0).best());
        assertFalse(e.candidates().get(1).best());
    }

    @Test
    void olderRouteWinsAndSaysSo() {
        rib.apply(b, announce(path("10.0.2.10", 65002), "10.1.0.0/16"));
        drain(rib);
        rib.apply(a, announce(path("10.0.1.10", 65001), "10.1.0.0/16"));
        drain(rib);
        assertEquals("""
                10.1.0.0/16: 2 routes, best via eni-b
                  best            rsp-b via 10.0.2.10 -> eni-b: best of 2 eligible routes: oldest (arrival 1)
                  oldest          rsp-a via 10.0.1.10 -> eni-a: arrived later (arrival 2) than 1 (rsp-b via 10.0.2.10)""",
                rib.explain(P).render());
    }

    @Test
    void tiesWithinABatchGoToTheLowerIdentifier() {
        rib.apply(b, announce(path("10.0.2.10", 65002), "10.1.0.0/16"));
        rib.apply(a, announce(path("10.0.1.10", 65001), "10.1.0.0/16"));
        List<Candidate> cs = rib.explain(P).candidates();
        assertEquals("best of 2 eligible routes: lowest BGP identifier (10.0.1.10)", cs.get(0).reason());
        assertEquals("BGP identifier 10.0.2.10 is higher than 10.0.1.10 (rsp-a via 10.0.1.10)", cs.get(1).reason());
    }

    @Test
    void lonelyRoutesSayWhy() {
        rib.apply(a, announce(path("10.0.1.10", 65001), "10.1.0.0/16"));
        assertEquals("the only route", rib.explain(P).candidates().get(0).reason());
        rib.apply(d, announce(path("10.0.4.10", 65004), "10.1.0.0/16"));
        assertEquals("the only eligible route of 2", rib.explain(P).candidates().get(0).reason());
    }

    @Test
    void stalePathsAndPathIdsAreShown() {
        rib.announce(a, P, 9, path("10.0.1.10", 65001), Fixtures.ip("10.0.1.10"));
        rib.markStale(a);
        assertEquals("""
                10.1.0.0/16: 1 route, best via eni-a
                  best            rsp-a via 10.0.1.10 path-id 9 -> eni-a (stale): the only route""", rib.explain(P).render());
    }

    @Test
    void prefixWithoutUsableRoutesSaysNothingIsInstalled() {
        rib.apply(d, announce(path("10.0.4.10", 65004), "10.1.0.0/16"));
        Explanation e = rib.explain(P);
        assertNull(e.best());
        assertTrue(e.render().startsWith("10.1.0.0/16: 1 route, none eligible: nothing is installed\n  next-hop "), e.render());
    }

    @Test
    void unknownPrefixHasNoCandidates() {
        Explanation e = rib.explain(prefix("192.0.2.0/24"));
        assertEquals(List.of(), e.candidates());
        assertEquals("192.0.2.0/24: no routes (no neighbour announces this prefix)", e.render());
    }
}
