package io.vroute.server.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * A histogram family with fixed bucket upper bounds (the {@code +Inf} bucket is implicit), observed from any thread.
 * Each bucket counts only its own observations; the exposition makes them cumulative and takes {@code _count} from
 * the same numbers, so {@code _count} always equals the {@code +Inf} bucket even while observations race a scrape.
 */
final class Histogram {
    private final String name;
    private final String help;
    private final double[] bounds;
    private final List<String> labelNames;
    private final List<String> bucketLabelNames;
    private final Map<List<String>, Child> children = new ConcurrentHashMap<>();

    private static final class Child {
        final AtomicLongArray counts;
        final DoubleAdder sum = new DoubleAdder();

        Child(int buckets) {
            counts = new AtomicLongArray(buckets);
        }
    }

    Histogram(String name, String help, double[] bounds, String... labelNames) {
        this.name = Family.checkName(name, Family.Type.HISTOGRAM);
        this.help = help;
        this.labelNames = Family.checkLabelNames(Family.Type.HISTOGRAM, labelNames);
        this.bounds = bounds.clone();
        if (this.bounds.length == 0) throw new IllegalArgumentException(name + ": give at least one bucket bound");
        for (int i = 0; i < this.bounds.length; i++) {
            if (!Double.isFinite(this.bounds[i]) || i > 0 && this.bounds[i] <= this.bounds[i - 1]) {
                throw new IllegalArgumentException(name + ": bucket bounds must be finite and strictly increasing, not "
                        + Arrays.toString(bounds) + " (+Inf is added by itself)");
            }
        }
        List<String> withLe = new ArrayList<>(this.labelNames);
        withLe.add("le");
        this.bucketLabelNames = List.copyOf(withLe);
    }

    void observe(double value, String... labelValues) {
        if (labelValues.length != labelNames.size()) {
            throw new IllegalArgumentException(name + " takes labels " + labelNames + ", not " + labelValues.length + " values");
        }
        if (Double.isNaN(value)) return;
        Child c = children.get(List.of(labelValues));
        if (c == null) c = children.computeIfAbsent(List.of(labelValues), k -> new Child(bounds.length + 1));
        int i = 0;
        while (i < bounds.length && value > bounds[i]) i++;     // le: a value equal to a bound falls in that bucket
        c.counts.incrementAndGet(i);
        c.sum.add(value);
    }

    /** How many observations these label values have had. */
    long count(String... labelValues) {
        Child c = children.get(List.of(labelValues));
        if (c == null) return 0;
        long n = 0;
        for (int i = 0; i < c.counts.length(); i++) n += c.counts.get(i);
        return n;
    }

    Family collect() {
        List<Map.Entry<List<String>, Child>> entries = new ArrayList<>(children.entrySet());
        entries.sort(Comparator.comparing(e -> String.join("\u0000", e.getKey())));
        List<Family.Sample> samples = new ArrayList<>();
        for (Map.Entry<List<String>, Child> e : entries) {
            List<String> labels = e.getKey();
            Child c = e.getValue();
            long cumulative = 0;
            for (int i = 0; i <= bounds.length; i++) {
                cumulative += c.counts.get(i);
                List<String> values = new ArrayList<>(labels);
                values.add(i == bounds.length ? "+Inf" : TextFormat.number(bounds[i]));
                samples.add(new Family.Sample(name + "_bucket", bucketLabelNames, values, cumulative));
            }
            samples.add(new Family.Sample(name + "_sum", labelNames, labels, c.sum.sum()));
            samples.add(new Family.Sample(name + "_count", labelNames, labels, cumulative));
        }
        return new Family(name, Family.Type.HISTOGRAM, help, samples);
    }
}
