package io.vroute.linux;

import java.util.OptionalInt;

/**
 * A network interface as the kernel reports it ({@link Links#list()}).
 *
 * @param index   the interface index, unique within its namespace
 * @param name    the interface name
 * @param kind    the link kind ("bridge", "veth", ...), empty for devices without one (loopback, physical NICs)
 * @param up      administratively up (IFF_UP)
 * @param carrier the link has carrier (IFF_LOWER_UP): for a veth, its peer is up too
 * @param mtu     the MTU
 * @param master  the index of the bridge the link is a port of, if any
 */
public record LinkInfo(int index, String name, String kind, boolean up, boolean carrier, int mtu, OptionalInt master) {
}
