package io.vroute.bgp.wire;

import static io.vroute.bgp.wire.UpdateBytes.AS_PATH_2;
import static io.vroute.bgp.wire.UpdateBytes.AS_PATH_4;
import static io.vroute.bgp.wire.UpdateBytes.MANDATORY_4;
import static io.vroute.bgp.wire.UpdateBytes.NEXT_HOP;
import static io.vroute.bgp.wire.UpdateBytes.NLRI_10_1;
import static io.vroute.bgp.wire.UpdateBytes.ORIGIN_IGP;
import static io.vroute.bgp.wire.UpdateBytes.attr;
import static io.vroute.bgp.wire.UpdateBytes.update;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vroute.bgp.wire.UpdateMessage.ErrorHandling;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RFC 7606 (Revised Error Handling for BGP UPDATE Messages): one test per malformation, asserting the
 * prescribed approach: treat-as-withdraw, attribute-discard, or session reset with the RFC 4271 §6.3 subcode.
 */
class Rfc7606Test {
    private static final SessionContext FOUR = SessionContext.FOUR_OCTET;
    private static final SessionContext TWO = SessionContext.INITIAL;

    private static UpdateMessage decode(String attrs) throws BgpProtocolException {
        return UpdateBytes.decode(update("", attrs, NLRI_10_1), FOUR);
    }

    private static UpdateMessage decode(String attrs, SessionContext ctx) throws BgpProtocolException {
        return UpdateBytes.decode(update("", attrs, NLRI_10_1), ctx);
    }

    private static void assertTreatAsWithdraw(UpdateMessage u, String errorStart) {
        assertEquals(ErrorHandling.TREAT_AS_WITHDRAW, u.errorHandling(), u.errors().toString());
        assertTrue(u.announced().isEmpty());
        assertTrue(u.withdrawn().contains(u.nlri()), "the announced prefixes are withdrawn instead");
        assertTrue(u.errors().stream().anyMatch(e -> e.startsWith(errorStart)), u.errors() + " has no line starting " + errorStart);
    }

    private static void assertAttributeDiscard(UpdateMessage u, String errorStart) {
        assertEquals(ErrorHandling.ATTRIBUTE_DISCARD, u.errorHandling(), u.errors().toString());
        assertFalse(u.announced().isEmpty(), "the routes stay");
        assertTrue(u.errors().stream().anyMatch(e -> e.startsWith(errorStart)), u.errors() + " has no line starting " + errorStart);
    }

    private static NotificationMessage assertSessionReset(int subcode, byte[] wire, SessionContext ctx) {
        BgpProtocolException e = assertThrows(BgpProtocolException.class, () -> UpdateBytes.decode(wire, ctx));
        assertEquals(NotificationMessage.UPDATE_MESSAGE_ERROR, e.notification().code());
        assertEquals(subcode, e.notification().subcode(), e.getMessage());
        return e.notification();
    }

    // ---- §3 b: length fields that overrun the message ----

    @Test
    void withdrawnRoutesLengthOverrunningTheMessageIsMalformedAttributeList() {
        byte[] wire = UpdateBytes.raw(200, Hex.bytes("180a0100"), 0, new byte[0], new byte[0]);
        assertSessionReset(NotificationMessage.MALFORMED_ATTRIBUTE_LIST, wire, FOUR);
    }

    @Test
    void totalAttributeLengthOverrunningTheMessageIsMalformedAttributeList() {
        byte[] a = Hex.bytes(MANDATORY_4);
        byte[] wire = UpdateBytes.raw(0, new byte[0], a.length + 10, a, new byte[0]);
        assertSessionReset(NotificationMessage.MALFORMED_ATTRIBUTE_LIST, wire, FOUR);
    }

    // ---- §4: attribute lengths in conflict with the Total Path Attribute Length ----

    @Test
    void attributeLengthOverrunningThePathAttributesIsTreatAsWithdraw() throws Exception {
        // COMMUNITIES says 8 octets, 4 remain; the Total Path Attribute Length still finds the NLRI.
        UpdateMessage u = decode(MANDATORY_4 + "c00808 fde90064");
        assertTreatAsWithdraw(u, "COMMUNITIES: length 8 overruns the path attributes; treat-as-withdraw (RFC 7606 §4)");
        assertEquals(List.of(Prefix.parse("10.1.0.0/24")), u.nlri().prefixes());
    }

    @Test
    void trailingOctetsTooShortForAnAttributeHeaderAreTreatAsWithdraw() throws Exception {
        assertTreatAsWithdraw(decode(MANDATORY_4 + "c008"), "path attributes: 2 trailing octet(s)");
    }

