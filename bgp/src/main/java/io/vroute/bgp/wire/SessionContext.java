package io.vroute.bgp.wire;

import java.util.Set;

/**
 * What a session negotiated that changes how messages are read and written: 4-octet ASNs (RFC 6793),
 * ADD-PATH per family and direction (RFC 7911), Extended Messages (RFC 8654). Before OPEN exchange the
 * {@link #INITIAL} context applies.
 *
 * @param fourOctetAs     both sides advertised the 4-octet AS capability: AS_PATH carries 4-octet ASNs
 * @param addPathReceive  families whose received NLRI carry path identifiers (we receive, the peer sends)
 * @param addPathSend     families whose NLRI we send with path identifiers
 * @param extendedMessage both sides advertised Extended Message: messages up to 65535 octets
 */
public record SessionContext(boolean fourOctetAs, Set<AddressFamily> addPathReceive, Set<AddressFamily> addPathSend,
                             boolean extendedMessage) {
    public static final SessionContext INITIAL = new SessionContext(false, Set.of(), Set.of(), false);
    /** The usual modern session: 4-octet ASNs, no ADD-PATH, 4096-octet messages. */
    public static final SessionContext FOUR_OCTET = new SessionContext(true, Set.of(), Set.of(), false);

    public SessionContext {
        addPathReceive = Set.copyOf(addPathReceive);
        addPathSend = Set.copyOf(addPathSend);
    }

    public int maxMessageLength() {
        return extendedMessage ? BgpMessage.MAX_EXTENDED_LENGTH : BgpMessage.MAX_LENGTH;
    }
}
