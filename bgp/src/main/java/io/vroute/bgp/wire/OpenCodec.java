package io.vroute.bgp.wire;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * OPEN body codec (RFC 4271 §4.2): Version (1), My Autonomous System (2), Hold Time (2), BGP Identifier (4),
 * Optional Parameters Length (1), Optional Parameters. Capabilities travel in optional parameter type 2
 * (RFC 5492 §4); the extended optional parameters length of RFC 9072 §2 is read, and written when needed.
 */
final class OpenCodec {
    /** RFC 4271 §4.2: the fixed part of the body; the minimum OPEN is 29 octets. */
    static final int MIN_BODY = 10;
    static final int VERSION = 4;
    /** RFC 5492 §4: the Capabilities Optional Parameter. */
    static final int PARAM_CAPABILITIES = 2;
    /** RFC 9072 §2: Optional Parameter type 255 announces the extended format. */
    static final int PARAM_EXTENDED_LENGTH = 255;

    private OpenCodec() {}

    // ---------------------------------------------------------------------------------------------- decode

    static OpenMessage decode(byte[] buf, int off, int len) throws BgpProtocolException {
        if (len < MIN_BODY) {
            // RFC 4271 §6.1: an OPEN shorter than its minimum length is Message Header Error / Bad Message
            // Length, with the erroneous Length field as data.
            int total = BgpMessage.HEADER_LENGTH + len;
            throw new BgpProtocolException(NotificationMessage.MESSAGE_HEADER_ERROR, NotificationMessage.BAD_MESSAGE_LENGTH,
                    new byte[] {(byte) (total >>> 8), (byte) total}, "OPEN of " + total + " octets, the minimum is 29");
        }
        int version = buf[off] & 0xFF;
        if (version != VERSION) {
            // RFC 4271 §6.2: Unsupported Version Number; the data is the largest locally supported version
            // below the peer's bid, or the smallest supported one: 4 either way, as a 2-octet unsigned integer.
            throw new BgpProtocolException(NotificationMessage.OPEN_MESSAGE_ERROR, NotificationMessage.UNSUPPORTED_VERSION_NUMBER,
                    new byte[] {0, VERSION}, "BGP version " + version + " is not supported, only 4");
        }
        int myAs = u16(buf, off + 1);
        int holdTime = u16(buf, off + 3);
        int bgpIdentifier = u32(buf, off + 5);
        if (holdTime == 1 || holdTime == 2) {
            // RFC 4271 §4.2, §6.2: the Hold Time MUST be zero or at least three seconds; otherwise
            // Unacceptable Hold Time.
            throw new BgpProtocolException(NotificationMessage.OPEN_MESSAGE_ERROR, NotificationMessage.UNACCEPTABLE_HOLD_TIME,
                    "hold time " + holdTime + " s is neither 0 nor at least 3");
        }
        if (bgpIdentifier == 0) {
            // RFC 6286 §2.2 (updating RFC 4271 §6.2): the BGP Identifier is a non-zero 4-octet number; a zero
            // one is syntactically incorrect: Bad BGP Identifier.
            throw new BgpProtocolException(NotificationMessage.OPEN_MESSAGE_ERROR, NotificationMessage.BAD_BGP_IDENTIFIER,
                    "BGP identifier 0.0.0.0");
        }
        List<Capability> capabilities = new ArrayList<>();
        int optLen = buf[off + 9] & 0xFF;
        int p = off + MIN_BODY;
        int end = off + len;
        boolean extended = optLen != 0 && len > MIN_BODY && (buf[p] & 0xFF) == PARAM_EXTENDED_LENGTH;
        if (extended) {
            // RFC 9072 §2: Non-Ext OP Type 255 means the extended format: Non-Ext OP Len is ignored, a 2-octet
            // Extended Opt. Parm. Length follows, and every parameter has a 2-octet Parameter Length.
            if (len < MIN_BODY + 3) throw openError("extended optional parameters length is truncated");
            int extLen = u16(buf, p + 1);
            p += 3;
            if (p + extLen != end) {
                throw openError("extended optional parameters length " + extLen + " but " + (end - p) + " octets follow");
            }
        } else if (MIN_BODY + optLen != len) {
            // RFC 4271 §4.2: the Optional Parameters Length is the total length of the parameters.
            throw openError("optional parameters length " + optLen + " but " + (len - MIN_BODY) + " octets follow");
        }
        int headerLen = extended ? 3 : 2;
        while (p < end) {
            if (p + headerLen > end) throw openError("optional parameter header is truncated");
            int type = buf[p] & 0xFF;
            int plen = extended ? u16(buf, p + 1) : buf[p + 1] & 0xFF;
            int q = p + headerLen;
            if (q + plen > end) {
                throw openError("optional parameter type " + type + " of " + plen + " octets overruns the optional parameters");
            }
            if (type != PARAM_CAPABILITIES) {
                // RFC 4271 §6.2: an optional parameter that is not recognized is Unsupported Optional Parameter.
                throw new BgpProtocolException(NotificationMessage.OPEN_MESSAGE_ERROR,
                        NotificationMessage.UNSUPPORTED_OPTIONAL_PARAMETER, "unsupported optional parameter type " + type);
            }
            decodeCapabilities(buf, q, q + plen, capabilities);
            p = q + plen;
        }
        return new OpenMessage(version, myAs, holdTime, bgpIdentifier, capabilities);
    }

