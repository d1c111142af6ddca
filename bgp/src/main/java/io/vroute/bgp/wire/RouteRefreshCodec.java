package io.vroute.bgp.wire;

/**
 * ROUTE-REFRESH body codec (RFC 2918 §3, RFC 7313 §3.2): AFI (2 octets), Message Subtype (1 octet, "Reserved"
 * in RFC 2918), SAFI (1 octet).
 */
final class RouteRefreshCodec {
    static final int BODY_LENGTH = 4;

    private RouteRefreshCodec() {}

    /**
     * Decodes the body. Subtypes other than 0, 1 and 2 are returned as they are: RFC 7313 §5 says such a
     * message MUST be ignored (and SHOULD be logged), which is the session's job, not an error.
     */
    static RouteRefreshMessage decode(byte[] buf, int off, int len) throws BgpProtocolException {
        if (len != BODY_LENGTH) {
            // RFC 7313 §5: a ROUTE-REFRESH of subtype 1 or 2 whose length, excluding the header, is not 4 is a
            // ROUTE-REFRESH Message Error / Invalid Message Length, and the Data field MUST hold the complete
            // ROUTE-REFRESH message. A shorter body cannot even be read, and the only longer form of a normal
            // request (subtype 0) carries ORF entries (RFC 5291 §5), which vroute never advertises, so every
            // length other than 4 is treated the same way.
            throw new BgpProtocolException(NotificationMessage.ROUTE_REFRESH_MESSAGE_ERROR,
                    NotificationMessage.INVALID_MESSAGE_LENGTH, completeMessage(buf, off, len),
                    "ROUTE-REFRESH body of " + len + " octets, expected 4");
        }
        int afi = ((buf[off] & 0xFF) << 8) | (buf[off + 1] & 0xFF);
        int subtype = buf[off + 2] & 0xFF;
        int safi = buf[off + 3] & 0xFF;
        return new RouteRefreshMessage(AddressFamily.of(afi, safi), subtype);
    }

    static byte[] encode(RouteRefreshMessage m) {
        byte[] b = MessageEncoder.header(BgpMessage.TYPE_ROUTE_REFRESH, BODY_LENGTH);
        int p = BgpMessage.HEADER_LENGTH;
        int afi = m.family().afi();
        b[p] = (byte) (afi >>> 8);
        b[p + 1] = (byte) afi;
        b[p + 2] = (byte) m.subtype();
        b[p + 3] = (byte) m.family().safi();
        return b;
    }

    /**
     * The received message, header included. The header was already checked (marker all ones, type 5, length
     * 19 + len), so it is rebuilt rather than read from before {@code off}.
     */
    private static byte[] completeMessage(byte[] buf, int off, int len) {
        byte[] whole = MessageEncoder.header(BgpMessage.TYPE_ROUTE_REFRESH, len);
        System.arraycopy(buf, off, whole, BgpMessage.HEADER_LENGTH, len);
        return whole;
    }
}
