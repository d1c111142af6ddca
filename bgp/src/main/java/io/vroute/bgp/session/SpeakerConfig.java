package io.vroute.bgp.session;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * A speaker's own settings.
 *
 * @param localAs  our AS number, 1..4294967295
 * @param routerId our BGP identifier, an IPv4 address other than 0.0.0.0 (RFC 6286 §2.1)
 * @param listen   addresses to accept connections on; empty for a speaker with active peers only; port 0 picks one
 * @param freeBind bind listeners with IP_FREEBIND, so an address that is not (yet) on an interface can be used
 */
public record SpeakerConfig(long localAs, InetAddress routerId, List<InetSocketAddress> listen, boolean freeBind) {
    public SpeakerConfig {
        if (localAs < 1 || localAs > 0xFFFF_FFFFL) throw new IllegalArgumentException("local AS must be 1..4294967295, not " + localAs);
        if (!(routerId instanceof Inet4Address) || java.util.Arrays.equals(routerId.getAddress(), new byte[4])) {
            throw new IllegalArgumentException("the router ID must be a non-zero IPv4 address, not " + routerId);
        }
        listen = List.copyOf(listen);
    }

    int routerIdInt() {
        byte[] b = routerId.getAddress();
        return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
    }
}
