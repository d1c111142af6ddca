package io.vroute.bgp.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Messages captured from real BGP daemons (see the comment line of each file in {@code golden/}): every field
 * is decoded as the daemon meant it, and re-encoding gives the same octets back.
 */
class GoldenMessagesTest {
    private static final int ID_10_99_1_1 = 0x0A630101;

    private static BgpMessage decode(byte[] wire) throws BgpProtocolException {
        return new MessageDecoder(SessionContext.INITIAL).decode(wire, 0, wire.length);
    }

    private static byte[] encode(BgpMessage m) {
        return MessageEncoder.encode(m, SessionContext.INITIAL);
    }

    private static Capability.Unknown unknown(int code, String hex) {
        return new Capability.Unknown(code, Hex.bytes(hex));
    }

    @Test
    void gobgpOpenDecodesFieldByFieldAndReencodesIdentically() throws Exception {
        byte[] wire = Hex.golden("open-gobgp-3.10.hex");
        OpenMessage open = assertInstanceOf(OpenMessage.class, decode(wire));
        assertEquals(4, open.version());
        assertEquals(65001, open.myAutonomousSystem());
        assertEquals(90, open.holdTime());
        assertEquals(ID_10_99_1_1, open.bgpIdentifier());
        assertEquals(List.of(
                new Capability.RouteRefresh(),
                unknown(73, "02766d00"), // FQDN, RFC draft-walton-bgp-hostname-capability: hostname "vm", no domain
                new Capability.Multiprotocol(AddressFamily.IPV4_UNICAST),
                new Capability.FourOctetAs(65001),
                unknown(5, "000100010002")), // Extended Next Hop, RFC 8950 §3: ipv4-unicast, next hop AFI 2
                open.capabilities());
        assertEquals(65001, open.asn());
        assertArrayEquals(wire, encode(open));
    }

    @Test
    void birdOpenDecodesFieldByFieldAndReencodesIdentically() throws Exception {
        byte[] wire = Hex.golden("open-bird-2.0.hex");
        OpenMessage open = assertInstanceOf(OpenMessage.class, decode(wire));
        assertEquals(4, open.version());
        assertEquals(65001, open.myAutonomousSystem());
        assertEquals(240, open.holdTime());
        assertEquals(ID_10_99_1_1, open.bgpIdentifier());
        assertEquals(List.of(
                new Capability.Multiprotocol(AddressFamily.IPV4_UNICAST),
                new Capability.Multiprotocol(AddressFamily.IPV6_UNICAST),
                new Capability.RouteRefresh(),
                new Capability.GracefulRestart(false, false, 120, List.of()),
                new Capability.FourOctetAs(65001),
                new Capability.EnhancedRouteRefresh(),
                unknown(71, "")), // Long-Lived Graceful Restart (RFC 9494), no families
                open.capabilities());
        assertArrayEquals(wire, encode(open));
    }

    @Test
    void frrOpenWithOneCapabilityPerParameterDecodesFieldByField() throws Exception {
        byte[] wire = Hex.golden("open-frr-8.4.hex");
        OpenMessage open = assertInstanceOf(OpenMessage.class, decode(wire));
        assertEquals(4, open.version());
        assertEquals(65001, open.myAutonomousSystem());
        assertEquals(180, open.holdTime());
        assertEquals(ID_10_99_1_1, open.bgpIdentifier());
        assertEquals(List.of(
                new Capability.Multiprotocol(AddressFamily.IPV4_UNICAST),
                unknown(128, ""), // pre-standard Route Refresh code
                new Capability.RouteRefresh(),
                new Capability.EnhancedRouteRefresh(),
                new Capability.FourOctetAs(65001),
                new Capability.ExtendedMessage(),
                new Capability.AddPath(List.of(new Capability.AddPath.Family(AddressFamily.IPV4_UNICAST, true, false))),
                unknown(73, "02766d00"),
                new Capability.GracefulRestart(true, true, 120, List.of()),
                unknown(71, "00010180000000")), // LLGR: ipv4-unicast, F bit, stale time 0
                open.capabilities());
    }

    @Test
    void frrOpenReencodesWithAllCapabilitiesInOneParameter() throws Exception {
        // RFC 5492 §4 lets a speaker put its capabilities in one parameter or several; vroute uses one, so the
        // octets differ from FRR's nine parameters, but the fixed fields and every capability's octets are kept.
        byte[] wire = Hex.golden("open-frr-8.4.hex");
        OpenMessage open = (OpenMessage) decode(wire);
        byte[] again = encode(open);
        assertEquals(open, decode(again));
        assertArrayEquals(java.util.Arrays.copyOfRange(wire, 19, 28), java.util.Arrays.copyOfRange(again, 19, 28));
        byte[] frrCapabilities = Hex.bytes("""
                01040001000180000200460041040000fde90600450400010101
                490402766d004002c078470700010180000000""");
        assertEquals(2 + frrCapabilities.length, again[28] & 0xFF);
        assertEquals(2, again[29]);
        assertEquals(frrCapabilities.length, again[30] & 0xFF);
        assertArrayEquals(frrCapabilities, java.util.Arrays.copyOfRange(again, 31, again.length));
    }

    @Test
    void administrativeShutdownCarriesItsCommunication() throws Exception {
        byte[] wire = Hex.golden("notification-admin-shutdown.hex");
        NotificationMessage n = assertInstanceOf(NotificationMessage.class, decode(wire));
        assertEquals(NotificationMessage.CEASE, n.code());
        assertEquals(NotificationMessage.ADMINISTRATIVE_SHUTDOWN, n.subcode());
        byte[] text = "maintenance window".getBytes(StandardCharsets.UTF_8);
        assertEquals(1 + text.length, n.data().length);
        assertEquals(text.length, n.data()[0]);
        assertEquals("maintenance window", n.shutdownCommunication());
        assertEquals(NotificationMessage.shutdown(NotificationMessage.ADMINISTRATIVE_SHUTDOWN, "maintenance window"), n);
        assertArrayEquals(wire, encode(n));
    }

    @Test
    void peerDeconfiguredHasNoData() throws Exception {
        byte[] wire = Hex.golden("notification-peer-deconfigured-frr-8.4.hex");
        NotificationMessage n = assertInstanceOf(NotificationMessage.class, decode(wire));
        assertEquals(NotificationMessage.CEASE, n.code());
        assertEquals(NotificationMessage.PEER_DECONFIGURED, n.subcode());
        assertEquals(0, n.data().length);
        assertArrayEquals(wire, encode(n));
    }

    @Test
    void routeRefreshAsksForIpv4Unicast() throws Exception {
        byte[] wire = Hex.golden("route-refresh.hex");
        RouteRefreshMessage r = assertInstanceOf(RouteRefreshMessage.class, decode(wire));
        assertEquals(AddressFamily.IPV4_UNICAST, r.family());
        assertEquals(RouteRefreshMessage.NORMAL, r.subtype());
        assertArrayEquals(wire, encode(r));
    }

    @Test
    void keepaliveIsTheBareHeader() throws Exception {
        byte[] wire = Hex.golden("keepalive.hex");
        assertSame(KeepaliveMessage.INSTANCE, decode(wire));
        assertArrayEquals(wire, encode(KeepaliveMessage.INSTANCE));
        assertEquals(BgpMessage.HEADER_LENGTH, wire.length);
    }
}
