package io.vroute.bgp.wire;

/** RFC 4271 §4.4: a KEEPALIVE is only the header. */
public final class KeepaliveMessage implements BgpMessage {
    public static final KeepaliveMessage INSTANCE = new KeepaliveMessage();

    private KeepaliveMessage() {}

    @Override public int type() { return TYPE_KEEPALIVE; }
    @Override public String toString() { return "KEEPALIVE"; }
}
