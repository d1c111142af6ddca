package io.vroute.bgp.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * NOTIFICATION (RFC 4271 §4.5). Codes and subcodes from RFC 4271 §4.5 and §6, RFC 4486 (Cease subcodes),
 * RFC 7313 §5 (ROUTE-REFRESH message error) and RFC 8203/9003 (shutdown communication).
 */
public record NotificationMessage(int code, int subcode, byte[] data) implements BgpMessage {
    public static final int MESSAGE_HEADER_ERROR = 1;
    public static final int OPEN_MESSAGE_ERROR = 2;
    public static final int UPDATE_MESSAGE_ERROR = 3;
    public static final int HOLD_TIMER_EXPIRED = 4;
    public static final int FSM_ERROR = 5;
    public static final int CEASE = 6;
    public static final int ROUTE_REFRESH_MESSAGE_ERROR = 7;

    // Message Header Error subcodes (RFC 4271 §6.1)
    public static final int CONNECTION_NOT_SYNCHRONIZED = 1;
    public static final int BAD_MESSAGE_LENGTH = 2;
    public static final int BAD_MESSAGE_TYPE = 3;
    // OPEN Message Error subcodes (RFC 4271 §6.2, RFC 5492 §5)
    public static final int UNSUPPORTED_VERSION_NUMBER = 1;
    public static final int BAD_PEER_AS = 2;
    public static final int BAD_BGP_IDENTIFIER = 3;
    public static final int UNSUPPORTED_OPTIONAL_PARAMETER = 4;
    public static final int UNACCEPTABLE_HOLD_TIME = 6;
    public static final int UNSUPPORTED_CAPABILITY = 7;
    // UPDATE Message Error subcodes (RFC 4271 §6.3)
    public static final int MALFORMED_ATTRIBUTE_LIST = 1;
    public static final int UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE = 2;
    public static final int MISSING_WELL_KNOWN_ATTRIBUTE = 3;
    public static final int ATTRIBUTE_FLAGS_ERROR = 4;
    public static final int ATTRIBUTE_LENGTH_ERROR = 5;
    public static final int INVALID_ORIGIN_ATTRIBUTE = 6;
    public static final int INVALID_NEXT_HOP_ATTRIBUTE = 8;
    public static final int OPTIONAL_ATTRIBUTE_ERROR = 9;
    public static final int INVALID_NETWORK_FIELD = 10;
    public static final int MALFORMED_AS_PATH = 11;
    // Cease subcodes (RFC 4486 §4)
    public static final int MAX_PREFIXES_REACHED = 1;
    public static final int ADMINISTRATIVE_SHUTDOWN = 2;
    public static final int PEER_DECONFIGURED = 3;
    public static final int ADMINISTRATIVE_RESET = 4;
    public static final int CONNECTION_REJECTED = 5;
    public static final int OTHER_CONFIGURATION_CHANGE = 6;
    public static final int CONNECTION_COLLISION_RESOLUTION = 7;
    public static final int OUT_OF_RESOURCES = 8;
    public static final int HARD_RESET = 9; // RFC 8538 §5
    public static final int BFD_DOWN = 10; // RFC 9384 §2
    // ROUTE-REFRESH Message Error subcode (RFC 7313 §5)
    public static final int INVALID_MESSAGE_LENGTH = 1;

    /** RFC 9003 §2: the shutdown communication is at most 255 octets of UTF-8. */
    public static final int MAX_SHUTDOWN_COMMUNICATION = 255;

    public NotificationMessage {
        if (code < 0 || code > 255 || subcode < 0 || subcode > 255) throw new IllegalArgumentException("code and subcode are one octet each");
        data = data == null ? new byte[0] : data.clone();
    }

    public NotificationMessage(int code, int subcode) {
        this(code, subcode, new byte[0]);
    }

    /**
     * Cease with an Administrative Shutdown or Reset and a shutdown communication (RFC 9003 §2): a length
     * octet and UTF-8 text, truncated on a character boundary to 255 octets.
     */
    public static NotificationMessage shutdown(int subcode, String message) {
        byte[] text = message == null ? new byte[0] : message.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(text.length, MAX_SHUTDOWN_COMMUNICATION);
        while (n < text.length && n > 0 && (text[n] & 0xC0) == 0x80) n--; // do not cut a UTF-8 sequence
        byte[] data = new byte[1 + n];
        data[0] = (byte) n;
        System.arraycopy(text, 0, data, 1, n);
        return new NotificationMessage(CEASE, subcode, data);
    }

    @Override public byte[] data() { return data.clone(); }

