package io.vroute.bench.bfd;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time of this process and of its Java threads by name (threads that share a name are added up; threads that
 * ended between two snapshots drop out). The collector's and the JIT compiler's native threads are not Java threads:
 * they show only in the process total.
 */
record ThreadCpu(long processNanos, long wallNanos, Map<String, Long> byName) {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    static ThreadCpu take() {
        Map<String, Long> m = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            long cpu = THREADS.getThreadCpuTime(t.threadId());
            if (cpu > 0) m.merge(t.getName(), cpu, Long::sum);
        }
        return new ThreadCpu(processCpu(), System.nanoTime(), m);
    }

    /** CPU time of the whole process so far, every thread and the kernel's work for it included. */
    static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /**
     * Bytes allocated on the heap so far by the live threads of that name. A thread that allocates, however little,
     * can be stopped by the collector when the heap runs short (a ZGC allocation stall), whatever its other work.
     */
    static long allocated(String name) {
        var threads = (com.sun.management.ThreadMXBean) THREADS;
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) if (t.getName().equals(name)) sum += Math.max(0, threads.getThreadAllocatedBytes(t.threadId()));
        return sum;
    }

    /** What was spent from {@code before} to this snapshot. */
    ThreadCpu since(ThreadCpu before) {
        Map<String, Long> m = new HashMap<>();
        byName.forEach((k, v) -> m.put(k, v - before.byName.getOrDefault(k, 0L)));
        return new ThreadCpu(processNanos - before.processNanos, wallNanos - before.wallNanos, m);
    }

    long thread(String name) { return byName.getOrDefault(name, 0L); }

    /** The {@code n} threads that spent the most, most first. */
    List<Map.Entry<String, Long>> top(int n) {
        List<Map.Entry<String, Long>> l = new ArrayList<>(byName.entrySet());
        l.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        return l.subList(0, Math.min(n, l.size()));
    }
}
