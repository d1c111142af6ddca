package io.vroute.linux;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 prefix such as {@code 10.0.0.0/16} or {@code 2001:db8::/32}: a network address and a length, with
 * every bit after the length zero (the kernel refuses anything else for routes).
 *
 * @param address the network address (4 or 16 bytes)
 * @param length  0..32 for IPv4, 0..128 for IPv6
 */
public record IpPrefix(InetAddress address, int length) {

    /**
     * Checks the prefix; an IPv6 scope (zone) is dropped, it means nothing in a prefix.
     *
     * @throws IllegalArgumentException when the length is out of range or host bits are set (the message suggests
     *                                  the network)
     */
    public IpPrefix {
        if (address == null) throw new IllegalArgumentException("a prefix needs an address");
        int bits = address.getAddress().length * 8;
        if (length < 0 || length > bits) {
            throw new IllegalArgumentException("prefix length " + length + " is not in 0.." + bits + " for "
                    + address.getHostAddress());
        }
        byte[] masked = mask(address.getAddress(), length);
        if (!Arrays.equals(masked, address.getAddress())) {
            throw new IllegalArgumentException(address.getHostAddress() + "/" + length + " has host bits set: did you mean "
                    + byAddress(masked).getHostAddress() + "/" + length + "?");
        }
        if (address instanceof Inet6Address v6 && v6.getScopeId() != 0) {
            address = byAddress(address.getAddress());   // a scope means nothing in a prefix
        }
    }

    /**
     * Parses {@code ADDRESS/LENGTH}, or a bare address as a host prefix (/32 or /128). Only numeric addresses: no
     * name is looked up.
     *
     * @throws IllegalArgumentException when the text is no prefix, or has host bits set
     */
    public static IpPrefix parse(String text) {
        String s = text.strip();
        int slash = s.indexOf('/');
        String host = slash < 0 ? s : s.substring(0, slash);
        InetAddress address = numericAddress(host);
        int length;
        if (slash < 0) {
            length = address.getAddress().length * 8;
        } else {
            try {
                length = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is not a prefix: write ADDRESS/LENGTH, e.g. 10.0.0.0/16");
            }
        }
        return new IpPrefix(address, length);
    }

    /** The prefix of {@code length} bits that contains {@code address} (host bits cleared). */
    public static IpPrefix containing(InetAddress address, int length) {
        int bits = address.getAddress().length * 8;
        if (length < 0 || length > bits) {
            throw new IllegalArgumentException("prefix length " + length + " is not in 0.." + bits);
        }
        return new IpPrefix(byAddress(mask(address.getAddress(), length)), length);
    }

    /** Whether this is an IPv6 prefix. */
    public boolean ipv6() {
        return address instanceof Inet6Address;
    }

    /** The address family: 2 (AF_INET) or 10 (AF_INET6). */
    int family() {
        return ipv6() ? Native.AF_INET6 : Native.AF_INET;
    }

    /** {@code ADDRESS/LENGTH}, the way {@code ip} writes it. */
    @Override
    public String toString() {
        return address.getHostAddress() + "/" + length;
    }

    /**
     * A numeric IPv4 or IPv6 address (an IPv6 one may carry a {@code %scope}); never a DNS lookup.
     *
     * @throws IllegalArgumentException when the text is no numeric address
     */
    static InetAddress numericAddress(String text) {
        String s = text.strip();
        boolean looksNumeric = !s.isEmpty() && (s.indexOf(':') >= 0 || s.chars().allMatch(c -> c == '.' || Character.isDigit(c)));
        if (!looksNumeric) {
            throw new IllegalArgumentException("'" + text + "' is not a numeric IPv4 or IPv6 address");
        }
        try {
            InetAddress address = InetAddress.getByName(s);   // numeric: parsed, not resolved
            if (address instanceof Inet4Address && s.indexOf(':') >= 0) {
                throw new IllegalArgumentException("'" + text + "' is an IPv4-mapped IPv6 address: write the IPv4 address");
            }
            return address;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is not a numeric IPv4 or IPv6 address");
        }
    }

    static byte[] mask(byte[] address, int length) {
        byte[] masked = address.clone();
        for (int i = 0; i < masked.length; i++) {
            int keep = Math.clamp(length - i * 8L, 0, 8);
            masked[i] &= (byte) (0xFF00 >>> keep);
        }
        return masked;
    }

    static InetAddress byAddress(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("a " + raw.length + "-byte address is neither IPv4 nor IPv6", e);
        }
    }
}
