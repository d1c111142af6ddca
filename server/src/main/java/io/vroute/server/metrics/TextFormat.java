package io.vroute.server.metrics;

import java.util.List;

/**
 * Prometheus text exposition format 0.0.4: for each family a {@code # HELP} and a {@code # TYPE} line, then one
 * {@code name{label="value",...} value} line per sample, each line ended by a line feed.
 */
final class TextFormat {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private TextFormat() {}

    static String write(List<Family> families) {
        StringBuilder out = new StringBuilder(4096);
        for (Family f : families) write(f, out);
        return out.toString();
    }

    static void write(Family f, StringBuilder out) {
        out.append("# HELP ").append(f.name()).append(' ');
        escapeHelp(f.help(), out);
        out.append('\n');
        out.append("# TYPE ").append(f.name()).append(' ').append(f.type().word).append('\n');
        for (Family.Sample s : f.samples()) {
            out.append(s.name());
            if (!s.labelNames().isEmpty()) {
                out.append('{');
                for (int i = 0; i < s.labelNames().size(); i++) {
                    if (i > 0) out.append(',');
                    out.append(s.labelNames().get(i)).append("=\"");
                    escapeLabelValue(s.labelValues().get(i), out);
                    out.append('"');
                }
                out.append('}');
            }
            out.append(' ').append(number(s.value())).append('\n');
        }
    }

    /** HELP text: backslash and line feed are escaped (a double quote is not, in HELP). */
    static void escapeHelp(String text, StringBuilder out) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }

    /** Label values: backslash, double quote and line feed are escaped. */
    static void escapeLabelValue(String value, StringBuilder out) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }

    /** A sample value or bucket bound as Go's ParseFloat reads it: integers without a fraction, +Inf, -Inf, NaN. */
    static String number(double v) {
        if (Double.isNaN(v)) return "NaN";
        if (v == Double.POSITIVE_INFINITY) return "+Inf";
        if (v == Double.NEGATIVE_INFINITY) return "-Inf";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return Double.toString(v);
    }
}
