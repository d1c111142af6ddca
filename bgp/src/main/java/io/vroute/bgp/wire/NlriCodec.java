package io.vroute.bgp.wire;

/**
 * Prefix encoding of the NLRI, Withdrawn Routes and MP_(UN)REACH_NLRI fields (RFC 4271 §4.3, RFC 4760 §5),
 * optionally preceded by a 4-octet ADD-PATH path identifier (RFC 7911 §3). Works on the byte array directly:
 * decoding allocates the Prefix objects, their array and (with ADD-PATH) one int array, nothing per prefix else.
 */
final class NlriCodec {
    private NlriCodec() {}

    /**
     * The number of prefixes in {@code [off, end)}, or -1 when the field is malformed: a length beyond the
     * family's address size or a prefix running past the end (RFC 7606 §5.3).
     */
    static int count(byte[] b, int off, int end, int maxBits, boolean addPath) {
        int n = 0;
        int p = off;
        while (p < end) {
            if (addPath) {
                if (end - p < 5) return -1; // path identifier and length octet (RFC 7911 §3)
                p += 4;
            }
            int len = b[p++] & 0xFF;
            if (len > maxBits) return -1;
            p += (len + 7) >>> 3;
            if (p > end) return -1;
            n++;
        }
        return n;
    }

    /** Decodes {@code n} prefixes (as counted by {@link #count}) of {@code family} into an Nlri. */
    static Nlri decode(AddressFamily family, byte[] b, int off, int n, boolean addPath) {
        Prefix[] out = new Prefix[n];
        int[] ids = addPath && n > 0 ? new int[n] : null; // an empty field has no path ids to show
        int p = off;
        if (family.afi() == AddressFamily.AFI_IPV4) {
            for (int i = 0; i < n; i++) {
                if (addPath) {
                    ids[i] = readInt(b, p);
                    p += 4;
                }
                int len = b[p++] & 0xFF;
                int addr;
                switch ((len + 7) >>> 3) {
                    case 0 -> addr = 0;
                    case 1 -> addr = (b[p] & 0xFF) << 24;
                    case 2 -> addr = (b[p] & 0xFF) << 24 | (b[p + 1] & 0xFF) << 16;
                    case 3 -> addr = (b[p] & 0xFF) << 24 | (b[p + 1] & 0xFF) << 16 | (b[p + 2] & 0xFF) << 8;
                    default -> addr = readInt(b, p);
                }
                p += (len + 7) >>> 3;
                out[i] = Prefix.ipv4(addr, len);
            }
        } else {
            for (int i = 0; i < n; i++) {
                if (addPath) {
                    ids[i] = readInt(b, p);
                    p += 4;
                }
                int len = b[p++] & 0xFF;
                int bytes = (len + 7) >>> 3;
                long hi = 0, lo = 0;
                for (int k = 0; k < bytes; k++) {
                    long v = b[p + k] & 0xFFL;
                    if (k < 8) hi |= v << (56 - 8 * k);
                    else lo |= v << (120 - 8 * k);
                }
                p += bytes;
                out[i] = Prefix.ipv6(hi, lo, len);
            }
        }
        return new Nlri(family, out, ids);
    }

    /** Octets {@link #write} needs for {@code nlri}. */
    static int size(Nlri nlri, boolean addPath) {
        int s = 0;
        for (int i = 0; i < nlri.size(); i++) s += (addPath ? 5 : 1) + ((nlri.prefix(i).length() + 7) >>> 3);
        return s;
    }

    /** Writes the prefixes at {@code pos}; with {@code addPath} each gets its path identifier (0 when it has none). */
    static int write(Nlri nlri, boolean addPath, byte[] out, int pos) {
        for (int i = 0; i < nlri.size(); i++) {
            Prefix pr = nlri.prefix(i);
            if (addPath) {
                writeInt(out, pos, nlri.pathId(i));
                pos += 4;
            }
            int len = pr.length();
            out[pos++] = (byte) len;
            int bytes = (len + 7) >>> 3;
            if (!pr.isIpv6()) {
                int a = pr.ipv4Address();
                for (int k = 0; k < bytes; k++) out[pos + k] = (byte) (a >>> (24 - 8 * k));
            } else {
                for (int k = 0; k < bytes; k++) {
                    out[pos + k] = (byte) (k < 8 ? pr.hi() >>> (56 - 8 * k) : pr.lo() >>> (120 - 8 * k));
                }
            }
            pos += bytes;
        }
        return pos;
    }

    static int readInt(byte[] b, int p) {
        return (b[p] & 0xFF) << 24 | (b[p + 1] & 0xFF) << 16 | (b[p + 2] & 0xFF) << 8 | (b[p + 3] & 0xFF);
    }

    static void writeInt(byte[] b, int p, int v) {
        b[p] = (byte) (v >>> 24);
        b[p + 1] = (byte) (v >>> 16);
        b[p + 2] = (byte) (v >>> 8);
        b[p + 3] = (byte) v;
    }
}
