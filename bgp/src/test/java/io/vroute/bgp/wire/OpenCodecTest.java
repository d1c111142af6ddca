package io.vroute.bgp.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** OPEN (RFC 4271 §4.2) and the capabilities it carries (RFC 5492 and the capability RFCs). */
class OpenCodecTest {
    /** Version 4, My AS 65001, Hold Time 90, BGP Identifier 10.0.0.1. */
    private static final String FIXED = "04 fde9 005a 0a000001";

    /** A whole OPEN message: header, then {@code body}. */
    private static byte[] open(String body) {
        byte[] b = Hex.bytes(body);
        byte[] m = MessageEncoder.header(BgpMessage.TYPE_OPEN, b.length);
        System.arraycopy(b, 0, m, BgpMessage.HEADER_LENGTH, b.length);
        return m;
    }

    /** An OPEN with the usual fixed fields and one Capabilities parameter holding {@code caps}. */
    private static byte[] openWithCapabilities(String caps) {
        int n = Hex.bytes(caps).length;
        return open(FIXED + String.format("%02x 02 %02x", n + 2, n) + caps);
    }

    private static OpenMessage decode(byte[] wire) throws BgpProtocolException {
        return assertInstanceOf(OpenMessage.class, new MessageDecoder(SessionContext.INITIAL).decode(wire, 0, wire.length));
    }

    private static NotificationMessage rejected(byte[] wire) {
        return assertThrows(BgpProtocolException.class,
                () -> new MessageDecoder(SessionContext.INITIAL).decode(wire, 0, wire.length)).notification();
    }

    private static void assertNotification(NotificationMessage n, int code, int subcode, String data) {
        assertEquals(code, n.code(), n::toString);
        assertEquals(subcode, n.subcode(), n::toString);
        assertArrayEquals(Hex.bytes(data), n.data(), n::toString);
    }

    private static byte[] encode(OpenMessage m) {
        return MessageEncoder.encode(m, SessionContext.INITIAL);
    }

    // ------------------------------------------------------------------------------------ fixed fields

    @Test
    void fixedFieldsAreReadInOrder() throws Exception {
        OpenMessage m = decode(open("04 fde9 00b4 c0000201 00"));
        assertEquals(4, m.version());
        assertEquals(65001, m.myAutonomousSystem());
        assertEquals(180, m.holdTime());
        assertEquals(0xC0000201, m.bgpIdentifier());
        assertEquals(List.of(), m.capabilities());
    }

    @Test
    void openWithoutOptionalParametersIs29Octets() {
        byte[] wire = encode(new OpenMessage(4, 65001, 90, 0x0A000001, List.of()));
        assertArrayEquals(open(FIXED + "00"), wire);
        assertEquals(29, wire.length);
    }

    @Test
    void bgpIdentifierWithTheHighBitSetRoundTrips() throws Exception {
        OpenMessage m = new OpenMessage(4, 1, 0, 0xFFFFFFFE, List.of());
        assertEquals(m, decode(encode(m)));
    }

    @Test
    void holdTimeZeroIsAccepted() throws Exception {
        // RFC 4271 §4.2: zero disables the keepalive and hold timers.
        assertEquals(0, decode(open("04 fde9 0000 0a000001 00")).holdTime());
        assertEquals(3, decode(open("04 fde9 0003 0a000001 00")).holdTime());
    }

    // ------------------------------------------------------------------------------------ errors in fixed fields

    @Test
    void unsupportedVersionAnswersWithVersion4() {
        // RFC 4271 §6.2: data is the 2-octet largest supported version.
        assertNotification(rejected(open("03 fde9 005a 0a000001 00")),
                NotificationMessage.OPEN_MESSAGE_ERROR, NotificationMessage.UNSUPPORTED_VERSION_NUMBER, "0004");
        assertNotification(rejected(open("05 fde9 005a 0a000001 00")),
                NotificationMessage.OPEN_MESSAGE_ERROR, NotificationMessage.UNSUPPORTED_VERSION_NUMBER, "0004");
    }

    @Test
    void holdTimeOfOneOrTwoSecondsIsUnacceptable() {
        // RFC 4271 §6.2: Hold Time 1 or 2 is rejected with Unacceptable Hold Time.
        for (String hold : List.of("0001", "0002")) {
            assertNotification(rejected(open("04 fde9 " + hold + " 0a000001 00")),
                    NotificationMessage.OPEN_MESSAGE_ERROR, NotificationMessage.UNACCEPTABLE_HOLD_TIME, "");
        }
    }

