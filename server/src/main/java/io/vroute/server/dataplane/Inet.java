package io.vroute.server.dataplane;

import io.vroute.linux.IpPrefix;
import io.vroute.vpc.Address;
import io.vroute.vpc.Cidr;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Conversions between the model's addresses ({@link Address}, {@link Cidr}) and the kernel module's. */
final class Inet {
    private Inet() {
    }

    static InetAddress of(Address address) {
        byte[] bytes;
        if (address.ipv6()) {
            bytes = new byte[16];
            put(bytes, 0, address.hi());
            put(bytes, 8, address.lo());
        } else {
            long v = address.lo();
            bytes = new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** The canonical text: a dotted quad, or RFC 5952 for IPv6 ({@code fd00::1}, not {@code fd00:0:0:0:0:0:0:1}). */
    static String text(InetAddress address) {
        return Address.of(address).toString();
    }

    static InetAddress parse(String text) {
        return of(Address.parse(text));
    }

    static IpPrefix prefix(Cidr cidr) {
        return new IpPrefix(of(cidr.network()), cidr.length());
    }

    static Cidr cidr(IpPrefix prefix) {
        return Cidr.of(Address.of(prefix.address()), prefix.length());
    }

    /** Whether the address is IPv6 link-local (fe80::/10): the kernel gives every link one; they are never stale. */
    static boolean linkLocal(InetAddress address) {
        byte[] b = address.getAddress();
        return b.length == 16 && (b[0] & 0xFF) == 0xFE && (b[1] & 0xC0) == 0x80;
    }

    private static void put(byte[] bytes, int at, long value) {
        for (int i = 0; i < 8; i++) {
            bytes[at + i] = (byte) (value >>> (56 - 8 * i));
        }
    }
}
