package io.vroute.app;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Locale;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The daemon's log: one record per line on standard error, as text for people ({@code 12:00:01.234 WARNING ...}) or as
 * JSON objects for log collectors ({@code --log-format json}), with a level threshold ({@code --log-level}). vroute
 * logs through {@link System.Logger}, which lands on java.util.logging; this sets up its root handler.
 */
final class Logs {
    private Logs() {}

    /**
     * Replaces the root logger's handlers with one that writes {@code format} (text or json) at {@code level} and above
     * (error, warning, info, debug, trace, in System.Logger's words).
     */
    static void configure(String format, String level) {
        Level threshold = switch (level.toLowerCase(Locale.ROOT)) {
            case "error" -> Level.SEVERE;
            case "warning", "warn" -> Level.WARNING;
            case "info" -> Level.INFO;
            case "debug" -> Level.FINE;
            case "trace" -> Level.FINER;
            default -> throw new IllegalArgumentException("--log-level must be error, warning, info, debug or trace, not " + level);
        };
        Formatter formatter = switch (format) {
            case "text" -> new Text();
            case "json" -> new Json();
            default -> throw new IllegalArgumentException("--log-format must be text or json, not " + format);
        };
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) root.removeHandler(h);
        ConsoleHandler h = new ConsoleHandler(); // standard error: standard output stays for peer logs (stdout)
        h.setFormatter(formatter);
        h.setLevel(threshold);
        root.addHandler(h);
        root.setLevel(threshold);
    }

    /** System.Logger's level names (the JUL record carries JUL's). */
    static String levelName(Level l) {
        int v = l.intValue();
        if (v >= Level.SEVERE.intValue()) return "ERROR";
        if (v >= Level.WARNING.intValue()) return "WARNING";
        if (v >= Level.INFO.intValue()) return "INFO";
        if (v >= Level.FINE.intValue()) return "DEBUG";
        return "TRACE";
    }

    private static String thrown(LogRecord r) {
        if (r.getThrown() == null) return null;
        StringWriter sw = new StringWriter();
        r.getThrown().printStackTrace(new PrintWriter(sw));
        return sw.toString();
    }

    /** {@code HH:mm:ss.SSS LEVEL message}, the stack trace after it when there is one. */
    static final class Text extends Formatter {
        @Override
        public String format(LogRecord r) {
            String t = thrown(r);
            return String.format("%1$tT.%1$tL %2$s %3$s%n%4$s", r.getMillis(), levelName(r.getLevel()), formatMessage(r),
                    t == null ? "" : t);
        }
    }

    /**
     * One JSON object per line: {@code time} (ISO-8601 UTC), {@code level}, {@code logger}, {@code thread},
     * {@code message}, and {@code error} (the stack trace) when there is one.
     */
    static final class Json extends Formatter {
        @Override
        public String format(LogRecord r) {
            StringBuilder b = new StringBuilder(160).append('{');
            field(b, "time", Instant.ofEpochMilli(r.getMillis()).toString()).append(',');
            field(b, "level", levelName(r.getLevel())).append(',');
            field(b, "logger", r.getLoggerName()).append(',');
            field(b, "thread", Thread.currentThread().getName()).append(',');
            field(b, "message", formatMessage(r));
            String t = thrown(r);
            if (t != null) field(b.append(','), "error", t);
            return b.append("}\n").toString();
        }

        private static StringBuilder field(StringBuilder b, String name, String value) {
            b.append('"').append(name).append("\":");
            if (value == null) return b.append("null");
            b.append('"');
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                switch (c) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    case '\n' -> b.append("\\n");
                    case '\r' -> b.append("\\r");
                    case '\t' -> b.append("\\t");
                    default -> {
                        if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                        else b.append(c);
                    }
                }
            }
            return b.append('"');
        }
    }
}
