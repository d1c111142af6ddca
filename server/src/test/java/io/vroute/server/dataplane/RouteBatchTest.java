package io.vroute.server.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vroute.vpc.Cidr;
import io.vroute.vpc.RouteChange;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fast path's translation of the model's route changes, made on the control thread. */
class RouteBatchTest {
    private final KernelLayout layout = KernelLayout.withPrefix("batch-");
    private final FloatingIpVpc vpc = new FloatingIpVpc("inst-a", "inst-b", "test");
    private final String table = vpc.clientTable().routeTableId();

    private RouteBatch batch(List<RouteChange> changes) {
        return RouteBatch.of(vpc.network, layout, table, changes);
    }

    @Test
    void aPropagatedRouteGoesViaTheInterfaceOnItsSubnetsBridge() {
        RouteBatch batch = batch(vpc.floatingIpTo(vpc.b).get(table));
        assertEquals("[172.16.1.1/32 via 10.0.2.10 dev " + layout.bridge(vpc.az2.subnetId()) + "]",
                batch.changes().toString());
    }

    @Test
    void aWithdrawnRouteIsRemovedUnlessAStaticRouteHoldsTheDestination() {
        vpc.floatingIpTo(vpc.a);
        vpc.network.removePropagated(table, FloatingIpVpc.FLOATING_IP, FloatingIpVpc.ROUTE_SERVER);
        RouteChange withdrawn = RouteBatch.propagated(vpc.network, table, FloatingIpVpc.FLOATING_IP, null, null);
        assertEquals("[remove 172.16.1.1/32]", batch(List.of(withdrawn)).changes().toString());

        vpc.network.createRoute(table, "172.16.1.1/32", null, vpc.b.networkInterfaceId());
        RouteChange staticWins = RouteBatch.propagated(vpc.network, table, FloatingIpVpc.FLOATING_IP,
                vpc.a.networkInterfaceId(), "10.0.1.10");
        assertEquals("[172.16.1.1/32 via 10.0.2.10 dev " + layout.bridge(vpc.az2.subnetId()) + "]",
                batch(List.of(staticWins)).changes().toString());
    }

    @Test
    void removingARouteForASubnetsBlockPutsTheLocalRouteBack() {
        Cidr az2 = Cidr.parse("10.0.2.0/24");
        assertEquals("[10.0.2.0/24 dev " + layout.bridge(vpc.az2.subnetId()) + "]",
                batch(List.of(RouteChange.remove(az2))).changes().toString());
    }

    @Test
    void theLastChangeToADestinationWins() {
        var toA = vpc.floatingIpTo(vpc.a).get(table).getFirst();
        var toB = vpc.floatingIpTo(vpc.b).get(table).getFirst();
        assertEquals(1, batch(List.of(toA, toB)).size());
        assertEquals("10.0.2.10", batch(List.of(toA, toB)).changes().getFirst().nextHop().gateway().getHostAddress());
    }
}
