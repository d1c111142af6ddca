package io.vroute.bgp.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.vroute.bgp.wire.AsPath.Segment;
import io.vroute.bgp.wire.AsPath.SegmentType;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Encoding then decoding an UPDATE gives it back, for 2-octet and 4-octet sessions and with ADD-PATH. */
class UpdatePropertyTest {
    private static final Set<AddressFamily> BOTH = Set.of(AddressFamily.IPV4_UNICAST, AddressFamily.IPV6_UNICAST);
    private static final SessionContext TWO = SessionContext.INITIAL;
    private static final SessionContext FOUR = SessionContext.FOUR_OCTET;
    private static final SessionContext ADD_PATH = new SessionContext(true, BOTH, BOTH, false);
    private static final SessionContext ADD_PATH_TWO = new SessionContext(false, BOTH, BOTH, false);

    @Property(tries = 300)
    void ipv4RoundTripsOnTwoOctetSessions(@ForAll("attributes") PathAttributes a, @ForAll("v4") List<Prefix> nlri,
                                          @ForAll("v4") List<Prefix> withdrawn) throws Exception {
        roundTrip(new UpdateMessage(nlri(AddressFamily.IPV4_UNICAST, withdrawn, false), a,
                nlri(AddressFamily.IPV4_UNICAST, nlri, false), null, null), TWO);
    }

    @Property(tries = 300)
    void ipv4RoundTripsOnFourOctetSessions(@ForAll("attributes") PathAttributes a, @ForAll("v4") List<Prefix> nlri,
                                           @ForAll("v4") List<Prefix> withdrawn) throws Exception {
        roundTrip(new UpdateMessage(nlri(AddressFamily.IPV4_UNICAST, withdrawn, false), a,
                nlri(AddressFamily.IPV4_UNICAST, nlri, false), null, null), FOUR);
    }

    @Property(tries = 300)
    void ipv6RoundTripsInMpAttributes(@ForAll("attributes") PathAttributes a, @ForAll("v6") List<Prefix> nlri,
                                      @ForAll("v6") List<Prefix> withdrawn, @ForAll boolean linkLocal, @ForAll boolean four) throws Exception {
        PathAttributes noNextHop = a.toBuilder().nextHop(null).build();
        UpdateMessage.MpReach reach = new UpdateMessage.MpReach(nlri(AddressFamily.IPV6_UNICAST, nlri, false),
                InetAddress.getByName("2001:db8::1"), linkLocal ? InetAddress.getByName("fe80::1") : null);
        roundTrip(new UpdateMessage(null, noNextHop, null, reach, nlri(AddressFamily.IPV6_UNICAST, withdrawn, false)), four ? FOUR : TWO);
    }

    @Property(tries = 300)
    void addPathIdentifiersRoundTrip(@ForAll("attributes") PathAttributes a, @ForAll("v4") List<Prefix> v4,
                                     @ForAll("v6") List<Prefix> v6, @ForAll boolean four) throws Exception {
        UpdateMessage.MpReach reach = new UpdateMessage.MpReach(nlri(AddressFamily.IPV6_UNICAST, v6, true),
                InetAddress.getByName("2001:db8::1"), null);
        roundTrip(new UpdateMessage(nlri(AddressFamily.IPV4_UNICAST, v4, true), a, nlri(AddressFamily.IPV4_UNICAST, v4, true),
                reach, null), four ? ADD_PATH : ADD_PATH_TWO);
    }

    private static void roundTrip(UpdateMessage u, SessionContext ctx) throws Exception {
        byte[] wire = MessageEncoder.encode(u, ctx);
        MessageDecoder d = new MessageDecoder(ctx);
        UpdateMessage back = (UpdateMessage) d.decode(wire, 0, wire.length);
        assertEquals(List.of(), back.errors());
        assertEquals(u, back);
        assertEquals(Set.copyOf(u.announced()), Set.copyOf(back.announced()));
        // The same octets again: the interned instance.
        assertSame(back.attributes(), ((UpdateMessage) d.decode(wire, 0, wire.length)).attributes());
    }

    private static Nlri nlri(AddressFamily f, List<Prefix> prefixes, boolean addPath) {
        Prefix[] p = prefixes.toArray(new Prefix[0]);
        int[] ids = null;
        if (addPath && p.length > 0) {
            ids = new int[p.length];
            for (int i = 0; i < ids.length; i++) ids[i] = p[i].hashCode() * 31 + i;
        }
        return new Nlri(f, p, ids);
    }

    @Provide
    Arbitrary<List<Prefix>> v4() {
        return Combinators.combine(Arbitraries.integers(), Arbitraries.integers().between(0, 32))
                .as(Prefix::ipv4).list().ofMaxSize(40);
    }

