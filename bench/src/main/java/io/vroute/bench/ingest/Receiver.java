package io.vroute.bench.ingest;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * One BGP implementation under test, listening in the receiver namespace for the feeder's session. The
 * benchmark drives every receiver the same way: {@link #start}; {@link #memory} while idle; feed and {@link
 * #awaitRoutes}; {@link #memory} again; if it {@link #timesChurn}, churn with {@link #churnWarmedUp} after the
 * warm-up, then {@link #churnLatency}; end the session and {@link #awaitSessionGone}; feed again over a new
 * session and {@link #awaitRoutes}; {@link #close}. Another implementation (the full {@code vroute serve}
 * daemon, say) only needs this interface.
 */
interface Receiver extends AutoCloseable {
    /** Short name for the results table, e.g. "BIRD 2.0.12". */
    String name();

    /** Where the feeder connects. */
    InetSocketAddress address();

    /**
     * Starts the receiver and returns once it accepts the feeder's connection: a passive peer 10.0.1.1 of AS
     * {@link TableFeeder#ASN}.
     */
    void start() throws IOException;

    /**
     * Waits until {@code routes} prefixes are decided (in the table with a best path chosen) and returns the
     * {@link System#nanoTime} at which that was observed; fails after {@code timeout} with what was seen.
     */
    long awaitRoutes(long routes, Duration timeout) throws IOException;

    /**
     * Waits until the receiver has seen the feeder's session end, dropped its routes and listens for the next
     * session (the benchmark feeds each receiver twice: the second time into a warmed-up process).
     */
    void awaitSessionGone(Duration timeout) throws IOException;

    /** What {@link Memory#heldBytes} counts, for the notes under the results. */
    String heldMeaning();

    /** Memory held now, measured the receiver's way (see {@link Memory}). */
    Memory memory() throws IOException;

    /** Lines worth printing under the results about the last {@link #awaitRoutes}, e.g. where the time went. */
    default List<String> details() { return List.of(); }

    /** Whether {@link #churnLatency} can time decisions; the benchmark churns only such receivers. */
    default boolean timesChurn() { return false; }

    /** The churn warm-up is over: what follows is measured (see {@link #timesChurn}). */
    default void churnWarmedUp() {}

    /** Per-update decision latency during churn (see {@link #timesChurn}). */
    default ChurnLatency churnLatency() throws IOException {
        throw new UnsupportedOperationException(name() + " cannot time single decisions");
    }

    /**
     * @param warmUp   decisions during the warm-up
     * @param measured decisions after it
     * @param hiccups  over the measured part, how much later than asked a thread that only sleeps 1 ms at a time
     *                 woke up in the receiver: the stalls no code of ours caused (CPU taken by other processes,
     *                 the JIT, the collector, the hypervisor)
     */
    record ChurnLatency(Latencies warmUp, Latencies measured, Latencies hiccups) {}

    /** Stops the receiver, killing by PID only the processes it started. */
    @Override void close();

    /**
     * @param heldBytes what the receiver itself counts as held: for a JVM the heap in use after a full GC, for
     *                  BIRD the "Total" of {@code show memory} (effective)
     * @param heldOverheadBytes allocator overhead beside {@code heldBytes} (BIRD's "Overhead" column), 0 if none
     * @param rssBytes  resident set size of the process (VmRSS)
     */
    record Memory(long heldBytes, long heldOverheadBytes, long rssBytes) {}
}