    /** RFC 5492 §4: the parameter value is a list of <Capability Code (1), Capability Length (1), Value> triples. */
    private static void decodeCapabilities(byte[] buf, int p, int end, List<Capability> out) throws BgpProtocolException {
        while (p < end) {
            if (p + 2 > end) throw openError("capability header overruns its optional parameter");
            int code = buf[p] & 0xFF;
            int clen = buf[p + 1] & 0xFF;
            int v = p + 2;
            if (v + clen > end) {
                throw openError("capability " + code + " of " + clen + " octets overruns its optional parameter");
            }
            out.add(decodeCapability(code, buf, v, clen));
            p = v + clen;
        }
    }

    private static Capability decodeCapability(int code, byte[] buf, int v, int clen) throws BgpProtocolException {
        return switch (code) {
            case Capability.MULTIPROTOCOL -> {
                // RFC 4760 §8: AFI (2), Reserved (1), SAFI (1).
                expectLength(code, "Multiprotocol", clen, clen == 4, "4");
                yield new Capability.Multiprotocol(AddressFamily.of(u16(buf, v), buf[v + 3] & 0xFF));
            }
            case Capability.ROUTE_REFRESH -> {
                // RFC 2918 §2: Capability Length 0.
                expectLength(code, "Route Refresh", clen, clen == 0, "0");
                yield new Capability.RouteRefresh();
            }
            case Capability.EXTENDED_MESSAGE -> {
                // RFC 8654 §3: Capability Length 0.
                expectLength(code, "Extended Message", clen, clen == 0, "0");
                yield new Capability.ExtendedMessage();
            }
            case Capability.ENHANCED_ROUTE_REFRESH -> {
                // RFC 7313 §3.1: Capability Length 0.
                expectLength(code, "Enhanced Route Refresh", clen, clen == 0, "0");
                yield new Capability.EnhancedRouteRefresh();
            }
            case Capability.FOUR_OCTET_AS -> {
                // RFC 6793 §3: the value is the speaker's 4-octet AS number.
                expectLength(code, "4-octet AS", clen, clen == 4, "4");
                yield new Capability.FourOctetAs(u32(buf, v) & 0xFFFF_FFFFL);
            }
            case Capability.GRACEFUL_RESTART -> {
                // RFC 4724 §3: Restart Flags (4 bits) and Restart Time (12 bits), then per family AFI (2),
                // SAFI (1), Flags for Address Family (1).
                expectLength(code, "Graceful Restart", clen, clen >= 2 && (clen - 2) % 4 == 0, "2 + 4n");
                int flags = (buf[v] & 0xF0) >>> 4;
                boolean restarting = (flags & 0x8) != 0;   // R bit, RFC 4724 §3
                boolean notification = (flags & 0x4) != 0; // N bit, RFC 8538 §2
                int restartTime = ((buf[v] & 0x0F) << 8) | (buf[v + 1] & 0xFF);
                List<Capability.GracefulRestart.Family> families = new ArrayList<>();
                for (int f = v + 2; f < v + clen; f += 4) {
                    AddressFamily af = AddressFamily.of(u16(buf, f), buf[f + 2] & 0xFF);
                    boolean forwarding = (buf[f + 3] & 0x80) != 0; // F bit, RFC 4724 §3
                    families.add(new Capability.GracefulRestart.Family(af, forwarding));
                }
                yield new Capability.GracefulRestart(restarting, notification, restartTime, families);
            }
            case Capability.ADD_PATH -> {
                // RFC 7911 §4: per family AFI (2), SAFI (1), Send/Receive (1).
                expectLength(code, "ADD-PATH", clen, clen % 4 == 0, "4n");
                List<Capability.AddPath.Family> families = new ArrayList<>();
                for (int f = v; f < v + clen; f += 4) {
                    int sendReceive = buf[f + 3] & 0xFF;
                    if (sendReceive < 1 || sendReceive > 3) {
                        // RFC 7911 §4: any other Send/Receive value makes the capability not understood, to be
                        // ignored: keep it as an unknown capability.
                        yield new Capability.Unknown(code, Arrays.copyOfRange(buf, v, v + clen));
                    }
                    AddressFamily af = AddressFamily.of(u16(buf, f), buf[f + 2] & 0xFF);
                    // RFC 7911 §4: 1 = receive, 2 = send, 3 = both.
                    families.add(new Capability.AddPath.Family(af, (sendReceive & 1) != 0, (sendReceive & 2) != 0));
                }
                yield new Capability.AddPath(families);
            }
            // RFC 5492 §4: a capability that is not supported is ignored; it is kept to be shown.
            default -> new Capability.Unknown(code, Arrays.copyOfRange(buf, v, v + clen));
        };
    }

