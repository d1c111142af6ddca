package io.vroute.rib;

import static io.vroute.rib.Fixtures.announce;
import static io.vroute.rib.Fixtures.drain;
import static io.vroute.rib.Fixtures.ip;
import static io.vroute.rib.Fixtures.neighbor;
import static io.vroute.rib.Fixtures.nlri;
import static io.vroute.rib.Fixtures.path;
import static io.vroute.rib.Fixtures.prefix;
import static io.vroute.rib.Fixtures.withdraw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vroute.bgp.wire.AddressFamily;
import io.vroute.bgp.wire.AsPath;
import io.vroute.bgp.wire.Nlri;
import io.vroute.bgp.wire.Origin;
import io.vroute.bgp.wire.PathAttributes;
import io.vroute.bgp.wire.Prefix;
import io.vroute.bgp.wire.UpdateMessage;
import io.vroute.bgp.wire.UpdateMessage.ErrorHandling;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RibTest {
    private final Fixtures.Enis enis = new Fixtures.Enis().own("10.0.1.10", "eni-a").own("10.0.2.10", "eni-b")
            .own("2001:db8:1::10", "eni-a");
    private final Rib rib = new Rib(new RibOptions(65000), enis);
    private final Neighbor a = neighbor(0, "rsp-a", "10.0.1.10", 65001, "10.0.1.10");
    private final Neighbor b = neighbor(1, "rsp-b", "10.0.2.10", 65002, "10.0.2.10");

    @Test
    void updateWithdrawsBeforeItAnnounces() {
        rib.apply(a, announce(path("10.0.1.10", 65001), "10.1.0.0/16"));
        UpdateMessage both = new UpdateMessage(nlri(AddressFamily.IPV4_UNICAST, "10.1.0.0/16"), path("10.0.1.10", 65001, 7),
                nlri(AddressFamily.IPV4_UNICAST, "10.1.0.0/16"), null, null);
        rib.apply(a, both);
        assertEquals(AsPath.sequence(65001, 7), rib.best(prefix("10.1.0.0/16")).attributes().asPath());
        assertEquals(1, rib.routeCount());
    }

    @Test
    void withdrawalRemovesTheRouteAndReportsIt() {
        rib.apply(a, announce(path("10.0.1.10", 65001), "10.1.0.0/16", "10.2.0.0/16"));
        drain(rib);
        rib.apply(a, withdraw("10.1.0.0/16"));
        List<Fixtures.Change> changes = drain(rib);

        assertEquals(1, changes.size());
        assertEquals(prefix("10.1.0.0/16"), changes.get(0).prefix());
        assertNull(changes.get(0).newBest());
        assertEquals(1, rib.prefixCount());
        assertEquals(List.of(), rib.routes(prefix("10.1.0.0/16")));
    }

    @Test
    void forEachRouteOfWalksOnlyThatNeighboursRoutes() {
        rib.apply(a, announce(path("10.0.1.10", 65001), "10.1.0.0/16", "10.2.0.0/16"));
        rib.apply(b, announce(path("10.0.1.11", 65002), "10.1.0.0/16", "10.3.0.0/16"));
        List<String> ofA = new java.util.ArrayList<>();
        rib.forEachRouteOf(a, r -> ofA.add(r.prefix() + " " + r.neighbor().name()));
        assertEquals(java.util.Set.of("10.1.0.0/16 " + a.name(), "10.2.0.0/16 " + a.name()), java.util.Set.copyOf(ofA));
        assertEquals(2, ofA.size());
        rib.dropNeighbor(a);
        List<String> after = new java.util.ArrayList<>();
        rib.forEachRouteOf(a, r -> after.add(r.prefix().toString()));
        assertEquals(List.of(), after, "a dropped neighbour has no routes left");
    }

    @Test
    void withdrawingWhatWasNeverAnnouncedChangesNothing() {
        rib.apply(a, withdraw("10.1.0.0/16"));
        rib.withdraw(b, prefix("10.1.0.0/16"), 0);
        assertEquals(List.of(), drain(rib));
        assertEquals(0, rib.prefixCount());
    }

    @Test
    void treatAsWithdrawRemovesTheAnnouncedPrefixes() {
        rib.apply(a, announce(path("10.0.1.10", 65001), "10.1.0.0/16"));
        // RFC 7606: a malformed UPDATE's prefixes are withdrawn, not announced.
        UpdateMessage broken = new UpdateMessage(null, path("10.0.1.10", 65001), nlri(AddressFamily.IPV4_UNICAST, "10.1.0.0/16"),
                null, null, ErrorHandling.TREAT_AS_WITHDRAW, List.of("bad attribute"));
        rib.apply(a, broken);
        assertEquals(0, rib.routeCount());
    }

    @Test
    void ipv6RoutesUseTheNextHopOfMpReach() {
        PathAttributes noNextHop = PathAttributes.builder().origin(Origin.IGP).asPath(AsPath.sequence(65001)).build();
        UpdateMessage.MpReach reach = new UpdateMessage.MpReach(nlri(AddressFamily.IPV6_UNICAST, "2001:db8:100::/48"),
                ip("2001:db8:1::10"), ip("fe80::1"));
        rib.apply(a, new UpdateMessage(null, noNextHop, null, reach, null));
        List<Fixtures.Change> changes = drain(rib);

        Route r = rib.best(prefix("2001:db8:100::/48"));
        assertEquals(ip("2001:db8:1::10"), r.nextHop());
        assertEquals("eni-a", r.target());
        assertEquals(1, changes.size());

        rib.apply(a, new UpdateMessage(null, null, null, null, nlri(AddressFamily.IPV6_UNICAST, "2001:db8:100::/48")));
        assertNull(rib.best(prefix("2001:db8:100::/48")));
        assertEquals(0, rib.routeCount());
    }

    @Test
    void ipv4AndIpv6OfTheSameNeighbourLiveSideBySide() {
        PathAttributes v4 = path("10.0.1.10", 65001);
        UpdateMessage.MpReach reach = new UpdateMessage.MpReach(nlri(AddressFamily.IPV6_UNICAST, "2001:db8:100::/48"),
                ip("2001:db8:1::10"), null);
        rib.apply(a, new UpdateMessage(null, v4, nlri(AddressFamily.IPV4_UNICAST, "10.1.0.0/16"), reach, null));
        assertEquals(ip("10.0.1.10"), rib.best(prefix("10.1.0.0/16")).nextHop());
        assertEquals(ip("2001:db8:1::10"), rib.best(prefix("2001:db8:100::/48")).nextHop());
        assertEquals(2, rib.nextHopCount());
    }

    @Test
    void addPathKeepsEveryPathOfANeighbour() {
        Prefix p = prefix("10.1.0.0/16");
        rib.apply(a, new UpdateMessage(null, path("10.0.1.10", 65001, 65003),
                new Nlri(AddressFamily.IPV4_UNICAST, new Prefix[] {p}, new int[] {1}), null, null));
        rib.apply(a, new UpdateMessage(null, path("10.0.2.10", 65001),
                new Nlri(AddressFamily.IPV4_UNICAST, new Prefix[] {p}, new int[] {2}), null, null));
        drain(rib);
        assertEquals(2, rib.routeCount(a));
        assertEquals(2, rib.best(p).pathId());
        assertEquals("eni-b", rib.best(p).target());

        rib.apply(a, new UpdateMessage(new Nlri(AddressFamily.IPV4_UNICAST, new Prefix[] {p}, new int[] {2}), null, null, null, null));
        List<Fixtures.Change> changes = drain(rib);
        assertEquals(1, changes.size());
        assertEquals(1, changes.get(0).newBest().pathId());
        assertEquals("eni-a", changes.get(0).newBest().target());
        assertEquals(1, rib.routeCount(a));
    }

    @Test
    void staleRoutesStayUsableUntilSwept() {
        rib.apply(a, announce(path("10.0.1.10", 65001), "10.1.0.0/16", "10.2.0.0/16"));
        UpdateMessage.MpReach reach = new UpdateMessage.MpReach(nlri(AddressFamily.IPV6_UNICAST, "2001:db8:100::/48"),
                ip("2001:db8:1::10"), null);
        rib.apply(a, new UpdateMessage(null, PathAttributes.builder().origin(Origin.IGP).asPath(AsPath.sequence(65001)).build(),
                null, reach, null));
        drain(rib);

        rib.markStale(a); // the neighbour restarts (RFC 4724)
        assertTrue(rib.best(prefix("10.1.0.0/16")).isStale());
        assertEquals(List.of(), drain(rib), "stale routes keep forwarding");

        rib.apply(a, announce(path("10.0.1.10", 65001), "10.1.0.0/16")); // it comes back and re-announces one
        assertEquals(1, rib.sweepStale(a, AddressFamily.IPV4_UNICAST)); // its IPv4 End-of-RIB
        List<Fixtures.Change> changes = drain(rib);

        assertEquals(1, changes.size());
        assertEquals(prefix("10.2.0.0/16"), changes.get(0).prefix());
        assertFalse(rib.best(prefix("10.1.0.0/16")).isStale());
        assertTrue(rib.best(prefix("2001:db8:100::/48")).isStale(), "IPv6 waits for its own End-of-RIB");
        assertEquals(1, rib.sweepStale(a, AddressFamily.IPV6_UNICAST));
        assertEquals(1, rib.routeCount());
    }

    @Test
    void reresolvingMovesRoutesToTheNewEni() {
        rib.apply(a, announce(path("10.0.1.10", 65001), "10.1.0.0/16"));
        drain(rib);
        enis.own("10.0.1.10", "eni-c"); // the address moved to another interface
        rib.reresolveNextHops();
        List<Fixtures.Change> changes = drain(rib);

        assertEquals(1, changes.size());
        assertEquals("eni-a", changes.get(0).oldBest().target(), "the old best still says what was installed");
        assertEquals("eni-c", changes.get(0).newBest().target());
        assertEquals(changes.get(0).oldBest().arrival(), changes.get(0).newBest().arrival(), "re-resolving is no new path");
    }

    @Test
    void reresolvingPicksUpAnEniThatAppeared() {
        rib.apply(a, announce(path("10.0.9.9", 65001), "10.1.0.0/16"));
        assertEquals(List.of(), drain(rib));
        enis.own("10.0.9.9", "eni-new");
        rib.reresolveNextHops();
        List<Fixtures.Change> changes = drain(rib);
        assertEquals(1, changes.size());
        assertEquals("eni-new", changes.get(0).newBest().target());
    }

    @Test
    void reresolvingWithdrawsRoutesWhoseEniWent() {
        rib.apply(a, announce(path("10.0.1.10", 65001), "10.1.0.0/16"));
        rib.apply(b, announce(path("10.0.2.10", 65002, 65002), "10.1.0.0/16"));
        drain(rib);
        enis.forget("10.0.1.10");
        rib.reresolveNextHops();
        List<Fixtures.Change> changes = drain(rib);
        assertEquals("eni-b", changes.get(0).newBest().target());
        assertEquals(2, rib.routeCount(), "the unresolvable route stays in the RIB");
    }

    @Test
    void nextHopIsResolvedOncePerAddress() {
        enis.calls = 0;
        for (int i = 0; i < 100; i++) rib.apply(a, announce(path("10.0.1.10", 65001), "10.1." + i + ".0/24"));
        assertEquals(1, enis.calls);
    }

    @Test
    void aChangeUndoneBeforeTheDrainIsNotReported() {
        rib.apply(a, announce(path("10.0.1.10", 65001), "10.1.0.0/16"));
        drain(rib);
        rib.apply(b, announce(path("10.0.2.10", 65002), "10.1.0.0/16")); // loses on age
        rib.apply(b, withdraw("10.1.0.0/16"));
        rib.apply(a, announce(path("10.0.1.10", 65001), "10.1.0.0/16")); // unchanged re-announcement
        assertEquals(List.of(), drain(rib));
    }

    @Test
    void queriesBetweenDrainsSeeTheCurrentRoutesButDoNotReport() {
        rib.apply(a, announce(path("10.0.1.10", 65001), "10.1.0.0/16"));
        assertEquals("rsp-a", rib.best(prefix("10.1.0.0/16")).neighbor().name());
        assertTrue(rib.best(prefix("10.1.0.0/16")).isBest());
        assertEquals(1, drain(rib).size(), "the query did not swallow the change");
    }

    @Test
    void listenerMustNotChangeTheRib() {
        rib.apply(a, announce(path("10.0.1.10", 65001), "10.1.0.0/16"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> rib.drainChanges((p, o, n) -> rib.withdraw(a, p, 0)));
        assertTrue(e.getMessage().contains("apply it after the call returns"), e.getMessage());
    }

    @Test
    void listenerThatThrowsLosesNoChanges() {
        rib.apply(a, announce(path("10.0.1.10", 65001), "10.1.0.0/16", "10.2.0.0/16"));
        int[] calls = {0};
        assertThrows(RuntimeException.class, () -> rib.drainChanges((p, o, n) -> {
            if (calls[0]++ == 0) throw new RuntimeException("route table unreachable");
        }));
        assertEquals(2, drain(rib).size(), "the failed change and the one after it come with the next drain");
    }

    @Test
    void attributeSetsAreSharedAcrossNeighbours() {
        // Equal sets built separately, as two sessions' decoders would: the RIB keeps one.
        rib.apply(a, announce(path("10.0.1.10", 65001, 65010), "10.1.0.0/16", "10.2.0.0/16"));
        rib.apply(b, announce(path("10.0.1.10", 65001, 65010), "10.1.0.0/16"));
        List<Route> routes = rib.routes(prefix("10.1.0.0/16"));
        assertSame(routes.get(0).attributes(), routes.get(1).attributes());
        assertEquals(1, rib.attributeSetCount());

        rib.dropNeighbor(a);
        assertEquals(1, rib.attributeSetCount(), "still held by b's route");
        rib.dropNeighbor(b);
        assertEquals(0, rib.attributeSetCount());
        assertEquals(0, rib.nextHopCount());
    }

    @Test
    void replacedAttributeSetIsReleased() {
        rib.apply(a, announce(path("10.0.1.10", 65001), "10.1.0.0/16"));
        rib.apply(a, announce(path("10.0.1.10", 65001, 65001), "10.1.0.0/16"));
        assertEquals(1, rib.attributeSetCount());
    }

    @Test
    void countsFollowAnnouncementsAndWithdrawals() {
        rib.apply(a, announce(path("10.0.1.10", 65001), "10.1.0.0/16", "10.2.0.0/16", "10.3.0.0/16"));
        rib.apply(b, announce(path("10.0.2.10", 65002), "10.1.0.0/16"));
        assertEquals(3, rib.prefixCount());
        assertEquals(4, rib.routeCount());
        assertEquals(3, rib.routeCount(a));
        assertEquals(1, rib.routeCount(b));

        assertEquals(3, rib.dropNeighbor(a));
        assertEquals(1, rib.prefixCount());
        assertEquals(1, rib.routeCount());
        assertEquals(0, rib.routeCount(a));
        assertEquals(0, rib.dropNeighbor(a));
    }

    @Test
    void droppedNeighbourIdCanBeReused() {
        rib.apply(a, announce(path("10.0.1.10", 65001), "10.1.0.0/16"));
        drain(rib);
        Route old = rib.best(prefix("10.1.0.0/16"));
        rib.dropNeighbor(a);
        Neighbor other = neighbor(0, "rsp-other", "10.0.2.10", 65002, "10.0.2.10");
        rib.apply(other, announce(path("10.0.2.10", 65002), "10.1.0.0/16"));
        List<Fixtures.Change> changes = drain(rib);

        assertEquals("rsp-a", changes.get(0).oldBest().neighbor().name(), "a reported route keeps its neighbour");
        assertSame(old, changes.get(0).oldBest());
        assertEquals("rsp-other", changes.get(0).newBest().neighbor().name());
    }

    @Test
    void neighbourLearningItsIdentifierIsDecidedAgain() {
        Neighbor early = neighbor(0, "rsp-a", "10.0.1.10", 65001, null); // no OPEN seen yet: counts as 0.0.0.0
        rib.apply(early, announce(path("10.0.1.10", 65001), "10.1.0.0/16"));
        rib.apply(b, announce(path("10.0.2.10", 65002), "10.1.0.0/16"));
        assertEquals("rsp-a", rib.best(prefix("10.1.0.0/16")).neighbor().name());

        Neighbor known = neighbor(0, "rsp-a", "10.0.1.10", 65001, "10.0.9.9"); // higher than b's 10.0.2.10
        rib.apply(known, announce(path("10.0.1.10", 65001), "10.9.0.0/16"));
        assertEquals("rsp-b", rib.best(prefix("10.1.0.0/16")).neighbor().name());
        assertEquals(known, rib.best(prefix("10.9.0.0/16")).neighbor());
    }

    @Test
    void forEachRouteSeesEveryRouteWithItsStatus() {
        rib.apply(a, announce(path("10.0.1.10", 65001), "10.1.0.0/16", "10.2.0.0/16"));
        rib.apply(b, announce(path("10.0.2.10", 65002, 65002), "10.1.0.0/16"));
        List<Route> all = new ArrayList<>();
        rib.forEachRoute(all::add);
        assertEquals(3, all.size());
        assertEquals(2, all.stream().filter(Route::isBest).count());
        Set<String> inFib = new HashSet<>();
        for (Route r : all) if (r.isBest()) inFib.add(r.prefix() + " " + r.neighbor().name());
        assertEquals(Set.of("10.1.0.0/16 rsp-a", "10.2.0.0/16 rsp-a"), inFib);
    }

    @Test
    void announceWithoutNextHopIsKeptButNeverBest() {
        rib.announce(a, prefix("10.1.0.0/16"), 0, PathAttributes.builder().origin(Origin.IGP).asPath(AsPath.sequence(65001)).build(), null);
        Route r = rib.routes(prefix("10.1.0.0/16")).get(0);
        assertNull(rib.best(prefix("10.1.0.0/16")));
        assertTrue(r.ineligibleReason().startsWith("the route has no next hop"), r.ineligibleReason());
    }

    @Test
    void announceAndWithdrawDirectly() {
        rib.announce(a, prefix("10.1.0.0/16"), 4, path("10.0.1.10", 65001), ip("10.0.1.10"));
        assertEquals(4, rib.best(prefix("10.1.0.0/16")).pathId());
        rib.withdraw(a, prefix("10.1.0.0/16"), 3);
        assertEquals(1, rib.routeCount(), "another path id is another route");
        rib.withdraw(a, prefix("10.1.0.0/16"), 4);
        assertEquals(0, rib.routeCount());
    }

    @Test
    void badOptionsSayWhatToDo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RibOptions(0));
        assertTrue(e.getMessage().contains("1..4294967295"), e.getMessage());
        assertNotSame(null, new RibOptions(4_294_967_295L));
        IllegalArgumentException n = assertThrows(IllegalArgumentException.class, () -> neighbor(-1, "x", "10.0.0.1", 1, null));
        assertTrue(n.getMessage().contains("small number"), n.getMessage());
    }
}