    @Test
    void mpReachOverrunningThePathAttributesResetsTheSession() {
        byte[] wire = update("", MANDATORY_4 + "900e0040 0002 01 10", "");
        assertSessionReset(NotificationMessage.MALFORMED_ATTRIBUTE_LIST, wire, FOUR);
    }

    // ---- §3 c: Optional/Transitive flags in conflict, handled by the attribute's own rule ----

    @Test
    void wellKnownAttributeFlaggedOptionalIsTreatAsWithdraw() throws Exception {
        assertTreatAsWithdraw(decode(attr(0xC0, 1, "00") + AS_PATH_4 + NEXT_HOP), "ORIGIN: flags 0xc0 (expected 0x40); treat-as-withdraw (RFC 7606 §7.1)");
    }

    @Test
    void aggregatorWithWrongFlagsIsDiscarded() throws Exception {
        UpdateMessage u = decode(MANDATORY_4 + attr(0x40, 7, "0000fde9 0a000101"));
        assertAttributeDiscard(u, "AGGREGATOR: flags 0x40 (expected 0xc0); attribute-discard (RFC 7606 §7.7)");
        assertNull(u.attributes().aggregator());
    }

    @Test
    void mpReachWithWrongFlagsResetsTheSession() {
        byte[] wire = update("", ORIGIN_IGP + AS_PATH_4 + attr(0xC0, 14, "0002 01 10 20010db8000000000000000000000001 00 30 20010db80001"), "");
        assertSessionReset(NotificationMessage.ATTRIBUTE_FLAGS_ERROR, wire, FOUR);
    }

    // ---- §3 d: missing well-known mandatory attributes ----

    @Test
    void missingOriginIsTreatAsWithdraw() throws Exception {
        assertTreatAsWithdraw(decode(AS_PATH_4 + NEXT_HOP), "ORIGIN: missing; treat-as-withdraw (RFC 7606 §3 d)");
    }

    @Test
    void missingAsPathIsTreatAsWithdraw() throws Exception {
        assertTreatAsWithdraw(decode(ORIGIN_IGP + NEXT_HOP), "AS_PATH: missing");
    }

    @Test
    void missingNextHopWithIpv4NlriIsTreatAsWithdraw() throws Exception {
        assertTreatAsWithdraw(decode(ORIGIN_IGP + AS_PATH_4), "NEXT_HOP: missing");
    }

    @Test
    void nextHopIsNotRequiredForMpReachOnly() throws Exception {
        UpdateMessage u = UpdateBytes.decode(update("", attr(0x80, 14, "0002 01 10 fd000001000000000000000000000001 00 30 20010db80001")
                + ORIGIN_IGP + AS_PATH_4, ""), FOUR);
        assertEquals(ErrorHandling.NONE, u.errorHandling(), u.errors().toString());
    }

    @Test
    void attributesWithoutNlriNeedNoMandatoryAttributes() throws Exception {
        // RFC 7606 §5.2: nothing is announced, so nothing can be missing; the message is otherwise ignored.
        UpdateMessage u = UpdateBytes.decode(update("180a0200", attr(0xC0, 8, "fde90064"), ""), FOUR);
        assertEquals(ErrorHandling.NONE, u.errorHandling());
        assertEquals(List.of(Prefix.parse("10.2.0.0/24")), u.withdrawnRoutes().prefixes());
    }

    // ---- §3 g: duplicates ----

    @Test
    void repeatedAttributeKeepsTheFirstAndDiscardsTheRest() throws Exception {
        UpdateMessage u = decode(MANDATORY_4 + attr(0x80, 4, "00000001") + attr(0x80, 4, "00000002"));
        assertAttributeDiscard(u, "MULTI_EXIT_DISC: repeated; later occurrence discarded (RFC 7606 §3 g)");
        assertEquals(1L, u.attributes().med());
    }

    @Test
    void repeatedMpReachResetsTheSession() {
        String mp = attr(0x80, 14, "0002 01 10 fd000001000000000000000000000001 00 30 20010db80001");
        assertSessionReset(NotificationMessage.MALFORMED_ATTRIBUTE_LIST, update("", mp + ORIGIN_IGP + AS_PATH_4 + mp, ""), FOUR);
    }

    @Test
    void repeatedMpUnreachResetsTheSession() {
        String mp = attr(0x80, 15, "0002 01 30 20010db80001");
        assertSessionReset(NotificationMessage.MALFORMED_ATTRIBUTE_LIST, update("", mp + mp, ""), FOUR);
    }

    // ---- §3 h: the heaviest action wins ----

