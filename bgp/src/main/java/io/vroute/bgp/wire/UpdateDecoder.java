package io.vroute.bgp.wire;

/** UPDATE body decoder (RFC 4271 §4.3, RFC 4760, RFC 6793, RFC 7606, RFC 7911). To be implemented. */
final class UpdateDecoder {
    UpdateMessage decode(byte[] buf, int off, int len, SessionContext context) throws BgpProtocolException {
        throw new UnsupportedOperationException("TODO");
    }
}
