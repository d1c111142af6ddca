package io.vroute.bench.bfd;

import io.vroute.bench.ingest.TableFeeder;
import io.vroute.server.PeerState;
import io.vroute.server.Server;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The load on the route server while BFD is measured: on a thread of its own, a {@link TableFeeder} session feeds the
 * whole table into the feed peer, waits until the route server holds every route and has written them to the route
 * table, ends the session (Cease) and waits until every route is withdrawn again; then over again, until
 * {@link #stop}. The control thread is never idle meanwhile: it decodes nothing (the BGP I/O thread does) but applies
 * every UPDATE to the RIB, installs and removes a million routes in the route table per cycle and hands them to the
 * route writer. The waits poll the route server with {@link Server#call}, like an API client, every 100 ms; how
 * long each call took is kept, as the latency of an API call under this load.
 */
final class FeedLoop implements Runnable {
    /** One cycle: seconds from connecting to Established, from the first UPDATE to every route in the table, from Cease to none. */
    record Cycle(double connect, double load, double withdraw) {}

    private final TableFeeder feeder;
    private final InetSocketAddress endpoint;
    private final Server server;
    private final String peerId;
    private final List<Cycle> cycles = new ArrayList<>();
    private long[] callNanos = new long[4096];
    private int calls;
    private volatile boolean stop;
    private volatile String failure;
    private volatile String step = "not started";
    private volatile long cpuNanos;

    FeedLoop(TableFeeder feeder, InetSocketAddress endpoint, Server server, String peerId) {
        this.feeder = feeder;
        this.endpoint = endpoint;
        this.server = server;
        this.peerId = peerId;
    }

    void stop() { stop = true; }

    /** Why the loop ended early, or null. */
    String failure() { return failure; }

    /** CPU time of the feeding thread, once the loop has ended (it does the socket writes). */
    long cpuNanos() { return cpuNanos; }

    /** What it is doing now, for progress lines. */
    String step() { return step; }

    synchronized List<Cycle> cycles() { return List.copyOf(cycles); }

    /** How long each {@link Server#call} took, nanoseconds (a copy). */
    synchronized long[] callNanos() { return Arrays.copyOf(callNanos, calls); }

    @Override
    public void run() {
        try {
            while (!stop) cycle();
            step = "stopped";
        } catch (IOException | RuntimeException e) {
            failure = e.getMessage();
            step = "failed";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "interrupted";
        } finally {
            cpuNanos = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        }
    }

    private void cycle() throws IOException, InterruptedException {
        step = "connecting";
        long t0 = System.nanoTime();
        TableFeeder.Session s = connect();
        long t1 = System.nanoTime();
        double load;
        try {
            step = "feeding";
            TableFeeder.TableSent sent = s.sendTable();
            step = "waiting for the route server to hold every route";
            awaitRoutes(feeder.prefixCount(), true);
            call(r -> null); // the drain that wrote the last routes to the route table was queued before this
            load = (System.nanoTime() - sent.firstUpdateNanos()) / 1e9;
            if (s.down() != null) throw new IOException("the route server ended the feed session: " + s.down());
        } finally {
            s.close();
        }
        step = "waiting for the withdrawal";
        long t2 = System.nanoTime();
        awaitRoutes(0, false);
        call(r -> null);
        double withdraw = (System.nanoTime() - t2) / 1e9;
        synchronized (this) {
            cycles.add(new Cycle((t1 - t0) / 1e9, load, withdraw));
        }
    }

    /** Connects, retrying for a while when the route server refuses: the last session may still be closing there. */
    private TableFeeder.Session connect() throws IOException, InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                return feeder.connect(endpoint, Duration.ofSeconds(30));
            } catch (IOException e) {
                if (System.nanoTime() - end > 0 || stop) throw e;
                TimeUnit.MILLISECONDS.sleep(500);
            }
        }
    }

    private void awaitRoutes(int routes, boolean up) throws IOException, InterruptedException {
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (true) {
            PeerState st = call(r -> r.peerState(peerId));
            if (st.routes() == routes && st.bgpUp() == up) return;
            if (System.nanoTime() - end > 0) {
                throw new IOException("the feed peer did not reach " + routes + " routes (BGP " + (up ? "up" : "down") + ") in 5 minutes: it has "
                        + st.routes() + ", BGP " + (st.bgpUp() ? "up" : "down") + (st.lastDownReason() != null ? " (last down: "
                        + st.lastDownReason() + ")" : "") + "; see vroute.log in the work directory");
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    private <T> T call(java.util.function.Function<io.vroute.server.Region, T> f) {
        long t = System.nanoTime();
        T out = server.call(f);
        long took = System.nanoTime() - t;
        synchronized (this) {
            if (calls == callNanos.length) callNanos = Arrays.copyOf(callNanos, calls * 2);
            callNanos[calls++] = took;
        }
        return out;
    }
}
