package io.vroute.bgp.wire;

/**
 * Reads BGP messages for one session. Not thread-safe: one per session, used by its I/O thread. The
 * {@link SessionContext} changes once, when the OPEN exchange has negotiated capabilities.
 */
public final class MessageDecoder {
    private final UpdateDecoder updates;
    private SessionContext context;

    public MessageDecoder(SessionContext context) {
        this.context = context;
        this.updates = new UpdateDecoder();
    }

    public SessionContext context() { return context; }

    public void context(SessionContext context) { this.context = context; }

    /**
     * Checks the header at {@code off} (RFC 4271 §4.1, §6.1) and returns the whole message length, or -1 when
     * fewer than 19 octets are available. Throws with the NOTIFICATION to send when the marker is not all
     * ones or the length is out of range for the session.
     */
    public int frameLength(byte[] buf, int off, int available) throws BgpProtocolException {
        if (available < BgpMessage.HEADER_LENGTH) return -1;
        for (int i = 0; i < 16; i++) {
            if (buf[off + i] != (byte) 0xFF) {
                throw new BgpProtocolException(NotificationMessage.MESSAGE_HEADER_ERROR,
                        NotificationMessage.CONNECTION_NOT_SYNCHRONIZED, "message marker is not all ones");
            }
        }
        int length = ((buf[off + 16] & 0xFF) << 8) | (buf[off + 17] & 0xFF);
        int max = context.maxMessageLength();
        // RFC 8654 §4: OPEN and KEEPALIVE stay within 4096 octets even when extended messages are negotiated.
        int type = buf[off + 18] & 0xFF;
        if (type == BgpMessage.TYPE_OPEN || type == BgpMessage.TYPE_KEEPALIVE) max = BgpMessage.MAX_LENGTH;
        if (length < BgpMessage.HEADER_LENGTH || length > max) {
            // RFC 4271 §6.1: Bad Message Length, the data field holds the erroneous length.
            throw new BgpProtocolException(NotificationMessage.MESSAGE_HEADER_ERROR, NotificationMessage.BAD_MESSAGE_LENGTH,
                    new byte[] {buf[off + 16], buf[off + 17]}, "message length " + length + " is outside 19.." + max);
        }
        return length;
    }

    /** Decodes one whole message, header included, of {@code len} octets (as {@link #frameLength} returned). */
    public BgpMessage decode(byte[] buf, int off, int len) throws BgpProtocolException {
        int length = frameLength(buf, off, len);
        if (length != len) {
            throw new BgpProtocolException(NotificationMessage.MESSAGE_HEADER_ERROR, NotificationMessage.BAD_MESSAGE_LENGTH,
                    new byte[] {buf[off + 16], buf[off + 17]}, "message length field " + length + " but " + len + " octets given");
        }
        int type = buf[off + 18] & 0xFF;
        int body = off + BgpMessage.HEADER_LENGTH;
        int bodyLen = len - BgpMessage.HEADER_LENGTH;
        return switch (type) {
            case BgpMessage.TYPE_OPEN -> OpenCodec.decode(buf, body, bodyLen);
            case BgpMessage.TYPE_UPDATE -> updates.decode(buf, body, bodyLen, context);
            case BgpMessage.TYPE_NOTIFICATION -> NotificationCodec.decode(buf, body, bodyLen);
            case BgpMessage.TYPE_KEEPALIVE -> {
                // RFC 4271 §6.1: a KEEPALIVE longer than 19 octets is Bad Message Length.
                if (bodyLen != 0) {
                    throw new BgpProtocolException(NotificationMessage.MESSAGE_HEADER_ERROR, NotificationMessage.BAD_MESSAGE_LENGTH,
                            new byte[] {buf[off + 16], buf[off + 17]}, "KEEPALIVE of " + len + " octets");
                }
                yield KeepaliveMessage.INSTANCE;
            }
            case BgpMessage.TYPE_ROUTE_REFRESH -> RouteRefreshCodec.decode(buf, body, bodyLen);
            // RFC 4271 §6.1: unknown type is Bad Message Type with the type in the data field.
            default -> throw new BgpProtocolException(NotificationMessage.MESSAGE_HEADER_ERROR,
                    NotificationMessage.BAD_MESSAGE_TYPE, new byte[] {(byte) type}, "unknown message type " + type);
        };
    }
}
