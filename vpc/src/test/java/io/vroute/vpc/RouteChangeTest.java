package io.vroute.vpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class RouteChangeTest {
    private static RouteView route(String destination, String eni) {
        return new RouteView(Cidr.parse(destination), null, eni, null, RouteTable.ADVERTISEMENT, RouteTable.ACTIVE);
    }

    @Test
    void differenceRemovesWhatIsGoneAndPutsWhatIsNewOrChanged() {
        List<RouteView> actual = List.of(route("172.16.1.1/32", "eni-a"), route("10.0.9.0/24", "eni-a"),
                route("192.0.2.0/24", "eni-a"));
        List<RouteView> wanted = List.of(route("172.16.1.1/32", "eni-b"), route("192.0.2.0/24", "eni-a"),
                route("198.51.100.0/24", "eni-a"));

        List<RouteChange> changes = RouteChange.between(actual, wanted);

        assertEquals(List.of(RouteChange.remove(Cidr.parse("10.0.9.0/24")), RouteChange.put(route("172.16.1.1/32", "eni-b")),
                RouteChange.put(route("198.51.100.0/24", "eni-a"))), changes);
        assertEquals(List.of(), RouteChange.between(wanted, wanted));
    }
}
