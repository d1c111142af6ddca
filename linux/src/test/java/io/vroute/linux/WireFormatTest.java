package io.vroute.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The bytes this module puts on a netlink socket and reads back, checked against layouts worked out by hand from
 * {@code <linux/netlink.h>} and {@code <linux/rtnetlink.h>} (x86_64, little-endian). Needs no root.
 */
class WireFormatTest {
    private static final HexFormat HEX = HexFormat.of();

    private static byte[] hex(String spaced) {
        return HEX.parseHex(spaced.replace(" ", ""));
    }

    @Test
    void addRouteAboveTable255GoesInRtaTable() {
        RouteSpec r = RouteSpec.via(1000, IpPrefix.parse("10.60.0.0/24"), IpPrefix.numericAddress("10.50.0.2"), 3);
        byte[] expected = hex(
                "3c000000 1800 0506 00000000 00000000"   // nlmsghdr: len 60, RTM_NEWROUTE, REQUEST|ACK|EXCL|CREATE
                + "02 18 00 00 00 f9 00 01 00000000"     // rtmsg: AF_INET, /24, table 0 (see RTA_TABLE), proto 249, universe, unicast
                + "0800 0f00 e8030000"                   // RTA_TABLE 1000
                + "0800 0100 0a3c0000"                   // RTA_DST 10.60.0.0
                + "0800 0500 0a320002"                   // RTA_GATEWAY 10.50.0.2
                + "0800 0400 03000000");                 // RTA_OIF 3
        assertArrayEquals(expected, Routes.createMessage(r, false).toBytes());
    }

    @Test
    void replaceOfAnIpv6BlackholeWithMetricInTableMain() {
        RouteSpec r = RouteSpec.blackhole(254, IpPrefix.parse("2001:db8::/32")).withMetric(7);
        byte[] expected = hex(
                "40000000 1800 0505 00000000 00000000"   // len 64, REQUEST|ACK|REPLACE|CREATE
                + "0a 20 00 00 fe f9 00 06 00000000"     // AF_INET6, /32, table 254, proto 249, universe, blackhole
                + "0800 0f00 fe000000"                   // RTA_TABLE 254
                + "1400 0100 20010db8000000000000000000000000"   // RTA_DST, 16 bytes
                + "0800 0600 07000000");                 // RTA_PRIORITY 7
        assertArrayEquals(expected, Routes.createMessage(r, true).toBytes());
    }

    @Test
    void deleteNamesTheOwnerAnyScopeAnyTypeAndTheKey() {
        RouteSpec r = RouteSpec.onLink(100, IpPrefix.parse("0.0.0.0/0"), 5);
        byte[] expected = hex(
                "24000000 1900 0500 00000000 00000000"   // len 36, RTM_DELROUTE, REQUEST|ACK
                + "02 00 00 00 64 f9 ff 00 00000000"     // default route: no RTA_DST; scope NOWHERE, type 0
                + "0800 0f00 64000000");                 // RTA_TABLE 100; IPv4 metric 0 means any: not sent
        assertArrayEquals(expected, Routes.deleteMessage(r, Netlink.VROUTE_PROTOCOL).toBytes());
    }

    @Test
    void nestsCoverTheirPaddedContentAndStringsEndInNul() {
        Message m = new Message(16, 0);
        int info = m.nest(18);
        m.attrString(1, "veth");
        m.end(info);
        m.attrU32(4, 1500);
        byte[] expected = hex("28000000 1000 0100 00000000 00000000"
                + "1000 1200"                           // IFLA_LINKINFO: 16 bytes, the padding included
                + "0900 0100 76657468 00 000000"        // IFLA_INFO_KIND "veth\0": length 9, padded to 12
                + "0800 0400 dc050000");                // IFLA_MTU 1500, after the nest
        assertArrayEquals(expected, m.toBytes());
    }

    @Test
    void aRouteReadsBackAsItWasWritten() {
        RouteSpec r = RouteSpec.via(100000, IpPrefix.parse("2001:db8:60::/48"), IpPrefix.numericAddress("2001:db8:50::2"), 7)
                .withMetric(1024);
        // a dump answer carries RTM_NEWROUTE messages laid out like the request that wrote the route
        ByteBuffer message = ByteBuffer.wrap(Routes.createMessage(r, false).toBytes()).order(ByteOrder.nativeOrder());
        assertEquals(r, Routes.parse(message, 100000, -1));
        assertEquals(r, Routes.parse(message, 100000, Netlink.VROUTE_PROTOCOL));
        assertNull(Routes.parse(message, 100000, 4), "filtered by protocol");
        assertNull(Routes.parse(message, 100, -1), "filtered by table");
        RouteSpec v4 = new RouteSpec(5, IpPrefix.parse("10.0.0.0/8"), Optional.empty(), OptionalInt.of(2), 4,
                OptionalInt.empty(), RouteType.UNICAST);
        ByteBuffer m4 = ByteBuffer.wrap(Routes.createMessage(v4, false).toBytes()).order(ByteOrder.nativeOrder());
        assertEquals(v4, Routes.parse(m4, 5, -1));
    }

    @Test
    void theKernelsExtendedAckMessageIsReadFromACappedError() {
        // NLMSG_ERROR, flags CAPPED|ACK_TLVS, error -17, the echoed request header, then NLMSGERR_ATTR_MSG
        byte[] datagram = hex("3c000000 0200 0003 2a000000 00000000"
                + "efffffff"                                   // -EEXIST
                + "3c000000 1800 0506 2a000000 00000000"       // echoed header only (capped)
                + "1400 0100 46696c65206578697374730000000000"); // "File exists\0" + padding (len 20 = 4+16)
        ByteBuffer b = ByteBuffer.wrap(datagram).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals("File exists", Netlink.extendedAckMessage(b, 0, datagram.length));
        // without ACK_TLVS there is nothing to read
        datagram[7] = 0x01;
        assertNull(Netlink.extendedAckMessage(ByteBuffer.wrap(datagram).order(ByteOrder.LITTLE_ENDIAN), 0, datagram.length));
    }

    @Test
    void anExtendedAckMessageAfterAnUncappedEchoIsFound() {
        byte[] datagram = hex("34000000 0200 0002 01000000 00000000"
                + "eaffffff"                                   // -EINVAL
                + "14000000 1800 0500 01000000 00000000 02180000"   // the whole 20-byte request echoed
                + "0c00 0100 6261642066696c00");                // "bad fil\0"
        ByteBuffer b = ByteBuffer.wrap(datagram).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals("bad fil", Netlink.extendedAckMessage(b, 0, datagram.length));
    }

    @Test
    void attributesThatRunPastTheEndStopTheWalk() {
        byte[] bytes = hex("0800 0300 01000000" + "ff00 0400 02000000");
        Attributes a = Attributes.parse(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN), 0, bytes.length);
        assertEquals(1, a.u32(3, -1));
        assertEquals(-1, a.u32(4, -1), "the second claims 255 bytes: ignored");
    }
}
