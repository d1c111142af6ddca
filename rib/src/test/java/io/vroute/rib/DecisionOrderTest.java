package io.vroute.rib;

import static io.vroute.rib.Fixtures.LOCAL_AS;
import static io.vroute.rib.Fixtures.announce;
import static io.vroute.rib.Fixtures.drain;
import static io.vroute.rib.Fixtures.ip;
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

import io.vroute.bgp.wire.AddressFamily;
import io.vroute.bgp.wire.AsPath;
import io.vroute.bgp.wire.AsPath.Segment;
import io.vroute.bgp.wire.AsPath.SegmentType;
import io.vroute.bgp.wire.Nlri;
import io.vroute.bgp.wire.Origin;
import io.vroute.bgp.wire.PathAttributes;
import io.vroute.bgp.wire.Prefix;
import io.vroute.bgp.wire.UpdateMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One test per step of the decision process, each arranged so that every later step would pick the other
 * route: the step under test is what decides.
 */
class DecisionOrderTest {
    private static final Prefix P = prefix("172.16.1.1/32");

    private final Fixtures.Enis enis = new Fixtures.Enis().own("10.0.1.10", "eni-a").own("10.0.2.10", "eni-b");
    private final Rib rib = new Rib(new RibOptions(LOCAL_AS), enis);
    // A arrives first and has the lower identifier and address: it wins every tie after MED.
    private final Neighbor a = neighbor(0, "rsp-a", "10.0.1.10", 65001, "10.0.1.10");
    private final Neighbor b = neighbor(1, "rsp-b", "10.0.2.10", 65002, "10.0.2.10");

    /** A announces {@code pa} and is drained (so it is older), then B announces {@code pb}. */
    private Route decide(PathAttributes pa, PathAttributes pb) {
        rib.apply(a, announce(pa, "172.16.1.1/32"));
        drain(rib);
        rib.apply(b, announce(pb, "172.16.1.1/32"));
        drain(rib);
        return rib.best(P);
    }

    private String stepOf(Neighbor n) {
        return rib.explain(P).candidates().stream().filter(c -> c.route().neighbor().equals(n)).findFirst().orElseThrow().step();
    }

    @Test
    void unresolvableNextHopStaysInRib() {
        // B's next hop belongs to no ENI: B cannot win although its path is shorter.
        rib.apply(a, announce(path("10.0.1.10", 65001, 65001, 65001), "172.16.1.1/32"));
        rib.apply(b, announce(path("10.0.9.9", 65002), "172.16.1.1/32"));
        drain(rib);

        assertEquals("rsp-a", rib.best(P).neighbor().name());
        Route stranded = rib.routes(P).get(1);
        assertEquals(ip("10.0.9.9"), stranded.nextHop());
        assertNull(stranded.target());
        assertFalse(stranded.isEligible());
        assertTrue(stranded.ineligibleReason().contains("next hop 10.0.9.9 is not an address of any ENI"), stranded.ineligibleReason());
        assertEquals("next-hop", stepOf(b));
        assertEquals(2, rib.routeCount());
    }

    @Test
    void prefixWithOnlyUnresolvableRoutesHasNoBest() {
        rib.apply(b, announce(path("10.0.9.9", 65002), "172.16.1.1/32"));
        assertEquals(List.of(), drain(rib));
        assertNull(rib.best(P));
        assertEquals(1, rib.prefixCount());
    }

    @Test
    void pathThroughLocalAsnIsALoop() {
        rib.apply(a, announce(path("10.0.1.10", 65001, 65001, 65001), "172.16.1.1/32"));
        rib.apply(b, announce(path("10.0.2.10", 65002, LOCAL_AS), "172.16.1.1/32"));
        drain(rib);

        assertEquals("rsp-a", rib.best(P).neighbor().name());
        assertEquals("as-loop", stepOf(b));
        Route loop = rib.routes(P).get(1);
        assertTrue(loop.ineligibleReason().contains("contains the local ASN 65000"), loop.ineligibleReason());
    }

    @Test
    void shorterAsPathWins() {
        Route best = decide(path("10.0.1.10", 65001, 65001), path("10.0.2.10", 65002));
        assertEquals("rsp-b", best.neighbor().name());
        assertEquals("eni-b", best.target());
        assertEquals("as-path-length", stepOf(a));
    }

