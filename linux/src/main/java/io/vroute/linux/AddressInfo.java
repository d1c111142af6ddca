package io.vroute.linux;

import java.net.InetAddress;

/**
 * An IPv4 or IPv6 address on a link ({@link Addresses#list()}).
 *
 * @param linkIndex    the interface index of the link
 * @param address      the address
 * @param prefixLength the length of the prefix it is configured with (the connected route's)
 */
public record AddressInfo(int linkIndex, InetAddress address, int prefixLength) {
    @Override
    public String toString() {
        return address.getHostAddress() + "/" + prefixLength + " on link #" + linkIndex;
    }
}
