package io.vroute.rib;

import java.net.InetAddress;

/**
 * Says which network interface (ENI) owns a BGP next hop. The RIB asks once per distinct next hop and keeps
 * the answer until {@link Rib#reresolveNextHops()} is called, so call that whenever interfaces change.
 */
@FunctionalInterface
public interface NextHopResolver {
    /** The id of the interface that owns {@code nextHop} (e.g. {@code eni-0a1b2c3d}), or null when none does. */
    String resolve(InetAddress nextHop);
}
