package io.vroute.bench.bfd;

import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Every change of a vroute BFD session into or out of Up, with the time the BFD thread made it: the engine logs each
 * one ("BFD {local} -> {remote}: {from} -> {to} ({diag})", through System.Logger onto java.util.logging) on its own
 * thread, right before it calls the route server's listener, and this handler notes it there. The route server's
 * own view (its peer events) comes later, on the control thread, and is read separately.
 *
 * <p>It only appends to a {@link Transitions}; the BFD thread pays for the log record either way.
 */
final class BfdLogTap extends Handler {
    /** Held here: java.util.logging keeps its loggers only weakly, and a collected one forgets its handlers. */
    private static final Logger BFD = Logger.getLogger("io.vroute.bfd");

    private final Transitions into;

    private BfdLogTap(Transitions into) {
        this.into = into;
    }

    static void install(Transitions into) {
        BFD.addHandler(new BfdLogTap(into));
    }

    @Override
    public void publish(LogRecord r) {
        long now = System.nanoTime();
        Object[] p = r.getParameters();
        String m = r.getMessage();
        if (p == null || p.length < 5 || m == null || !m.startsWith("BFD ")) return;
        into.add(new Transitions.Change(now, String.valueOf(p[1]), String.valueOf(p[2]), String.valueOf(p[3]), String.valueOf(p[4]), "-"));
    }

    @Override public void flush() {}

    @Override public void close() {}
}
