package io.vroute.bench.bfd;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The BFD state changes one side of the benchmark saw, in order, with the latest state of every session. Written by
 * the thread that learns of a change (the BFD thread through {@link BfdLogTap}, or the reader of the generator's
 * output) and read by the benchmark; every method holds the lock only briefly.
 */
final class Transitions {
    static final String UP = "UP";

    /**
     * One change of one session.
     *
     * @param nanos   {@link System#nanoTime()} of the change (CLOCK_MONOTONIC, shared by the processes of a host)
     * @param address the appliance's address: the session's remote end on the vroute side, its local end on the far side
     * @param remote  the state the other side last reported, or "-" where the source does not say
     */
    record Change(long nanos, String address, String from, String to, String diag, String remote) {}

    private final List<Change> all = new ArrayList<>();
    private final Map<String, String> latest = new HashMap<>();
    private int up;

    synchronized void add(Change c) {
        all.add(c);
        String was = latest.put(c.address(), c.to());
        if (UP.equals(was)) up--;
        if (UP.equals(c.to())) up++;
    }

    /** Sessions whose latest state is Up. */
    synchronized int up() { return up; }

    /** Changes with {@code from <= nanos < to}, in order. */
    synchronized List<Change> between(long from, long to) {
        List<Change> out = new ArrayList<>();
        for (Change c : all) if (c.nanos() - from >= 0 && c.nanos() - to < 0) out.add(c);
        return out;
    }

    /** Changes out of Up (a session going Down, for whatever reason) with {@code from <= nanos < to}. */
    List<Change> downs(long from, long to) {
        return between(from, to).stream().filter(c -> UP.equals(c.from())).toList();
    }

    /**
     * Waits until {@code done} holds for this side, checking every 2 ms; false after {@code timeout}. The check runs
     * under the lock, so it sees a consistent state.
     */
    boolean await(Predicate<Transitions> done, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            synchronized (this) {
                if (done.test(this)) return true;
            }
            if (System.nanoTime() - end > 0) return false;
            TimeUnit.MILLISECONDS.sleep(2);
        }
    }

    /** The first change out of Up of each session at or after {@code from}, by address. */
    synchronized Map<String, Change> firstDownSince(long from) {
        Map<String, Change> out = new HashMap<>();
        for (Change c : all) if (c.nanos() - from >= 0 && UP.equals(c.from())) out.putIfAbsent(c.address(), c);
        return out;
    }

    /** The nanoTime of the last change into Up at or after {@code from}, or {@code from} when there is none. */
    synchronized long lastUpSince(long from) {
        long last = from;
        for (Change c : all) if (c.nanos() - from >= 0 && UP.equals(c.to()) && c.nanos() - last > 0) last = c.nanos();
        return last;
    }
}
