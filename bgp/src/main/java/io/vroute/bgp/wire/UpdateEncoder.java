package io.vroute.bgp.wire;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * UPDATE encoder (RFC 4271 §4.3). Attributes go out MP_REACH_NLRI and MP_UNREACH_NLRI first (RFC 7606 §5.1),
 * then by type code, with the Extended Length bit exactly when a value exceeds 255 octets (RFC 4271 §4.3).
 * For a 2-octet session ASNs above 65535 become AS_TRANS with AS4_PATH/AS4_AGGREGATOR added (RFC 6793 §4.2.2);
 * families in {@link SessionContext#addPathSend()} get path identifiers (RFC 7911 §3). Non-IPv4 prefixes
 * given as the NLRI or Withdrawn Routes field go into MP_REACH_NLRI / MP_UNREACH_NLRI (RFC 4760).
 */
final class UpdateEncoder {
    private static final int AS_TRANS = AttributeDecodeState.AS_TRANS;

    private UpdateEncoder() {}

    static byte[] encode(UpdateMessage m, SessionContext context) {
        PathAttributes a = m.attributes();
        Nlri withdrawn = m.withdrawnRoutes();
        Nlri nlri = m.nlri();
        UpdateMessage.MpReach mpReach = m.mpReach();
        Nlri mpUnreach = m.mpUnreach();
        boolean writeNextHop = a.nextHop() instanceof Inet4Address;
        if (!withdrawn.family().equals(AddressFamily.IPV4_UNICAST)) {
            if (mpUnreach != null && !withdrawn.isEmpty()) throw new IllegalArgumentException("both MP_UNREACH_NLRI and non-IPv4 withdrawn routes");
            if (mpUnreach == null) mpUnreach = withdrawn;
            withdrawn = Nlri.EMPTY_IPV4;
        }
        if (!nlri.family().equals(AddressFamily.IPV4_UNICAST)) {
            if (mpReach != null && !nlri.isEmpty()) throw new IllegalArgumentException("both MP_REACH_NLRI and non-IPv4 NLRI");
            if (mpReach == null) {
                mpReach = new UpdateMessage.MpReach(nlri, a.nextHop(), null);
                writeNextHop = false;
            }
            nlri = Nlri.EMPTY_IPV4;
        }
        boolean four = context.fourOctetAs();
        Writer w = new Writer(128 + NlriCodec.size(withdrawn, true) + NlriCodec.size(nlri, true));
        w.pos = BgpMessage.HEADER_LENGTH;

        boolean ap4 = context.addPathSend().contains(AddressFamily.IPV4_UNICAST);
        int wl = w.mark2();
        w.ensure(NlriCodec.size(withdrawn, ap4));
        w.pos = NlriCodec.write(withdrawn, ap4, w.buf, w.pos);
        w.fill2(wl, w.pos - wl - 2);

        int al = w.mark2();
        // RFC 7606 §5.1: MP_REACH_NLRI / MP_UNREACH_NLRI first.
        if (mpReach != null) writeMpReach(w, mpReach, context);
        if (mpUnreach != null) {
            int h = w.begin();
            w.u16(mpUnreach.family().afi());
            w.u8(mpUnreach.family().safi());
            writeNlri(w, mpUnreach, context.addPathSend().contains(mpUnreach.family()));
            w.end(h, PathAttributes.FLAG_OPTIONAL, PathAttributes.MP_UNREACH_NLRI);
        }
        List<PathAttributes.RawAttribute> others = a.otherAttributes();
        if (others.size() > 1) {
            others = new ArrayList<>(others);
            others.sort(Comparator.comparingInt(PathAttributes.RawAttribute::type)); // stable
        }
        int oi = 0;
        final int T = PathAttributes.FLAG_TRANSITIVE, OT = PathAttributes.FLAG_OPTIONAL | PathAttributes.FLAG_TRANSITIVE;
        if (a.origin() != null) {
            int h = w.begin();
            w.u8(a.origin().code());
            w.end(h, T, PathAttributes.ORIGIN);
        }
        boolean needAs4Path = false;
        if (a.asPath() != null) {
            int h = w.begin();
            needAs4Path = writePath(w, a.asPath(), four, false);
            w.end(h, T, PathAttributes.AS_PATH);
        }
        if (writeNextHop) {
            int h = w.begin();
            w.bytes(a.nextHop().getAddress());
            w.end(h, T, PathAttributes.NEXT_HOP);
        }
        if (a.med() != null) {
            int h = w.begin();
            w.u32(a.med().intValue());
            w.end(h, PathAttributes.FLAG_OPTIONAL, PathAttributes.MULTI_EXIT_DISC);
        }
        if (a.localPref() != null) {
            int h = w.begin();
            w.u32(a.localPref().intValue());
            w.end(h, T, PathAttributes.LOCAL_PREF);
        }
        if (a.atomicAggregate()) w.end(w.begin(), T, PathAttributes.ATOMIC_AGGREGATE);
        PathAttributes.Aggregator agg = a.aggregator();
        boolean needAs4Aggregator = false;
        if (agg != null) {
            int h = w.begin();
            if (four) {
                w.u32((int) agg.asn());
            } else {
                needAs4Aggregator = agg.asn() > 0xFFFF;
                w.u16(needAs4Aggregator ? AS_TRANS : (int) agg.asn()); // RFC 6793 §4.2.2
            }
            w.bytes(agg.address().getAddress());
            w.end(h, OT, PathAttributes.AGGREGATOR);
        }
        if (a.communityCount() > 0) {
            int h = w.begin();
            for (int i = 0; i < a.communityCount(); i++) w.u32(a.community(i));
            w.end(h, OT, PathAttributes.COMMUNITIES);
        }
        oi = writeOthers(w, others, oi, PathAttributes.EXTENDED_COMMUNITIES);
        long[] ext = a.extendedCommunities();
        if (ext.length > 0) {
            int h = w.begin();
            for (long e : ext) { w.u32((int) (e >>> 32)); w.u32((int) e); }
            w.end(h, OT, PathAttributes.EXTENDED_COMMUNITIES);
        }
        oi = writeOthers(w, others, oi, PathAttributes.AS4_PATH);
        if (needAs4Path) {
            // RFC 6793 §4.2.2: the 4-octet path, without confederation segments.
            int h = w.begin();
            writePath(w, a.asPath(), true, true);
            w.end(h, OT, PathAttributes.AS4_PATH);
        }
        oi = writeOthers(w, others, oi, PathAttributes.AS4_AGGREGATOR);
        if (needAs4Aggregator) {
            int h = w.begin();
            w.u32((int) agg.asn());
            w.bytes(agg.address().getAddress());
            w.end(h, OT, PathAttributes.AS4_AGGREGATOR);
        }
        oi = writeOthers(w, others, oi, PathAttributes.LARGE_COMMUNITIES);
        int[] large = a.largeCommunities();
        if (large.length > 0) {
            int h = w.begin();
            for (int x : large) w.u32(x);
            w.end(h, OT, PathAttributes.LARGE_COMMUNITIES);
        }
        writeOthers(w, others, oi, 256);
        w.fill2(al, w.pos - al - 2);

        w.ensure(NlriCodec.size(nlri, ap4));
        w.pos = NlriCodec.write(nlri, ap4, w.buf, w.pos);

        int total = w.pos;
        if (total > context.maxMessageLength()) {
            throw new IllegalArgumentException("UPDATE of " + total + " octets exceeds the session's " + context.maxMessageLength() + ": split it");
        }
        byte[] out = Arrays.copyOf(w.buf, total);
        Arrays.fill(out, 0, 16, (byte) 0xFF);
        out[16] = (byte) (total >>> 8);
        out[17] = (byte) total;
        out[18] = (byte) BgpMessage.TYPE_UPDATE;
        return out;
    }

    /** Writes the raw attributes with a type below {@code below} (all of them, in order, up to there). */
    private static int writeOthers(Writer w, List<PathAttributes.RawAttribute> others, int from, int below) {
        int i = from;
        for (; i < others.size() && others.get(i).type() < below; i++) {
            PathAttributes.RawAttribute r = others.get(i);
            int h = w.begin();
            w.bytes(r.value());
            w.end(h, r.flags(), r.type());
        }
        return i;
    }

    /**
     * Writes AS_PATH segments (split at 255 ASNs); with 2-octet ASNs those above 65535 become AS_TRANS and the
     * result says an AS4_PATH is needed (RFC 6793 §4.2.2). {@code as4} leaves confederation segments out.
     */
    private static boolean writePath(Writer w, AsPath path, boolean fourOctet, boolean as4) {
        boolean wide = false;
        for (AsPath.Segment s : path.segments()) {
            if (as4 && (s.type() == AsPath.SegmentType.AS_CONFED_SEQUENCE || s.type() == AsPath.SegmentType.AS_CONFED_SET)) continue;
            int n = s.size();
            for (int from = 0; from < n; from += 255) {
                int k = Math.min(255, n - from);
                w.u8(s.type().code);
                w.u8(k);
                for (int i = from; i < from + k; i++) {
                    long asn = s.asn(i);
                    if (fourOctet) {
                        w.u32((int) asn);
                    } else if (asn > 0xFFFF) {
                        w.u16(AS_TRANS);
                        wide = true;
                    } else {
                        w.u16((int) asn);
                    }
                }
            }
        }
        return wide;
    }

    private static void writeMpReach(Writer w, UpdateMessage.MpReach r, SessionContext context) {
        AddressFamily f = r.nlri().family();
        int h = w.begin();
        w.u16(f.afi());
        w.u8(f.safi());
        byte[] nh = r.nextHop() == null ? new byte[0] : address(r.nextHop(), f);
        byte[] ll = r.linkLocalNextHop() == null ? new byte[0] : address(r.linkLocalNextHop(), f);
        w.u8(nh.length + ll.length); // RFC 2545 §3: 16, or 32 with the link-local address
        w.bytes(nh);
        w.bytes(ll);
        w.u8(0); // Reserved (RFC 4760 §3)
        writeNlri(w, r.nlri(), context.addPathSend().contains(f));
        w.end(h, PathAttributes.FLAG_OPTIONAL, PathAttributes.MP_REACH_NLRI);
    }

    /** An address as the family's next hop: an IPv4 address in an IPv6 family is written IPv4-mapped. */
    private static byte[] address(InetAddress a, AddressFamily f) {
        byte[] b = a.getAddress();
        if (b.length == 4 && f.afi() == AddressFamily.AFI_IPV6) {
            byte[] m = new byte[16];
            m[10] = (byte) 0xFF;
            m[11] = (byte) 0xFF;
            System.arraycopy(b, 0, m, 12, 4);
            return m;
        }
        return b;
    }

    private static void writeNlri(Writer w, Nlri n, boolean addPath) {
        w.ensure(NlriCodec.size(n, addPath));
        w.pos = NlriCodec.write(n, addPath, w.buf, w.pos);
    }

    /** A growable byte array with attribute framing. */
    private static final class Writer {
        byte[] buf;
        int pos;

        Writer(int capacity) { buf = new byte[Math.max(64, capacity)]; }

        void ensure(int n) {
            if (pos + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
        }

        void u8(int v) { ensure(1); buf[pos++] = (byte) v; }
        void u16(int v) { ensure(2); buf[pos++] = (byte) (v >>> 8); buf[pos++] = (byte) v; }
        void u32(int v) { ensure(4); NlriCodec.writeInt(buf, pos, v); pos += 4; }
        void bytes(byte[] b) { ensure(b.length); System.arraycopy(b, 0, buf, pos, b.length); pos += b.length; }

        int mark2() { int at = pos; u16(0); return at; }
        void fill2(int at, int v) {
            if (v > 0xFFFF) throw new IllegalArgumentException("UPDATE field of " + v + " octets");
            buf[at] = (byte) (v >>> 8);
            buf[at + 1] = (byte) v;
        }

        /** Starts an attribute: room for a 4-octet header; the value follows. */
        int begin() { ensure(4); int at = pos; pos += 4; return at; }

        /**
         * Ends the attribute begun at {@code h}: Extended Length when the value exceeds 255 octets or the given
         * flags ask for it, else the value moves up one octet under a 3-octet header.
         */
        void end(int h, int flags, int type) {
            int vlen = pos - (h + 4);
            if (vlen > 0xFFFF) throw new IllegalArgumentException("attribute " + type + " of " + vlen + " octets");
            if (vlen > 255 || (flags & PathAttributes.FLAG_EXTENDED_LENGTH) != 0) {
                buf[h] = (byte) (flags | PathAttributes.FLAG_EXTENDED_LENGTH);
                buf[h + 1] = (byte) type;
                buf[h + 2] = (byte) (vlen >>> 8);
                buf[h + 3] = (byte) vlen;
            } else {
                System.arraycopy(buf, h + 4, buf, h + 3, vlen);
                pos--;
                buf[h] = (byte) flags;
                buf[h + 1] = (byte) type;
                buf[h + 2] = (byte) vlen;
            }
        }
    }
}