    @Test
    void zeroBgpIdentifierIsBad() {
        // RFC 6286 §2.2: the BGP Identifier is non-zero.
        assertNotification(rejected(open("04 fde9 005a 00000000 00")),
                NotificationMessage.OPEN_MESSAGE_ERROR, NotificationMessage.BAD_BGP_IDENTIFIER, "");
    }

    @Test
    void openShorterThanItsMinimumIsBadMessageLength() {
        // RFC 4271 §6.1: data is the erroneous Length field (28 = 0x001c).
        assertNotification(rejected(open("04 fde9 005a 0a000001")),
                NotificationMessage.MESSAGE_HEADER_ERROR, NotificationMessage.BAD_MESSAGE_LENGTH, "001c");
    }

    @Test
    void optionalParametersLengthMustMatchTheMessage() {
        assertNotification(rejected(open(FIXED + "05 02 02 0200")), NotificationMessage.OPEN_MESSAGE_ERROR, 0, "");
        assertNotification(rejected(open(FIXED + "02 02 02 0200")), NotificationMessage.OPEN_MESSAGE_ERROR, 0, "");
        assertNotification(rejected(open(FIXED + "00 02 00")), NotificationMessage.OPEN_MESSAGE_ERROR, 0, "");
    }

    @Test
    void parameterOverrunningTheOptionalParametersIsRejected() {
        assertNotification(rejected(open(FIXED + "04 02 05 0200")), NotificationMessage.OPEN_MESSAGE_ERROR, 0, "");
        assertNotification(rejected(open(FIXED + "01 02")), NotificationMessage.OPEN_MESSAGE_ERROR, 0, "");
    }

    @Test
    void unknownOptionalParameterTypeIsUnsupportedOptionalParameter() {
        // RFC 4271 §6.2: type 1 (the deprecated Authentication Information) is not recognized.
        assertNotification(rejected(open(FIXED + "04 01 02 0000")),
                NotificationMessage.OPEN_MESSAGE_ERROR, NotificationMessage.UNSUPPORTED_OPTIONAL_PARAMETER, "");
    }

    @Test
    void capabilityOverrunningItsParameterIsRejected() {
        // the 4-octet AS capability claims 4 octets, the parameter holds only 2 of them
        assertNotification(rejected(open(FIXED + "06 02 04 4104 0000 ")), NotificationMessage.OPEN_MESSAGE_ERROR, 0, "");
        // a lone capability code without its length octet
        assertNotification(rejected(open(FIXED + "03 02 01 02")), NotificationMessage.OPEN_MESSAGE_ERROR, 0, "");
    }

    @Test
    void capabilityWithTheWrongLengthForItsCodeIsRejected() {
        for (String cap : List.of("0103 000100", "0201 00", "0601 00", "4601 00", "4102 0001", "4003 007800",
                "4005 0078000101", "4503 000101")) {
            NotificationMessage n = rejected(openWithCapabilities(cap));
            assertNotification(n, NotificationMessage.OPEN_MESSAGE_ERROR, 0, "");
        }
    }

    // ------------------------------------------------------------------------------------ capabilities

    @Test
    void capabilitiesMaySpreadOverSeveralParametersAndSeveralPerParameter() throws Exception {
        // RFC 5492 §4: one or more Capabilities parameters, each with one or more capabilities.
        OpenMessage m = decode(open(FIXED + "14 02 08 0104 00010001 0200 02 08 0104 00020001 4600"));
        assertEquals(List.of(
                new Capability.Multiprotocol(AddressFamily.IPV4_UNICAST),
                new Capability.RouteRefresh(),
                new Capability.Multiprotocol(AddressFamily.IPV6_UNICAST),
                new Capability.EnhancedRouteRefresh()), m.capabilities());
    }

    @Test
    void emptyCapabilitiesParameterIsAccepted() throws Exception {
        assertEquals(List.of(), decode(open(FIXED + "02 02 00")).capabilities());
    }

    @Test
    void multiprotocolCapabilityCarriesAfiAndSafi() throws Exception {
        // RFC 4760 §8: AFI (2), Reserved (1), SAFI (1)
        OpenMessage m = decode(openWithCapabilities("0104 0019 00 46")); // L2VPN EVPN
        assertEquals(List.of(new Capability.Multiprotocol(new AddressFamily(25, 70))), m.capabilities());
        assertArrayEquals(openWithCapabilities("0104 0019 00 46"), encode(m));
    }

    @Test
    void multiprotocolCapabilityIgnoresTheReservedOctet() throws Exception {
        // RFC 4760 §8: Reserved SHOULD be 0 on sending and is ignored on receipt.
        assertEquals(List.of(new Capability.Multiprotocol(AddressFamily.IPV6_UNICAST)),
                decode(openWithCapabilities("0104 0002 ff 01")).capabilities());
    }