    /**
     * The shutdown communication of a Cease/Administrative Shutdown or Reset (RFC 9003 §2), or null when the
     * message carries none or it is malformed (RFC 9003 §3: then it is not shown as text).
     */
    public String shutdownCommunication() {
        NotificationMessage inner = hardResetCause();
        if (inner != null) return inner.shutdownCommunication();
        if (code != CEASE || (subcode != ADMINISTRATIVE_SHUTDOWN && subcode != ADMINISTRATIVE_RESET)) return null;
        if (data.length == 0) return null;
        int n = data[0] & 0xFF;
        if (n == 0 || n + 1 > data.length) return null;
        var dec = StandardCharsets.UTF_8.newDecoder();
        try {
            return dec.decode(java.nio.ByteBuffer.wrap(data, 1, n)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }

    /**
     * The NOTIFICATION a Cease / Hard Reset carries (RFC 8538 §3: its data is the original error code, subcode
     * and data), or null for any other message.
     */
    public NotificationMessage hardResetCause() {
        if (code != CEASE || subcode != HARD_RESET || data.length < 2) return null;
        byte[] rest = java.util.Arrays.copyOfRange(data, 2, data.length);
        return new NotificationMessage(data[0] & 0xFF, data[1] & 0xFF, rest);
    }

    /** Human text: "Cease / Administrative Shutdown: \"maintenance\"". */
    public String describe() {
        StringBuilder sb = new StringBuilder(codeName(code)).append(" / ").append(subcodeName(code, subcode));
        NotificationMessage inner = hardResetCause();
        if (inner != null) return sb.append(" (").append(inner.describe()).append(')').toString();
        String comm = shutdownCommunication();
        if (comm != null) {
            sb.append(": \"").append(comm).append('"');
        } else if (data.length > 0) {
            sb.append(" (data ").append(HexFormat.of().formatHex(data, 0, Math.min(data.length, 32)))
              .append(data.length > 32 ? "..." : "").append(')');
        }
        return sb.toString();
    }

    public static String codeName(int code) {
        return switch (code) {
            case MESSAGE_HEADER_ERROR -> "Message Header Error";
            case OPEN_MESSAGE_ERROR -> "OPEN Message Error";
            case UPDATE_MESSAGE_ERROR -> "UPDATE Message Error";
            case HOLD_TIMER_EXPIRED -> "Hold Timer Expired";
            case FSM_ERROR -> "Finite State Machine Error";
            case CEASE -> "Cease";
            case ROUTE_REFRESH_MESSAGE_ERROR -> "ROUTE-REFRESH Message Error";
            default -> "code " + code;
        };
    }

    public static String subcodeName(int code, int subcode) {
        String s = switch (code) {
            case MESSAGE_HEADER_ERROR -> switch (subcode) {
                case CONNECTION_NOT_SYNCHRONIZED -> "Connection Not Synchronized";
                case BAD_MESSAGE_LENGTH -> "Bad Message Length";
                case BAD_MESSAGE_TYPE -> "Bad Message Type";
                default -> null;
            };
            case OPEN_MESSAGE_ERROR -> switch (subcode) {
                case UNSUPPORTED_VERSION_NUMBER -> "Unsupported Version Number";
                case BAD_PEER_AS -> "Bad Peer AS";
                case BAD_BGP_IDENTIFIER -> "Bad BGP Identifier";
                case UNSUPPORTED_OPTIONAL_PARAMETER -> "Unsupported Optional Parameter";
                case UNACCEPTABLE_HOLD_TIME -> "Unacceptable Hold Time";
                case UNSUPPORTED_CAPABILITY -> "Unsupported Capability";
                default -> null;
            };
            case UPDATE_MESSAGE_ERROR -> switch (subcode) {
                case MALFORMED_ATTRIBUTE_LIST -> "Malformed Attribute List";
                case UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE -> "Unrecognized Well-known Attribute";
                case MISSING_WELL_KNOWN_ATTRIBUTE -> "Missing Well-known Attribute";
                case ATTRIBUTE_FLAGS_ERROR -> "Attribute Flags Error";
                case ATTRIBUTE_LENGTH_ERROR -> "Attribute Length Error";
                case INVALID_ORIGIN_ATTRIBUTE -> "Invalid ORIGIN Attribute";
                case INVALID_NEXT_HOP_ATTRIBUTE -> "Invalid NEXT_HOP Attribute";
                case OPTIONAL_ATTRIBUTE_ERROR -> "Optional Attribute Error";
                case INVALID_NETWORK_FIELD -> "Invalid Network Field";
                case MALFORMED_AS_PATH -> "Malformed AS_PATH";
                default -> null;
            };
            case FSM_ERROR -> switch (subcode) { // RFC 6608 §4
                case 1 -> "Receive Unexpected Message in OpenSent State";
                case 2 -> "Receive Unexpected Message in OpenConfirm State";
                case 3 -> "Receive Unexpected Message in Established State";
                default -> null;
            };
            case CEASE -> switch (subcode) {
                case MAX_PREFIXES_REACHED -> "Maximum Number of Prefixes Reached";
                case ADMINISTRATIVE_SHUTDOWN -> "Administrative Shutdown";
                case PEER_DECONFIGURED -> "Peer De-configured";
                case ADMINISTRATIVE_RESET -> "Administrative Reset";
                case CONNECTION_REJECTED -> "Connection Rejected";
                case OTHER_CONFIGURATION_CHANGE -> "Other Configuration Change";
                case CONNECTION_COLLISION_RESOLUTION -> "Connection Collision Resolution";
                case OUT_OF_RESOURCES -> "Out of Resources";
                case HARD_RESET -> "Hard Reset";
                case BFD_DOWN -> "BFD Down";
                default -> null;
            };
            case ROUTE_REFRESH_MESSAGE_ERROR -> subcode == INVALID_MESSAGE_LENGTH ? "Invalid Message Length" : null;
            default -> null;
        };
        if (s != null) return s;
        return subcode == 0 ? "Unspecific" : "subcode " + subcode;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NotificationMessage n && n.code == code && n.subcode == subcode && Arrays.equals(n.data, data);
    }

    @Override
    public int hashCode() {
        return (code * 256 + subcode) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "NOTIFICATION[" + describe() + "]";
    }

    @Override public int type() { return TYPE_NOTIFICATION; }
}