    @Test
    void asSetCountsAsOneHop() {
        // RFC 4271 §9.1.2.2 (a): {1,2,3,4} is one hop, so B's path is length 2 against A's 3.
        AsPath withSet = new AsPath(List.of(new Segment(SegmentType.AS_SEQUENCE, new int[] {65002}),
                new Segment(SegmentType.AS_SET, new int[] {1, 2, 3, 4})));
        PathAttributes pb = path("10.0.2.10", 65002).toBuilder().asPath(withSet).build();
        assertEquals("rsp-b", decide(path("10.0.1.10", 65001, 1, 2), pb).neighbor().name());
    }

    @Test
    void confederationSegmentsCountNothing() {
        // RFC 5065 §5.3: B's (64512 64513) confederation hops do not count; its length is 1 against A's 2.
        AsPath confed = new AsPath(List.of(new Segment(SegmentType.AS_CONFED_SEQUENCE, new int[] {64512, 64513}),
                new Segment(SegmentType.AS_SEQUENCE, new int[] {65002})));
        PathAttributes pb = path("10.0.2.10", 65002).toBuilder().asPath(confed).build();
        assertEquals("rsp-b", decide(path("10.0.1.10", 65001, 65001), pb).neighbor().name());
    }

    @Test
    void lowerOriginWins() {
        Route best = decide(withOrigin(path("10.0.1.10", 65001), Origin.EGP), path("10.0.2.10", 65002));
        assertEquals("rsp-b", best.neighbor().name());
        assertEquals("origin", stepOf(a));
    }

    @Test
    void egpBeatsIncomplete() {
        Route best = decide(withOrigin(path("10.0.1.10", 65001), Origin.INCOMPLETE), withOrigin(path("10.0.2.10", 65002), Origin.EGP));
        assertEquals("rsp-b", best.neighbor().name());
    }

    @Test
    void lowerMedWins() {
        Route best = decide(withMed(path("10.0.1.10", 65001), 200), withMed(path("10.0.2.10", 65002), 100));
        assertEquals("rsp-b", best.neighbor().name());
        assertEquals("med", stepOf(a));
    }

    @Test
    void missingMedCountsAsZero() {
        Route best = decide(withMed(path("10.0.1.10", 65001), 1), path("10.0.2.10", 65002));
        assertEquals("rsp-b", best.neighbor().name());
    }

    @Test
    void medComparedAcrossNeighbourAsesByDefault() {
        // A comes from AS 65001 and B from AS 65002; the default compares their MEDs anyway, as AWS does.
        Route best = decide(withMed(path("10.0.1.10", 65001), 100), withMed(path("10.0.2.10", 65002), 50));
        assertEquals("rsp-b", best.neighbor().name());
    }

    @Test
    void medComparedOnlyWithinNeighbourAsWhenConfigured() {
        Rib strict = new Rib(new RibOptions(LOCAL_AS, false), enis.own("10.0.3.10", "eni-c"));
        Neighbor c = neighbor(2, "rsp-c", "10.0.3.10", 65001, "10.0.0.1"); // lowest identifier of the three
        strict.apply(a, announce(withMed(path("10.0.1.10", 65001), 100), "172.16.1.1/32"));
        strict.apply(b, announce(withMed(path("10.0.2.10", 65002), 50), "172.16.1.1/32"));
        strict.apply(c, announce(withMed(path("10.0.3.10", 65001), 200), "172.16.1.1/32"));
        drain(strict);

        // C loses to A inside AS 65001; A and B are from different ASes, so the BGP identifier decides.
        assertEquals("rsp-a", strict.best(P).neighbor().name());
        Explanation e = strict.explain(P);
        Candidate lostC = e.candidates().stream().filter(x -> x.route().neighbor().equals(c)).findFirst().orElseThrow();
        assertEquals("med", lostC.step());
        assertEquals("MED 200 is higher than 100 from the same neighbouring AS 65001 (rsp-a via 10.0.1.10)", lostC.reason());
        assertEquals("router-id", e.candidates().get(1).step());
    }

    @Test
    void olderRouteWinsOverNewcomerThatTiesOnTheRest() {
        // B has the lower identifier, but A was there first: keeping it avoids needless churn (RFC 5004).
        Neighbor low = neighbor(1, "rsp-b", "10.0.2.10", 65002, "10.0.0.1");
        rib.apply(a, announce(path("10.0.1.10", 65001), "172.16.1.1/32"));
        drain(rib);
        rib.apply(low, announce(path("10.0.2.10", 65002), "172.16.1.1/32"));
        assertEquals(List.of(), drain(rib));
        assertEquals("rsp-a", rib.best(P).neighbor().name());
        assertEquals("oldest", stepOf(low));
    }