    @Test
    void emptyCapabilitiesAreRecognizedByTheirCode() throws Exception {
        OpenMessage m = decode(openWithCapabilities("0200 0600 4600"));
        assertEquals(List.of(new Capability.RouteRefresh(), new Capability.ExtendedMessage(),
                new Capability.EnhancedRouteRefresh()), m.capabilities());
    }

    @Test
    void fourOctetAsCapabilityCarriesTheRealAsn() throws Exception {
        // RFC 6793 §3, §4.1: My Autonomous System holds AS_TRANS, the capability the real ASN.
        OpenMessage m = decode(open("04 5ba0 005a 0a000001 08 02 06 4104 fa56ea00"));
        assertEquals(OpenMessage.AS_TRANS, m.myAutonomousSystem());
        assertEquals(List.of(new Capability.FourOctetAs(4_200_000_000L)), m.capabilities());
        assertEquals(4_200_000_000L, m.asn());
        assertArrayEquals(open("04 5ba0 005a 0a000001 08 02 06 4104 fa56ea00"),
                encode(OpenMessage.of(4_200_000_000L, 90, 0x0A000001, List.of(new Capability.FourOctetAs(4_200_000_000L)))));
    }

    @Test
    void gracefulRestartCarriesFlagsRestartTimeAndPerFamilyForwardingState() throws Exception {
        // RFC 4724 §3: R = 0x8, N (RFC 8538 §2) = 0x4 in the top nibble; 12-bit restart time; per family
        // AFI, SAFI and flags with F = 0x80.
        String cap = "400a 8fff 0001 01 80 0002 01 00";
        OpenMessage m = decode(openWithCapabilities(cap));
        assertEquals(List.of(new Capability.GracefulRestart(true, false, 4095, List.of(
                new Capability.GracefulRestart.Family(AddressFamily.IPV4_UNICAST, true),
                new Capability.GracefulRestart.Family(AddressFamily.IPV6_UNICAST, false)))), m.capabilities());
        assertArrayEquals(openWithCapabilities(cap), encode(m));
    }

    @Test
    void gracefulRestartNotificationBitAloneIsRead() throws Exception {
        OpenMessage m = decode(openWithCapabilities("4002 4078"));
        assertEquals(List.of(new Capability.GracefulRestart(false, true, 120, List.of())), m.capabilities());
        assertArrayEquals(openWithCapabilities("4002 4078"), encode(m));
    }

    @Test
    void addPathSendReceiveValuesMapToDirections() throws Exception {
        // RFC 7911 §4: 1 = receive, 2 = send, 3 = both.
        String cap = "450c 0001 01 01 0002 01 02 0001 80 03";
        OpenMessage m = decode(openWithCapabilities(cap));
        assertEquals(List.of(new Capability.AddPath(List.of(
                new Capability.AddPath.Family(AddressFamily.IPV4_UNICAST, true, false),
                new Capability.AddPath.Family(AddressFamily.IPV6_UNICAST, false, true),
                new Capability.AddPath.Family(new AddressFamily(1, 128), true, true)))), m.capabilities());
        assertArrayEquals(openWithCapabilities(cap), encode(m));
    }

    @Test
    void addPathWithAnUndefinedSendReceiveValueIsNotUnderstood() throws Exception {
        // RFC 7911 §4: another value makes the capability not understood; it is kept as unknown.
        OpenMessage m = decode(openWithCapabilities("4508 0001 01 01 0002 01 04"));
        assertEquals(List.of(new Capability.Unknown(69, Hex.bytes("0001010100020104"))), m.capabilities());
    }

    @Test
    void unknownCapabilityIsKeptWithItsValue() throws Exception {
        // RFC 5492 §4: an unrecognized capability is ignored, not an error.
        String caps = "4903 01 61 00 8000 0200";
        OpenMessage m = decode(openWithCapabilities(caps));
        assertEquals(List.of(new Capability.Unknown(73, Hex.bytes("016100")), new Capability.Unknown(128, new byte[0]),
                new Capability.RouteRefresh()), m.capabilities());
        assertArrayEquals(openWithCapabilities(caps), encode(m));
    }

    // ------------------------------------------------------------------------------------ RFC 9072

    @Test
    void extendedOptionalParametersLengthIsRead() throws Exception {
        // RFC 9072 §2: Non-Ext OP Len 255, Non-Ext OP Type 255, Extended Opt. Parm. Length, then parameters
        // with 2-octet lengths. Accepted even when the parameters would fit in 255 octets.
        OpenMessage m = decode(open(FIXED + "ff ff 000b 02 0008 0104 00010001 0200"));
        assertEquals(List.of(new Capability.Multiprotocol(AddressFamily.IPV4_UNICAST), new Capability.RouteRefresh()),
                m.capabilities());
    }

