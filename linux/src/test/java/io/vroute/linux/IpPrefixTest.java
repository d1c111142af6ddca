package io.vroute.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class IpPrefixTest {
    @Test
    void parsesIpv4AndIpv6PrefixesAndBareAddresses() {
        assertEquals("10.0.0.0/8", IpPrefix.parse("10.0.0.0/8").toString());
        assertEquals("2001:db8:0:0:0:0:0:0/32", IpPrefix.parse("2001:db8::/32").toString());
        assertEquals(32, IpPrefix.parse("192.0.2.1").length());
        assertEquals(128, IpPrefix.parse("2001:db8::1").length());
        assertTrue(IpPrefix.parse("::/0").ipv6());
        assertFalse(IpPrefix.parse("0.0.0.0/0").ipv6());
    }

    @Test
    void hostBitsAreRefusedWithTheNetworkSuggested() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse("10.1.2.3/16"));
        assertTrue(e.getMessage().contains("did you mean 10.1.0.0/16?"), e.getMessage());
        assertEquals(IpPrefix.parse("10.1.0.0/16"), IpPrefix.containing(IpPrefix.numericAddress("10.1.2.3"), 16));
        assertEquals(IpPrefix.parse("10.1.2.0/23"), IpPrefix.containing(IpPrefix.numericAddress("10.1.3.255"), 23));
    }

    @Test
    void badTextIsRefusedWithoutLookingNamesUp() {
        assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse("10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse("10.0.0.0/x"));
        assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse("localhost/8"));
        assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse("::ffff:10.0.0.0/104"));
    }
}
