package io.vroute.server.metrics;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.List;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The JVM's side: every stop-the-world pause the collectors report (through the {@code jdk.management} GC
 * notifications) into a histogram, plus the collectors' own totals and the heap, read at scrape time.
 *
 * <p>Which collectors pause: ZGC and Shenandoah report their pauses on beans named "... Pauses" and their concurrent
 * work on "... Cycles" (not pauses); G1 reports its concurrent marking on "G1 Concurrent GC" (not a pause) and its
 * young, mixed and full collections on "G1 Young/Old Generation" (pauses); Serial and Parallel only pause.
 * Durations come in whole milliseconds, so ZGC's usual sub-millisecond pauses land in the first bucket.
 */
final class JvmPauses {
    private static final System.Logger LOG = System.getLogger("vroute.metrics");
    static final double[] BUCKETS = {0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5};

    final Histogram pauses = new Histogram("vroute_jvm_gc_pause_seconds",
            "Stop-the-world garbage collection pauses, by the collector bean that reported them (millisecond resolution).",
            BUCKETS, "gc");

    /** Subscribes to every collector's notifications; a collector that sends none is only counted at scrape time. */
    void listen() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (!(gc instanceof NotificationEmitter emitter)) continue;
            emitter.addNotificationListener(this::notified, n ->
                    GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType()), null);
        }
    }

    private void notified(Notification n, Object handback) {
        try {
            GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
            if (isPause(info.getGcName())) pauses.observe(info.getGcInfo().getDuration() / 1000.0, info.getGcName());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "metrics: cannot read a GC notification (" + e + "); "
                    + "vroute_jvm_gc_pause_seconds misses that pause");
        }
    }

    /** Whether a collector bean's notifications are pauses (see the class comment). */
    static boolean isPause(String gcName) {
        if (gcName.contains("Pauses")) return true;
        return !gcName.contains("Cycles") && !gcName.contains("Concurrent");
    }

    void collect(List<Family> out) {
        out.add(pauses.collect());
        Family.Builder count = Family.counter("vroute_jvm_gc_collections_total",
                "Collections (pauses or concurrent cycles) each collector bean reports since the JVM started.", "gc");
        Family.Builder time = Family.counter("vroute_jvm_gc_collection_seconds_total",
                "Time each collector bean reports spent collecting since the JVM started (concurrent cycles included).", "gc");
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc.getCollectionCount() >= 0) count.add(gc.getCollectionCount(), gc.getName());
            if (gc.getCollectionTime() >= 0) time.add(gc.getCollectionTime() / 1000.0, gc.getName());
        }
        out.add(count.build());
        out.add(time.build());
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        out.add(Family.gauge("vroute_jvm_memory_heap_used_bytes", "Heap in use.").add(heap.getUsed()).build());
        out.add(Family.gauge("vroute_jvm_memory_heap_committed_bytes", "Heap committed by the JVM.")
                .add(heap.getCommitted()).build());
    }
}
