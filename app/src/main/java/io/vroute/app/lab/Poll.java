package io.vroute.app.lab;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * A value read again and again on a thread of its own (a route table through the API, a counter of a namespace), and
 * every change of it with when it happened: after {@code notBefore} (the start of the last read that still gave the
 * old value) and no later than {@code seen} (the end of the read that gave the new one).
 *
 * @param <T> what is read; compared with {@code equals}
 */
final class Poll<T> implements AutoCloseable {
    record Change<T>(Instant notBefore, Instant seen, T value) {
        long resolutionMillis() {
            return java.time.Duration.between(notBefore, seen).toMillis();
        }
    }

    private final List<Change<T>> changes = new ArrayList<>();
    private final Thread thread;
    private volatile boolean stop;
    private volatile String lastError;

    Poll(String name, long intervalMillis, Callable<T> read) {
        thread = Thread.ofPlatform().daemon().name("poll-" + name).start(() -> {
            T last = null;
            Instant lastStart = Instant.now();
            boolean first = true;
            while (!stop) {
                Instant start = Instant.now();
                try {
                    T value = read.call();
                    Instant end = Instant.now();
                    if (first || !Objects.equals(value, last)) {
                        synchronized (changes) {
                            changes.add(new Change<>(first ? start : lastStart, end, value));
                        }
                        last = value;
                        first = false;
                    }
                    lastStart = start;
                } catch (Exception e) {
                    lastError = e.toString();
                }
                if (intervalMillis > 0) Shell.sleep(intervalMillis);
            }
        });
    }

    /** The first change seen after {@code after} whose new value passes {@code test}, or null. */
    Change<T> first(Instant after, Predicate<T> test) {
        synchronized (changes) {
            for (Change<T> c : changes) {
                if (c.seen().isAfter(after) && test.test(c.value())) return c;
            }
        }
        return null;
    }

    /** The newest value read, or null before the first read. */
    T latest() {
        synchronized (changes) {
            return changes.isEmpty() ? null : changes.get(changes.size() - 1).value();
        }
    }

    String lastError() {
        return lastError;
    }

    @Override
    public void close() {
        stop = true;
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
