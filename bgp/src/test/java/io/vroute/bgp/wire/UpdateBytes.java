package io.vroute.bgp.wire;

import java.util.ArrayList;
import java.util.List;

/** Hand-made UPDATE messages for tests: fields given in hex, lengths and header filled in. */
final class UpdateBytes {
    private UpdateBytes() {}

    /** A whole UPDATE (header included) from its Withdrawn Routes, Path Attributes and NLRI fields in hex. */
    static byte[] update(String withdrawn, String attributes, String nlri) {
        byte[] w = Hex.bytes(withdrawn), a = Hex.bytes(attributes), n = Hex.bytes(nlri);
        return raw(w.length, w, a.length, a, n);
    }

    /** An UPDATE with the two length fields given as is (to make them lie). */
    static byte[] raw(int withdrawnLength, byte[] w, int attributesLength, byte[] a, byte[] n) {
        int body = 4 + w.length + a.length + n.length;
        byte[] m = MessageEncoder.header(BgpMessage.TYPE_UPDATE, body);
        int p = BgpMessage.HEADER_LENGTH;
        m[p++] = (byte) (withdrawnLength >>> 8);
        m[p++] = (byte) withdrawnLength;
        System.arraycopy(w, 0, m, p, w.length);
        p += w.length;
        m[p++] = (byte) (attributesLength >>> 8);
        m[p++] = (byte) attributesLength;
        System.arraycopy(a, 0, m, p, a.length);
        p += a.length;
        System.arraycopy(n, 0, m, p, n.length);
        return m;
    }

    /** One attribute: flags, type and value in hex; the length octet(s) follow the Extended Length flag. */
    static String attr(int flags, int type, String valueHex) {
        byte[] v = Hex.bytes(valueHex);
        String len = (flags & PathAttributes.FLAG_EXTENDED_LENGTH) != 0 ? String.format("%04x", v.length) : String.format("%02x", v.length);
        return String.format("%02x%02x", flags, type) + len + Hex.of(v);
    }

    // Well-formed building blocks.
    static final String ORIGIN_IGP = attr(0x40, 1, "00");
    static final String AS_PATH_4 = attr(0x40, 2, "02 02 0000fde9 0000fdea"); // 65001 65002, 4-octet
    static final String AS_PATH_2 = attr(0x40, 2, "02 02 fde9 fdea");         // 65001 65002, 2-octet
    static final String NEXT_HOP = attr(0x40, 3, "0a000101");                 // 10.0.1.1
    static final String MANDATORY_4 = ORIGIN_IGP + AS_PATH_4 + NEXT_HOP;
    static final String NLRI_10_1 = "18 0a0100";                              // 10.1.0.0/24

    static UpdateMessage decode(byte[] wire, SessionContext ctx) throws BgpProtocolException {
        return (UpdateMessage) new MessageDecoder(ctx).decode(wire, 0, wire.length);
    }

    /**
     * The message with its attributes in vroute's canonical order (MP_REACH_NLRI, MP_UNREACH_NLRI, then by
     * type code) and the Extended Length bit only on values over 255 octets: what a sender may choose freely
     * (RFC 4271 §4.3), so that captures from other speakers can be compared octet for octet.
     */
    static byte[] canonical(byte[] m) {
        int p = BgpMessage.HEADER_LENGTH;
        int wl = u16(m, p);
        int a = p + 2 + wl;
        int al = u16(m, a);
        int s = a + 2, e = s + al;
        List<int[]> attrs = new ArrayList<>();
        for (int q = s; q < e; ) {
            int flags = m[q] & 0xFF, hdr = (flags & 0x10) != 0 ? 4 : 3;
            int len = hdr == 4 ? u16(m, q + 2) : m[q + 2] & 0xFF;
            attrs.add(new int[] {q, hdr, len, m[q + 1] & 0xFF});
            q += hdr + len;
        }
        attrs.sort((x, y) -> Integer.compare(key(x[3]), key(y[3])));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int[] x : attrs) {
            int flags = m[x[0]] & 0xFF;
            if (x[2] > 255) {
                out.write(flags | 0x10);
                out.write(x[3]);
                out.write(x[2] >>> 8);
                out.write(x[2]);
            } else {
                out.write(flags & ~0x10);
                out.write(x[3]);
                out.write(x[2]);
            }
            out.write(m, x[0] + x[1], x[2]);
        }
        byte[] attrBytes = out.toByteArray();
        byte[] w = java.util.Arrays.copyOfRange(m, p + 2, p + 2 + wl);
        byte[] n = java.util.Arrays.copyOfRange(m, e, m.length);
        return raw(wl, w, attrBytes.length, attrBytes, n);
    }

    private static int key(int type) {
        return type == PathAttributes.MP_REACH_NLRI ? -2 : type == PathAttributes.MP_UNREACH_NLRI ? -1 : type;
    }

    private static int u16(byte[] b, int p) { return (b[p] & 0xFF) << 8 | (b[p + 1] & 0xFF); }
}
