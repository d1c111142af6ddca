package io.vroute.bench.ingest;

import java.util.Arrays;

/**
 * A latency distribution in nanoseconds, by nearest rank: p99 is the smallest sample that at least 99% of the
 * samples do not exceed. Built from a plain array of samples (no histogram library: every sample is kept and
 * sorted, which for a 30 s churn run is a few hundred thousand longs).
 */
record Latencies(int count, long p50, long p99, long p999, long max) {
    static final Latencies NONE = new Latencies(0, 0, 0, 0, 0);

    /** Sorts the first {@code n} samples in place and summarises them. */
    static Latencies of(long[] samples, int n) {
        if (n == 0) return NONE;
        Arrays.sort(samples, 0, n);
        return new Latencies(n, rank(samples, n, 0.50), rank(samples, n, 0.99), rank(samples, n, 0.999), samples[n - 1]);
    }

    private static long rank(long[] sorted, int n, double q) {
        int r = (int) Math.ceil(q * n);
        return sorted[Math.max(0, Math.min(n, r) - 1)];
    }

    /** The line the receiver process prints, read back by {@link #parse}. */
    String toLine() {
        return count + " " + p50 + " " + p99 + " " + p999 + " " + max;
    }

    static Latencies parse(String line) {
        String[] f = line.trim().split("\\s+");
        return new Latencies(Integer.parseInt(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]));
    }
}
