package io.vroute.bgp.wire;

import java.util.Arrays;

/** NOTIFICATION body codec (RFC 4271 §4.5): Error code (1), Error subcode (1), Data (variable). */
final class NotificationCodec {
    /** RFC 4271 §4.5: the minimum NOTIFICATION is 21 octets, so the body holds at least code and subcode. */
    static final int MIN_BODY = 2;

    private NotificationCodec() {}

    static NotificationMessage decode(byte[] buf, int off, int len) throws BgpProtocolException {
        if (len < MIN_BODY) {
            // RFC 4271 §6.1: a NOTIFICATION shorter than its minimum length is Bad Message Length; the Data
            // field holds the erroneous Length field.
            int total = BgpMessage.HEADER_LENGTH + len;
            throw new BgpProtocolException(NotificationMessage.MESSAGE_HEADER_ERROR, NotificationMessage.BAD_MESSAGE_LENGTH,
                    new byte[] {(byte) (total >>> 8), (byte) total}, "NOTIFICATION of " + total + " octets, the minimum is 21");
        }
        int code = buf[off] & 0xFF;
        int subcode = buf[off + 1] & 0xFF;
        // RFC 4271 §4.5: the Data field is the rest of the message, its length implied by the message length.
        return new NotificationMessage(code, subcode, Arrays.copyOfRange(buf, off + 2, off + len));
    }

    static byte[] encode(NotificationMessage m) {
        byte[] data = m.data();
        int max = BgpMessage.MAX_LENGTH - BgpMessage.HEADER_LENGTH - MIN_BODY;
        // RFC 4271 §4.5 puts no limit on Data other than the message length; truncate rather than fail, since
        // a NOTIFICATION is sent on the way out of a session and must always be writable.
        int n = Math.min(data.length, max);
        byte[] b = MessageEncoder.header(BgpMessage.TYPE_NOTIFICATION, MIN_BODY + n);
        int p = BgpMessage.HEADER_LENGTH;
        b[p] = (byte) m.code();
        b[p + 1] = (byte) m.subcode();
        System.arraycopy(data, 0, b, p + 2, n);
        return b;
    }
}
