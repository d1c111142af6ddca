package io.vroute.bgp.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The message header (RFC 4271 §4.1) and its errors (RFC 4271 §6.1, RFC 8654 §4). */
class MessageHeaderTest {
    private static final SessionContext EXTENDED = new SessionContext(true, Set.of(), Set.of(), true);

    /** A header claiming {@code length} and {@code type}, followed by zero octets up to {@code length}. */
    private static byte[] message(int length, int type) {
        byte[] b = new byte[Math.max(length, BgpMessage.HEADER_LENGTH)];
        for (int i = 0; i < 16; i++) b[i] = (byte) 0xFF;
        b[16] = (byte) (length >>> 8);
        b[17] = (byte) length;
        b[18] = (byte) type;
        return b;
    }

    private static NotificationMessage rejected(SessionContext context, byte[] wire) {
        return assertThrows(BgpProtocolException.class,
                () -> new MessageDecoder(context).frameLength(wire, 0, wire.length)).notification();
    }

    @Test
    void markerThatIsNotAllOnesIsConnectionNotSynchronized() {
        // RFC 4271 §6.1: Connection Not Synchronized.
        for (int i : new int[] {0, 7, 15}) {
            byte[] wire = message(19, BgpMessage.TYPE_KEEPALIVE);
            wire[i] = (byte) 0xFE;
            NotificationMessage n = rejected(SessionContext.INITIAL, wire);
            assertEquals(NotificationMessage.MESSAGE_HEADER_ERROR, n.code());
            assertEquals(NotificationMessage.CONNECTION_NOT_SYNCHRONIZED, n.subcode());
        }
    }

    @Test
    void lengthBelow19IsBadMessageLengthWithTheLengthAsData() {
        NotificationMessage n = rejected(SessionContext.INITIAL, message(18, BgpMessage.TYPE_UPDATE));
        assertEquals(NotificationMessage.MESSAGE_HEADER_ERROR, n.code());
        assertEquals(NotificationMessage.BAD_MESSAGE_LENGTH, n.subcode());
        assertArrayEquals(Hex.bytes("0012"), n.data());
    }

    @Test
    void lengthAbove4096IsBadMessageLength() {
        NotificationMessage n = rejected(SessionContext.INITIAL, message(4097, BgpMessage.TYPE_UPDATE));
        assertEquals(NotificationMessage.BAD_MESSAGE_LENGTH, n.subcode());
        assertArrayEquals(Hex.bytes("1001"), n.data());
    }

    @Test
    void extendedMessageAllowsLargerUpdates() throws Exception {
        // RFC 8654 §4: up to 65535 octets once Extended Message is negotiated.
        byte[] wire = message(4097, BgpMessage.TYPE_UPDATE);
        assertEquals(4097, new MessageDecoder(EXTENDED).frameLength(wire, 0, wire.length));
    }

    @Test
    void openLargerThan4096IsRejectedEvenWithExtendedMessage() {
        // RFC 8654 §4: OPEN stays within 4096 octets.
        NotificationMessage n = rejected(EXTENDED, message(4097, BgpMessage.TYPE_OPEN));
        assertEquals(NotificationMessage.MESSAGE_HEADER_ERROR, n.code());
        assertEquals(NotificationMessage.BAD_MESSAGE_LENGTH, n.subcode());
        assertArrayEquals(Hex.bytes("1001"), n.data());
    }

    @Test
    void keepaliveLargerThan4096IsRejectedEvenWithExtendedMessage() {
        NotificationMessage n = rejected(EXTENDED, message(5000, BgpMessage.TYPE_KEEPALIVE));
        assertEquals(NotificationMessage.BAD_MESSAGE_LENGTH, n.subcode());
    }

    @Test
    void unknownTypeIsBadMessageTypeWithTheTypeAsData() {
        // RFC 4271 §6.1: Bad Message Type, data = the erroneous Type field.
        for (int type : new int[] {0, 6, 255}) {
            byte[] wire = message(19, type);
            NotificationMessage n = assertThrows(BgpProtocolException.class,
                    () -> new MessageDecoder(SessionContext.INITIAL).decode(wire, 0, wire.length)).notification();
            assertEquals(NotificationMessage.MESSAGE_HEADER_ERROR, n.code());
            assertEquals(NotificationMessage.BAD_MESSAGE_TYPE, n.subcode());
            assertArrayEquals(new byte[] {(byte) type}, n.data());
        }
    }

    @Test
    void fewerThan19OctetsIsNotYetAFrame() throws Exception {
        byte[] wire = message(19, BgpMessage.TYPE_KEEPALIVE);
        assertEquals(-1, new MessageDecoder(SessionContext.INITIAL).frameLength(wire, 0, 18));
        assertEquals(19, new MessageDecoder(SessionContext.INITIAL).frameLength(wire, 0, 19));
    }

    @Test
    void frameIsFoundAtAnOffset() throws Exception {
        byte[] buf = new byte[40];
        System.arraycopy(message(23, BgpMessage.TYPE_ROUTE_REFRESH), 0, buf, 10, 23);
        assertEquals(23, new MessageDecoder(SessionContext.INITIAL).frameLength(buf, 10, 30));
    }

    @Test
    void messageWhoseLengthFieldDisagreesWithTheOctetsGivenIsRejected() {
        byte[] wire = message(23, BgpMessage.TYPE_ROUTE_REFRESH);
        NotificationMessage n = assertThrows(BgpProtocolException.class,
                () -> new MessageDecoder(SessionContext.INITIAL).decode(wire, 0, 22)).notification();
        assertEquals(NotificationMessage.BAD_MESSAGE_LENGTH, n.subcode());
    }
}
