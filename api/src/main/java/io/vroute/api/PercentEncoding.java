package io.vroute.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The two encodings the Query protocol meets: form decoding of parameters, and SigV4's strict re-encoding. */
final class PercentEncoding {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private PercentEncoding() {}

    /**
     * Adds the parameters of an {@code application/x-www-form-urlencoded} string ({@code +} is a space,
     * {@code %XX} are UTF-8 bytes) to {@code into}. A name given twice is refused: which one counts would
     * otherwise be a guess.
     */
    static void decodeForm(String form, Map<String, String> into) {
        if (form == null || form.isEmpty()) {
            return;
        }
        int from = 0;
        while (from <= form.length()) {
            int amp = form.indexOf('&', from);
            int to = amp < 0 ? form.length() : amp;
            if (to > from) {
                int eq = form.indexOf('=', from);
                String name = eq < 0 || eq > to ? decode(form.substring(from, to)) : decode(form.substring(from, eq));
                String value = eq < 0 || eq > to ? "" : decode(form.substring(eq + 1, to));
                if (into.putIfAbsent(name, value) != null) {
                    throw new Ec2Exception("InvalidParameterValue",
                            "The parameter " + Ec2Exception.quote(name) + " is given more than once; give each parameter once.");
                }
            }
            from = to + 1;
        }
    }

    static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new Ec2Exception("MalformedQueryString",
                    "The request has a broken percent-escape near " + Ec2Exception.quote(s)
                            + "; encode the parameters as application/x-www-form-urlencoded UTF-8, as the AWS SDKs do.");
        }
    }

    /** RFC 3986 §2.3: everything except unreserved characters as %XX of its UTF-8 bytes, as SigV4 requires. */
    static String encodeStrict(String s, boolean keepSlash) {
        StringBuilder out = null;
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            boolean plain = (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9')
                    || b == '-' || b == '_' || b == '.' || b == '~' || (keepSlash && b == '/');
            if (plain && out == null) {
                continue;
            }
            if (out == null) {
                out = new StringBuilder(bytes.length + 16);
                out.append(new String(bytes, 0, i, StandardCharsets.US_ASCII));
            }
            if (plain) {
                out.append((char) b);
            } else {
                out.append('%').append(HEX[b >> 4]).append(HEX[b & 0xf]);
            }
        }
        return out == null ? s : out.toString();
    }
}
