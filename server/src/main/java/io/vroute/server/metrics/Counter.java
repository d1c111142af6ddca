package io.vroute.server.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A counter family incremented where things happen (any thread): one count per combination of label values, created
 * on first use. Counting costs a map look-up and an add; nothing is locked.
 */
final class Counter {
    private final String name;
    private final String help;
    private final List<String> labelNames;
    private final Map<List<String>, LongAdder> children = new ConcurrentHashMap<>();

    Counter(String name, String help, String... labelNames) {
        this.name = Family.checkName(name, Family.Type.COUNTER);
        this.help = help;
        this.labelNames = Family.checkLabelNames(Family.Type.COUNTER, labelNames);
    }

    void add(long n, String... labelValues) {
        if (n < 0) throw new IllegalArgumentException(name + " cannot go down (add " + n + "); use a gauge");
        if (labelValues.length != labelNames.size()) {
            throw new IllegalArgumentException(name + " takes labels " + labelNames + ", not " + labelValues.length + " values");
        }
        LongAdder a = children.get(List.of(labelValues));
        if (a == null) a = children.computeIfAbsent(List.of(labelValues), k -> new LongAdder());
        a.add(n);
    }

    void inc(String... labelValues) {
        add(1, labelValues);
    }

    /** The count for these label values (0 before the first add). */
    long value(String... labelValues) {
        LongAdder a = children.get(List.of(labelValues));
        return a == null ? 0 : a.sum();
    }

    Family collect() {
        List<Family.Sample> samples = new ArrayList<>(children.size());
        children.forEach((labels, a) -> samples.add(new Family.Sample(name, labelNames, labels, a.sum())));
        samples.sort(Comparator.comparing(s -> String.join("\u0000", s.labelValues())));
        return new Family(name, Family.Type.COUNTER, help, samples);
    }
}
