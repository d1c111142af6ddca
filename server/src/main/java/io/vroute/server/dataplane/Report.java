package io.vroute.server.dataplane;

import java.time.Duration;
import java.util.List;

/**
 * What one piece of data-plane work did to the kernel: counts by kind, the lines that say what (at most
 * {@value #MAX_LINES} of each list), and how long it took.
 *
 * <p>Kinds: <em>created</em> is what the kernel lacked because it is new in the model (or vroute starts on an empty
 * kernel); <em>changed</em> is a route whose next hop the model changed; <em>repaired</em> is what vroute had put in
 * the kernel before and found missing or altered (a hand edit, a crash half way); <em>removed</em> is what vroute owns
 * and the model no longer has; <em>failed</em> is what could not be done, each line saying what to do.
 *
 * @param action   "reconcile", "repair" or "routes"
 * @param created  how many things were created
 * @param changed  how many routes changed their next hop
 * @param repaired how many things were repaired
 * @param removed  how many things were removed
 * @param failed   how many things failed
 * @param details  what was created, changed, repaired and removed, one line each, each starting with its kind
 * @param failures what failed and what to do
 * @param elapsed  from the request (the call on the caller's thread) to the kernel's last answer
 */
public record Report(String action, int created, int changed, int repaired, int removed, int failed,
                     List<String> details, List<String> failures, Duration elapsed) {

    /** How many lines each list keeps. */
    public static final int MAX_LINES = 200;

    public Report {
        details = List.copyOf(details);
        failures = List.copyOf(failures);
    }

    /** Whether the kernel already was what it should be: nothing done, nothing failed. */
    public boolean clean() {
        return created + changed + repaired + removed + failed == 0;
    }

    /** Whether everything asked for was done. */
    public boolean succeeded() {
        return failed == 0;
    }

    /** The summary line, e.g. {@code reconcile: 12 created, 0 changed, 1 repaired, 0 removed, 0 failed in 35 ms}. */
    public String summary() {
        return action + ": " + created + " created, " + changed + " changed, " + repaired + " repaired, " + removed
                + " removed, " + failed + " failed in " + String.format("%.3f", elapsed.toNanos() / 1e6) + " ms";
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(summary());
        for (String line : details) {
            s.append("\n  ").append(line);
        }
        for (String line : failures) {
            s.append("\n  failed: ").append(line);
        }
        return s.toString();
    }
}
