package io.vroute.vpc;

/**
 * An IPv4 or IPv6 CIDR block: a network address and a prefix length, host bits always zero. The bits are
 * laid out as in {@link Address}. {@link #toString()} is the canonical text, e.g. {@code 10.0.0.0/16}.
 */
public record Cidr(long hi, long lo, int length, boolean ipv6) implements Comparable<Cidr> {

    public Cidr {
        int bits = ipv6 ? 128 : 32;
        if (length < 0 || length > bits) {
            throw new IllegalArgumentException("prefix length " + length + " is outside 0.." + bits);
        }
        if (!ipv6 && (hi != 0 || (lo >>> 32) != 0)) {
            throw new IllegalArgumentException("an IPv4 network has only 32 bits");
        }
        if (maskHi(length, ipv6, hi) != hi || maskLo(length, ipv6, lo) != lo) {
            throw new IllegalArgumentException("host bits are set in " + new Address(hi, lo, ipv6) + "/" + length);
        }
    }

    /**
     * Parses {@code 10.0.0.0/16} or {@code 2001:db8::/56}. A block with host bits set, such as
     * {@code 10.0.0.1/16}, is refused with InvalidParameterValue naming the network address to use.
     */
    public static Cidr parse(String text) {
        int slash = text == null ? -1 : text.indexOf('/');
        if (slash < 0) {
            throw new VpcException("InvalidParameterValue", "'" + text
                    + "' is not a CIDR block; write an address, a slash and a prefix length, like 10.0.0.0/16 or 2001:db8::/56");
        }
        Address network;
        try {
            network = Address.parse(text.substring(0, slash));
        } catch (VpcException e) {
            throw new VpcException("InvalidParameterValue", "'" + text
                    + "' is not a CIDR block: the part before the slash is not an IP address; write it like 10.0.0.0/16 or 2001:db8::/56");
        }
        String lengthText = text.substring(slash + 1);
        int length = -1;
        if (!lengthText.isEmpty() && lengthText.length() <= 3 && lengthText.chars().allMatch(Character::isDigit)) {
            length = Integer.parseInt(lengthText);
        }
        if (length < 0 || length > network.bits()) {
            throw new VpcException("InvalidParameterValue", "'" + text + "' has prefix length '" + lengthText
                    + "'; use a number from 0 to " + network.bits());
        }
        Cidr masked = of(network, length);
        if (masked.hi != network.hi() || masked.lo != network.lo()) {
            throw new VpcException("InvalidParameterValue", "'" + text + "' has host bits set; its network address is "
                    + masked + ", use that instead");
        }
        return masked;
    }

    /** The block of the given length that holds {@code address} (host bits cleared). */
    public static Cidr of(Address address, int length) {
        return new Cidr(maskHi(length, address.ipv6(), address.hi()), maskLo(length, address.ipv6(), address.lo()),
                length, address.ipv6());
    }

    /** The /32 or /128 block of one address. */
    public static Cidr host(Address address) {
        return of(address, address.bits());
    }

    public boolean isIpv6() {
        return ipv6;
    }

    /** The network address (the first address of the block). */
    public Address network() {
        return new Address(hi, lo, ipv6);
    }

    /** The last address of the block (the broadcast address of an IPv4 subnet). */
    public Address last() {
        return new Address(hi | ~maskHi(length, ipv6, -1L) & (ipv6 ? -1L : 0L),
                lo | (~maskLo(length, ipv6, -1L) & (ipv6 ? -1L : 0xFFFF_FFFFL)), ipv6);
    }

    /**
     * The n-th address of the block, counting from 0 at the network address; a negative n counts back from
     * the end, -1 being the last address.
     */
    public Address address(long n) {
        int hostBits = (ipv6 ? 128 : 32) - length;
        if (hostBits < 63) {
            long size = 1L << hostBits;
            if (n >= size || n < -size) {
                throw new IllegalArgumentException(this + " has " + size + " addresses; there is no address number " + n);
            }
        }
        if (n < 0) {
            Address end = last();
            return add(end.hi(), end.lo(), n + 1);
        }
        return add(hi, lo, n);
    }

    /** Number of addresses in the block, saturated at {@link Long#MAX_VALUE}. */
    public long size() {
        int hostBits = (ipv6 ? 128 : 32) - length;
        return hostBits >= 63 ? Long.MAX_VALUE : 1L << hostBits;
    }

    /**
     * The position of {@code address} inside this block (0 for the network address). The block must hold it
     * and be no larger than 2^64 addresses (a subnet always is), so the low 64 bits tell the position.
     */
    long indexOf(Address address) {
        return address.lo() - lo;
    }

    public boolean contains(Address address) {
        return address.ipv6() == ipv6 && maskHi(length, ipv6, address.hi()) == hi
                && maskLo(length, ipv6, address.lo()) == lo;
    }

    public boolean contains(String address) {
        return contains(Address.parse(address));
    }

    /** True when every address of {@code other} is in this block (a block contains itself). */
    public boolean contains(Cidr other) {
        return other.ipv6 == ipv6 && other.length >= length && maskHi(length, ipv6, other.hi) == hi
                && maskLo(length, ipv6, other.lo) == lo;
    }

    public boolean overlaps(Cidr other) {
        return contains(other) || other.contains(this);
    }

    @Override
    public int compareTo(Cidr other) {
        if (ipv6 != other.ipv6) {
            return ipv6 ? 1 : -1;
        }
        int byHi = Long.compareUnsigned(hi, other.hi);
        if (byHi != 0) {
            return byHi;
        }
        int byLo = Long.compareUnsigned(lo, other.lo);
        return byLo != 0 ? byLo : Integer.compare(length, other.length);
    }

    @Override
    public String toString() {
        return (ipv6 ? Address.format6(hi, lo) : Address.format4(lo)) + "/" + length;
    }

    static long maskHi(int length, boolean ipv6, long hi) {
        if (!ipv6) {
            return 0;
        }
        return length >= 64 ? hi : length == 0 ? 0 : hi & (-1L << (64 - length));
    }

    static long maskLo(int length, boolean ipv6, long lo) {
        if (!ipv6) {
            return length == 0 ? 0 : lo & ((-1L << (32 - length)) & 0xFFFF_FFFFL);
        }
        return length <= 64 ? 0 : lo & (-1L << (128 - length));
    }

    // The offset is checked to stay inside the block, and a block never spans two values of hi with a
    // non-zero offset in lo (blocks of /64 and shorter start at lo = 0), so adding to lo alone is exact.
    private Address add(long baseHi, long baseLo, long n) {
        return new Address(baseHi, ipv6 ? baseLo + n : (baseLo + n) & 0xFFFF_FFFFL, ipv6);
    }
}
