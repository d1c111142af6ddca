package io.vroute.bgp.session;

import io.vroute.bgp.wire.AddressFamily;
import io.vroute.bgp.wire.NotificationMessage;
import io.vroute.bgp.wire.OpenMessage;
import io.vroute.bgp.wire.SessionContext;
import io.vroute.bgp.wire.UpdateMessage;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/** Records what a speaker reports, as text lines, for tests to wait on. */
final class Events implements SessionListener {
    final List<String> lines = new CopyOnWriteArrayList<>();
    final AtomicLong updates = new AtomicLong();
    volatile int lastHoldTime = -1;
    volatile PeerInfo lastEstablished;
    volatile OpenMessage lastOpen;

    private void add(String s) { lines.add(s); }

    @Override public void established(PeerInfo p, OpenMessage o, SessionContext c, int hold) {
        lastOpen = o;
        lastHoldTime = hold;
        lastEstablished = p;
        add("established " + p.address().getHostAddress() + " hold=" + hold);
    }
    @Override public void update(PeerInfo p, UpdateMessage u) { updates.incrementAndGet(); }
    @Override public void endOfRib(PeerInfo p, AddressFamily f) { add("eor " + p.address().getHostAddress() + " " + f); }
    @Override public void notification(PeerInfo p, NotificationMessage n, boolean sent) {
        add("notification " + (sent ? "sent " : "received ") + p.address().getHostAddress() + " " + n.code() + "/" + n.subcode()
                + (n.shutdownCommunication() != null ? " \"" + n.shutdownCommunication() + "\"" : ""));
    }
    @Override public void down(PeerInfo p, String reason, boolean stale) {
        add("down " + p.address().getHostAddress() + (stale ? " stale" : "") + " " + reason);
    }
    @Override public void staleRoutesExpired(PeerInfo p, AddressFamily f) { add("stale-expired " + p.address().getHostAddress() + " " + f); }
    @Override public void routeRefresh(PeerInfo p, io.vroute.bgp.wire.RouteRefreshMessage m) {
        add("refresh " + p.address().getHostAddress() + " " + m.family() + "/" + m.subtype());
    }
    @Override public void rejected(InetSocketAddress r, String reason) { add("rejected " + r.getAddress().getHostAddress() + " " + reason); }

    String await(Predicate<String> p, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < deadline) {
            for (String l : lines) if (p.test(l)) return l;
            Thread.sleep(20);
        }
        throw new AssertionError("no matching event within " + millis + " ms; events: " + lines);
    }

    String await(String prefix, long millis) throws InterruptedException {
        return await(l -> l.startsWith(prefix), millis);
    }

    boolean any(String prefix) {
        return lines.stream().anyMatch(l -> l.startsWith(prefix));
    }

    long count(String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).count();
    }
}
