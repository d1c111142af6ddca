package io.vroute.bgp.wire;

import static io.vroute.bgp.wire.UpdateBytes.AS_PATH_4;
import static io.vroute.bgp.wire.UpdateBytes.MANDATORY_4;
import static io.vroute.bgp.wire.UpdateBytes.NEXT_HOP;
import static io.vroute.bgp.wire.UpdateBytes.NLRI_10_1;
import static io.vroute.bgp.wire.UpdateBytes.ORIGIN_IGP;
import static io.vroute.bgp.wire.UpdateBytes.attr;
import static io.vroute.bgp.wire.UpdateBytes.update;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vroute.bgp.wire.AsPath.Segment;
import io.vroute.bgp.wire.AsPath.SegmentType;
import io.vroute.bgp.wire.UpdateMessage.ErrorHandling;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** UPDATE decoding (RFC 4271 §4.3, RFC 4760, RFC 6793, RFC 7911) on hand-made messages. */
class UpdateDecoderTest {
    private static final SessionContext FOUR = SessionContext.FOUR_OCTET;
    private static final SessionContext TWO = SessionContext.INITIAL;

    private static UpdateMessage ok(byte[] wire, SessionContext ctx) throws BgpProtocolException {
        UpdateMessage u = UpdateBytes.decode(wire, ctx);
        assertEquals(ErrorHandling.NONE, u.errorHandling(), u.errors().toString());
        assertEquals(List.of(), u.errors());
        return u;
    }

    private static InetAddress ip(String s) throws Exception { return InetAddress.getByName(s); }

    @Test
    void everyAttributeIsDecoded() throws Exception {
        String attrs = attr(0x40, 1, "01")                                  // ORIGIN EGP
                + AS_PATH_4                                                 // 65001 65002
                + NEXT_HOP                                                  // 10.0.1.1
                + attr(0x80, 4, "ffffffff")                                 // MED 4294967295
                + attr(0x40, 5, "00000064")                                 // LOCAL_PREF 100
                + attr(0x40, 6, "")                                         // ATOMIC_AGGREGATE
                + attr(0xC0, 7, "fa56ea01 0a000102")                        // AGGREGATOR 4200000001 10.0.1.2
                + attr(0xC0, 8, "fde90064 ffffff01")                        // 65001:100, NO_EXPORT
                + attr(0x80, 9, "0a000109")                                 // ORIGINATOR_ID
                + attr(0x80, 10, "0a00010a 0a00010b")                       // CLUSTER_LIST
                + attr(0xC0, 16, "0002fde900000064 0102030405060708")       // EXTENDED_COMMUNITIES
                + attr(0xC0, 32, "0000fde9 00000001 00000002")              // LARGE_COMMUNITIES 65001:1:2
                + attr(0xC0, 99, "cafe")                                    // unknown optional transitive
                + attr(0x80, 98, "beef");                                   // unknown optional non-transitive
        UpdateMessage u = ok(update("", attrs, NLRI_10_1), FOUR);
        PathAttributes a = u.attributes();
        assertEquals(Origin.EGP, a.origin());
        assertEquals(AsPath.sequence(65001, 65002), a.asPath());
        assertEquals(ip("10.0.1.1"), a.nextHop());
        assertEquals(4294967295L, a.med());
        assertEquals(100L, a.localPref());
        assertTrue(a.atomicAggregate());
        assertEquals(new PathAttributes.Aggregator(4_200_000_001L, ip("10.0.1.2")), a.aggregator());
        assertEquals(List.of("65001:100", "65535:65281"), a.communityStrings());
        assertArrayEquals(new long[] {0x0002fde900000064L, 0x0102030405060708L}, a.extendedCommunities());
        assertEquals(List.of("65001:1:2"), a.largeCommunityStrings());
        assertEquals(List.of(
                new PathAttributes.RawAttribute(0x80, 9, Hex.bytes("0a000109")),
                new PathAttributes.RawAttribute(0x80, 10, Hex.bytes("0a00010a0a00010b")),
                // RFC 4271 §5: passed on with the Partial bit set; the non-transitive one is dropped.
                new PathAttributes.RawAttribute(0xE0, 99, Hex.bytes("cafe"))), a.otherAttributes());
        assertEquals(List.of(Prefix.parse("10.1.0.0/24")), u.nlri().prefixes());
    }