    @Provide
    Arbitrary<List<Prefix>> v6() {
        return Combinators.combine(Arbitraries.longs(), Arbitraries.longs(), Arbitraries.integers().between(0, 128))
                .as(Prefix::ipv6).list().ofMaxSize(20);
    }

    /** Any ASN but 0 (RFC 7607), often beyond 65535. */
    private static Arbitrary<Integer> asn() {
        return Arbitraries.oneOf(Arbitraries.integers().between(1, 65535),
                Arbitraries.longs().between(65536, 0xFFFF_FFFFL).map(Long::intValue));
    }

    private static Arbitrary<Segment> segment(Arbitrary<Integer> asn, SegmentType... types) {
        return Combinators.combine(Arbitraries.of(types), asn.list().ofMinSize(1).ofMaxSize(12))
                .as((t, l) -> new Segment(t, l.stream().mapToInt(Integer::intValue).toArray()));
    }

    /**
     * Paths with confederation segments only in front and of 2-octet member ASes: RFC 6793 §4.2.2 leaves them
     * out of AS4_PATH, and the §4.2.3 merge can put back only the leading ones.
     */
    private static Arbitrary<AsPath> asPath() {
        return Combinators.combine(segment(Arbitraries.integers().between(1, 65535), SegmentType.AS_CONFED_SEQUENCE, SegmentType.AS_CONFED_SET).list().ofMaxSize(2),
                segment(asn(), SegmentType.AS_SEQUENCE, SegmentType.AS_SET).list().ofMaxSize(4)).as((c, s) -> {
                    List<Segment> all = new ArrayList<>(c);
                    all.addAll(s);
                    return new AsPath(all);
                });
    }

    private static Arbitrary<InetAddress> hostAddress() {
        return Combinators.combine(Arbitraries.integers().between(1, 223).filter(x -> x != 127), Arbitraries.integers().between(0, 0xFFFFFF))
                .as((hi, lo) -> {
                    int a = hi << 24 | lo;
                    try {
                        return InetAddress.getByAddress(new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a});
                    } catch (java.net.UnknownHostException e) {
                        throw new AssertionError(e);
                    }
                });
    }

    private static Arbitrary<List<PathAttributes.RawAttribute>> others() {
        // Unrecognized optional transitive attributes come back with the Partial bit (RFC 4271 §5).
        Arbitrary<PathAttributes.RawAttribute> unknown = Combinators.combine(Arbitraries.of(0xE0),
                Arbitraries.integers().between(40, 250), Arbitraries.bytes().array(byte[].class).ofMaxSize(300))
                .as((f, t, v) -> new PathAttributes.RawAttribute(f, t, v));
        return unknown.list().ofMaxSize(2).uniqueElements(PathAttributes.RawAttribute::type)
                .map(l -> l.stream().sorted(java.util.Comparator.comparingInt(PathAttributes.RawAttribute::type)).toList());
    }

    @Provide
    Arbitrary<PathAttributes> attributes() {
        Arbitrary<Long> u32 = Arbitraries.longs().between(0, 0xFFFF_FFFFL);
        Arbitrary<PathAttributes.Aggregator> aggregator = Combinators.combine(asn(), hostAddress())
                .as((as, ip) -> new PathAttributes.Aggregator(as & 0xFFFF_FFFFL, ip));
        return Combinators.combine(
                Arbitraries.of(Origin.values()), asPath(), hostAddress(), u32.injectNull(0.5), u32.injectNull(0.5),
                Arbitraries.of(true, false), aggregator.injectNull(0.6),
                Combinators.combine(Arbitraries.integers().array(int[].class).ofMaxSize(6),
                        Arbitraries.longs().array(long[].class).ofMaxSize(4),
                        Arbitraries.integers().array(int[].class).ofMaxSize(6).map(x -> java.util.Arrays.copyOf(x, x.length / 3 * 3)),
                        others()).as(List::of))
                .as((origin, path, nh, med, lp, atomic, agg, rest) -> {
                    PathAttributes.Builder b = PathAttributes.builder().origin(origin).asPath(path).nextHop(nh).med(med)
                            .localPref(lp).atomicAggregate(atomic).aggregator(agg)
                            .communities((int[]) rest.get(0)).extendedCommunities((long[]) rest.get(1))
                            .largeCommunities((int[]) rest.get(2));
                    @SuppressWarnings("unchecked") List<PathAttributes.RawAttribute> o = (List<PathAttributes.RawAttribute>) rest.get(3);
                    o.forEach(b::addOther);
                    return b.build();
                });
    }
}
