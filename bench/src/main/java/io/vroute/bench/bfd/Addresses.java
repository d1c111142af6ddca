package io.vroute.bench.bfd;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** IPv4 addresses counted upward, for a fleet of appliances on consecutive loopback addresses. */
final class Addresses {
    private Addresses() {}

    /** {@code count} addresses from {@code first} upward, leaving out those in {@code skip}. */
    static List<InetAddress> upward(InetAddress first, int count, Collection<InetAddress> skip) {
        if (!(first instanceof Inet4Address)) throw new IllegalArgumentException(first.getHostAddress() + ": give an IPv4 address");
        byte[] b = first.getAddress();
        long a = ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
        List<InetAddress> out = new ArrayList<>(count);
        for (; out.size() < count; a++) {
            if (a > 0xFFFF_FFFFL) throw new IllegalArgumentException("no " + count + " IPv4 addresses from " + first.getHostAddress());
            InetAddress next = of(a);
            if (!skip.contains(next)) out.add(next);
        }
        return out;
    }

    private static InetAddress of(long a) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an address
        }
    }
}
