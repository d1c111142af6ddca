package io.vroute.app;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
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
        private static final JsonFactory JSON = new JsonFactory();

        @Override
        public String format(LogRecord r) {
            StringWriter w = new StringWriter(160);
            try (JsonGenerator g = JSON.createGenerator(w)) {
                g.writeStartObject();
                g.writeStringField("time", Instant.ofEpochMilli(r.getMillis()).toString());
                g.writeStringField("level", levelName(r.getLevel()));
                g.writeStringField("logger", r.getLoggerName());
                g.writeStringField("thread", Thread.currentThread().getName());
                g.writeStringField("message", formatMessage(r));
                String t = thrown(r);
                if (t != null) g.writeStringField("error", t);
                g.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e); // a StringWriter does not fail
            }
            return w.append('\n').toString();
        }
    }
}
