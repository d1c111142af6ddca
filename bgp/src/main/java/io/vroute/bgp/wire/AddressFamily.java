package io.vroute.bgp.wire;

/**
 * An AFI/SAFI pair (RFC 4760 §3). vroute routes IPv4 and IPv6 unicast; other pairs can still be named so
 * that capabilities a peer offers are decoded and shown faithfully.
 */
public record AddressFamily(int afi, int safi) {
    public static final int AFI_IPV4 = 1;
    public static final int AFI_IPV6 = 2;
    public static final int SAFI_UNICAST = 1;

    public static final AddressFamily IPV4_UNICAST = new AddressFamily(AFI_IPV4, SAFI_UNICAST);
    public static final AddressFamily IPV6_UNICAST = new AddressFamily(AFI_IPV6, SAFI_UNICAST);

    public AddressFamily {
        if (afi < 0 || afi > 0xFFFF) throw new IllegalArgumentException("AFI out of range: " + afi);
        if (safi < 0 || safi > 0xFF) throw new IllegalArgumentException("SAFI out of range: " + safi);
    }

    public static AddressFamily of(int afi, int safi) {
        if (safi == SAFI_UNICAST) {
            if (afi == AFI_IPV4) return IPV4_UNICAST;
            if (afi == AFI_IPV6) return IPV6_UNICAST;
        }
        return new AddressFamily(afi, safi);
    }

    /** True for the families vroute can carry routes of. */
    public boolean isSupported() {
        return safi == SAFI_UNICAST && (afi == AFI_IPV4 || afi == AFI_IPV6);
    }

    /** Address length in bytes of this family's prefixes (4 or 16), or -1 when not an IP family. */
    public int addressBytes() {
        return afi == AFI_IPV4 ? 4 : afi == AFI_IPV6 ? 16 : -1;
    }

    @Override
    public String toString() {
        String a = afi == AFI_IPV4 ? "ipv4" : afi == AFI_IPV6 ? "ipv6" : "afi" + afi;
        String s = safi == SAFI_UNICAST ? "unicast" : "safi" + safi;
        return a + "-" + s;
    }
}
