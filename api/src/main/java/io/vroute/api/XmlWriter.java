package io.vroute.api;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Writes the XML of an EC2 response straight into a buffer: no document tree, one pass, text escaped on the
 * way. Element names are the response members' XML names ({@code routeServerId}, {@code tagSet}); lists are
 * written the EC2 way, {@code <name><item>...</item><item>...</item></name>}.
 *
 * <pre>{@code
 * w.start("routeServer")
 *      .element("routeServerId", rs.id())
 *      .element("amazonSideAsn", rs.asn())
 *      .element("persistRoutesDuration", rs.persistMinutes())   // a null Long writes nothing
 *      .tags("tagSet", rs.tags())
 *  .end();
 * }</pre>
 */
public final class XmlWriter {
    private final StringBuilder out;
    private final ArrayDeque<String> open = new ArrayDeque<>();

    public XmlWriter() {
        this(new StringBuilder(256));
    }

    XmlWriter(StringBuilder out) {
        this.out = out;
    }

    /** Opens {@code <name>}; close it with {@link #end()}. */
    public XmlWriter start(String name) {
        out.append('<').append(name).append('>');
        open.push(name);
        return this;
    }

    /** Closes the element opened last. */
    public XmlWriter end() {
        if (open.isEmpty()) {
            throw new IllegalStateException("end() without a matching start(): every end() closes one start()");
        }
        out.append("</").append(open.pop()).append('>');
        return this;
    }

    /** {@code <name>value</name>}, escaped; nothing at all when value is null. */
    public XmlWriter element(String name, String value) {
        if (value != null) {
            out.append('<').append(name).append('>');
            escape(value);
            out.append("</").append(name).append('>');
        }
        return this;
    }

    public XmlWriter element(String name, long value) {
        out.append('<').append(name).append('>').append(value).append("</").append(name).append('>');
        return this;
    }

    public XmlWriter element(String name, boolean value) {
        out.append('<').append(name).append('>').append(value).append("</").append(name).append('>');
        return this;
    }

    /** For optional numbers: nothing at all when value is null. */
    public XmlWriter element(String name, Long value) {
        return value == null ? this : element(name, value.longValue());
    }

    /** For optional flags: nothing at all when value is null. */
    public XmlWriter element(String name, Boolean value) {
        return value == null ? this : element(name, value.booleanValue());
    }

    /** Escaped text inside the element opened last, for lists of plain strings: {@code (w, s) -> w.text(s)}. */
    public XmlWriter text(String value) {
        escape(value);
        return this;
    }

    /**
     * {@code <name><item>...</item>...</name>}: one {@code item} per element of items, its content written by
     * {@code item}. An empty list is written as an empty {@code <name></name>}, as EC2 does.
     */
    public <T> XmlWriter list(String name, Iterable<? extends T> items, BiConsumer<XmlWriter, ? super T> item) {
        start(name);
        for (T each : items) {
            start("item");
            item.accept(this, each);
            end();
        }
        return end();
    }

    /** A tag set, {@code <name><item><key>k</key><value>v</value></item>...</name>}, in the map's order. */
    public XmlWriter tags(String name, Map<String, String> tags) {
        return list(name, tags.entrySet(), (w, tag) -> w.element("key", tag.getKey()).element("value", tag.getValue()));
    }

    /** True when every {@link #start} has its {@link #end}. */
    boolean balanced() {
        return open.isEmpty();
    }

    /** The element left open last, for the log line when a handler forgets an end(). */
    String innermostOpen() {
        return open.peek();
    }

    /** What has been written so far. */
    @Override
    public String toString() {
        return out.toString();
    }

    private void escape(String s) {
        int n = s.length();
        int from = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            String replacement = switch (c) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                case '\'' -> "&apos;";
                case '\r' -> "&#13;"; // a bare CR would be read back as LF
                case '\t', '\n' -> null;
                default -> representable(s, i, c) ? null : "\uFFFD";
            };
            if (replacement != null) {
                out.append(s, from, i).append(replacement);
                from = i + 1;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++; // a valid pair: keep both halves
            }
        }
        out.append(s, from, n);
    }

    /** XML 1.0 §2.2: control characters other than tab, LF and CR, and lone surrogates, cannot appear. */
    private static boolean representable(String s, int i, char c) {
        if (c < 0x20 || c == 0xFFFE || c == 0xFFFF) {
            return false;
        }
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return !Character.isLowSurrogate(c);
    }
}
