package io.vroute.bgp.wire;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/** Capabilities advertised in OPEN (RFC 5492). Codes the decoder does not know become {@link Unknown}. */
public sealed interface Capability {
    int MULTIPROTOCOL = 1;        // RFC 4760 §8
    int ROUTE_REFRESH = 2;        // RFC 2918 §2
    int EXTENDED_MESSAGE = 6;     // RFC 8654 §3
    int GRACEFUL_RESTART = 64;    // RFC 4724 §3
    int FOUR_OCTET_AS = 65;       // RFC 6793 §3
    int ADD_PATH = 69;            // RFC 7911 §4
    int ENHANCED_ROUTE_REFRESH = 70; // RFC 7313 §3.1

    int code();

    record Multiprotocol(AddressFamily family) implements Capability {
        @Override public int code() { return MULTIPROTOCOL; }
    }

    record RouteRefresh() implements Capability {
        @Override public int code() { return ROUTE_REFRESH; }
    }

    record EnhancedRouteRefresh() implements Capability {
        @Override public int code() { return ENHANCED_ROUTE_REFRESH; }
    }

    record ExtendedMessage() implements Capability {
        @Override public int code() { return EXTENDED_MESSAGE; }
    }

    record FourOctetAs(long asn) implements Capability {
        public FourOctetAs {
            if (asn < 0 || asn > 0xFFFF_FFFFL) throw new IllegalArgumentException("ASN out of range: " + asn);
        }
        @Override public int code() { return FOUR_OCTET_AS; }
    }

    /**
     * RFC 4724 §3. {@code restarting} is the R bit, {@code notification} the N bit of RFC 8538 §2,
     * {@code restartTime} in seconds (12 bits).
     */
    record GracefulRestart(boolean restarting, boolean notification, int restartTime,
                           List<GracefulRestart.Family> families) implements Capability {
        public GracefulRestart {
            if (restartTime < 0 || restartTime > 4095) throw new IllegalArgumentException("restart time is 12 bits");
            families = List.copyOf(families);
        }
        /** Per-family entry; {@code forwardingPreserved} is the F bit. */
        public record Family(AddressFamily family, boolean forwardingPreserved) {}
        @Override public int code() { return GRACEFUL_RESTART; }
    }

    /** RFC 7911 §4: per family, whether the sender can receive and/or send multiple paths. */
    record AddPath(List<AddPath.Family> families) implements Capability {
        public AddPath {
            families = List.copyOf(families);
        }
        public record Family(AddressFamily family, boolean receive, boolean send) {}
        @Override public int code() { return ADD_PATH; }
    }

    /** A capability this implementation does not interpret; RFC 5492 §4 says to ignore it, we keep it to show. */
    record Unknown(int code, byte[] value) implements Capability {
        public Unknown {
            value = value.clone();
        }
        @Override public byte[] value() { return value.clone(); }
        @Override public boolean equals(Object o) {
            return o instanceof Unknown u && u.code == code && Arrays.equals(u.value, value);
        }
        @Override public int hashCode() { return code * 31 + Arrays.hashCode(value); }
        @Override public String toString() { return "Unknown[code=" + code + ", value=" + HexFormat.of().formatHex(value) + "]"; }
    }
}
