package io.vroute.bgp.wire;

/** Writes BGP messages with their header (RFC 4271 §4.1). Stateless. */
public final class MessageEncoder {
    private MessageEncoder() {}

    /**
     * The message as wire bytes, header included. UPDATEs are encoded for {@code context} (2- or 4-octet
     * ASNs, ADD-PATH send); an UPDATE too large for the session is an IllegalArgumentException: split it.
     */
    public static byte[] encode(BgpMessage message, SessionContext context) {
        return switch (message) {
            case OpenMessage m -> OpenCodec.encode(m);
            case UpdateMessage m -> UpdateEncoder.encode(m, context);
            case NotificationMessage m -> NotificationCodec.encode(m);
            case KeepaliveMessage m -> header(BgpMessage.TYPE_KEEPALIVE, 0);
            case RouteRefreshMessage m -> RouteRefreshCodec.encode(m);
        };
    }

    /** A byte array of {@code 19 + bodyLength} octets with the marker, length and type filled in. */
    static byte[] header(int type, int bodyLength) {
        int len = BgpMessage.HEADER_LENGTH + bodyLength;
        byte[] b = new byte[len];
        java.util.Arrays.fill(b, 0, 16, (byte) 0xFF);
        b[16] = (byte) (len >>> 8);
        b[17] = (byte) len;
        b[18] = (byte) type;
        return b;
    }
}