    @Test
    void extendedNonExtLengthIsIgnoredOnceTheFormatIsKnown() throws Exception {
        // RFC 9072 §2: Non-Ext OP Len MUST be ignored once Non-Ext OP Type 255 is seen.
        OpenMessage m = decode(open(FIXED + "07 ff 0005 02 0002 0200"));
        assertEquals(List.of(new Capability.RouteRefresh()), m.capabilities());
    }

    @Test
    void extendedLengthMustMatchTheMessage() {
        assertNotification(rejected(open(FIXED + "ff ff 0006 02 0002 0200")), NotificationMessage.OPEN_MESSAGE_ERROR, 0, "");
        assertNotification(rejected(open(FIXED + "ff ff 0005 02 0003 0200")), NotificationMessage.OPEN_MESSAGE_ERROR, 0, "");
        assertNotification(rejected(open(FIXED + "ff ff 00")), NotificationMessage.OPEN_MESSAGE_ERROR, 0, "");
    }

    @Test
    void extendedFormatStillRejectsUnknownParameterTypes() {
        assertNotification(rejected(open(FIXED + "ff ff 0005 01 0002 0000")),
                NotificationMessage.OPEN_MESSAGE_ERROR, NotificationMessage.UNSUPPORTED_OPTIONAL_PARAMETER, "");
    }

    @Test
    void capabilitiesThatFitIn255OctetsUseThePlainFormat() throws Exception {
        // 42 Multiprotocol capabilities of 6 octets = 252 octets, parameter header 2: 254 <= 255
        List<Capability> caps = families(42);
        byte[] wire = encode(new OpenMessage(4, 65001, 90, 1, caps));
        assertEquals(254, wire[28] & 0xFF);
        assertEquals(2, wire[29]);
        assertEquals(252, wire[30] & 0xFF);
        assertEquals(caps, decode(wire).capabilities());
    }

    @Test
    void capabilitiesBeyond255OctetsUseTheExtendedFormat() throws Exception {
        // RFC 9072 §2: when the optional parameters exceed 255 octets the extended encoding MUST be used.
        List<Capability> caps = families(43); // 258 octets of capabilities
        byte[] wire = encode(new OpenMessage(4, 65001, 90, 1, caps));
        assertEquals(0xFF, wire[28] & 0xFF);
        assertEquals(0xFF, wire[29] & 0xFF);
        assertEquals(3 + 258, ((wire[30] & 0xFF) << 8) | (wire[31] & 0xFF));
        assertEquals(2, wire[32]);
        assertEquals(258, ((wire[33] & 0xFF) << 8) | (wire[34] & 0xFF));
        assertEquals(29 + 3 + 3 + 258, wire.length);
        assertEquals(caps, decode(wire).capabilities());
    }

    @Test
    void openLargerThan4096OctetsCannotBeEncoded() {
        List<Capability> caps = new ArrayList<>();
        for (int i = 0; i < 17; i++) caps.add(new Capability.Unknown(200, new byte[255]));
        assertThrows(IllegalArgumentException.class, () -> encode(new OpenMessage(4, 65001, 90, 1, caps)));
    }

    @Test
    void capabilityValueLongerThan255OctetsCannotBeEncoded() {
        assertThrows(IllegalArgumentException.class,
                () -> encode(new OpenMessage(4, 65001, 90, 1, List.of(new Capability.Unknown(200, new byte[256])))));
    }

    @Test
    void addPathFamilyThatNeitherSendsNorReceivesCannotBeEncoded() {
        var ap = new Capability.AddPath(List.of(new Capability.AddPath.Family(AddressFamily.IPV4_UNICAST, false, false)));
        assertThrows(IllegalArgumentException.class, () -> encode(new OpenMessage(4, 65001, 90, 1, List.of(ap))));
    }

    @Test
    void encodedOpenStartsWithTheHeaderOfTypeOne() {
        byte[] wire = encode(new OpenMessage(4, 65001, 90, 1, List.of(new Capability.RouteRefresh())));
        for (int i = 0; i < 16; i++) assertEquals((byte) 0xFF, wire[i]);
        assertEquals(wire.length, ((wire[16] & 0xFF) << 8) | (wire[17] & 0xFF));
        assertEquals(BgpMessage.TYPE_OPEN, wire[18]);
        assertEquals(33, wire.length);
    }

    private static List<Capability> families(int n) {
        List<Capability> caps = new ArrayList<>();
        for (int i = 0; i < n; i++) caps.add(new Capability.Multiprotocol(new AddressFamily(1000 + i, 1)));
        return caps;
    }
}
