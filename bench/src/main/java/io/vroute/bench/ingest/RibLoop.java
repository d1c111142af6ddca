package io.vroute.bench.ingest;

import io.vroute.bgp.session.BgpSpeaker;
import io.vroute.bgp.session.PeerInfo;
import io.vroute.bgp.session.SessionListener;
import io.vroute.bgp.wire.AddressFamily;
import io.vroute.bgp.wire.Nlri;
import io.vroute.bgp.wire.OpenMessage;
import io.vroute.bgp.wire.Prefix;
import io.vroute.bgp.wire.SessionContext;
import io.vroute.bgp.wire.UpdateMessage;
import io.vroute.rib.Neighbor;
import io.vroute.rib.Rib;
import io.vroute.rib.Route;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The RIB side of the vroute receiver: the speaker's listener only timestamps each UPDATE and queues it (it runs
 * on the I/O thread, which must never wait); one "RIB" thread applies queued messages in batches to a single
 * {@link Rib}, then drains its best-path changes. When the queue grows past {@link #HIGH} messages the RIB thread
 * pauses reading the peer's socket (TCP flow control then holds the feeder back) and resumes below {@link #LOW}.
 * Both calls come from the RIB thread, so they reach the I/O thread in the order they were decided.
 *
 * <p>Once the whole table is decided ({@code expected} routes in the RIB and as many best-path changes
 * reported), every later change is timed: from the arrival of the UPDATE that carried the prefix to the
 * drainChanges callback that reports the prefix's new best path.
 */
final class RibLoop implements SessionListener {
    static final int HIGH = 4096, LOW = 1024, BATCH = 256;

    private sealed interface Item {}
    private record Arrival(UpdateMessage update, long nanos) implements Item {}
    private record Up(InetAddress address, long asn, int routerId) implements Item {}
    private record Down(String reason) implements Item {}

    private final Rib rib;
    private final long expected;
    private final Consumer<String> report;
    private final LinkedBlockingQueue<Item> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final long[] latencies;
    private volatile BgpSpeaker speaker;
    private volatile boolean stopped;

    // RIB thread only (read by status() for diagnostics: values may be slightly stale there)
    private Neighbor neighbor;
    private boolean paused;
    private volatile long changes;
    private long firstArrival;
    private volatile boolean decided;
    /** Volatile, single writer: a reader that sees a count also sees the samples written before it. */
    private volatile int samples, unmatched;
    private volatile int warmUpSamples = Integer.MAX_VALUE;
    private final Map<Prefix, Long> arrivals = new HashMap<>();
    private long applyNanos, drainNanos, batches, pauses;
    /** Written after every batch: a reader on another thread that reads it first sees the batch's effects. */
    private volatile long routes;

    /**
     * @param expected  routes that make the table complete
     * @param latencies room for the churn samples, allocated by the caller before its idle-memory measurement
     * @param report    where one-line events go ("established", "decided ...", "down ...")
     */
    RibLoop(Rib rib, long expected, long[] latencies, Consumer<String> report) {
        this.rib = rib;
        this.expected = expected;
        this.latencies = latencies;
        this.report = report;
    }

    void speaker(BgpSpeaker speaker) { this.speaker = speaker; }

    Thread start() {
        Thread t = new Thread(this::run, "RIB");
        t.setDaemon(true);
        t.start();
        return t;
    }

    void stop() { stopped = true; }

    // ------------------------------------------------------------------ I/O thread: timestamp, queue, return

    @Override
    public void established(PeerInfo peer, OpenMessage received, SessionContext negotiated, int holdTime) {
        offer(new Up(peer.address(), peer.remoteAs(), received.bgpIdentifier()));
    }

    @Override
    public void update(PeerInfo peer, UpdateMessage update) {
        offer(new Arrival(update, System.nanoTime()));
    }

    @Override
    public void endOfRib(PeerInfo peer, AddressFamily family) {
        // Nothing to decide: the table is complete when every prefix is, End-of-RIB or not.
    }

    @Override
    public void down(PeerInfo peer, String reason, boolean routesKeptStale) {
        offer(new Down(reason));
    }

    private void offer(Item item) {
        queued.incrementAndGet();
        queue.add(item); // unbounded, never waits: the RIB thread bounds it by pausing the socket
    }

    // ------------------------------------------------------------------ RIB thread

    private void run() {
        List<Item> batch = new ArrayList<>(BATCH);
        try {
            while (!stopped) {
                Item first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                boolean timing = decided;
                for (Item item : batch) handle(item, timing);
                batches++;
                long t = System.nanoTime();
                rib.drainChanges(this::changed);
                drainNanos += System.nanoTime() - t;
                if (timing) {
                    if (!arrivals.isEmpty()) unmatched = unmatched + arrivals.size(); // best path did not change
                    arrivals.clear();
                }
                routes = rib.routeCount();
                int left = queued.addAndGet(-batch.size());
                batch.clear();
                flowControl(left);
                if (!decided && routes >= expected && changes >= expected) {
                    decided = true;
                    // decided ROUTES CHANGES NANOS_SINCE_FIRST_ARRIVAL APPLY_NANOS DRAIN_NANOS BATCHES PAUSES
                    report.accept("decided " + routes + " " + changes + " " + (System.nanoTime() - firstArrival) + " " + applyNanos
                            + " " + drainNanos + " " + batches + " " + pauses);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            report.accept("error RIB thread failed: " + e);
            throw e;
        }
    }

    private void handle(Item item, boolean timing) {
        switch (item) {
            case Arrival a -> {
                if (neighbor == null) return; // cannot happen: established is queued before any UPDATE
                if (firstArrival == 0) firstArrival = a.nanos();
                if (timing) {
                    for (Nlri n : a.update().withdrawn()) note(n, a.nanos());
                    for (Nlri n : a.update().announced()) note(n, a.nanos());
                }
                long t = System.nanoTime();
                rib.apply(neighbor, a.update());
                applyNanos += System.nanoTime() - t;
            }
            case Up u -> {
                neighbor = new Neighbor(1, "feeder", u.address(), u.asn(), routerId(u.routerId()));
                report.accept("established");
            }
            case Down d -> {
                // Session gone, no graceful restart: drop its routes (RFC 4271 §8.2.2, Established -> Idle) and
                // start counting afresh, so that the next session's table is timed from its first UPDATE.
                if (neighbor != null) rib.dropNeighbor(neighbor);
                neighbor = null;
                rib.drainChanges((p, was, now) -> { });
                arrivals.clear();
                decided = false;
                changes = 0;
                firstArrival = 0;
                applyNanos = drainNanos = batches = pauses = 0;
                report.accept("down " + d.reason());
            }
        }
    }

    /** The earliest arrival of each prefix queued in this batch: a later one for the same prefix waits less. */
    private void note(Nlri nlri, long nanos) {
        for (int i = 0; i < nlri.size(); i++) arrivals.putIfAbsent(nlri.prefix(i), nanos);
    }

    private void changed(Prefix p, Route oldBest, Route newBest) {
        changes++;
        if (!arrivals.isEmpty()) {
            Long at = arrivals.remove(p);
            int n = samples;
            if (at != null && n < latencies.length) {
                latencies[n] = System.nanoTime() - at;
                samples = n + 1;
            }
        }
    }

    private void flowControl(int left) {
        BgpSpeaker s = speaker;
        if (s == null || neighbor == null) return;
        if (!paused && left > HIGH) {
            paused = true;
            pauses++;
            s.pauseReading(neighbor.address());
        } else if (paused && left < LOW) {
            paused = false;
            s.resumeReading(neighbor.address());
        }
    }

    /**
     * Marks the end of the churn warm-up: samples recorded from now on are the measured ones. Any thread. The
     * boundary is by completion, so an update or two in flight at the mark may land on either side.
     */
    void markWarmedUp() {
        warmUpSamples = samples;
    }

    /** Churn latencies before and after {@link #markWarmedUp} (sorts the samples: call once, at the end). */
    Latencies[] latencies() {
        int n = samples, w = Math.min(n, warmUpSamples);
        return new Latencies[] {Latencies.of(latencies, 0, w), Latencies.of(latencies, w, n)};
    }

    /** Prefixes queued during churn whose best path did not change (so they have no latency sample). */
    int unmatched() { return unmatched; }

    String status() {
        return "routes=" + routes + " changes=" + changes + " queued=" + queued.get() + " decided=" + decided
                + " applyMs=" + TimeUnit.NANOSECONDS.toMillis(applyNanos) + " drainMs=" + TimeUnit.NANOSECONDS.toMillis(drainNanos);
    }

    private static InetAddress routerId(int id) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
