package io.vroute.server;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The control thread: the one writer of every resource, every RIB and every route table. API calls, BGP events and
 * timers all become tasks on it, in order. Keepalives and hold timers live on the BGP I/O thread, never here, so a
 * long RIB batch cannot cost a session.
 */
final class Control implements AutoCloseable {
    private final ScheduledThreadPoolExecutor executor;
    private volatile Runnable persister = () -> {};
    /** Tasks that overtake the queue: each runs before the next ordinary task starts. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Runnable> urgent = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private boolean persistPending;

    Control() {
        executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "vroute-control");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
    }

    void persister(Runnable p) { this.persister = p; }

    /** Runs a task later on the control thread; a failure is logged, never lost silently. */
    void post(Runnable task) {
        if (executor.isShutdown()) return;
        executor.execute(guard(task));
    }

    /**
     * Runs a task on the control thread ahead of everything queued: it waits at most for the task running now. For
     * failures that must act before a backlog of UPDATEs is worked off (BFD Down).
     */
    void postUrgent(Runnable task) {
        if (executor.isShutdown()) return;
        urgent.add(task);
        executor.execute(guard(() -> { }));          // runs the urgent queue even when nothing else is queued
    }

    ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        return executor.schedule(guard(task), delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    ScheduledFuture<?> every(Runnable task, Duration period) {
        return executor.scheduleWithFixedDelay(guard(task), period.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Resources changed outside an API call (an endpoint came up): write them soon, once. */
    void persistSoon() {
        if (persistPending) return;
        persistPending = true;
        post(() -> { persistPending = false; persister.run(); });
    }

    /** Runs a task on the control thread and waits for it; its exception is rethrown as is. */
    <T> T call(Callable<T> task) {
        if (Thread.currentThread().getName().equals("vroute-control")) {
            try {
                return task.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        Future<T> f = executor.submit(() -> {
            for (Runnable u; (u = urgent.poll()) != null; ) run(u);
            return task.call();
        });
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the control thread", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) throw r;
            if (c instanceof Error err) throw err;
            throw new IllegalStateException(c);
        }
    }

    private Runnable guard(Runnable task) {
        return () -> {
            for (Runnable u; (u = urgent.poll()) != null; ) run(u);
            run(task);
        };
    }

    private static void run(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            Region.LOG.log(System.Logger.Level.ERROR, "control task failed: " + e, e);
        }
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