    private static void expectLength(int code, String name, int clen, boolean ok, String expected) throws BgpProtocolException {
        // RFC 5492 does not say what to send for a capability whose length does not fit its code; the OPEN is
        // malformed, so OPEN Message Error with the unspecific subcode.
        if (!ok) throw openError(name + " capability (code " + code + ") has length " + clen + ", expected " + expected);
    }

    private static BgpProtocolException openError(String message) {
        return new BgpProtocolException(NotificationMessage.OPEN_MESSAGE_ERROR, 0, message);
    }

    // ---------------------------------------------------------------------------------------------- encode

    /**
     * The OPEN with its header. All capabilities go into one Capabilities Optional Parameter (RFC 5492 §4
     * allows one or several), in the order given. The plain format of RFC 4271 is used when the optional
     * parameters fit in 255 octets, else the extended format of RFC 9072 §2.
     */
    static byte[] encode(OpenMessage m) {
        if (m.version() < 0 || m.version() > 0xFF) throw new IllegalArgumentException("version is one octet: " + m.version());
        if (m.myAutonomousSystem() < 0 || m.myAutonomousSystem() > 0xFFFF) {
            throw new IllegalArgumentException("My Autonomous System is two octets: " + m.myAutonomousSystem());
        }
        if (m.holdTime() < 0 || m.holdTime() > 0xFFFF) throw new IllegalArgumentException("hold time is two octets: " + m.holdTime());
        byte[] caps = encodeCapabilities(m.capabilities());
        byte[] params;
        if (caps.length == 0) {
            params = new byte[] {0}; // Optional Parameters Length 0, no parameters
        } else if (2 + caps.length <= 255) {
            // RFC 4271 §4.2 / RFC 9072 §2: when the parameters fit in 255 octets, the plain encoding SHOULD be used.
            params = new byte[1 + 2 + caps.length];
            params[0] = (byte) (2 + caps.length);
            params[1] = PARAM_CAPABILITIES;
            params[2] = (byte) caps.length;
            System.arraycopy(caps, 0, params, 3, caps.length);
        } else {
            // RFC 9072 §2: Non-Ext OP Len 255, Non-Ext OP Type 255, Extended Opt. Parm. Length (2), then
            // parameters with 2-octet lengths.
            int extLen = 3 + caps.length;
            params = new byte[4 + extLen];
            params[0] = (byte) 255;
            params[1] = (byte) PARAM_EXTENDED_LENGTH;
            params[2] = (byte) (extLen >>> 8);
            params[3] = (byte) extLen;
            params[4] = PARAM_CAPABILITIES;
            params[5] = (byte) (caps.length >>> 8);
            params[6] = (byte) caps.length;
            System.arraycopy(caps, 0, params, 7, caps.length);
        }
        int bodyLen = MIN_BODY - 1 + params.length;
        if (BgpMessage.HEADER_LENGTH + bodyLen > BgpMessage.MAX_LENGTH) {
            // RFC 8654 §4: an OPEN never exceeds 4096 octets, even with Extended Message.
            throw new IllegalArgumentException("OPEN of " + (BgpMessage.HEADER_LENGTH + bodyLen) + " octets exceeds 4096");
        }
        byte[] b = MessageEncoder.header(BgpMessage.TYPE_OPEN, bodyLen);
        int p = BgpMessage.HEADER_LENGTH;
        b[p] = (byte) m.version();
        put16(b, p + 1, m.myAutonomousSystem());
        put16(b, p + 3, m.holdTime());
        put32(b, p + 5, m.bgpIdentifier());
        System.arraycopy(params, 0, b, p + 9, params.length);
        return b;
    }

