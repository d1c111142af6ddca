package io.vroute.bgp.wire;

import static io.vroute.bgp.wire.UpdateBytes.canonical;
import static io.vroute.bgp.wire.UpdateBytes.decode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * UPDATEs captured from GoBGP 3.10, BIRD 2.0 and FRR 8.4 (see the comment line of each {@code golden/update-*.hex}):
 * every field decodes as the daemon meant it, and re-encoding gives the same octets back, up to the attribute
 * order and Extended Length choices a sender is free to make (compared through {@link UpdateBytes#canonical}).
 */
class GoldenUpdateTest {
    private static final SessionContext FOUR = SessionContext.FOUR_OCTET;
    private static final SessionContext TWO = SessionContext.INITIAL;
    private static final SessionContext ADD_PATH = new SessionContext(true,
            Set.of(AddressFamily.IPV4_UNICAST, AddressFamily.IPV6_UNICAST), Set.of(AddressFamily.IPV4_UNICAST, AddressFamily.IPV6_UNICAST), false);

    private static UpdateMessage golden(String name, SessionContext ctx) throws Exception {
        byte[] wire = Hex.golden(name);
        UpdateMessage u = decode(wire, ctx);
        assertEquals(UpdateMessage.ErrorHandling.NONE, u.errorHandling(), u.errors().toString());
        byte[] again = MessageEncoder.encode(u, ctx);
        assertEquals(Hex.of(canonical(wire)), Hex.of(again), "re-encoding " + name);
        assertEquals(u, decode(again, ctx));
        return u;
    }

    private static void reencodesIdentically(String name, SessionContext ctx) throws Exception {
        byte[] wire = Hex.golden(name);
        assertArrayEquals(wire, MessageEncoder.encode(decode(wire, ctx), ctx));
    }

    private static InetAddress ip(String s) throws Exception { return InetAddress.getByName(s); }

    private static List<Prefix> prefixes(String... p) { return java.util.Arrays.stream(p).map(Prefix::parse).toList(); }

    @Test
    void gobgpIpv4WithCommunitiesMedAndLargeCommunity() throws Exception {
        UpdateMessage u = golden("update-gobgp-3.10-ipv4.hex", FOUR);
        PathAttributes a = u.attributes();
        assertTrue(u.withdrawnRoutes().isEmpty());
        assertEquals(Origin.INCOMPLETE, a.origin()); // GoBGP's default for "rib add"
        assertEquals(AsPath.sequence(65001, 65001, 65001), a.asPath());
        assertEquals(ip("10.0.1.1"), a.nextHop());
        assertEquals(10L, a.med());
        assertNull(a.localPref());
        assertFalse(a.atomicAggregate());
        assertNull(a.aggregator());
        assertEquals(List.of("65001:100"), a.communityStrings());
        assertEquals(List.of("65001:1:2"), a.largeCommunityStrings());
        assertEquals(0, a.extendedCommunities().length);
        assertEquals(List.of(), a.otherAttributes());
        assertEquals(prefixes("10.1.0.0/24"), u.nlri().prefixes());
        assertFalse(u.nlri().hasPathIds());
        assertNull(u.mpReach());
        assertNull(u.mpUnreach());
    }

    @Test
    void gobgpIpv6InMpReachWithGlobalNextHopOnly() throws Exception {
        UpdateMessage u = golden("update-gobgp-3.10-ipv6.hex", FOUR);
        PathAttributes a = u.attributes();
        assertEquals(Origin.INCOMPLETE, a.origin());
        assertEquals(AsPath.sequence(65001), a.asPath());
        assertNull(a.nextHop());
        assertNull(a.med());
        assertEquals(List.of("65001:200"), a.communityStrings());
        assertTrue(u.nlri().isEmpty());
        assertEquals(AddressFamily.IPV6_UNICAST, u.mpReach().nlri().family());
        assertEquals(prefixes("2001:db8:1::/48"), u.mpReach().nlri().prefixes());
        assertEquals(ip("fd00:1::1"), u.mpReach().nextHop());
        assertNull(u.mpReach().linkLocalNextHop());
        assertEquals(ip("fd00:1::1"), u.nextHop(AddressFamily.IPV6_UNICAST));
    }

    @Test
    void gobgpFourOctetAsnOnFourOctetSession() throws Exception {
        UpdateMessage u = golden("update-gobgp-3.10-4octet-asn.hex", FOUR);
        assertEquals(Origin.INCOMPLETE, u.attributes().origin());
        assertEquals(AsPath.sequence(65001, 65010, 4_200_000_001L), u.attributes().asPath());
        assertEquals(ip("10.0.1.1"), u.attributes().nextHop());
        assertNull(u.attributes().localPref()); // not sent to an external peer
        assertEquals(prefixes("10.3.0.0/16"), u.nlri().prefixes());
        reencodesIdentically("update-gobgp-3.10-4octet-asn.hex", FOUR);
    }

    @Test
    void gobgpAs4PathToTwoOctetPeerIsMergedBack() throws Exception {
        UpdateMessage u = golden("update-gobgp-3.10-as4-path.hex", TWO);
        // On the wire: AS_PATH 65001 65010 23456 (AS_TRANS) and AS4_PATH 65001 65010 4200000001 (RFC 6793 §4.2.3).
        assertEquals(AsPath.sequence(65001, 65010, 4_200_000_001L), u.attributes().asPath());
        assertEquals(Origin.INCOMPLETE, u.attributes().origin());
        assertEquals(List.of("65001:7"), u.attributes().communityStrings());
        assertEquals(ip("10.0.1.1"), u.attributes().nextHop());
        assertEquals(prefixes("10.3.0.0/16"), u.nlri().prefixes());
    }

    @Test
    void gobgpWithdrawals() throws Exception {
        UpdateMessage v4 = golden("update-gobgp-3.10-withdraw-ipv4.hex", FOUR);
        assertEquals(prefixes("10.1.0.0/24"), v4.withdrawnRoutes().prefixes());
        assertEquals(PathAttributes.EMPTY, v4.attributes());
        assertTrue(v4.announced().isEmpty());
        assertNull(v4.endOfRibFamily());
        reencodesIdentically("update-gobgp-3.10-withdraw-ipv4.hex", FOUR);

        UpdateMessage v6 = golden("update-gobgp-3.10-withdraw-ipv6.hex", FOUR);
        assertEquals(AddressFamily.IPV6_UNICAST, v6.mpUnreach().family());
        assertEquals(prefixes("2001:db8:1::/48"), v6.mpUnreach().prefixes());
        assertEquals(List.of(v6.mpUnreach()), v6.withdrawn());
        reencodesIdentically("update-gobgp-3.10-withdraw-ipv6.hex", FOUR);
    }

    @Test
    void gobgpAddPathIdentifiers() throws Exception {
        UpdateMessage v4 = golden("update-gobgp-3.10-addpath-ipv4.hex", ADD_PATH);
        assertEquals(AsPath.sequence(65001, 65001), v4.attributes().asPath());
        assertEquals(prefixes("10.5.0.0/24"), v4.nlri().prefixes());
        assertTrue(v4.nlri().hasPathIds());
        assertEquals(1, v4.nlri().pathId(0));
        reencodesIdentically("update-gobgp-3.10-addpath-ipv4.hex", ADD_PATH);

        UpdateMessage v6 = golden("update-gobgp-3.10-addpath-ipv6.hex", ADD_PATH);
        assertEquals(prefixes("2001:db8:5::/48"), v6.mpReach().nlri().prefixes());
        assertEquals(1, v6.mpReach().nlri().pathId(0));
        assertEquals(ip("fd00:1::1"), v6.mpReach().nextHop());
    }

    @Test
    void birdIpv4TwoPrefixesInTypeOrder() throws Exception {
        UpdateMessage u = golden("update-bird-2.0-ipv4.hex", FOUR);
        PathAttributes a = u.attributes();
        assertEquals(Origin.IGP, a.origin());
        assertEquals(AsPath.sequence(65001, 65001), a.asPath());
        assertEquals(ip("10.0.1.1"), a.nextHop());
        assertEquals(10L, a.med());
        assertEquals(List.of("65001:100"), a.communityStrings());
        assertEquals(List.of("65001:1:2"), a.largeCommunityStrings());
        assertEquals(prefixes("10.1.0.0/24", "10.2.0.0/23"), u.nlri().prefixes());
        reencodesIdentically("update-bird-2.0-ipv4.hex", FOUR);
    }

    @Test
    void birdEndOfRibMarkers() throws Exception {
        assertEquals(AddressFamily.IPV4_UNICAST, golden("update-bird-2.0-eor-ipv4.hex", FOUR).endOfRibFamily());
        assertEquals(AddressFamily.IPV6_UNICAST, golden("update-bird-2.0-eor-ipv6.hex", FOUR).endOfRibFamily());
        reencodesIdentically("update-bird-2.0-eor-ipv4.hex", FOUR);
        reencodesIdentically("update-bird-2.0-eor-ipv6.hex", FOUR);
        assertArrayEquals(Hex.golden("update-bird-2.0-eor-ipv6.hex"),
                MessageEncoder.encode(UpdateMessage.endOfRib(AddressFamily.IPV6_UNICAST), FOUR));
    }

    @Test
    void birdIpv6WithLinkLocalNextHop() throws Exception {
        UpdateMessage u = golden("update-bird-2.0-ipv6-link-local.hex", FOUR);
        assertEquals(ip("fd00:1::1"), u.mpReach().nextHop());
        assertEquals(ip("fe80::6424:5cff:fe83:9047"), u.mpReach().linkLocalNextHop());
        assertEquals(prefixes("2001:db8:1::/48"), u.mpReach().nlri().prefixes());
        assertEquals(Origin.IGP, u.attributes().origin());
        assertEquals(AsPath.sequence(65001), u.attributes().asPath());
        assertEquals(List.of("65001:200"), u.attributes().communityStrings());
        assertNull(u.attributes().nextHop());
    }

    @Test
    void frrIpv6WithExtendedLengthAttributes() throws Exception {
        UpdateMessage u = golden("update-frr-8.4-ipv6.hex", FOUR);
        assertEquals(ip("fd00:1::1"), u.mpReach().nextHop());
        assertEquals(ip("fe80::6424:5cff:fe83:9047"), u.mpReach().linkLocalNextHop());
        assertEquals(prefixes("2001:db8:1::/48"), u.mpReach().nlri().prefixes());
        assertEquals(Origin.IGP, u.attributes().origin());
        assertEquals(AsPath.sequence(65001), u.attributes().asPath());
        assertEquals(0L, u.attributes().med());
    }

    @Test
    void frrIpv4WithAggregator() throws Exception {
        UpdateMessage u = golden("update-frr-8.4-ipv4-aggregator.hex", FOUR);
        PathAttributes a = u.attributes();
        assertEquals(Origin.IGP, a.origin());
        assertEquals(AsPath.sequence(65001, 65001), a.asPath());
        assertEquals(ip("10.0.1.1"), a.nextHop());
        assertEquals(10L, a.med());
        assertEquals(new PathAttributes.Aggregator(3_388_172_398L, ip("10.0.1.1")), a.aggregator());
        assertFalse(a.atomicAggregate());
        assertEquals(List.of("65001:100"), a.communityStrings());
        assertEquals(List.of("65001:1:2"), a.largeCommunityStrings());
        assertEquals(prefixes("10.1.0.0/24"), u.nlri().prefixes());
    }
}
