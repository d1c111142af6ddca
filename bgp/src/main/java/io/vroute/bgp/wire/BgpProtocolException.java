package io.vroute.bgp.wire;

/**
 * A peer sent something that, per the RFCs, ends the session: carries the NOTIFICATION to send before
 * closing (RFC 4271 §6). Thrown by the decoders; the session layer sends {@link #notification()} and logs
 * {@link #getMessage()}.
 */
public final class BgpProtocolException extends Exception {
    private final NotificationMessage notification;

    public BgpProtocolException(int code, int subcode, byte[] data, String message) {
        super(message, null, false, false);
        this.notification = new NotificationMessage(code, subcode, data);
    }

    public BgpProtocolException(int code, int subcode, String message) {
        this(code, subcode, new byte[0], message);
    }

    public NotificationMessage notification() { return notification; }
}