    @Test
    void aDecodedSetEqualsTheSameSetBuiltByHandWithTheSameHash() throws Exception {
        // The RIB interns sets from the wire and from the API together: equal sets must hash alike.
        String attrs = ORIGIN_IGP + AS_PATH_4 + NEXT_HOP + attr(0x80, 4, "00000010") + attr(0xC0, 8, "fde90064")
                + attr(0xC0, 32, "0000fde9 00000001 00000002");
        PathAttributes decoded = ok(update("", attrs, NLRI_10_1), FOUR).attributes();
        PathAttributes built = PathAttributes.builder().origin(Origin.IGP).asPath(AsPath.sequence(65001, 65002))
                .nextHop(ip("10.0.1.1")).med(16L).communities(new int[] {0xfde90064})
                .largeCommunities(new int[] {65001, 1, 2}).build();
        assertEquals(built, decoded);
        assertEquals(built.hashCode(), decoded.hashCode());
        PathAttributes bare = ok(update("", MANDATORY_4, NLRI_10_1), FOUR).attributes();
        assertEquals(PathAttributes.builder().origin(Origin.IGP).asPath(AsPath.sequence(65001, 65002))
                .nextHop(ip("10.0.1.1")).build().hashCode(), bare.hashCode());
        int[] c = decoded.communities();
        c[0] = 0;
        assertEquals(List.of("65001:100"), decoded.communityStrings(), "the set hands out copies, never its own array");
    }

    @Test
    void twoOctetSessionReadsTwoOctetAsPathAndAggregator() throws Exception {
        UpdateMessage u = ok(update("", ORIGIN_IGP + attr(0x40, 2, "0203 fde9 fdea 0001") + NEXT_HOP + attr(0xC0, 7, "fde9 0a000102"), NLRI_10_1), TWO);
        assertEquals(AsPath.sequence(65001, 65002, 1), u.attributes().asPath());
        assertEquals(new PathAttributes.Aggregator(65001, ip("10.0.1.2")), u.attributes().aggregator());
    }

    @Test
    void eachSegmentTypeIsDecoded() throws Exception {
        String path = "0201 0000fde9"            // AS_SEQUENCE 65001
                + "0102 0000fdea 0000fdeb"       // AS_SET {65002,65003}
                + "0301 0000fdf0"                // AS_CONFED_SEQUENCE (65008)
                + "0402 0000fdf1 0000fdf2";      // AS_CONFED_SET [65009,65010]
        UpdateMessage u = ok(update("", ORIGIN_IGP + attr(0x40, 2, path) + NEXT_HOP, NLRI_10_1), FOUR);
        assertEquals(new AsPath(List.of(
                new Segment(SegmentType.AS_SEQUENCE, new int[] {65001}),
                new Segment(SegmentType.AS_SET, new int[] {65002, 65003}),
                new Segment(SegmentType.AS_CONFED_SEQUENCE, new int[] {65008}),
                new Segment(SegmentType.AS_CONFED_SET, new int[] {65009, 65010}))), u.attributes().asPath());
    }

    @Test
    void emptyAsPathIsPresentButEmpty() throws Exception {
        UpdateMessage u = ok(update("", ORIGIN_IGP + attr(0x40, 2, "") + NEXT_HOP, NLRI_10_1), FOUR);
        assertEquals(AsPath.EMPTY, u.attributes().asPath());
    }

    @Test
    void extendedLengthAttributesAreRead() throws Exception {
        StringBuilder comms = new StringBuilder();
        for (int i = 0; i < 100; i++) comms.append(String.format("fde9%04x", i));
        UpdateMessage u = ok(update("", MANDATORY_4 + attr(0xD0, 8, comms.toString()), NLRI_10_1), FOUR);
        assertEquals(100, u.attributes().communityCount());
        assertEquals("65001:99", u.attributes().communityStrings().get(99));
    }

