package io.vroute.server.dataplane;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Collects a {@link Report} while the data-plane thread works. */
final class ReportBuilder {
    private final String action;
    private final long start;
    private int created;
    private int changed;
    private int repaired;
    private int removed;
    private int failed;
    private final List<String> details = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();

    /** @param start when the request was made ({@link System#nanoTime()}) */
    ReportBuilder(String action, long start) {
        this.action = action;
        this.start = start;
    }

    void created(String what) {
        created++;
        detail("created " + what);
    }

    void changed(String what) {
        changed++;
        detail("changed " + what);
    }

    void repaired(String what) {
        repaired++;
        detail("repaired " + what);
    }

    void removed(String what) {
        removed++;
        detail("removed " + what);
    }

    /** Created, or repaired when vroute had made it before ({@code known}). */
    void made(String what, boolean known) {
        if (known) {
            repaired(what);
        } else {
            created(what);
        }
    }

    void failed(String what) {
        failed++;
        if (failures.size() < Report.MAX_LINES) {
            failures.add(what);
        }
    }

    private void detail(String line) {
        if (details.size() < Report.MAX_LINES) {
            details.add(line);
        }
    }

    Report build() {
        return new Report(action, created, changed, repaired, removed, failed, details, failures,
                Duration.ofNanos(System.nanoTime() - start));
    }
}