    @Test
    void theStrongestApproachIsUsedWhenSeveralAttributesAreMalformed() throws Exception {
        UpdateMessage u = decode(MANDATORY_4 + attr(0x40, 6, "00") + attr(0xC0, 8, "fde900"));
        assertEquals(ErrorHandling.TREAT_AS_WITHDRAW, u.errorHandling());
        assertEquals(2, u.errors().size(), u.errors().toString());
    }

    // ---- §3 j, §5.3: NLRI that cannot be parsed ----

    @Test
    void nlriWithPrefixLengthBeyond32ResetsTheSession() {
        assertSessionReset(NotificationMessage.INVALID_NETWORK_FIELD, update("", MANDATORY_4, "21 0a010000 00"), FOUR);
    }

    @Test
    void nlriOverrunningTheMessageResetsTheSession() {
        assertSessionReset(NotificationMessage.INVALID_NETWORK_FIELD, update("", MANDATORY_4, "18 0a01"), FOUR);
    }

    @Test
    void malformedWithdrawnRoutesResetTheSession() {
        // §3 i: the Withdrawn Routes field is checked like the NLRI field.
        assertSessionReset(NotificationMessage.INVALID_NETWORK_FIELD, update("20 0a01", "", ""), FOUR);
    }

    // ---- RFC 4271 §6.3 unchanged: unrecognized well-known attribute ----

    @Test
    void unrecognizedWellKnownAttributeResetsTheSessionWithTheAttributeAsData() {
        String unknown = attr(0x40, 99, "0102");
        NotificationMessage n = assertSessionReset(NotificationMessage.UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE,
                update("", MANDATORY_4 + unknown, NLRI_10_1), FOUR);
        assertArrayEquals(Hex.bytes(unknown), n.data());
    }

    // ---- §7: attribute by attribute ----

    @Test
    void originOfWrongLengthIsTreatAsWithdraw() throws Exception {
        assertTreatAsWithdraw(decode(attr(0x40, 1, "0000") + AS_PATH_4 + NEXT_HOP), "ORIGIN: length 2 (expected 1); treat-as-withdraw (RFC 7606 §7.1)");
    }

    @Test
    void undefinedOriginValueIsTreatAsWithdraw() throws Exception {
        assertTreatAsWithdraw(decode(attr(0x40, 1, "03") + AS_PATH_4 + NEXT_HOP), "ORIGIN: undefined value 3");
    }

    @Test
    void malformedAsPathIsTreatedAsWithdraw() throws Exception {
        assertTreatAsWithdraw(decode(ORIGIN_IGP + attr(0x40, 2, "0203 0000fde9 0000fdea") + NEXT_HOP),
                "AS_PATH: segment overruns attribute; treat-as-withdraw (RFC 7606 §7.2)");
    }

    @Test
    void asPathSegmentOfLengthZeroIsTreatAsWithdraw() throws Exception {
        assertTreatAsWithdraw(decode(ORIGIN_IGP + attr(0x40, 2, "0200") + NEXT_HOP), "AS_PATH: segment of length 0");
    }

    @Test
    void asPathWithUndefinedSegmentTypeIsTreatAsWithdraw() throws Exception {
        assertTreatAsWithdraw(decode(ORIGIN_IGP + attr(0x40, 2, "0501 0000fde9") + NEXT_HOP), "AS_PATH: undefined segment type 5");
    }

    @Test
    void asPathWithALoneTrailingOctetIsTreatAsWithdraw() throws Exception {
        assertTreatAsWithdraw(decode(ORIGIN_IGP + attr(0x40, 2, "0201 0000fde9 02") + NEXT_HOP), "AS_PATH: segment header truncated");
    }

    @Test
    void asPathWithAsZeroIsTreatAsWithdraw() throws Exception {
        // RFC 7607 §2: AS 0 makes AS_PATH malformed, handled per RFC 7606.
        assertTreatAsWithdraw(decode(ORIGIN_IGP + attr(0x40, 2, "0202 0000fde9 00000000") + NEXT_HOP), "AS_PATH: AS 0");
    }

    @Test
    void asPathOfTwoOctetSessionDecodedWithFourOctetLengthsIsTreatAsWithdraw() throws Exception {
        // A 2-octet AS_PATH of 3 ASNs read as 4-octet overruns.
        assertTreatAsWithdraw(decode(ORIGIN_IGP + attr(0x40, 2, "0203 fde9 fdea fdeb") + NEXT_HOP), "AS_PATH:");
    }

