package io.vroute.bgp.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Any OPEN vroute can write, MessageDecoder reads back as the same message (RFC 4271 §4.2, RFC 5492, RFC 9072). */
class OpenPropertyTest {
    private static final List<Integer> KNOWN_CODES = List.of(Capability.MULTIPROTOCOL, Capability.ROUTE_REFRESH,
            Capability.EXTENDED_MESSAGE, Capability.GRACEFUL_RESTART, Capability.FOUR_OCTET_AS, Capability.ADD_PATH,
            Capability.ENHANCED_ROUTE_REFRESH);

    @Property(tries = 500)
    void openRoundTripsThroughTheWire(@ForAll("opens") OpenMessage open) throws Exception {
        byte[] wire = MessageEncoder.encode(open, SessionContext.INITIAL);
        BgpMessage back = new MessageDecoder(SessionContext.INITIAL).decode(wire, 0, wire.length);
        assertEquals(open, back);
    }

    @Provide
    Arbitrary<OpenMessage> opens() {
        Arbitrary<Integer> myAs = Arbitraries.integers().between(0, 0xFFFF);
        Arbitrary<Integer> hold = Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(3, 0xFFFF));
        Arbitrary<Integer> id = Arbitraries.integers().filter(i -> i != 0);
        Arbitrary<List<Capability>> caps = capability().list().ofMaxSize(40);
        return Combinators.combine(myAs, hold, id, caps).as((a, h, i, c) -> new OpenMessage(4, a, h, i, c));
    }

    private static Arbitrary<AddressFamily> family() {
        return Combinators.combine(Arbitraries.integers().between(0, 0xFFFF), Arbitraries.integers().between(0, 0xFF))
                .as(AddressFamily::of);
    }

    private static Arbitrary<Capability> capability() {
        Arbitrary<Capability> mp = family().map(Capability.Multiprotocol::new);
        Arbitrary<Capability> empty = Arbitraries.of(new Capability.RouteRefresh(), new Capability.ExtendedMessage(),
                new Capability.EnhancedRouteRefresh());
        Arbitrary<Capability> fourOctet = Arbitraries.longs().between(0, 0xFFFF_FFFFL).map(Capability.FourOctetAs::new);
        Arbitrary<Capability> gr = Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(true, false),
                        Arbitraries.integers().between(0, 4095),
                        Combinators.combine(family(), Arbitraries.of(true, false))
                                .as(Capability.GracefulRestart.Family::new).list().ofMaxSize(8))
                .as(Capability.GracefulRestart::new);
        Arbitrary<Capability> addPath = Combinators.combine(family(), Arbitraries.integers().between(1, 3))
                .as((f, sr) -> new Capability.AddPath.Family(f, (sr & 1) != 0, (sr & 2) != 0))
                .list().ofMaxSize(8).map(Capability.AddPath::new);
        Arbitrary<Capability> unknown = Combinators.combine(
                        Arbitraries.integers().between(0, 255).filter(c -> !KNOWN_CODES.contains(c)),
                        Arbitraries.bytes().array(byte[].class).ofMaxSize(40))
                .as(Capability.Unknown::new);
        return Arbitraries.oneOf(mp, empty, fourOctet, gr, addPath, unknown);
    }
}
