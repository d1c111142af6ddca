package io.vroute.vpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A route server may propagate a full table. One million routes go into one route table; lookups stay
 * correct, and the heap each route costs is printed (no timing is asserted: machines differ).
 */
class MillionRoutesTest {
    private static final int ROUTES = 1_000_000;
    private static final String RS = "rs-0123456789abcdef0";

    private static long usedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Test
    void oneMillionPropagatedRoutesInOneTable() {
        Network network = new Network(new SplittableRandom(1));
        Vpc vpc = network.createVpc("10.0.0.0/16");
        Subnet subnet = network.createSubnet(vpc.vpcId(), "10.0.1.0/24", null);
        NetworkInterface[] appliances = new NetworkInterface[4];
        for (int i = 0; i < appliances.length; i++) {
            appliances[i] = network.createNetworkInterface(NewInterface.in(subnet.subnetId()));
        }
        String table = network.createRouteTable(vpc.vpcId()).routeTableId();

        long heapBefore = usedHeap();
        long start = System.nanoTime();
        // 900k /24s and 100k /32s spread over 64.0.0.0/2 and beyond, as a full Internet table is.
        for (int i = 0; i < ROUTES; i++) {
            NetworkInterface target = appliances[i & 3];
            Cidr destination = i < 900_000 ? Cidr.of(Address.ipv4(0x40000000L + (long) i * 256), 24)
                    : Cidr.of(Address.ipv4(0x20000000L + (long) i * 7), 32);
            network.setPropagated(table, destination, RS, target.networkInterfaceId(), target.privateIpAddress());
        }
        long setNanos = System.nanoTime() - start;
        long heapAfter = usedHeap();

        assertEquals(ROUTES, network.propagatedCount(table));

        SplittableRandom random = new SplittableRandom(42);
        start = System.nanoTime();
        int lookups = 100_000;
        int hits = 0;
        for (int i = 0; i < lookups; i++) {
            int route = random.nextInt(900_000);
            RouteView found = network.lookup(table, Address.ipv4(0x40000000L + (long) route * 256 + random.nextInt(256)));
            if (found != null && found.networkInterfaceId().equals(appliances[route & 3].networkInterfaceId())) {
                hits++;
            }
        }
        long lookupNanos = System.nanoTime() - start;
        assertEquals(lookups, hits, "every lookup finds its /24 and that route's appliance");

        RouteView host = network.lookup(table, Address.ipv4(0x20000000L + 950_000L * 7));
        assertEquals(32, host.destination().length());
        assertEquals(appliances[950_000 & 3].networkInterfaceId(), host.networkInterfaceId());
        assertEquals("local", network.lookup(table, "10.0.1.9").gatewayId());
        assertNull(network.lookup(table, "8.8.8.8"));

        System.out.printf("MillionRoutesTest: %,d routes set in %d ms (%.0f ns/route); %.1f bytes of heap per route; "
                        + "lookup %.0f ns%n", ROUTES, setNanos / 1_000_000, (double) setNanos / ROUTES,
                (double) (heapAfter - heapBefore) / ROUTES, (double) lookupNanos / lookups);

        start = System.nanoTime();
        assertEquals(ROUTES, network.clearPropagated(table, RS));
        System.out.printf("MillionRoutesTest: cleared in %d ms%n", (System.nanoTime() - start) / 1_000_000);
        assertEquals(0, network.propagatedCount(table));
    }
}
