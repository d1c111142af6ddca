package io.vroute.bench.ingest;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A thread that does nothing but sleep 1 ms at a time and, while recording, notes how much later than asked it
 * woke up. Whatever delays it delays every thread of the process alike: other processes on the cores, JIT
 * compiler and collector threads, safepoints, the hypervisor. Set beside a decision latency it tells how much of
 * the tail the platform put there.
 */
public final class Hiccups {
    private static final long SLEEP = TimeUnit.MILLISECONDS.toNanos(1);

    private final long[] samples;
    private volatile boolean recording;
    private volatile int count;

    /** @param capacity samples kept (one per millisecond of recording, at most) */
    public Hiccups(int capacity) {
        this.samples = new long[capacity];
        Thread t = new Thread(this::run, "hiccup-meter");
        t.setDaemon(true);
        t.start();
    }

    public void record(boolean on) { recording = on; }

    /** The hiccups recorded so far (sorts them: call once, after recording). */
    public Latencies summary() {
        return Latencies.of(samples, 0, count);
    }

    private void run() {
        while (true) {
            long before = System.nanoTime();
            LockSupport.parkNanos(SLEEP);
            long late = System.nanoTime() - before - SLEEP;
            int n = count;
            if (recording && n < samples.length) {
                samples[n] = Math.max(0, late);
                count = n + 1;
            }
        }
    }
}
