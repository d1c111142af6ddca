package io.vroute.bgp.wire;

/** ROUTE-REFRESH body codec (RFC 2918 §3, RFC 7313 §3.2). To be implemented. */
final class RouteRefreshCodec {
    private RouteRefreshCodec() {}

    static RouteRefreshMessage decode(byte[] buf, int off, int len) throws BgpProtocolException {
        throw new UnsupportedOperationException("TODO");
    }

    static byte[] encode(RouteRefreshMessage m) {
        throw new UnsupportedOperationException("TODO");
    }
}
