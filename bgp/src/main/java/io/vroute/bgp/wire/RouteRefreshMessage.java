package io.vroute.bgp.wire;

/**
 * ROUTE-REFRESH (RFC 2918 §3) with the message subtype of enhanced route refresh (RFC 7313 §3.2):
 * 0 normal request, 1 Beginning of Route Refresh (BoRR), 2 End of Route Refresh (EoRR).
 */
public record RouteRefreshMessage(AddressFamily family, int subtype) implements BgpMessage {
    public static final int NORMAL = 0;
    public static final int BORR = 1;
    public static final int EORR = 2;

    public RouteRefreshMessage {
        if (subtype < 0 || subtype > 255) throw new IllegalArgumentException("subtype must be one octet");
    }

    @Override public int type() { return TYPE_ROUTE_REFRESH; }
}
