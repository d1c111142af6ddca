package io.vroute.bgp.wire;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 prefix. Immutable; host bits beyond the length are always zero (they are masked when a
 * prefix is built), so equal prefixes are equal objects by {@link #equals}. The address is held in two longs
 * (IPv4 in the low 32 bits of {@code lo}) so that a prefix is one small object with no array behind it.
 */
public final class Prefix implements Comparable<Prefix> {
    private final long hi;
    private final long lo;
    private final byte length;
    private final boolean v6;

    private Prefix(boolean v6, long hi, long lo, int length) {
        this.v6 = v6;
        this.length = (byte) length;
        if (v6) {
            this.hi = length >= 64 ? hi : length == 0 ? 0 : hi & (-1L << (64 - length));
            this.lo = length <= 64 ? 0 : length == 128 ? lo : lo & (-1L << (128 - length));
        } else {
            this.hi = 0;
            this.lo = length == 0 ? 0 : (lo & 0xFFFF_FFFFL) & ((0xFFFF_FFFFL << (32 - length)) & 0xFFFF_FFFFL);
        }
    }

    /** An IPv4 prefix from the address as an int (network order: 10.0.0.0 is 0x0A000000). */
    public static Prefix ipv4(int address, int length) {
        if (length < 0 || length > 32) throw new IllegalArgumentException("IPv4 prefix length must be 0..32, not " + length);
        return new Prefix(false, 0, address & 0xFFFF_FFFFL, length);
    }

    /** An IPv6 prefix from the address as two longs (high and low 64 bits). */
    public static Prefix ipv6(long hi, long lo, int length) {
        if (length < 0 || length > 128) throw new IllegalArgumentException("IPv6 prefix length must be 0..128, not " + length);
        return new Prefix(true, hi, lo, length);
    }

    public static Prefix of(InetAddress address, int length) {
        byte[] b = address.getAddress();
        if (b.length == 4) return ipv4(readInt(b, 0), length);
        return ipv6(readLong(b, 0), readLong(b, 8), length);
    }

    /** Parses {@code 10.0.0.0/16} or {@code 2001:db8::/32}; a bare address is a host prefix. */
    public static Prefix parse(String text) {
        int slash = text.indexOf('/');
        String addr = slash < 0 ? text : text.substring(0, slash);
        if (!addr.isEmpty() && Character.digit(addr.charAt(0), 16) < 0 && addr.charAt(0) != ':') {
            throw new IllegalArgumentException("not an IP prefix: '" + text + "' (expected e.g. 10.0.0.0/16 or 2001:db8::/32)");
        }
        InetAddress a;
        try {
            a = InetAddress.getByName(addr); // literal only: the first-character check above keeps names out
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP prefix: '" + text + "' (expected e.g. 10.0.0.0/16 or 2001:db8::/32)");
        }
        int max = a instanceof Inet4Address ? 32 : 128;
        int len;
        try {
            len = slash < 0 ? max : Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad prefix length in '" + text + "'");
        }
        if (len < 0 || len > max) throw new IllegalArgumentException("prefix length of '" + text + "' must be 0.." + max);
        return of(a, len);
    }

    public boolean isIpv6() { return v6; }
    public AddressFamily family() { return v6 ? AddressFamily.IPV6_UNICAST : AddressFamily.IPV4_UNICAST; }
    public int length() { return length & 0xFF; }
    /** High 64 bits of an IPv6 address; 0 for IPv4. */
    public long hi() { return hi; }
    /** Low 64 bits of an IPv6 address, or the IPv4 address in the low 32 bits. */
    public long lo() { return lo; }
    /** The IPv4 address as an int; only meaningful for IPv4 prefixes. */
    public int ipv4Address() { return (int) lo; }

    /** The address in network byte order (4 or 16 bytes). */
    public byte[] addressBytes() {
        if (!v6) {
            int a = (int) lo;
            return new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a};
        }
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (hi >>> (56 - 8 * i));
            b[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        return b;
    }

    public InetAddress address() {
        try {
            return InetAddress.getByAddress(addressBytes());
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** True when {@code other} lies inside this prefix (or equals it). */
    public boolean contains(Prefix other) {
        if (other.v6 != v6 || other.length() < length()) return false;
        return new Prefix(v6, other.hi, other.lo, length()).equals(this);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Prefix p && p.lo == lo && p.hi == hi && p.length == length && p.v6 == v6;
    }

    @Override
    public int hashCode() {
        long h = hi * 0x9E3779B97F4A7C15L + lo;
        h = h * 31 + length + (v6 ? 256 : 0);
        return (int) (h ^ (h >>> 32));
    }

    @Override
    public int compareTo(Prefix o) {
        if (v6 != o.v6) return v6 ? 1 : -1;
        int c = Long.compareUnsigned(hi, o.hi);
        if (c == 0) c = Long.compareUnsigned(lo, o.lo);
        return c != 0 ? c : Integer.compare(length(), o.length());
    }

    @Override
    public String toString() {
        if (!v6) {
            int a = (int) lo;
            return ((a >>> 24) & 0xFF) + "." + ((a >>> 16) & 0xFF) + "." + ((a >>> 8) & 0xFF) + "." + (a & 0xFF) + "/" + length();
        }
        return formatIpv6(addressBytes()) + "/" + length();
    }

    /** RFC 5952 text form of an IPv6 address (lower case, longest zero run compressed). */
    public static String formatIpv6(byte[] b) {
        int[] w = new int[8];
        for (int i = 0; i < 8; i++) w[i] = ((b[2 * i] & 0xFF) << 8) | (b[2 * i + 1] & 0xFF);
        int bestStart = -1, bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (w[i] != 0) { i++; continue; }
            int j = i;
            while (j < 8 && w[j] == 0) j++;
            if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') sb.append(':');
            sb.append(Integer.toHexString(w[i]));
        }
        return sb.toString();
    }

    /** Text form of an address as vroute prints it everywhere (IPv6 per RFC 5952). */
    public static String formatAddress(InetAddress a) {
        return a instanceof Inet6Address ? formatIpv6(a.getAddress()) : a.getHostAddress();
    }

    private static int readInt(byte[] b, int o) {
        return ((b[o] & 0xFF) << 24) | ((b[o + 1] & 0xFF) << 16) | ((b[o + 2] & 0xFF) << 8) | (b[o + 3] & 0xFF);
    }

    private static long readLong(byte[] b, int o) {
        return ((long) readInt(b, o) << 32) | (readInt(b, o + 4) & 0xFFFF_FFFFL);
    }
}
