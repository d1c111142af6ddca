package io.vroute.bench.failover;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Follows one kernel table's route to 172.16.1.1/32 in the router namespace with {@code ip -ts monitor route}: every
 * route message carries the time {@code ip} read it (microseconds, wall clock). The table's state is kept per
 * metric (a new route replaces the one of its metric, "Deleted" removes it), and each change of the route the kernel
 * uses (the lowest metric) is a {@link Change}.
 */
final class RouteWatch implements AutoCloseable {
    /** The next hop the table's route to the floating IP uses from {@code time} on (null: no route). */
    record Change(Instant time, String via) {
    }

    private static final Pattern LINE = Pattern.compile("^\\[(\\S+)] (Deleted )?(\\S+) (.*)$");
    private static final Pattern VIA = Pattern.compile("\\bvia (\\S+)");
    private static final Pattern METRIC = Pattern.compile("\\bmetric (\\d+)");

    private final String table;
    private final Process monitor;
    private final Thread reader;
    /** metric -> next hop, the table's routes to the floating IP. */
    private final TreeMap<Integer, String> routes = new TreeMap<>();
    private final List<Change> changes = new ArrayList<>();
    private String current;

    RouteWatch(String router, int table) {
        this.table = Integer.toString(table);
        this.monitor = Shell.spawn(null, List.of("ip", "-ts", "-n", router, "monitor", "route"));
        this.reader = Thread.ofPlatform().daemon().name("route-watch").start(this::read);
        Shell.sleep(200);
        // What is there already, then the messages from the monitor on top (a table the kernel has no route in yet
        // does not exist: an error, and nothing there).
        for (String line : Shell.run("ip", "-n", router, "-4", "route", "show", "table", this.table).output().split("\n")) {
            if (line.startsWith(Lab.FLOATING + " ")) apply(Instant.now(), false, line);
        }
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(monitor.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                Matcher m = LINE.matcher(line);
                if (!m.find() || !m.group(3).equals(Lab.FLOATING) && !m.group(3).equals(Lab.FLOATING + "/32")) continue;
                if (!line.contains(" table " + table + " ")) continue;
                Instant t = LocalDateTime.parse(m.group(1)).atZone(ZoneId.systemDefault()).toInstant();
                apply(t, m.group(2) != null, m.group(4));
            }
        } catch (IOException e) {
            // the monitor ended (close)
        }
    }

    private synchronized void apply(Instant time, boolean deleted, String rest) {
        Matcher metric = METRIC.matcher(rest);
        int key = metric.find() ? Integer.parseInt(metric.group(1)) : 0;
        Matcher via = VIA.matcher(rest);
        if (deleted) routes.remove(key);
        else routes.put(key, via.find() ? via.group(1) : "(no next hop)");
        String now = routes.isEmpty() ? null : routes.firstEntry().getValue();
        if (!java.util.Objects.equals(now, current)) {
            current = now;
            changes.add(new Change(time, now));
            notifyAll();
        }
    }

    synchronized String current() {
        return current;
    }

    /** When the route first went via {@code address} after {@code after}; waits up to {@code timeoutMs}; null if not. */
    synchronized Instant awaitVia(String address, Instant after, long timeoutMs) {
        long end = System.nanoTime() + timeoutMs * 1_000_000;
        while (true) {
            for (Change c : changes) if (c.time().isAfter(after) && address.equals(c.via())) return c.time();
            long left = (end - System.nanoTime()) / 1_000_000;
            if (left <= 0) return null;
            try {
                wait(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    /** The changes after {@code after}, for the round's record. */
    synchronized List<Change> since(Instant after) {
        return changes.stream().filter(c -> c.time().isAfter(after)).toList();
    }

    /** The time of the last change, or null. */
    synchronized Instant lastChange() {
        return changes.isEmpty() ? null : changes.getLast().time();
    }

    @Override
    public void close() {
        Shell.stop(monitor, 1000);
        try {
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
