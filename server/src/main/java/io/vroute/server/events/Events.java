package io.vroute.server.events;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Where route-server events go: every {@link Sink} (peer event logs, webhooks) in publication order, and a timeline of
 * the most recent status changes and failovers for the API and the console. Route events ({@link
 * RouteServerEvent.RouteStatus}) go to the sinks only: a full table would flush the timeline.
 *
 * <p>{@link #publish} is called on the control thread and on the data-plane thread and must stay cheap: sinks only
 * queue and never block (they do their I/O on threads of their own).
 */
public final class Events implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("vroute.events");
    /** Timeline entries kept (status changes and failovers; a busy day of flapping peers fits). */
    public static final int TIMELINE = 4096;

    /** Receives every event; must not block and must not throw. */
    public interface Sink extends AutoCloseable {
        void accept(RouteServerEvent e);

        /** Whether route events of this route server are wanted (they are made only when some sink wants them). */
        default boolean wantsRoutes(String routeServerId) { return false; }

        /** Delivers what is queued, waiting at most the given time; used on shutdown. */
        @Override default void close() {}
    }

    /** An event in the timeline, with its place in the order of publication (1, 2, ...). */
    public record Entry(long sequence, RouteServerEvent event) {}

    private final List<Sink> sinks = new CopyOnWriteArrayList<>();
    private final ArrayDeque<Entry> timeline = new ArrayDeque<>();
    private long sequence;

    public void add(Sink s) { sinks.add(s); }

    /** Whether anyone wants route events of this route server (checked before making them). */
    public boolean wantsRoutes(String routeServerId) {
        for (Sink s : sinks) if (s.wantsRoutes(routeServerId)) return true;
        return false;
    }

    public void publish(RouteServerEvent e) {
        synchronized (this) {
            if (!(e instanceof RouteServerEvent.RouteStatus)) {
                if (timeline.size() == TIMELINE) timeline.removeFirst();
                timeline.addLast(new Entry(++sequence, e));
            }
            // Under the lock so that every sink sees the events in the timeline's order.
            for (Sink s : sinks) {
                try {
                    s.accept(e);
                } catch (RuntimeException ex) {
                    LOG.log(System.Logger.Level.ERROR, "event sink " + s.getClass().getSimpleName() + " failed on "
                            + e.getClass().getSimpleName() + "; the event is lost for it. Report this with the stack trace", ex);
                }
            }
        }
    }

    /**
     * Timeline entries after {@code afterSequence} (0 for all kept), oldest first, at most {@code max}, of one route
     * server or (null) of all.
     */
    public synchronized List<Entry> since(long afterSequence, String routeServerId, int max) {
        List<Entry> out = new ArrayList<>();
        for (Entry en : timeline) {
            if (en.sequence() <= afterSequence) continue;
            if (routeServerId != null && !routeServerId.equals(en.event().routeServerId())) continue;
            out.add(en);
            if (out.size() == max) break;
        }
        return out;
    }

    /**
     * One page of the timeline and, read under the same lock, the number of the last event published: a client that
     * resumes after the page's last entry (when full) or after {@code lastSequence} (otherwise) sees every event once.
     */
    public record Page(List<Entry> entries, long lastSequence) {}

    /** {@link #since} and {@link #lastSequence} at one instant. */
    public synchronized Page page(long afterSequence, String routeServerId, int max) {
        return new Page(since(afterSequence, routeServerId, max), sequence);
    }

    /** The sequence number of the last event published (0 before the first). */
    public synchronized long lastSequence() { return sequence; }

    /** Closes every sink (each delivers what it still can, within its own deadline). */
    @Override
    public void close() {
        for (Sink s : sinks) {
            try {
                s.close();
            } catch (RuntimeException ex) {
                LOG.log(System.Logger.Level.WARNING, "closing event sink " + s.getClass().getSimpleName() + ": " + ex.getMessage());
            }
        }
    }
}
