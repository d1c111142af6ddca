package io.vroute.bgp.wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Hex helpers for tests. {@link #bytes} accepts spaces, line breaks, and comment lines starting with '#', so
 * vectors can be laid out field by field; {@link #golden} reads a vector file from {@code /golden/} on the
 * test classpath.
 */
public final class Hex {
    private Hex() {}

    /** The octets written in {@code text}; whitespace, ':' separators and lines starting with '#' are skipped. */
    public static byte[] bytes(String text) {
        StringBuilder sb = new StringBuilder();
        for (String line : text.split("\\R")) {
            String t = line.strip();
            if (t.startsWith("#")) continue;
            for (int i = 0; i < t.length(); i++) {
                char c = t.charAt(i);
                if (!Character.isWhitespace(c) && c != ':') sb.append(c);
            }
        }
        return HexFormat.of().parseHex(sb);
    }

    /** Lower-case hex of {@code b}, no separators. */
    public static String of(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** The vector in test resource {@code golden/name}, as {@link #bytes} reads it. */
    public static byte[] golden(String name) {
        try (InputStream in = Hex.class.getResourceAsStream("/golden/" + name)) {
            if (in == null) throw new IllegalArgumentException("no golden vector " + name);
            return bytes(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
