package io.vroute.bench.ingest;

import java.util.Arrays;

/**
 * A latency distribution in nanoseconds, by nearest rank: p99 is the smallest sample that at least 99% of the
 * samples do not exceed. Built from a plain array of samples (no histogram library: every sample is kept and
 * sorted, which for a 30 s churn run is a few hundred thousand longs).
 */
public record Latencies(int count, long p50, long p99, long p999, long max) {
    static final Latencies NONE = new Latencies(0, 0, 0, 0, 0);

    /** Sorts {@code samples[from, to)} in place and summarises them. */
    public static Latencies of(long[] samples, int from, int to) {
        int n = to - from;
        if (n <= 0) return NONE;
        Arrays.sort(samples, from, to);
        return new Latencies(n, rank(samples, from, n, 0.50), rank(samples, from, n, 0.99), rank(samples, from, n, 0.999), samples[to - 1]);
    }

    private static long rank(long[] sorted, int from, int n, double q) {
        int r = (int) Math.ceil(q * n);
        return sorted[from + Math.max(0, Math.min(n, r) - 1)];
    }

    /** The line the receiver process prints, read back by {@link #parse}. */
    String toLine() {
        return count + " " + p50 + " " + p99 + " " + p999 + " " + max;
    }

    /** Reads the five fields {@link #toLine} wrote, starting at {@code f[at]}. */
    static Latencies parse(String[] f, int at) {
        return new Latencies(Integer.parseInt(f[at]), Long.parseLong(f[at + 1]), Long.parseLong(f[at + 2]), Long.parseLong(f[at + 3]),
                Long.parseLong(f[at + 4]));
    }
}
