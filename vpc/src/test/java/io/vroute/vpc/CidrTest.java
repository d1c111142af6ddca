package io.vroute.vpc;

import static io.vroute.vpc.Errors.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class CidrTest {

    @Test
    void parsesIpv4AndIpv6BlocksIntoCanonicalText() {
        assertEquals("10.0.0.0/16", Cidr.parse("10.0.0.0/16").toString());
        assertEquals("2001:db8::/56", Cidr.parse("2001:DB8:0:0::/56").toString());
        assertEquals("0.0.0.0/0", Cidr.parse("0.0.0.0/0").toString());
        assertEquals("::/0", Cidr.parse("::/0").toString());
        assertTrue(Cidr.parse("fd00:1:2:300::/64").isIpv6());
        assertFalse(Cidr.parse("172.16.1.1/32").isIpv6());
    }

    @Test
    void hostBitsAreRefusedNamingTheNetworkAddress() {
        VpcException e = refused("InvalidParameterValue", () -> Cidr.parse("10.0.1.7/16"));
        assertTrue(e.getMessage().contains("10.0.1.7/16"), e.getMessage());
        assertTrue(e.getMessage().contains("10.0.0.0/16"), e.getMessage());
        VpcException v6 = refused("InvalidParameterValue", () -> Cidr.parse("2001:db8::1/64"));
        assertTrue(v6.getMessage().contains("2001:db8::/64"), v6.getMessage());
    }

    @Test
    void malformedBlocksAndAddressesAreRefused() {
        for (String text : new String[] {"10.0.0.0", "10.0.0.0/33", "10.0.0/8", "10.0.0.256/32", "10.0.0.0/-1",
                "2001:db8::/129", "2001:db8:::/64", "1:2:3:4:5:6:7:8:9/128", "010.0.0.0/8", "bogus/8", "10.0.0.0/"}) {
            refused("InvalidParameterValue", () -> Cidr.parse(text));
        }
        refused("InvalidParameterValue", () -> Address.parse("fe80::1%eth0"));
        refused("InvalidParameterValue", () -> Address.parse(""));
    }

    @Test
    void ipv6TextFollowsRfc5952() {
        assertEquals("2001:db8::1", Address.parse("2001:0db8:0000:0000:0000:0000:0000:0001").toString());
        assertEquals("2001:db8:0:1:1:1:1:1", Address.parse("2001:db8:0:1:1:1:1:1").toString());
        assertEquals("2001:0:0:1::1", Address.parse("2001:0:0:1:0:0:0:1").toString());
        assertEquals("2001:db8::1:0:0:1", Address.parse("2001:db8:0:0:1:0:0:1").toString());
        assertEquals("::", Address.parse("0:0:0:0:0:0:0:0").toString());
        assertEquals("::1", Address.parse("::1").toString());
        assertEquals("1::", Address.parse("1:0:0:0:0:0:0:0").toString());
        assertEquals("::ffff:192.0.2.1", Address.parse("::ffff:c000:0201").toString());
        assertEquals("64:ff9b::c000:201", Address.parse("64:ff9b::192.0.2.1").toString());
    }

    @Test
    void addressesFromInetAddressMatchParsedOnes() throws Exception {
        assertEquals(Address.parse("10.0.1.10"), Address.of(InetAddress.getByName("10.0.1.10")));
        assertEquals(Address.parse("2001:db8::a"), Address.of(InetAddress.getByName("2001:db8::a")));
    }

    @Test
    void containmentAndOverlap() {
        Cidr vpc = Cidr.parse("10.0.0.0/16");
        assertTrue(vpc.contains("10.0.255.255"));
        assertFalse(vpc.contains("10.1.0.0"));
        assertFalse(vpc.contains("::1"));
        assertTrue(vpc.contains(Cidr.parse("10.0.3.0/24")));
        assertTrue(vpc.contains(vpc));
        assertFalse(Cidr.parse("10.0.3.0/24").contains(vpc));
        assertTrue(Cidr.parse("10.0.3.0/24").overlaps(vpc));
        assertFalse(Cidr.parse("10.0.3.0/24").overlaps(Cidr.parse("10.0.4.0/24")));
        assertTrue(Cidr.parse("::/0").contains(Cidr.parse("2001:db8::/32")));
        assertTrue(Cidr.parse("2001:db8::/32").contains("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"));
        assertFalse(Cidr.parse("2001:db8::/32").contains("2001:db9::"));
    }

    @Test
    void nthAddressCountsFromTheNetworkAndBackFromTheEnd() {
        Cidr subnet = Cidr.parse("10.0.1.0/24");
        assertEquals("10.0.1.4", subnet.address(4).toString());
        assertEquals("10.0.1.255", subnet.address(-1).toString());
        assertEquals("10.0.1.255", subnet.last().toString());
        assertEquals(256, subnet.size());
        Cidr v6 = Cidr.parse("2001:db8:0:1::/64");
        assertEquals("2001:db8:0:1::4", v6.address(4).toString());
        assertEquals("2001:db8:0:1:ffff:ffff:ffff:ffff", v6.address(-1).toString());
        assertEquals("2001:db8:0:ff:ffff:ffff:ffff:fffe", Cidr.parse("2001:db8::/56").address(-2).toString());
        assertEquals("10.0.1.240", Cidr.parse("10.0.1.240/28").address(0).toString());
        assertEquals(16, Cidr.parse("10.0.1.240/28").size());
        assertThrows(IllegalArgumentException.class, () -> subnet.address(256));
        assertThrows(IllegalArgumentException.class, () -> subnet.address(-257));
    }
}
