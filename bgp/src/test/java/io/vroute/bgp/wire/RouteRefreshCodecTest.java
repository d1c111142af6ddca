package io.vroute.bgp.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** ROUTE-REFRESH (RFC 2918 §3) and its message subtypes (RFC 7313 §3.2, §5). */
class RouteRefreshCodecTest {

    private static byte[] refresh(String body) {
        byte[] b = Hex.bytes(body);
        byte[] m = MessageEncoder.header(BgpMessage.TYPE_ROUTE_REFRESH, b.length);
        System.arraycopy(b, 0, m, BgpMessage.HEADER_LENGTH, b.length);
        return m;
    }

    private static BgpMessage decode(byte[] wire) throws BgpProtocolException {
        return new MessageDecoder(SessionContext.INITIAL).decode(wire, 0, wire.length);
    }

    private static byte[] encode(RouteRefreshMessage m) {
        return MessageEncoder.encode(m, SessionContext.INITIAL);
    }

    @Test
    void routeRefreshCarriesAfiSubtypeAndSafi() throws Exception {
        RouteRefreshMessage r = assertInstanceOf(RouteRefreshMessage.class, decode(refresh("0002 00 01")));
        assertEquals(AddressFamily.IPV6_UNICAST, r.family());
        assertEquals(RouteRefreshMessage.NORMAL, r.subtype());
    }

    @Test
    void routeRefreshIs23Octets() {
        byte[] wire = encode(new RouteRefreshMessage(AddressFamily.IPV4_UNICAST, RouteRefreshMessage.NORMAL));
        assertArrayEquals(refresh("0001 00 01"), wire);
        assertEquals(23, wire.length);
    }

    @Test
    void beginningAndEndOfRouteRefreshAreSubtypesOneAndTwo() throws Exception {
        // RFC 7313 §3.2: 1 = BoRR, 2 = EoRR.
        for (int subtype : new int[] {RouteRefreshMessage.BORR, RouteRefreshMessage.EORR}) {
            RouteRefreshMessage m = new RouteRefreshMessage(AddressFamily.IPV6_UNICAST, subtype);
            byte[] wire = encode(m);
            assertArrayEquals(refresh("0002 0" + subtype + " 01"), wire);
            assertEquals(m, decode(wire));
        }
    }

    @Test
    void unknownSubtypeIsDecodedForTheSessionToIgnore() throws Exception {
        // RFC 7313 §5: a subtype other than 0, 1, 2 MUST be ignored; that is not a NOTIFICATION.
        RouteRefreshMessage r = (RouteRefreshMessage) decode(refresh("0001 ff 01"));
        assertEquals(255, r.subtype());
    }

    @Test
    void otherFamiliesAreRepresentedFaithfully() throws Exception {
        RouteRefreshMessage r = (RouteRefreshMessage) decode(refresh("0019 00 46"));
        assertEquals(new AddressFamily(25, 70), r.family());
        assertArrayEquals(refresh("0019 00 46"), encode(r));
    }

    @Test
    void routeRefreshOfTheWrongLengthIsInvalidMessageLengthWithTheWholeMessage() {
        // RFC 7313 §5: ROUTE-REFRESH Message Error / Invalid Message Length, Data = the complete message.
        for (String body : new String[] {"0001 01 01 00", "0001 02 01 0000", "0001 00", "", "0001 00 01 ff"}) {
            byte[] wire = refresh(body);
            NotificationMessage n = assertThrows(BgpProtocolException.class, () -> decode(wire)).notification();
            assertEquals(NotificationMessage.ROUTE_REFRESH_MESSAGE_ERROR, n.code());
            assertEquals(NotificationMessage.INVALID_MESSAGE_LENGTH, n.subcode());
            assertArrayEquals(wire, n.data());
        }
    }
}