    private static byte[] encodeCapabilities(List<Capability> capabilities) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Capability c : capabilities) {
            byte[] value = capabilityValue(c);
            if (value.length > 255) {
                throw new IllegalArgumentException("capability " + c.code() + " value of " + value.length + " octets exceeds 255");
            }
            out.write(c.code());
            out.write(value.length);
            out.writeBytes(value);
        }
        return out.toByteArray();
    }

    private static byte[] capabilityValue(Capability c) {
        return switch (c) {
            case Capability.Multiprotocol mp -> {
                byte[] v = new byte[4]; // RFC 4760 §8: AFI, Reserved 0, SAFI
                put16(v, 0, mp.family().afi());
                v[3] = (byte) mp.family().safi();
                yield v;
            }
            case Capability.RouteRefresh r -> new byte[0];
            case Capability.EnhancedRouteRefresh r -> new byte[0];
            case Capability.ExtendedMessage e -> new byte[0];
            case Capability.FourOctetAs f -> {
                byte[] v = new byte[4];
                put32(v, 0, (int) f.asn());
                yield v;
            }
            case Capability.GracefulRestart gr -> {
                byte[] v = new byte[2 + 4 * gr.families().size()];
                int flags = (gr.restarting() ? 0x8 : 0) | (gr.notification() ? 0x4 : 0); // RFC 4724 §3, RFC 8538 §2
                v[0] = (byte) ((flags << 4) | (gr.restartTime() >>> 8));
                v[1] = (byte) gr.restartTime();
                int p = 2;
                for (var f : gr.families()) {
                    put16(v, p, f.family().afi());
                    v[p + 2] = (byte) f.family().safi();
                    v[p + 3] = (byte) (f.forwardingPreserved() ? 0x80 : 0);
                    p += 4;
                }
                yield v;
            }
            case Capability.AddPath ap -> {
                byte[] v = new byte[4 * ap.families().size()];
                int p = 0;
                for (var f : ap.families()) {
                    if (!f.receive() && !f.send()) {
                        throw new IllegalArgumentException("ADD-PATH family " + f.family() + " neither receives nor sends");
                    }
                    put16(v, p, f.family().afi());
                    v[p + 2] = (byte) f.family().safi();
                    v[p + 3] = (byte) ((f.receive() ? 1 : 0) | (f.send() ? 2 : 0)); // RFC 7911 §4
                    p += 4;
                }
                yield v;
            }
            case Capability.Unknown u -> {
                if (u.code() < 0 || u.code() > 255) throw new IllegalArgumentException("capability code is one octet: " + u.code());
                yield u.value();
            }
        };
    }

    // ---------------------------------------------------------------------------------------------- octets

    private static int u16(byte[] b, int p) {
        return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
    }

    private static int u32(byte[] b, int p) {
        return ((b[p] & 0xFF) << 24) | ((b[p + 1] & 0xFF) << 16) | ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF);
    }

    private static void put16(byte[] b, int p, int v) {
        b[p] = (byte) (v >>> 8);
        b[p + 1] = (byte) v;
    }

    private static void put32(byte[] b, int p, int v) {
        b[p] = (byte) (v >>> 24);
        b[p + 1] = (byte) (v >>> 16);
        b[p + 2] = (byte) (v >>> 8);
        b[p + 3] = (byte) v;
    }
}
