package io.vroute.server;

import java.io.IOException;
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
    private LinkedHashMap<String, Store.InstalledRoute> pending = new LinkedHashMap<>();
    private volatile boolean closed;

    RouteJournal(Store store) {
        this.store = store;
        this.writer = Thread.ofPlatform().name("vroute-route-writer").daemon(true).start(this::run);
    }

    synchronized void put(String table, String dest, String rsId, String eni, String nextHop) {
        pending.put(table + "|" + dest, new Store.InstalledRoute(table, dest, rsId, eni, nextHop));
    }

    synchronized void remove(String table, String dest) {
        pending.put(table + "|" + dest, new Store.InstalledRoute(table, dest, null, null, null));
    }

    synchronized void clear(String table) {
        pending.keySet().removeIf(k -> k.startsWith(table + "|"));
        pending.put(table + "|", new Store.InstalledRoute(table, null, null, null, null));
    }

    private synchronized Map<String, Store.InstalledRoute> take() {
        if (pending.isEmpty()) return Map.of();
        Map<String, Store.InstalledRoute> out = pending;
        pending = new LinkedHashMap<>();
        return out;
    }

    /** Writes everything pending now (on shutdown, and in tests). */
    void flush() {
        Map<String, Store.InstalledRoute> batch = take();
        if (batch.isEmpty()) return;
        List<Store.InstalledRoute> list = new ArrayList<>(batch.values());
        try {
            store.writeRoutes(list);
        } catch (IOException e) {
            Region.LOG.log(System.Logger.Level.ERROR, e.getMessage() + "; route tables in memory are still right, the store"
                    + " will be repaired on the next write");
            synchronized (this) {
                for (Map.Entry<String, Store.InstalledRoute> en : batch.entrySet()) pending.putIfAbsent(en.getKey(), en.getValue());
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