    @Test
    void ipv6MpReachWithLinkLocalNextHop() throws Exception {
        // RFC 2545 §3: a 32-octet next hop is the global address followed by the link-local one.
        String mp = attr(0x90, 14, "0002 01 20 20010db8000000000000000000000001 fe800000000000000000000000000001 00"
                + "30 20010db80001 40 20010db800020003 00");
        UpdateMessage u = ok(update("", mp + ORIGIN_IGP + AS_PATH_4, ""), FOUR);
        assertEquals(AddressFamily.IPV6_UNICAST, u.mpReach().nlri().family());
        assertEquals(List.of(Prefix.parse("2001:db8:1::/48"), Prefix.parse("2001:db8:2:3::/64"), Prefix.parse("::/0")),
                u.mpReach().nlri().prefixes());
        assertEquals(ip("2001:db8::1"), u.mpReach().nextHop());
        assertEquals(ip("fe80::1"), u.mpReach().linkLocalNextHop());
        assertEquals(List.of(u.mpReach().nlri()), u.announced());
    }

    @Test
    void ipv4MappedNextHopStaysIpv6() throws Exception {
        String mp = attr(0x80, 14, "0002 01 10 00000000000000000000ffff0a000101 00 30 20010db80001");
        UpdateMessage u = ok(update("", mp + ORIGIN_IGP + AS_PATH_4, ""), FOUR);
        assertEquals(16, u.mpReach().nextHop().getAddress().length);
    }

    @Test
    void ipv4InMpReach() throws Exception {
        String mp = attr(0x80, 14, "0001 01 04 0a000101 00 18 0a0300");
        UpdateMessage u = ok(update("", mp + ORIGIN_IGP + AS_PATH_4, ""), FOUR);
        assertEquals(ip("10.0.1.1"), u.mpReach().nextHop());
        assertEquals(List.of(Prefix.parse("10.3.0.0/24")), u.mpReach().nlri().prefixes());
    }

    @Test
    void mpUnreachWithdrawsIpv6() throws Exception {
        UpdateMessage u = ok(update("", attr(0x80, 15, "0002 01 30 20010db80001 80 20010db8000000000000000000000001"), ""), FOUR);
        assertEquals(List.of(Prefix.parse("2001:db8:1::/48"), Prefix.parse("2001:db8::1/128")), u.mpUnreach().prefixes());
        assertNull(u.endOfRibFamily());
    }

    @Test
    void addPathIdentifiersPrecedeEachPrefix() throws Exception {
        SessionContext ctx = new SessionContext(true, Set.of(AddressFamily.IPV4_UNICAST, AddressFamily.IPV6_UNICAST), Set.of(), false);
        UpdateMessage u = ok(update("00000007 18 0a0900", MANDATORY_4, "00000001 18 0a0100 00000002 18 0a0100 fffffffe 00"), ctx);
        assertEquals(List.of(Prefix.parse("10.1.0.0/24"), Prefix.parse("10.1.0.0/24"), Prefix.parse("0.0.0.0/0")), u.nlri().prefixes());
        assertEquals(1, u.nlri().pathId(0));
        assertEquals(2, u.nlri().pathId(1));
        assertEquals(0xFFFFFFFE, u.nlri().pathId(2));
        assertEquals(7, u.withdrawnRoutes().pathId(0));
        String mp = attr(0x80, 14, "0002 01 10 20010db8000000000000000000000001 00 0000000a 30 20010db80001");
        UpdateMessage v6 = ok(update("", mp + ORIGIN_IGP + AS_PATH_4, ""), ctx);
        assertEquals(10, v6.mpReach().nlri().pathId(0));
    }

    @Test
    void addPathOnlyForNegotiatedFamilies() throws Exception {
        SessionContext ctx = new SessionContext(true, Set.of(AddressFamily.IPV6_UNICAST), Set.of(), false);
        UpdateMessage u = ok(update("", MANDATORY_4, NLRI_10_1), ctx);
        assertEquals(false, u.nlri().hasPathIds());
    }

