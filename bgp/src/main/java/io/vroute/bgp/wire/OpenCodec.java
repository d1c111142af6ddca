package io.vroute.bgp.wire;

/** OPEN body codec (RFC 4271 §4.2, RFC 5492, RFC 9072). To be implemented. */
final class OpenCodec {
    private OpenCodec() {}

    static OpenMessage decode(byte[] buf, int off, int len) throws BgpProtocolException {
        throw new UnsupportedOperationException("TODO");
    }

    static byte[] encode(OpenMessage m) {
        throw new UnsupportedOperationException("TODO");
    }
}
