package io.vroute.rib;

import static io.vroute.rib.Fixtures.announce;
import static io.vroute.rib.Fixtures.drain;
import static io.vroute.rib.Fixtures.neighbor;
import static io.vroute.rib.Fixtures.path;
import static io.vroute.rib.Fixtures.prefix;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vroute.bgp.wire.Prefix;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The seed's floating-IP scenario: instance-rs-az1 (active) and instance-rs-az2 (standby, prepending) each peer
 * with the two endpoints of their subnet and advertise 172.16.1.1/32.
 */
class SeedScenarioTest {
    private static final Prefix FLOATING = prefix("172.16.1.1/32");

    private final Fixtures.Enis enis = new Fixtures.Enis().own("10.0.1.10", "eni-a").own("10.0.2.10", "eni-b");
    private final Rib rib = new Rib(new RibOptions(65000), enis);
    private final Neighbor az1ToRse1 = neighbor(0, "rsp-az1-rse1", "10.0.1.10", 65001, "10.0.1.10");
    private final Neighbor az1ToRse2 = neighbor(1, "rsp-az1-rse2", "10.0.1.10", 65001, "10.0.1.10");
    private final Neighbor az2ToRse1 = neighbor(2, "rsp-az2-rse1", "10.0.2.10", 65001, "10.0.2.10");
    private final Neighbor az2ToRse2 = neighbor(3, "rsp-az2-rse2", "10.0.2.10", 65001, "10.0.2.10");

    private void advertiseAll() {
        rib.apply(az1ToRse1, announce(path("10.0.1.10", 65001), "172.16.1.1/32"));
        rib.apply(az1ToRse2, announce(path("10.0.1.10", 65001), "172.16.1.1/32"));
        rib.apply(az2ToRse1, announce(path("10.0.2.10", 65001, 65001, 65001), "172.16.1.1/32"));
        rib.apply(az2ToRse2, announce(path("10.0.2.10", 65001, 65001, 65001), "172.16.1.1/32"));
    }

    @Test
    void fourAdvertisementsOneInstalledRoute() {
        advertiseAll();
        List<Fixtures.Change> changes = drain(rib);

        assertEquals(1, changes.size());
        assertEquals(FLOATING, changes.get(0).prefix());
        assertNull(changes.get(0).oldBest());
        assertEquals("eni-a", changes.get(0).newBest().target());
        assertEquals(4, rib.routes(FLOATING).size());
        assertEquals(1, rib.routes(FLOATING).stream().filter(Route::isBest).count());
        assertEquals(1, rib.prefixCount());
        assertEquals(4, rib.routeCount());
    }

    @Test
    void activeInstanceDownMovesTheRouteToTheStandby() {
        advertiseAll();
        drain(rib);
        Route installed = rib.best(FLOATING);

        assertEquals(1, rib.dropNeighbor(az1ToRse1));
        assertEquals(1, rib.dropNeighbor(az1ToRse2));
        List<Fixtures.Change> changes = drain(rib);

        assertEquals(1, changes.size(), "one FIB change for the one prefix, not one per withdrawn route");
        assertEquals(FLOATING, changes.get(0).prefix());
        assertEquals(installed, changes.get(0).oldBest());
        assertEquals("eni-a", changes.get(0).oldBest().target());
        assertEquals("eni-b", changes.get(0).newBest().target());
        assertEquals(2, rib.routeCount());
    }

    @Test
    void activeInstanceBackTakesTheRouteBack() {
        advertiseAll();
        drain(rib);
        rib.dropNeighbor(az1ToRse1);
        rib.dropNeighbor(az1ToRse2);
        drain(rib);

        // Failback is preemptive: the shorter path wins although the standby's route is older.
        rib.apply(az1ToRse1, announce(path("10.0.1.10", 65001), "172.16.1.1/32"));
        List<Fixtures.Change> changes = drain(rib);

        assertEquals(1, changes.size());
        assertEquals("eni-b", changes.get(0).oldBest().target());
        assertEquals("eni-a", changes.get(0).newBest().target());
    }

    @Test
    void losingOneOfTheActiveSessionsChangesNothing() {
        advertiseAll();
        drain(rib);
        rib.dropNeighbor(az1ToRse1);
        List<Fixtures.Change> changes = drain(rib);

        // The best moves to the active's other session (same next hop, same ENI): the FIB hears of a new best route.
        assertEquals(1, changes.size());
        assertEquals("eni-a", changes.get(0).newBest().target());
        assertEquals("rsp-az1-rse2", changes.get(0).newBest().neighbor().name());
    }

    @Test
    void explainShowsWhyTheStandbyLost() {
        advertiseAll();
        drain(rib);
        String text = rib.explain(FLOATING).render();
        assertEquals("""
                172.16.1.1/32: 4 routes, best via eni-a
                  best            rsp-az1-rse1 via 10.0.1.10 -> eni-a: best of 4 eligible routes: shortest AS_PATH (length 1), then first neighbour name (rsp-az1-rse1)
                  neighbor        rsp-az1-rse2 via 10.0.1.10 -> eni-a: neighbour rsp-az1-rse2 sorts after rsp-az1-rse1 (rsp-az1-rse1 via 10.0.1.10)
                  as-path-length  rsp-az2-rse1 via 10.0.2.10 -> eni-b: AS_PATH length 3 is longer than 1 (rsp-az1-rse1 via 10.0.1.10)
                  as-path-length  rsp-az2-rse2 via 10.0.2.10 -> eni-b: AS_PATH length 3 is longer than 1 (rsp-az1-rse1 via 10.0.1.10)""",
                text);
    }
}
