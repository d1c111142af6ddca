package io.vroute.server;

import io.vroute.bgp.wire.Prefix;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model data plane's writer: route-table changes from the control thread are coalesced per (table, destination)
 * and written to the store in batches by a thread of their own, so a million-route FIB change never holds up the RIB.
 */
final class RouteJournal implements AutoCloseable {
    private final Store store;
    private final Thread writer;
    private LinkedHashMap<Key, Change> pending = new LinkedHashMap<>();
    private volatile boolean closed;

    /** One route of one table; the prefix becomes text on the writer thread. */
    private record Key(String table, Prefix destination) {}

    /** What to write for a key: a route (next hop as an address), a deletion (null interface) or a cleared table. */
    private record Change(String table, Prefix destination, String routeServerId, String networkInterfaceId, InetAddress nextHop) {
        Store.InstalledRoute row() {
            return new Store.InstalledRoute(table, destination == null ? null : destination.toString(), routeServerId,
                    networkInterfaceId, nextHop == null ? null : nextHop.getHostAddress());
        }
    }

    RouteJournal(Store store) {
        this.store = store;
        this.writer = Thread.ofPlatform().name("vroute-route-writer").daemon(true).start(this::run);
    }

    synchronized void put(String table, Prefix dest, String rsId, String eni, InetAddress nextHop) {
        pending.put(new Key(table, dest), new Change(table, dest, rsId, eni, nextHop));
    }

    synchronized void remove(String table, Prefix dest) {
        pending.put(new Key(table, dest), new Change(table, dest, null, null, null));
    }

    synchronized void clear(String table) {
        pending.keySet().removeIf(k -> k.table().equals(table));
        pending.put(new Key(table, null), new Change(table, null, null, null, null));
    }

    private synchronized Map<Key, Change> take() {
        if (pending.isEmpty()) return Map.of();
        Map<Key, Change> out = pending;
        pending = new LinkedHashMap<>();
        return out;
    }

    /** Writes everything pending now (on shutdown, and in tests). */
    void flush() {
        Map<Key, Change> batch = take();
        if (batch.isEmpty()) return;
        List<Store.InstalledRoute> list = new ArrayList<>(batch.size());
        for (Change c : batch.values()) list.add(c.row());
        try {
            store.writeRoutes(list);
        } catch (IOException e) {
            Region.LOG.log(System.Logger.Level.ERROR, e.getMessage() + "; route tables in memory are still right, the store"
                    + " will be repaired on the next write");
            synchronized (this) {
                for (Map.Entry<Key, Change> en : batch.entrySet()) pending.putIfAbsent(en.getKey(), en.getValue());
            }
        }
    }

    private void run() {
        while (!closed) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                break;
            }
            flush();
        }
    }

    @Override
    public void close() {
        closed = true;
        writer.interrupt();
        try {
            writer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
    }
}
