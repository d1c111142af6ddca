package io.vroute.bgp.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** KEEPALIVE (RFC 4271 §4.4): only the 19-octet header. */
class KeepaliveTest {

    @Test
    void keepaliveIsOnlyTheHeader() {
        byte[] wire = MessageEncoder.encode(KeepaliveMessage.INSTANCE, SessionContext.INITIAL);
        assertArrayEquals(Hex.bytes("ffffffffffffffffffffffffffffffff 0013 04"), wire);
    }

    @Test
    void keepaliveDecodesToTheSingleInstance() throws Exception {
        byte[] wire = Hex.bytes("ffffffffffffffffffffffffffffffff 0013 04");
        assertSame(KeepaliveMessage.INSTANCE, new MessageDecoder(SessionContext.FOUR_OCTET).decode(wire, 0, wire.length));
        assertEquals(BgpMessage.TYPE_KEEPALIVE, KeepaliveMessage.INSTANCE.type());
    }

    @Test
    void keepaliveLongerThan19OctetsIsBadMessageLength() {
        // RFC 4271 §6.1: a KEEPALIVE whose Length is not 19; data is the Length field.
        byte[] wire = Hex.bytes("ffffffffffffffffffffffffffffffff 0014 04 00");
        NotificationMessage n = assertThrows(BgpProtocolException.class,
                () -> new MessageDecoder(SessionContext.INITIAL).decode(wire, 0, wire.length)).notification();
        assertEquals(NotificationMessage.MESSAGE_HEADER_ERROR, n.code());
        assertEquals(NotificationMessage.BAD_MESSAGE_LENGTH, n.subcode());
        assertArrayEquals(Hex.bytes("0014"), n.data());
    }
}