    @Test
    void endOfRibIpv4IsAnEmptyUpdate() throws Exception {
        UpdateMessage u = ok(update("", "", ""), FOUR);
        assertEquals(AddressFamily.IPV4_UNICAST, u.endOfRibFamily());
    }

    @Test
    void endOfRibIpv6IsAnEmptyMpUnreach() throws Exception {
        UpdateMessage u = ok(update("", attr(0x80, 15, "0002 01"), ""), FOUR);
        assertEquals(AddressFamily.IPV6_UNICAST, u.endOfRibFamily());
    }

    // ---- RFC 6793 §4.2.3: AS4_PATH / AS4_AGGREGATOR from a 2-octet session ----

    private static UpdateMessage twoOctet(String asPath, String extra) throws Exception {
        return ok(update("", ORIGIN_IGP + attr(0x40, 2, asPath) + NEXT_HOP + extra, NLRI_10_1), TWO);
    }

    @Test
    void as4PathReplacesAsTransOfEqualLength() throws Exception {
        UpdateMessage u = twoOctet("0202 fde9 5ba0", attr(0xC0, 17, "0202 0000fde9 fa56ea01"));
        assertEquals(AsPath.sequence(65001, 4_200_000_001L), u.attributes().asPath());
    }

    @Test
    void leadingAsesAddedByOldSpeakersAreKept() throws Exception {
        // 64999 (an OLD speaker) prepended itself after the NEW speaker made AS4_PATH.
        UpdateMessage u = twoOctet("0203 fde7 fde9 5ba0", attr(0xC0, 17, "0202 0000fde9 fa56ea01"));
        assertEquals(AsPath.sequence(64999, 65001, 4_200_000_001L), u.attributes().asPath());
    }

    @Test
    void as4PathLongerThanAsPathIsIgnored() throws Exception {
        UpdateMessage u = twoOctet("0201 5ba0", attr(0xC0, 17, "0202 0000fde9 fa56ea01"));
        assertEquals(AsPath.sequence(23456), u.attributes().asPath());
    }

    @Test
    void asSetCountsAsOneWhenComparingLengths() throws Exception {
        UpdateMessage u = twoOctet("0201 fde9 0102 5ba0 fdea", attr(0xC0, 17, "0102 fa56ea01 0000fdea"));
        assertEquals(new AsPath(List.of(new Segment(SegmentType.AS_SEQUENCE, new int[] {65001}),
                new Segment(SegmentType.AS_SET, new int[] {(int) 4_200_000_001L, 65002}))), u.attributes().asPath());
    }

    @Test
    void leadingConfederationSegmentsAreKept() throws Exception {
        UpdateMessage u = twoOctet("0301 fdf0 0202 fde9 5ba0", attr(0xC0, 17, "0202 0000fde9 fa56ea01"));
        assertEquals(new AsPath(List.of(new Segment(SegmentType.AS_CONFED_SEQUENCE, new int[] {65008}),
                new Segment(SegmentType.AS_SEQUENCE, new int[] {65001, (int) 4_200_000_001L}))), u.attributes().asPath());
    }

    @Test
    void as4AggregatorReplacesAsTransAggregator() throws Exception {
        UpdateMessage u = twoOctet("0202 fde9 5ba0", attr(0xC0, 7, "5ba0 0a000102") + attr(0xC0, 17, "0202 0000fde9 fa56ea01")
                + attr(0xC0, 18, "fa56ea01 0a000102"));
        assertEquals(new PathAttributes.Aggregator(4_200_000_001L, ip("10.0.1.2")), u.attributes().aggregator());
        assertEquals(AsPath.sequence(65001, 4_200_000_001L), u.attributes().asPath());
    }