    @Test
    void nextHopOfWrongLengthIsTreatAsWithdraw() throws Exception {
        assertTreatAsWithdraw(decode(ORIGIN_IGP + AS_PATH_4 + attr(0x40, 3, "0a00010101")), "NEXT_HOP: length 5 (expected 4); treat-as-withdraw (RFC 7606 §7.3)");
    }

    @Test
    void martianNextHopIsTreatAsWithdraw() throws Exception {
        assertTreatAsWithdraw(decode(ORIGIN_IGP + AS_PATH_4 + attr(0x40, 3, "00000000")), "NEXT_HOP: not a valid host address 0.0.0.0");
        assertTreatAsWithdraw(decode(ORIGIN_IGP + AS_PATH_4 + attr(0x40, 3, "e0000001")), "NEXT_HOP: not a valid host address 224.0.0.1");
    }

    @Test
    void malformedNextHopIsIgnoredWithoutIpv4Nlri() throws Exception {
        // RFC 4760 §3: NEXT_HOP is ignored when only MP_REACH_NLRI announces.
        UpdateMessage u = UpdateBytes.decode(update("", attr(0x80, 14, "0002 01 10 fd000001000000000000000000000001 00 30 20010db80001")
                + ORIGIN_IGP + AS_PATH_4 + attr(0x40, 3, "00000000"), ""), FOUR);
        assertEquals(ErrorHandling.NONE, u.errorHandling(), u.errors().toString());
    }

    @Test
    void multiExitDiscOfWrongLengthIsTreatAsWithdraw() throws Exception {
        assertTreatAsWithdraw(decode(MANDATORY_4 + attr(0x80, 4, "000001")), "MULTI_EXIT_DISC: length 3 (expected 4); treat-as-withdraw (RFC 7606 §7.4)");
    }

    @Test
    void localPrefOfWrongLengthIsTreatAsWithdraw() throws Exception {
        assertTreatAsWithdraw(decode(MANDATORY_4 + attr(0x40, 5, "0000000064")), "LOCAL_PREF: length 5 (expected 4); treat-as-withdraw (RFC 7606 §7.5)");
    }

    @Test
    void atomicAggregateWithAValueIsDiscarded() throws Exception {
        UpdateMessage u = decode(MANDATORY_4 + attr(0x40, 6, "01"));
        assertAttributeDiscard(u, "ATOMIC_AGGREGATE: length 1 (expected 0); attribute-discard (RFC 7606 §7.6)");
        assertFalse(u.attributes().atomicAggregate());
    }

    @Test
    void aggregatorOfWrongLengthIsDiscarded() throws Exception {
        UpdateMessage u = decode(MANDATORY_4 + attr(0xC0, 7, "fde9 0a000101")); // 2-octet form on a 4-octet session
        assertAttributeDiscard(u, "AGGREGATOR: length 6 (expected 8); attribute-discard (RFC 7606 §7.7)");
        assertNull(u.attributes().aggregator());
    }

    @Test
    void communitiesNotAMultipleOfFourAreTreatAsWithdraw() throws Exception {
        assertTreatAsWithdraw(decode(MANDATORY_4 + attr(0xC0, 8, "fde900")), "COMMUNITIES: length 3 (expected a non-zero multiple of 4); treat-as-withdraw (RFC 7606 §7.8)");
    }

    @Test
    void emptyCommunitiesAreTreatAsWithdraw() throws Exception {
        assertTreatAsWithdraw(decode(MANDATORY_4 + attr(0xC0, 8, "")), "COMMUNITIES: length 0");
    }

    @Test
    void originatorIdOfWrongLengthIsTreatAsWithdraw() throws Exception {
        assertTreatAsWithdraw(decode(MANDATORY_4 + attr(0x80, 9, "0a0001")), "ORIGINATOR_ID: length 3 (expected 4); treat-as-withdraw (RFC 7606 §7.9)");
    }

    @Test
    void clusterListNotAMultipleOfFourIsTreatAsWithdraw() throws Exception {
        assertTreatAsWithdraw(decode(MANDATORY_4 + attr(0x80, 10, "0a000101ff")), "CLUSTER_LIST: length 5");
    }

    @Test
    void mpReachNlriThatCannotBeParsedResetsTheSession() {
        byte[] wire = update("", attr(0x80, 14, "0002 01 10 fd000001000000000000000000000001 00 81 20010db8") + ORIGIN_IGP + AS_PATH_4, "");
        assertSessionReset(NotificationMessage.OPTIONAL_ATTRIBUTE_ERROR, wire, FOUR);
    }

