package io.vroute.server.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One metric family as it is exposed: its name, type, help text and samples. Built at scrape time, either by an
 * instrument ({@link Counter}, {@link Histogram}) or directly for values read from elsewhere (gauges of the control
 * thread's state, counters kept by the BFD engine or the JVM).
 */
record Family(String name, Type type, String help, List<Sample> samples) {
    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    enum Type {
        COUNTER("counter"), GAUGE("gauge"), HISTOGRAM("histogram");

        final String word;

        Type(String word) {
            this.word = word;
        }
    }

    /**
     * One line of the exposition: {@code name{labels} value}. For a histogram the name carries the suffix
     * ({@code _bucket}, {@code _sum}, {@code _count}); label names and values are in the same order.
     */
    record Sample(String name, List<String> labelNames, List<String> labelValues, double value) {
        Sample {
            labelNames = List.copyOf(labelNames);
            labelValues = List.copyOf(labelValues);
            if (labelNames.size() != labelValues.size()) {
                throw new IllegalArgumentException(name + ": " + labelNames.size() + " label names but "
                        + labelValues.size() + " values; give one value per label name");
            }
        }
    }

    Family {
        samples = List.copyOf(samples);
    }

    /** Checks a metric name against the exposition format's grammar, and the counter convention of ending in _total. */
    static String checkName(String name, Type type) {
        if (!METRIC_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("metric name '" + name + "' is not [a-zA-Z_:][a-zA-Z0-9_:]*; rename it");
        }
        if (type == Type.COUNTER && !name.endsWith("_total")) {
            throw new IllegalArgumentException("counter '" + name + "' must end in _total (Prometheus naming)");
        }
        return name;
    }

    /** Checks label names: the grammar, no reserved {@code __} prefix, and {@code le} kept for histogram buckets. */
    static List<String> checkLabelNames(Type type, String... names) {
        for (String n : names) {
            if (!LABEL_NAME.matcher(n).matches() || n.startsWith("__")) {
                throw new IllegalArgumentException("label name '" + n + "' is not [a-zA-Z_][a-zA-Z0-9_]* without a"
                        + " leading __; rename it");
            }
            if (type == Type.HISTOGRAM && n.equals("le")) {
                throw new IllegalArgumentException("a histogram cannot have a label 'le': its buckets use it");
            }
        }
        return List.of(names);
    }

    static Builder gauge(String name, String help, String... labelNames) {
        return new Builder(name, Type.GAUGE, help, labelNames);
    }

    static Builder counter(String name, String help, String... labelNames) {
        return new Builder(name, Type.COUNTER, help, labelNames);
    }

    /** A gauge or counter family whose values are read at scrape time. */
    static final class Builder {
        private final String name;
        private final Type type;
        private final String help;
        private final List<String> labelNames;
        private final List<Sample> samples = new ArrayList<>();

        private Builder(String name, Type type, String help, String... labelNames) {
            this.name = checkName(name, type);
            this.type = type;
            this.help = help;
            this.labelNames = checkLabelNames(type, labelNames);
        }

        Builder add(double value, String... labelValues) {
            samples.add(new Sample(name, labelNames, List.of(labelValues), value));
            return this;
        }

        Family build() {
            return new Family(name, type, help, samples);
        }
    }
}