    @Test
    void lowerRouterIdWinsAmongRoutesThatArriveTogether() {
        Neighbor low = neighbor(1, "rsp-b", "10.0.2.10", 65002, "10.0.0.1");
        rib.apply(a, announce(path("10.0.1.10", 65001), "172.16.1.1/32"));
        rib.apply(low, announce(path("10.0.2.10", 65002), "172.16.1.1/32"));
        drain(rib);
        assertEquals("rsp-b", rib.best(P).neighbor().name());
        assertEquals("router-id", stepOf(a));
    }

    @Test
    void unknownRouterIdCountsAsZero() {
        Neighbor unknown = neighbor(1, "rsp-b", "10.0.2.10", 65002, null);
        rib.apply(a, announce(path("10.0.1.10", 65001), "172.16.1.1/32"));
        rib.apply(unknown, announce(path("10.0.2.10", 65002), "172.16.1.1/32"));
        assertEquals("rsp-b", rib.best(P).neighbor().name());
    }

    @Test
    void lowerPeerAddressWins() {
        // Same identifier (e.g. an appliance pair configured alike): the peer address decides.
        Neighbor a2 = neighbor(0, "rsp-a", "10.0.1.10", 65001, "1.1.1.1");
        Neighbor b2 = neighbor(1, "rsp-b", "10.0.0.99", 65002, "1.1.1.1");
        rib.apply(a2, announce(path("10.0.1.10", 65001), "172.16.1.1/32"));
        rib.apply(b2, announce(path("10.0.2.10", 65002), "172.16.1.1/32"));
        assertEquals("rsp-b", rib.best(P).neighbor().name());
        assertEquals("peer-address", stepOf(a2));
    }

    @Test
    void lowerPathIdBreaksTheLastTieBetweenAddPaths() {
        UpdateMessage twoPaths = new UpdateMessage(null, path("10.0.1.10", 65001),
                new Nlri(AddressFamily.IPV4_UNICAST, new Prefix[] {P, P}, new int[] {7, 3}), null, null);
        rib.apply(a, twoPaths);
        assertEquals(2, rib.routeCount(a));
        assertEquals(3, rib.best(P).pathId());
        assertEquals("path-id", rib.explain(P).candidates().get(1).step());
    }

    @Test
    void neighbourNameBreaksTieBetweenSessionsOfOneAppliance() {
        // One appliance peers with two endpoints: same address, same identifier, same path.
        Neighbor viaSecond = neighbor(5, "rsp-2", "10.0.1.10", 65001, "10.0.1.10");
        Neighbor viaFirst = neighbor(6, "rsp-1", "10.0.1.10", 65001, "10.0.1.10");
        rib.apply(viaSecond, announce(path("10.0.1.10", 65001), "172.16.1.1/32"));
        rib.apply(viaFirst, announce(path("10.0.1.10", 65001), "172.16.1.1/32"));
        assertEquals("rsp-1", rib.best(P).neighbor().name());
        assertEquals("neighbor", rib.explain(P).candidates().get(1).step());
    }

    @Test
    void reannouncingUnchangedRouteKeepsItsAge() {
        Neighbor low = neighbor(1, "rsp-b", "10.0.2.10", 65002, "10.0.0.1");
        rib.apply(a, announce(path("10.0.1.10", 65001), "172.16.1.1/32"));
        drain(rib);
        rib.apply(low, announce(path("10.0.2.10", 65002), "172.16.1.1/32"));
        drain(rib);
        Route first = rib.best(P);

        rib.apply(a, announce(path("10.0.1.10", 65001), "172.16.1.1/32")); // implicit withdraw, nothing new
        assertEquals(List.of(), drain(rib));
        assertSame(first, rib.best(P));
    }

    @Test
    void reannouncingChangedRouteMakesItTheNewest() {
        Neighbor low = neighbor(1, "rsp-b", "10.0.2.10", 65002, "10.0.0.1");
        rib.apply(a, announce(path("10.0.1.10", 65001), "172.16.1.1/32"));
        drain(rib);
        rib.apply(low, announce(path("10.0.2.10", 65002), "172.16.1.1/32"));
        drain(rib);

        PathAttributes tagged = path("10.0.1.10", 65001).toBuilder().communities(new int[] {65001 << 16 | 7}).build();
        rib.apply(a, announce(tagged, "172.16.1.1/32"));
        List<Fixtures.Change> changes = drain(rib);

        // A's new path is younger than B's, so B now wins on age.
        assertEquals(1, changes.size());
        assertEquals("rsp-a", changes.get(0).oldBest().neighbor().name());
        assertEquals("rsp-b", changes.get(0).newBest().neighbor().name());
        assertEquals(2, rib.routeCount());
    }
}
