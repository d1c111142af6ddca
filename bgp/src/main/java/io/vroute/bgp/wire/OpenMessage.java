package io.vroute.bgp.wire;

import java.util.List;

/**
 * OPEN (RFC 4271 §4.2). {@code myAutonomousSystem} is the 2-octet field as sent (AS_TRANS 23456 when the real
 * ASN needs four octets, RFC 6793 §4.1); {@link #asn()} gives the speaker's real ASN. Capabilities come from
 * optional parameter type 2 (RFC 5492 §4); unknown optional parameters are an error per RFC 4271 §6.2, so
 * none are kept.
 */
public record OpenMessage(int version, int myAutonomousSystem, int holdTime, int bgpIdentifier,
                          List<Capability> capabilities) implements BgpMessage {
    public static final int AS_TRANS = 23456; // RFC 6793 §9

    public OpenMessage {
        capabilities = List.copyOf(capabilities);
    }

    /** An OPEN for {@code asn}, putting AS_TRANS in the 2-octet field when the ASN does not fit. */
    public static OpenMessage of(long asn, int holdTime, int bgpIdentifier, List<Capability> capabilities) {
        int two = asn > 0xFFFF ? AS_TRANS : (int) asn;
        return new OpenMessage(4, two, holdTime, bgpIdentifier, capabilities);
    }

    /** The speaker's ASN: from the 4-octet AS capability when present (RFC 6793 §4.1), else the 2-octet field. */
    public long asn() {
        for (Capability c : capabilities) {
            if (c instanceof Capability.FourOctetAs f) return f.asn();
        }
        return myAutonomousSystem;
    }

    public <T extends Capability> List<T> capabilities(Class<T> type) {
        return capabilities.stream().filter(type::isInstance).map(type::cast).toList();
    }

    public boolean has(Class<? extends Capability> type) {
        return capabilities.stream().anyMatch(type::isInstance);
    }

    @Override public int type() { return TYPE_OPEN; }
}
