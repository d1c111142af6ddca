package io.vroute.bgp.wire;

/** NOTIFICATION body codec (RFC 4271 §4.5). To be implemented. */
final class NotificationCodec {
    private NotificationCodec() {}

    static NotificationMessage decode(byte[] buf, int off, int len) throws BgpProtocolException {
        throw new UnsupportedOperationException("TODO");
    }

    static byte[] encode(NotificationMessage m) {
        throw new UnsupportedOperationException("TODO");
    }
}
