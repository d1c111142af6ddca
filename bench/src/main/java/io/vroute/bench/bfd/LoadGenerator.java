package io.vroute.bench.bfd;

import io.vroute.bfd.BfdEngine;
import io.vroute.bfd.Diagnostic;
import io.vroute.bfd.SessionState;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The far side of the BFD benchmark, in a JVM of its own (started by {@link GeneratorProcess}): one {@link BfdEngine}
 * holding a session from each of {@code COUNT} consecutive appliance addresses to the route server endpoint, all with
 * the same timers, as a fleet of appliances would. It reports every state change and answers on stdin:
 *
 * <pre>
 *   out: ready COUNT
 *        change NANOS ADDRESS FROM TO DIAG REMOTE_STATE   (NANOS: System.nanoTime() the engine gave the change;
 *                                                         CLOCK_MONOTONIC, so comparable with other processes')
 *        error TEXT
 *   in:  cpu      -> cpu PROCESS_CPU_NANOS BFD_THREADS_CPU_NANOS BFD_THREADS_ALLOCATED_BYTES
 *        counts   -> counts ADMIN_DOWN DOWN INIT UP   (sessions in each state now)
 *        counters -> counters SENT RECEIVED DISCARDED SESSIONS_WITH_SEND_ERRORS ENGINE_RECEIVED BAD_TTL MALFORMED
 *                    NO_SESSION WRONG_SOURCE TRUNCATED   (the sessions' own counters added up, then the engines')
 *        quit     -> (AdminDown on every session, RFC 5880 §6.8.16, then exits)
 * </pre>
 * Arguments: {@code FIRST_ADDRESS COUNT ENDPOINT_ADDRESS PORT MIN_TX_MS MIN_RX_MS MULTIPLIER ENGINES [SKIP_ADDRESS...]};
 * the addresses are FIRST_ADDRESS and upward, leaving out each SKIP_ADDRESS (the endpoint's own, say).
 *
 * <p>ENGINES engines (threads) share the sessions, in blocks of consecutive addresses. An engine has a receiving
 * socket per local address and looks at all of them, and at all its sessions, each time it wakes; with a thousand
 * addresses in one engine that alone takes most of a core here, which a fleet of real appliances (one address
 * each) would not spend on this machine. Splitting the fleet keeps the generator's cost well below vroute's.
 *
 * <p>The listener runs on the BFD thread and only queues the change; a thread of its own prints it, so a slow
 * reader of stdout can never delay a packet.
 */
final class LoadGenerator {
    /** Held here: java.util.logging keeps its loggers only weakly, and a collected one forgets its level. */
    private static final Logger QUIET = Logger.getLogger("io.vroute.bfd");

    private LoadGenerator() {}

    private record Change(long nanos, InetAddress address, SessionState from, SessionState to, Diagnostic diag, SessionState remote) {}

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err); // library output must not mix with the protocol
        if (args.length < 8) {
            out.println("error usage: LoadGenerator FIRST_ADDRESS COUNT ENDPOINT_ADDRESS PORT MIN_TX_MS MIN_RX_MS MULTIPLIER ENGINES"
                    + " [SKIP_ADDRESS...]");
            System.exit(2);
        }
        InetAddress first = InetAddress.getByName(args[0]);
        int count = Integer.parseInt(args[1]);
        InetAddress endpoint = InetAddress.getByName(args[2]);
        int port = Integer.parseInt(args[3]);
        BfdEngine.Timers timers = BfdEngine.Timers.ofMillis(Long.parseLong(args[4]), Long.parseLong(args[5]), Integer.parseInt(args[6]));
        int engineCount = Math.max(1, Integer.parseInt(args[7]));
        List<InetAddress> skip = new ArrayList<>();
        for (int i = 8; i < args.length; i++) skip.add(InetAddress.getByName(args[i]));

        // The changes go to stdout below; the engine's own log lines about them would only slow its thread down.
        QUIET.setLevel(Level.WARNING);
        LinkedBlockingQueue<Change> changes = new LinkedBlockingQueue<>();
        Thread printer = Thread.ofPlatform().name("generator-printer").daemon(true).start(() -> {
            try {
                while (true) {
                    Change c = changes.take();
                    synchronized (out) {
                        out.println("change " + c.nanos() + " " + c.address().getHostAddress() + " " + c.from() + " " + c.to() + " "
                                + c.diag() + " " + c.remote());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        List<BfdEngine> engines = new ArrayList<>(engineCount);
        List<BfdEngine.Peer> peers = new ArrayList<>(count);
        try {
            for (int i = 0; i < engineCount; i++) engines.add(BfdEngine.start(port));
        } catch (Exception e) {
            out.println("error cannot start a BFD engine on UDP port " + port + ": " + e.getMessage());
            System.exit(1);
            return;
        }
        try {
            List<InetAddress> addresses = Addresses.upward(first, count, skip);
            for (int i = 0; i < addresses.size(); i++) {
                BfdEngine engine = engines.get((int) ((long) i * engineCount / addresses.size()));
                peers.add(engine.add(addresses.get(i), endpoint, timers, null,
                        (peer, from, to, diag, remote, nanos) -> changes.add(new Change(nanos, peer.local(), from, to, diag, remote))));
            }
        } catch (Exception e) {
            out.println("error cannot open session " + (peers.size() + 1) + " of " + count + ": " + e.getMessage()
                    + " (see the generator log; too many open files? raise ulimit -n)");
            engines.forEach(BfdEngine::closeSilently);
            System.exit(1);
            return;
        }
        synchronized (out) { out.println("ready " + peers.size()); }

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String cmd; (cmd = in.readLine()) != null; ) {
            String reply = switch (cmd.trim()) {
                case "cpu" -> "cpu " + ThreadCpu.processCpu() + " " + ThreadCpu.take().thread("vroute-bfd") + " " + ThreadCpu.allocated("vroute-bfd");
                case "counters" -> {
                    long sent = 0, received = 0, discarded = 0, failing = 0;
                    for (BfdEngine.Peer p : peers) {
                        BfdEngine.Status st = p.status();
                        sent += st.sent();
                        received += st.received();
                        discarded += st.discarded();
                        if (st.lastSendErrno() != 0) failing++;
                    }
                    long[] e = new long[6];
                    for (BfdEngine engine : engines) {
                        BfdEngine.Counters c = engine.counters();
                        e[0] += c.received();
                        e[1] += c.badTtl();
                        e[2] += c.malformed();
                        e[3] += c.noSession();
                        e[4] += c.wrongSource();
                        e[5] += c.truncated();
                    }
                    yield "counters " + sent + " " + received + " " + discarded + " " + failing + " " + e[0] + " " + e[1] + " " + e[2] + " "
                            + e[3] + " " + e[4] + " " + e[5];
                }
                case "counts" -> {
                    int[] n = new int[SessionState.values().length];
                    for (BfdEngine.Peer p : peers) n[p.state().ordinal()]++;
                    yield "counts " + n[SessionState.ADMIN_DOWN.ordinal()] + " " + n[SessionState.DOWN.ordinal()] + " "
                            + n[SessionState.INIT.ordinal()] + " " + n[SessionState.UP.ordinal()];
                }
                case "quit" -> null;
                default -> "error unknown command '" + cmd + "': use cpu, counts, counters or quit";
            };
            if (reply == null) break;
            synchronized (out) { out.println(reply); }
        }
        engines.forEach(BfdEngine::close);
        printer.interrupt();
        System.exit(0);
    }
}
