package io.vroute.server.dataplane;

import java.net.InetAddress;
import java.util.Objects;

/**
 * Where the kernel sends what a route matches: through a gateway on a link ({@code via 10.0.1.10 dev br-...}),
 * straight onto a link ({@code dev br-...}, a subnet's local route), or nowhere ({@code blackhole}).
 *
 * @param kind    which of the three
 * @param gateway the next hop's address for {@link Kind#VIA}, else null
 * @param device  the link's name for {@link Kind#VIA} and {@link Kind#DEVICE}, else null
 */
public record NextHop(Kind kind, InetAddress gateway, String device) {

    /** The three kinds of next hop. */
    public enum Kind {
        /** Through a gateway on a link: a network interface's address, or the far side of an internet gateway. */
        VIA,
        /** Directly on a link: every address of a subnet is on its bridge. */
        DEVICE,
        /** Dropped: the route's target is gone (EC2's state "blackhole"). */
        BLACKHOLE
    }

    /** The blackhole next hop. */
    public static final NextHop BLACKHOLE = new NextHop(Kind.BLACKHOLE, null, null);

    /**
     * @throws IllegalArgumentException when the fields do not fit the kind
     */
    public NextHop {
        Objects.requireNonNull(kind, "kind");
        boolean fits = switch (kind) {
            case VIA -> gateway != null && device != null;
            case DEVICE -> gateway == null && device != null;
            case BLACKHOLE -> gateway == null && device == null;
        };
        if (!fits) {
            throw new IllegalArgumentException("a " + kind + " next hop takes " + switch (kind) {
                case VIA -> "a gateway and a device";
                case DEVICE -> "a device and no gateway";
                case BLACKHOLE -> "neither gateway nor device";
            });
        }
    }

    public static NextHop via(InetAddress gateway, String device) {
        return new NextHop(Kind.VIA, gateway, device);
    }

    public static NextHop device(String device) {
        return new NextHop(Kind.DEVICE, null, device);
    }

    /** Like {@code ip route}: {@code via 10.0.1.10 dev br-0a1b2c3d4e5f}, {@code dev br-...} or {@code blackhole}. */
    @Override
    public String toString() {
        return switch (kind) {
            case VIA -> "via " + Inet.text(gateway) + " dev " + device;
            case DEVICE -> "dev " + device;
            case BLACKHOLE -> "blackhole";
        };
    }
}
