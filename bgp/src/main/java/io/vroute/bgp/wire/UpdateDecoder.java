package io.vroute.bgp.wire;

import io.vroute.bgp.wire.UpdateMessage.ErrorHandling;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * UPDATE body decoder (RFC 4271 §4.3, RFC 4760, RFC 6793, RFC 7606, RFC 7911). One per session, not
 * thread-safe.
 *
 * <p>The attribute block is scanned once: MP_REACH_NLRI/MP_UNREACH_NLRI are decoded on the spot (they carry
 * NLRI, which differs from message to message), and the remaining octets are looked up in an
 * {@link AttributeCache} keyed by those octets and the session's 4-octet-AS mode. A hit yields the identical
 * {@link PathAttributes} instance without decoding anything; a miss decodes through the
 * {@link AttributeParser} registry and stores the result. Prefixes are decoded straight from the array.
 *
 * <p>Error handling follows RFC 7606: a {@link BgpProtocolException} for the session-reset cases, otherwise
 * an {@link UpdateMessage} whose {@link UpdateMessage#errorHandling()} and {@link UpdateMessage#errors()} say
 * what was done.
 */
final class UpdateDecoder {
    private final AttributeCache cache;
    private final AttributeDecodeState state = new AttributeDecodeState();
    /** The non-MP attribute octets, gathered when MP attributes sit between them. */
    private byte[] scratch = new byte[512];
    private final int[] spans = new int[8];

    // Per message, filled by the MP attribute decoders.
    private UpdateMessage.MpReach mpReach;
    private Nlri mpUnreach;
    private boolean seenMpReach, seenMpUnreach;
    private ErrorHandling msgHandling;
    private List<String> msgErrors;

    UpdateDecoder() { this(AttributeCache.DEFAULT_MAX_ENTRIES); }

    /** @param maxCachedAttributeSets bound of the attribute set cache (see {@link AttributeCache}) */
    UpdateDecoder(int maxCachedAttributeSets) { this.cache = new AttributeCache(maxCachedAttributeSets); }

    /** Attribute sets currently interned (for tests and metrics). */
    int cachedAttributeSets() { return cache.size(); }

    UpdateMessage decode(byte[] buf, int off, int len, SessionContext context) throws BgpProtocolException {
        final int end = off + len;
        // RFC 4271 §6.3 as kept by RFC 7606 §3 b: length fields that overrun the message are a Malformed
        // Attribute List.
        if (len < 4) throw malformedList("UPDATE body of " + len + " octets cannot hold its two length fields");
        int withdrawnLen = u16(buf, off);
        if (4 + withdrawnLen > len) throw malformedList("Withdrawn Routes Length " + withdrawnLen + " overruns the message");
        int wStart = off + 2, wEnd = wStart + withdrawnLen;
        int attrLen = u16(buf, wEnd);
        int aStart = wEnd + 2, aEnd = aStart + attrLen;
        if (aEnd > end) throw malformedList("Total Path Attribute Length " + attrLen + " overruns the message");

        boolean addPath4 = !context.addPathReceive().isEmpty() && context.addPathReceive().contains(AddressFamily.IPV4_UNICAST);
        // RFC 7606 §3 i and §5.3: Withdrawn Routes and NLRI must parse, else the session is reset.
        Nlri withdrawn = withdrawnLen == 0 ? Nlri.EMPTY_IPV4 : ipv4Field(buf, wStart, wEnd, addPath4, "Withdrawn Routes");
        Nlri nlri = aEnd == end ? Nlri.EMPTY_IPV4 : ipv4Field(buf, aEnd, end, addPath4, "NLRI");

        mpReach = null;
        mpUnreach = null;
        seenMpReach = false;
        seenMpUnreach = false;
        msgHandling = ErrorHandling.NONE;
        msgErrors = null;

        // Scan the attribute headers: decode MP attributes, note the spans of the others.
        int nSpans = 0;
        int runStart = aStart;
        int p = aStart;
        while (p < aEnd) {
            int rem = aEnd - p;
            int flags = buf[p] & 0xFF;
            int hdr = (flags & PathAttributes.FLAG_EXTENDED_LENGTH) != 0 ? 4 : 3;
            if (rem < hdr) {
                // RFC 7606 §4: too few octets left for an attribute header.
                note(ErrorHandling.TREAT_AS_WITHDRAW, "path attributes: " + rem + " trailing octet(s) cannot hold an attribute header; treat-as-withdraw (RFC 7606 §4)");
                break;
            }
            int type = buf[p + 1] & 0xFF;
            int vlen = hdr == 4 ? u16(buf, p + 2) : buf[p + 2] & 0xFF;
            int next = p + hdr + vlen;
            boolean mp = type == PathAttributes.MP_REACH_NLRI || type == PathAttributes.MP_UNREACH_NLRI;
            if (next > aEnd) {
                if (mp) {
                    // RFC 7606 §3 j: without the MP attribute's NLRI nothing can be withdrawn: session reset.
                    throw new BgpProtocolException(NotificationMessage.UPDATE_MESSAGE_ERROR, NotificationMessage.MALFORMED_ATTRIBUTE_LIST,
                            AttributeParser.name(type) + " length " + vlen + " overruns the path attributes (RFC 7606 §3 j)");
                }
                // RFC 7606 §4: the attribute length overruns the Total Path Attribute Length, which still
                // locates the NLRI.
                note(ErrorHandling.TREAT_AS_WITHDRAW, AttributeParser.name(type) + ": length " + vlen
                        + " overruns the path attributes; treat-as-withdraw (RFC 7606 §4)");
                break;
            }
            if (mp) {
                if (p > runStart) { spans[nSpans++] = runStart; spans[nSpans++] = p; }
                if (type == PathAttributes.MP_REACH_NLRI) mpReach(buf, p, hdr, vlen, flags, context);
                else mpUnreach(buf, p, hdr, vlen, flags, context);
                runStart = next;
            }
            p = next;
        }
        if (p > runStart) { spans[nSpans++] = runStart; spans[nSpans++] = p; }

        // The shared attributes, interned.
        boolean four = context.fourOctetAs();
        DecodedAttributes attrs;
        if (nSpans == 0) {
            attrs = four ? DecodedAttributes.NONE_4 : DecodedAttributes.NONE_2;
        } else {
            byte[] kb = buf;
            int ko = spans[0], kl = spans[1] - spans[0];
            if (nSpans > 2) {
                kl = 0;
                for (int i = 0; i < nSpans; i += 2) kl += spans[i + 1] - spans[i];
                if (scratch.length < kl) scratch = new byte[Math.max(kl, scratch.length * 2)];
                int w = 0;
                for (int i = 0; i < nSpans; i += 2) {
                    System.arraycopy(buf, spans[i], scratch, w, spans[i + 1] - spans[i]);
                    w += spans[i + 1] - spans[i];
                }
                kb = scratch;
                ko = 0;
            }
            int hash = AttributeCache.hash(kb, ko, kl, four);
            attrs = cache.get(kb, ko, kl, hash, four);
            if (attrs == null) {
                attrs = decodeAttributes(kb, ko, ko + kl, four);
                cache.put(kb, ko, kl, hash, attrs);
            }
        }

        // Message-level checks.
        boolean v4Announce = !nlri.isEmpty();
        if (v4Announce || (mpReach != null && !mpReach.nlri().isEmpty())) {
            // RFC 7606 §3 d: a missing well-known mandatory attribute is treat-as-withdraw; NEXT_HOP is needed
            // only for the NLRI field (RFC 4760 §3).
            if (!attrs.hasOrigin) note(ErrorHandling.TREAT_AS_WITHDRAW, "ORIGIN: missing; treat-as-withdraw (RFC 7606 §3 d)");
            if (!attrs.hasAsPath) note(ErrorHandling.TREAT_AS_WITHDRAW, "AS_PATH: missing; treat-as-withdraw (RFC 7606 §3 d)");
            if (v4Announce && !attrs.hasNextHop) note(ErrorHandling.TREAT_AS_WITHDRAW, "NEXT_HOP: missing; treat-as-withdraw (RFC 7606 §3 d)");
        }
        // RFC 7606 §7.3; without IPv4 NLRI the NEXT_HOP is ignored anyway (RFC 4760 §3).
        if (v4Announce && attrs.nextHopProblem != null) {
            note(ErrorHandling.TREAT_AS_WITHDRAW, "NEXT_HOP: " + attrs.nextHopProblem + "; treat-as-withdraw (RFC 7606 §7.3)");
        }
        // RFC 7606 §5.2: when nothing is announced, treat-as-withdraw leaves only the withdrawals, which is
        // what UpdateMessage.announced()/withdrawn() give; the attributes are then simply not used.
        ErrorHandling handling = attrs.handling.ordinal() > msgHandling.ordinal() ? attrs.handling : msgHandling;
        List<String> errors = attrs.errors;
        if (msgErrors != null) {
            errors = new ArrayList<>(msgErrors);
            errors.addAll(attrs.errors);
        }
        return new UpdateMessage(withdrawn, attrs.attributes, nlri, mpReach, mpUnreach, handling, errors);
    }

    private void note(ErrorHandling h, String line) {
        if (msgErrors == null) msgErrors = new ArrayList<>(2);
        msgErrors.add(line);
        if (h.ordinal() > msgHandling.ordinal()) msgHandling = h;
    }

    /** Decodes the non-MP attributes in {@code [off, end)} (headers already checked by the scan). */
    private DecodedAttributes decodeAttributes(byte[] b, int off, int end, boolean four) throws BgpProtocolException {
        AttributeDecodeState st = state;
        st.begin(four);
        int p = off;
        while (p < end) {
            int flags = b[p] & 0xFF;
            int type = b[p + 1] & 0xFF;
            int hdr = (flags & PathAttributes.FLAG_EXTENDED_LENGTH) != 0 ? 4 : 3;
            int vlen = hdr == 4 ? u16(b, p + 2) : b[p + 2] & 0xFF;
            int v = p + hdr, next = v + vlen;
            if (st.markSeen(type)) {
                // RFC 7606 §3 g: all but the first occurrence are discarded.
                st.record(ErrorHandling.ATTRIBUTE_DISCARD, AttributeParser.name(type) + ": repeated; later occurrence discarded (RFC 7606 §3 g)");
            } else {
                AttributeParser parser = AttributeParser.forType(type);
                if (parser == null) {
                    unrecognized(b, p, next, flags, type, v, vlen, st);
                } else if ((flags & (PathAttributes.FLAG_OPTIONAL | PathAttributes.FLAG_TRANSITIVE)) != parser.flags) {
                    // RFC 7606 §3 c: Optional/Transitive bits in conflict make the attribute malformed, handled
                    // by that attribute's rule.
                    parser.malformed(st, String.format("flags 0x%02x (expected 0x%02x)", flags & 0xC0, parser.flags),
                            b, p, next, NotificationMessage.ATTRIBUTE_FLAGS_ERROR);
                } else {
                    String problem = parser.parse(b, v, vlen, flags, st);
                    if (problem != null) parser.malformed(st, problem, b, p, next, NotificationMessage.ATTRIBUTE_LENGTH_ERROR);
                }
            }
            p = next;
        }
        st.reconcileAs4();
        return st.result();
    }

    private static void unrecognized(byte[] b, int start, int end, int flags, int type, int v, int vlen, AttributeDecodeState st)
            throws BgpProtocolException {
        if ((flags & PathAttributes.FLAG_OPTIONAL) == 0) {
            // RFC 4271 §6.3 (not relaxed by RFC 7606): an unrecognized well-known attribute resets the session,
            // the data field holding the attribute.
            throw new BgpProtocolException(NotificationMessage.UPDATE_MESSAGE_ERROR, NotificationMessage.UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE,
                    Arrays.copyOfRange(b, start, end), "unrecognized well-known attribute " + type);
        }
        if ((flags & PathAttributes.FLAG_TRANSITIVE) != 0) {
            // RFC 4271 §5: an unrecognized optional transitive attribute is passed on with the Partial bit set.
            // Extended Length only says how the length was written; the encoder chooses it again.
            st.others.add(new PathAttributes.RawAttribute((flags | PathAttributes.FLAG_PARTIAL) & ~PathAttributes.FLAG_EXTENDED_LENGTH,
                    type, Arrays.copyOfRange(b, v, v + vlen)));
        }
        // RFC 4271 §5: an unrecognized optional non-transitive attribute is quietly ignored.
    }

    /** MP_REACH_NLRI (RFC 4760 §3); malformations reset the session (RFC 7606 §7.11) except where noted. */
    private void mpReach(byte[] b, int start, int hdr, int vlen, int flags, SessionContext ctx) throws BgpProtocolException {
        int end = start + hdr + vlen;
        mpCommonChecks(b, start, end, flags, seenMpReach, "MP_REACH_NLRI");
        seenMpReach = true;
        int v = start + hdr;
        if (vlen < 5) throw mpError(b, start, end, NotificationMessage.ATTRIBUTE_LENGTH_ERROR, "MP_REACH_NLRI of " + vlen + " octets");
        AddressFamily family = AddressFamily.of(u16(b, v), b[v + 2] & 0xFF);
        int nhLen = b[v + 3] & 0xFF;
        int nlriStart = v + 4 + nhLen + 1; // next hop, then the Reserved octet (RFC 4760 §3)
        if (nlriStart > end) throw mpError(b, start, end, NotificationMessage.OPTIONAL_ATTRIBUTE_ERROR, "MP_REACH_NLRI next hop length " + nhLen + " overruns the attribute");
        if (!family.isSupported()) {
            note(ErrorHandling.ATTRIBUTE_DISCARD, "MP_REACH_NLRI: family " + family + " not supported; attribute-discard (RFC 4760 §7)");
            return;
        }
        InetAddress nh = null, ll = null;
        int nh0 = v + 4;
        if (family.afi() == AddressFamily.AFI_IPV4 && nhLen == 4) {
            nh = state.ipv4(b, nh0);
        } else if (family.afi() == AddressFamily.AFI_IPV6 && (nhLen == 16 || nhLen == 32)) {
            // RFC 2545 §3: the global address, optionally followed by the link-local one.
            nh = AttributeDecodeState.ipv6(b, nh0);
            if (nhLen == 32) ll = AttributeDecodeState.ipv6(b, nh0 + 16);
            if (b[nh0] == (byte) 0xFF || isZero(b, nh0, 16)) {
                note(ErrorHandling.TREAT_AS_WITHDRAW, "MP_REACH_NLRI: next hop " + Prefix.formatAddress(nh)
                        + " is not a valid host address; treat-as-withdraw (RFC 4271 §6.3, RFC 7606 §7.11)");
            }
        } else {
            // RFC 7606 §7.11: an unexpected next hop length still lets the NLRI be parsed: treat-as-withdraw.
            note(ErrorHandling.TREAT_AS_WITHDRAW, "MP_REACH_NLRI: next hop length " + nhLen + " inconsistent with "
                    + family + "; treat-as-withdraw (RFC 7606 §7.11)");
        }
        boolean addPath = ctx.addPathReceive().contains(family);
        int n = NlriCodec.count(b, nlriStart, end, family.addressBytes() * 8, addPath);
        if (n < 0) throw mpError(b, start, end, NotificationMessage.OPTIONAL_ATTRIBUTE_ERROR, "MP_REACH_NLRI " + family + " NLRI malformed");
        mpReach = new UpdateMessage.MpReach(NlriCodec.decode(family, b, nlriStart, n, addPath), nh, ll);
    }

    /** MP_UNREACH_NLRI (RFC 4760 §4); malformations reset the session (RFC 7606 §7.11). */
    private void mpUnreach(byte[] b, int start, int hdr, int vlen, int flags, SessionContext ctx) throws BgpProtocolException {
        int end = start + hdr + vlen;
        mpCommonChecks(b, start, end, flags, seenMpUnreach, "MP_UNREACH_NLRI");
        seenMpUnreach = true;
        int v = start + hdr;
        if (vlen < 3) throw mpError(b, start, end, NotificationMessage.ATTRIBUTE_LENGTH_ERROR, "MP_UNREACH_NLRI of " + vlen + " octets");
        AddressFamily family = AddressFamily.of(u16(b, v), b[v + 2] & 0xFF);
        if (!family.isSupported()) {
            note(ErrorHandling.ATTRIBUTE_DISCARD, "MP_UNREACH_NLRI: family " + family + " not supported; attribute-discard (RFC 4760 §7)");
            return;
        }
        boolean addPath = ctx.addPathReceive().contains(family);
        int n = NlriCodec.count(b, v + 3, end, family.addressBytes() * 8, addPath);
        if (n < 0) throw mpError(b, start, end, NotificationMessage.OPTIONAL_ATTRIBUTE_ERROR, "MP_UNREACH_NLRI " + family + " withdrawn routes malformed");
        mpUnreach = NlriCodec.decode(family, b, v + 3, n, addPath);
    }

    private static void mpCommonChecks(byte[] b, int start, int end, int flags, boolean seen, String name) throws BgpProtocolException {
        // RFC 7606 §3 g: a second MP_REACH_NLRI or MP_UNREACH_NLRI is a Malformed Attribute List.
        if (seen) throw malformedList(name + " appears more than once (RFC 7606 §3 g)");
        // RFC 7606 §3 c applies the attribute's own rule, which for MP attributes is session reset (§7.11).
        if ((flags & (PathAttributes.FLAG_OPTIONAL | PathAttributes.FLAG_TRANSITIVE)) != PathAttributes.FLAG_OPTIONAL) {
            throw mpError(b, start, end, NotificationMessage.ATTRIBUTE_FLAGS_ERROR, String.format("%s flags 0x%02x (expected 0x80)", name, flags & 0xC0));
        }
    }

    private static BgpProtocolException mpError(byte[] b, int start, int end, int subcode, String what) {
        return new BgpProtocolException(NotificationMessage.UPDATE_MESSAGE_ERROR, subcode, Arrays.copyOfRange(b, start, end),
                what + "; session reset (RFC 7606 §7.11)");
    }

    private static Nlri ipv4Field(byte[] b, int off, int end, boolean addPath, String field) throws BgpProtocolException {
        int n = NlriCodec.count(b, off, end, 32, addPath);
        if (n < 0) {
            // RFC 7606 §5.3 (and RFC 4271 §6.3): a syntactically incorrect NLRI field resets the session.
            throw new BgpProtocolException(NotificationMessage.UPDATE_MESSAGE_ERROR, NotificationMessage.INVALID_NETWORK_FIELD,
                    field + " field is malformed (RFC 7606 §5.3)");
        }
        return NlriCodec.decode(AddressFamily.IPV4_UNICAST, b, off, n, addPath);
    }

    private static BgpProtocolException malformedList(String what) {
        return new BgpProtocolException(NotificationMessage.UPDATE_MESSAGE_ERROR, NotificationMessage.MALFORMED_ATTRIBUTE_LIST, what);
    }

    private static boolean isZero(byte[] b, int off, int len) {
        for (int i = 0; i < len; i++) if (b[off + i] != 0) return false;
        return true;
    }

    private static int u16(byte[] b, int p) { return (b[p] & 0xFF) << 8 | (b[p + 1] & 0xFF); }
}