    @Test
    void mpReachNextHopOverrunningTheAttributeResetsTheSession() {
        byte[] wire = update("", attr(0x80, 14, "0002 01 20 fd000001000000000000000000000001") + ORIGIN_IGP + AS_PATH_4, "");
        assertSessionReset(NotificationMessage.OPTIONAL_ATTRIBUTE_ERROR, wire, FOUR);
    }

    @Test
    void mpReachTooShortResetsTheSession() {
        assertSessionReset(NotificationMessage.ATTRIBUTE_LENGTH_ERROR, update("", attr(0x80, 14, "0002 01"), ""), FOUR);
    }

    @Test
    void mpReachNextHopLengthInconsistentWithTheFamilyIsTreatAsWithdraw() throws Exception {
        // RFC 7606 §7.11: the NLRI can still be parsed, so the routes are withdrawn instead.
        UpdateMessage u = UpdateBytes.decode(update("", attr(0x80, 14, "0002 01 04 0a000101 00 30 20010db80001") + ORIGIN_IGP + AS_PATH_4, ""), FOUR);
        assertEquals(ErrorHandling.TREAT_AS_WITHDRAW, u.errorHandling());
        assertEquals(List.of(u.mpReach().nlri()), u.withdrawn());
        assertTrue(u.errors().get(0).startsWith("MP_REACH_NLRI: next hop length 4 inconsistent with ipv6-unicast; treat-as-withdraw (RFC 7606 §7.11)"));
    }

    @Test
    void mpUnreachThatCannotBeParsedResetsTheSession() {
        assertSessionReset(NotificationMessage.OPTIONAL_ATTRIBUTE_ERROR, update("", attr(0x80, 15, "0002 01 30 20010d"), ""), FOUR);
    }

    @Test
    void extendedCommunitiesNotAMultipleOfEightAreTreatAsWithdraw() throws Exception {
        assertTreatAsWithdraw(decode(MANDATORY_4 + attr(0xC0, 16, "0002fde900000064ff")), "EXTENDED_COMMUNITIES: length 9 (expected a non-zero multiple of 8); treat-as-withdraw (RFC 7606 §7.14)");
    }

    @Test
    void largeCommunitiesNotAMultipleOfTwelveAreTreatAsWithdraw() throws Exception {
        assertTreatAsWithdraw(decode(MANDATORY_4 + attr(0xC0, 32, "0000fde9 00000001")), "LARGE_COMMUNITIES: length 8 (expected a non-zero multiple of 12); treat-as-withdraw (RFC 8092 §6)");
    }

    // ---- RFC 6793 §6: AS4 attributes ----

    @Test
    void malformedAs4PathIsDiscardedAndAsPathUsed() throws Exception {
        UpdateMessage u = decode(ORIGIN_IGP + AS_PATH_2 + NEXT_HOP + attr(0xC0, 17, "0203 0000fde9"), TWO);
        assertAttributeDiscard(u, "AS4_PATH: segment overruns attribute; attribute-discard (RFC 6793 §6)");
        assertEquals(AsPath.sequence(65001, 65002), u.attributes().asPath());
    }

    @Test
    void malformedAs4AggregatorIsDiscarded() throws Exception {
        UpdateMessage u = decode(ORIGIN_IGP + AS_PATH_2 + NEXT_HOP + attr(0xC0, 7, "5ba0 0a000101") + attr(0xC0, 18, "fa56ea01 0a0001"), TWO);
        assertAttributeDiscard(u, "AS4_AGGREGATOR: length 7 (expected 8); attribute-discard (RFC 6793 §6)");
        assertEquals(23456L, u.attributes().aggregator().asn());
    }

    @Test
    void as4AttributesOnAFourOctetSessionAreDiscarded() throws Exception {
        UpdateMessage u = decode(MANDATORY_4 + attr(0xC0, 17, "0201 fa56ea01") + attr(0xC0, 18, "fa56ea01 0a000101"), FOUR);
        assertAttributeDiscard(u, "AS4_PATH: received on a 4-octet AS session; attribute-discard (RFC 6793 §6)");
        assertEquals(2, u.errors().size());
        assertEquals(AsPath.sequence(65001, 65002), u.attributes().asPath());
    }

    @Test
    void confederationSegmentsInAs4PathAreDropped() throws Exception {
        UpdateMessage u = decode(ORIGIN_IGP + attr(0x40, 2, "0202 fde9 5ba0") + NEXT_HOP
                + attr(0xC0, 17, "0301 0000fdf0 0202 0000fde9 fa56ea01"), TWO);
        assertAttributeDiscard(u, "AS4_PATH: confederation segment; segment discarded (RFC 6793 §6)");
        assertEquals(AsPath.sequence(65001, 4_200_000_001L), u.attributes().asPath());
    }
}
