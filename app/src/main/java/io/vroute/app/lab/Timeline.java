package io.vroute.app.lab;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Events of a failover or failback, each with its time and where it was observed, printed in time order. */
final class Timeline {
    record Entry(Instant at, String event, String detail, String source) {
    }

    private final List<Entry> entries = new ArrayList<>();

    void add(Instant at, String event, String detail, String source) {
        entries.add(new Entry(at, event, detail, source));
    }

    boolean has(String event) {
        return entries.stream().anyMatch(e -> e.event().equals(event));
    }

    /** Prints every entry with its wall-clock time and its offset from {@code zero}, in milliseconds. */
    void print(PrintWriter out, Instant zero) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparing(Entry::at));
        for (Entry e : sorted) {
            out.printf("  %s  %+7d ms  %-30s %s%n", Lab.clock(e.at()), Duration.between(zero, e.at()).toMillis(), e.event(), e.detail());
            out.printf("  %12s  %10s  %-30s [%s]%n", "", "", "", e.source());
        }
        out.flush();
    }
}
