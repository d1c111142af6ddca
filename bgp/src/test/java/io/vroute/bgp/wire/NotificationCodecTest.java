package io.vroute.bgp.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** NOTIFICATION (RFC 4271 §4.5): Error code, Error subcode, Data. */
class NotificationCodecTest {

    private static byte[] notification(String body) {
        byte[] b = Hex.bytes(body);
        byte[] m = MessageEncoder.header(BgpMessage.TYPE_NOTIFICATION, b.length);
        System.arraycopy(b, 0, m, BgpMessage.HEADER_LENGTH, b.length);
        return m;
    }

    private static BgpMessage decode(byte[] wire) throws BgpProtocolException {
        return new MessageDecoder(SessionContext.INITIAL).decode(wire, 0, wire.length);
    }

    @Test
    void codeSubcodeAndDataAreRead() throws Exception {
        NotificationMessage n = assertInstanceOf(NotificationMessage.class, decode(notification("02 02 fde9")));
        assertEquals(NotificationMessage.OPEN_MESSAGE_ERROR, n.code());
        assertEquals(NotificationMessage.BAD_PEER_AS, n.subcode());
        assertArrayEquals(Hex.bytes("fde9"), n.data());
    }

    @Test
    void dataLengthIsImpliedByTheMessageLength() throws Exception {
        // RFC 4271 §4.5: Message Length = 21 + Data Length.
        NotificationMessage n = (NotificationMessage) decode(notification("04 00"));
        assertEquals(NotificationMessage.HOLD_TIMER_EXPIRED, n.code());
        assertEquals(0, n.subcode());
        assertEquals(0, n.data().length);
    }

    @Test
    void notificationIsEncodedAsCodeSubcodeData() {
        byte[] wire = MessageEncoder.encode(new NotificationMessage(1, 2, Hex.bytes("0010")), SessionContext.INITIAL);
        assertArrayEquals(notification("01 02 0010"), wire);
        assertEquals(23, wire.length);
    }

    @Test
    void minimumNotificationIs21Octets() {
        assertEquals(21, MessageEncoder.encode(new NotificationMessage(6, 4), SessionContext.INITIAL).length);
    }

    @Test
    void notificationShorterThan21OctetsIsBadMessageLength() {
        // RFC 4271 §6.1: data is the erroneous Length field.
        for (String body : new String[] {"", "06"}) {
            byte[] wire = notification(body);
            NotificationMessage n = assertThrows(BgpProtocolException.class, () -> decode(wire)).notification();
            assertEquals(NotificationMessage.MESSAGE_HEADER_ERROR, n.code());
            assertEquals(NotificationMessage.BAD_MESSAGE_LENGTH, n.subcode());
            assertArrayEquals(new byte[] {0, (byte) wire.length}, n.data());
        }
    }

    @Test
    void shutdownCommunicationRoundTrips() throws Exception {
        // RFC 9003 §2: length octet then UTF-8 text.
        NotificationMessage sent = NotificationMessage.shutdown(NotificationMessage.ADMINISTRATIVE_RESET, "déménagement");
        NotificationMessage got = (NotificationMessage) decode(MessageEncoder.encode(sent, SessionContext.INITIAL));
        assertEquals(sent, got);
        assertEquals("déménagement", got.shutdownCommunication());
    }

    @Test
    void dataTooLongForOneMessageIsTruncatedTo4096Octets() {
        byte[] wire = MessageEncoder.encode(new NotificationMessage(3, 1, new byte[5000]), SessionContext.INITIAL);
        assertEquals(BgpMessage.MAX_LENGTH, wire.length);
    }

    @org.junit.jupiter.api.Test
    void hardResetShowsTheNotificationItWraps() {
        // RFC 8538 §3: FRR 8.4 wraps an administrative shutdown in a Hard Reset; data = code, subcode, data.
        byte[] data = Hex.bytes("0602 16 667272206d61696e74656e616e63652077696e646f77");
        NotificationMessage n = new NotificationMessage(NotificationMessage.CEASE, NotificationMessage.HARD_RESET, data);
        org.junit.jupiter.api.Assertions.assertEquals(NotificationMessage.ADMINISTRATIVE_SHUTDOWN, n.hardResetCause().subcode());
        org.junit.jupiter.api.Assertions.assertEquals("frr maintenance window", n.shutdownCommunication());
        org.junit.jupiter.api.Assertions.assertEquals(
                "Cease / Hard Reset (Cease / Administrative Shutdown: \"frr maintenance window\")", n.describe());
        org.junit.jupiter.api.Assertions.assertNull(new NotificationMessage(6, 2, new byte[0]).hardResetCause());
    }
}
