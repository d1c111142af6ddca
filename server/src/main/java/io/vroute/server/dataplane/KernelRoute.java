package io.vroute.server.dataplane;

import io.vroute.vpc.Cidr;

/**
 * One route as vroute puts it into a kernel routing table.
 *
 * @param destination the destination block
 * @param nextHop     where matching packets go
 */
public record KernelRoute(Cidr destination, NextHop nextHop) {

    /** Like {@code ip route}: {@code 172.16.1.1/32 via 10.0.1.10 dev br-...}, {@code blackhole 10.9.0.0/16}. */
    @Override
    public String toString() {
        return nextHop.kind() == NextHop.Kind.BLACKHOLE ? "blackhole " + destination : destination + " " + nextHop;
    }
}
