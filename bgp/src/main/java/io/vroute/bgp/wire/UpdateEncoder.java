package io.vroute.bgp.wire;

/** UPDATE encoder. To be implemented. */
final class UpdateEncoder {
    private UpdateEncoder() {}

    static byte[] encode(UpdateMessage m, SessionContext context) {
        throw new UnsupportedOperationException("TODO");
    }
}
