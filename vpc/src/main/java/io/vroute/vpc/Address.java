package io.vroute.vpc;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * One IPv4 or IPv6 address as two longs: an IPv4 address is held in the low 32 bits of {@code lo} with
 * {@code hi} zero; an IPv6 address is {@code hi} (first 64 bits) and {@code lo} (last 64 bits).
 * {@link #toString()} gives the canonical text: dotted quad, or RFC 5952 for IPv6.
 */
public record Address(long hi, long lo, boolean ipv6) implements Comparable<Address> {

    public Address {
        if (!ipv6 && (hi != 0 || (lo >>> 32) != 0)) {
            throw new IllegalArgumentException("an IPv4 address has only 32 bits");
        }
    }

    /** Parses {@code 10.0.1.10} or {@code 2001:db8::10}; anything else is InvalidParameterValue. */
    public static Address parse(String text) {
        if (text == null || text.isEmpty()) {
            throw invalid(text);
        }
        Address parsed = text.indexOf(':') >= 0 ? parse6(text) : parse4(text);
        if (parsed == null) {
            throw invalid(text);
        }
        return parsed;
    }

    public static Address of(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            return new Address(0, Integer.toUnsignedLong(bytesToInt(bytes, 0)), false);
        }
        if (address instanceof Inet6Address) {
            return new Address(bytesToLong(bytes, 0), bytesToLong(bytes, 8), true);
        }
        throw new IllegalArgumentException("not an IP address: " + address);
    }

    public static Address ipv4(long bits) {
        return new Address(0, bits & 0xFFFF_FFFFL, false);
    }

    /** Bits in this address family: 32 or 128. */
    public int bits() {
        return ipv6 ? 128 : 32;
    }

    @Override
    public int compareTo(Address other) {
        if (ipv6 != other.ipv6) {
            return ipv6 ? 1 : -1;
        }
        int byHi = Long.compareUnsigned(hi, other.hi);
        return byHi != 0 ? byHi : Long.compareUnsigned(lo, other.lo);
    }

    @Override
    public String toString() {
        return ipv6 ? format6(hi, lo) : format4(lo);
    }

    static VpcException invalid(String text) {
        return new VpcException("InvalidParameterValue", "'" + text
                + "' is not an IP address; write an IPv4 address like 10.0.1.10 or an IPv6 address like 2001:db8::10");
    }

    private static Address parse4(String text) {
        long bits = parse4Bits(text);
        return bits < 0 ? null : new Address(0, bits, false);
    }

    /** The 32 bits of a dotted quad, or -1. Leading zeros are refused: 010 could be read as octal. */
    private static long parse4Bits(String text) {
        long bits = 0;
        int parts = 0;
        int i = 0;
        int n = text.length();
        while (i <= n) {
            int start = i;
            int value = 0;
            while (i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                value = value * 10 + (text.charAt(i) - '0');
                if (value > 255) {
                    return -1;
                }
                i++;
            }
            int digits = i - start;
            if (digits == 0 || (digits > 1 && text.charAt(start) == '0')) {
                return -1;
            }
            bits = (bits << 8) | value;
            parts++;
            if (i == n) {
                break;
            }
            if (text.charAt(i) != '.' || parts == 4) {
                return -1;
            }
            i++;
        }
        return parts == 4 ? bits : -1;
    }

    // RFC 4291 §2.2: eight groups of up to four hex digits, one "::" for a run of zero groups, and an
    // optional dotted quad in the last 32 bits.
    private static Address parse6(String text) {
        int doubleColon = text.indexOf("::");
        if (doubleColon >= 0 && text.indexOf("::", doubleColon + 1) >= 0) {
            return null;
        }
        int[] head = new int[8];
        int[] tail = new int[8];
        int headCount;
        int tailCount = 0;
        if (doubleColon < 0) {
            headCount = groups(text, head, true);
            if (headCount != 8) {
                return null;
            }
        } else {
            String before = text.substring(0, doubleColon);
            String after = text.substring(doubleColon + 2);
            headCount = before.isEmpty() ? 0 : groups(before, head, false);
            tailCount = after.isEmpty() ? 0 : groups(after, tail, true);
            if (headCount < 0 || tailCount < 0 || headCount + tailCount > 7) {
                return null;
            }
        }
        if (headCount < 0) {
            return null;
        }
        int[] all = new int[8];
        System.arraycopy(head, 0, all, 0, headCount);
        System.arraycopy(tail, 0, all, 8 - tailCount, tailCount);
        long hi = 0;
        long lo = 0;
        for (int g = 0; g < 4; g++) {
            hi = (hi << 16) | all[g];
            lo = (lo << 16) | all[g + 4];
        }
        return new Address(hi, lo, true);
    }

    /** Splits colon-separated groups into {@code out}; returns how many 16-bit groups, or -1. */
    private static int groups(String text, int[] out, boolean mayEndInIpv4) {
        String[] parts = text.split(":", -1);
        int count = 0;
        for (int p = 0; p < parts.length; p++) {
            String part = parts[p];
            if (p == parts.length - 1 && mayEndInIpv4 && part.indexOf('.') >= 0) {
                long v4 = parse4Bits(part);
                if (v4 < 0 || count + 2 > 8) {
                    return -1;
                }
                out[count++] = (int) (v4 >>> 16);
                out[count++] = (int) (v4 & 0xFFFF);
                continue;
            }
            if (part.isEmpty() || part.length() > 4 || count == 8) {
                return -1;
            }
            int value = 0;
            for (int i = 0; i < part.length(); i++) {
                int digit = Character.digit(part.charAt(i), 16);
                if (digit < 0) {
                    return -1;
                }
                value = (value << 4) | digit;
            }
            out[count++] = value;
        }
        return count;
    }

    static String format4(long bits) {
        return ((bits >>> 24) & 0xFF) + "." + ((bits >>> 16) & 0xFF) + "." + ((bits >>> 8) & 0xFF) + "." + (bits & 0xFF);
    }

    // RFC 5952 §4: lower case, no leading zeros, the longest run of two or more zero groups (the first
    // one on a tie) written as "::"; §5: an IPv4-mapped address keeps its dotted quad.
    static String format6(long hi, long lo) {
        if (hi == 0 && (lo >>> 32) == 0xFFFFL) {
            return "::ffff:" + format4(lo & 0xFFFF_FFFFL);
        }
        int[] group = new int[8];
        for (int g = 0; g < 4; g++) {
            group[g] = (int) ((hi >>> (48 - 16 * g)) & 0xFFFF);
            group[g + 4] = (int) ((lo >>> (48 - 16 * g)) & 0xFFFF);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int g = 0; g < 8; ) {
            if (group[g] != 0) {
                g++;
                continue;
            }
            int start = g;
            while (g < 8 && group[g] == 0) {
                g++;
            }
            if (g - start > bestLength) {
                bestStart = start;
                bestLength = g - start;
            }
        }
        StringBuilder text = new StringBuilder(39);
        for (int g = 0; g < 8; g++) {
            if (g == bestStart) {
                text.append("::");
                g += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(group[g]));
        }
        return text.toString();
    }

    private static int bytesToInt(byte[] bytes, int from) {
        return ((bytes[from] & 0xFF) << 24) | ((bytes[from + 1] & 0xFF) << 16) | ((bytes[from + 2] & 0xFF) << 8)
                | (bytes[from + 3] & 0xFF);
    }

    private static long bytesToLong(byte[] bytes, int from) {
        return (Integer.toUnsignedLong(bytesToInt(bytes, from)) << 32) | Integer.toUnsignedLong(bytesToInt(bytes, from + 4));
    }
}