    @Test
    void aggregatorOtherThanAsTransMakesAs4AttributesIgnored() throws Exception {
        // An OLD speaker aggregated after the AS4 attributes were made: they are stale.
        UpdateMessage u = twoOctet("0202 fde9 5ba0", attr(0xC0, 7, "fdea 0a000103") + attr(0xC0, 17, "0202 0000fde9 fa56ea01")
                + attr(0xC0, 18, "fa56ea01 0a000102"));
        assertEquals(new PathAttributes.Aggregator(65002, ip("10.0.1.3")), u.attributes().aggregator());
        assertEquals(AsPath.sequence(65001, 23456), u.attributes().asPath());
    }

    // ---- interning ----

    @Test
    void identicalAttributeBytesYieldTheSameInstance() throws Exception {
        MessageDecoder d = new MessageDecoder(FOUR);
        byte[] m1 = update("", MANDATORY_4 + attr(0xC0, 8, "fde90064"), NLRI_10_1);
        byte[] m2 = update("180a0900", MANDATORY_4 + attr(0xC0, 8, "fde90064"), "180a0200 100b00");
        PathAttributes a1 = ((UpdateMessage) d.decode(m1, 0, m1.length)).attributes();
        PathAttributes a2 = ((UpdateMessage) d.decode(m2, 0, m2.length)).attributes();
        assertSame(a1, a2);
    }

    @Test
    void mpAttributesAreNotPartOfTheInternedSet() throws Exception {
        UpdateDecoder d = new UpdateDecoder();
        String a = ORIGIN_IGP, b = AS_PATH_4 + attr(0xC0, 8, "fde90064");
        byte[] m1 = update("", a + attr(0x80, 14, "0002 01 10 20010db8000000000000000000000001 00 30 20010db80001") + b, "");
        byte[] m2 = update("", a + attr(0x80, 14, "0002 01 10 20010db8000000000000000000000002 00 30 20010db80002") + b, "");
        UpdateMessage u1 = d.decode(m1, 19, m1.length - 19, FOUR), u2 = d.decode(m2, 19, m2.length - 19, FOUR);
        assertSame(u1.attributes(), u2.attributes());
        assertEquals(List.of(Prefix.parse("2001:db8:2::/48")), u2.mpReach().nlri().prefixes());
        assertEquals(1, d.cachedAttributeSets());
    }

    @Test
    void fourOctetModeIsPartOfTheKey() throws Exception {
        UpdateDecoder d = new UpdateDecoder();
        byte[] m = update("", ORIGIN_IGP + attr(0x40, 2, "0201 0000fde9") + NEXT_HOP, NLRI_10_1);
        UpdateMessage four = d.decode(m, 19, m.length - 19, FOUR);
        UpdateMessage two = d.decode(m, 19, m.length - 19, TWO);
        assertNotSame(four.attributes(), two.attributes());
        assertEquals(AsPath.sequence(65001), four.attributes().asPath());
        // Read with 2-octet ASNs the same octets are AS 0 and a bogus segment: treat-as-withdraw.
        assertEquals(ErrorHandling.TREAT_AS_WITHDRAW, two.errorHandling());
    }

    @Test
    void cacheIsBounded() throws Exception {
        UpdateDecoder d = new UpdateDecoder(16);
        for (int i = 0; i < 5000; i++) {
            byte[] m = update("", MANDATORY_4 + attr(0x80, 4, String.format("%08x", i)), NLRI_10_1);
            assertEquals((long) i, d.decode(m, 19, m.length - 19, FOUR).attributes().med());
        }
        assertTrue(d.cachedAttributeSets() <= 64, "cached " + d.cachedAttributeSets());
    }

    @Test
    void errorsAreCachedWithTheirAttributes() throws Exception {
        UpdateDecoder d = new UpdateDecoder();
        byte[] m = update("", MANDATORY_4 + attr(0xC0, 8, "fde900"), NLRI_10_1);
        for (int i = 0; i < 2; i++) {
            UpdateMessage u = d.decode(m, 19, m.length - 19, FOUR);
            assertEquals(ErrorHandling.TREAT_AS_WITHDRAW, u.errorHandling());
            assertEquals(1, u.errors().size());
        }
    }
}
