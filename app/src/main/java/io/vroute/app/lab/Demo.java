package io.vroute.app.lab;

import static io.vroute.app.lab.FloatingIpScenario.ACTIVE;
import static io.vroute.app.lab.FloatingIpScenario.ACTIVE_ADDRESS;
import static io.vroute.app.lab.FloatingIpScenario.FLOATING_IP;
import static io.vroute.app.lab.FloatingIpScenario.FLOATING_PREFIX;
import static io.vroute.app.lab.FloatingIpScenario.STANDBY;
import static io.vroute.app.lab.FloatingIpScenario.STANDBY_ADDRESS;
import static io.vroute.app.lab.FloatingIpScenario.TEST;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code vroute demo}: SPEC scenario 1 end to end, with packets. The lab comes up through vroute's API; the demo shows
 * the four routes and the installed one, pings the floating IP from the test instance (instance-rs-az1 answers), then
 * stops instance-rs-az1 while a ping runs every 10 ms and prints what happened when (the failure, the sessions going
 * down, the routes withdrawn, the new best path, the kernel table, the first reply from instance-rs-az2) and the
 * outage; then recovers it and shows the failback; then takes the lab down. Every step is checked: the exit status is 0
 * only when all of them worked.
 */
final class Demo {
    private static final Pattern GOBGP_HOLD = Pattern.compile("\"negotiated_hold_time\"\\s*:\\s*(\\d+)");

    private final LabState.Home home;
    private final URI endpoint;
    private final Path dataDir;
    private final String liveness;
    private final boolean keep;
    private final PrintWriter out;
    private final List<String> failed = new ArrayList<>();
    private int step;

    Demo(LabState.Home home, URI endpoint, Path dataDir, String liveness, boolean keep, PrintWriter out) {
        this.home = home;
        this.endpoint = endpoint;
        this.dataDir = dataDir;
        this.liveness = liveness;
        this.keep = keep;
        this.out = out;
    }

    /** Runs the demo; 0 when every step worked. */
    int run() throws IOException {
        if (!Shell.isRoot()) {
            java.util.Set<String> missing = Prerequisites.missing(Prerequisites.of(Lab.FLOATING_IP, liveness));
            throw new IOException("vroute demo needs root (network namespaces, BGP on port 179, a ping every 10 ms): run"
                    + " `sudo bin/vroute demo`" + (missing.isEmpty() ? "" : "; it installs " + String.join(" ", missing)
                    + " then, or install them first: sudo apt-get install -y " + String.join(" ", missing)));
        }
        if (!liveness.equals("bgp-keepalive") && !liveness.equals("bfd")) {
            throw new IllegalArgumentException("--liveness must be bgp-keepalive or bfd, not '" + liveness + "'");
        }
        LabState existing = LabState.load(home);
        if (existing != null) {
            throw new IOException("a lab is already up here (" + existing.scenario + "): the demo builds its own; take that one"
                    + " down first with `" + home.command("down") + "`, or give the demo another --name");
        }
        Instant began = Instant.now();
        out.println("vroute demo: SPEC scenario 1 (floating IP failover) with real BGP daemons and real packets; liveness "
                + liveness);
        boolean down = true;
        // Ctrl-C ends the JVM: take the lab down on the way out, unless the demo got there itself.
        java.util.concurrent.atomic.AtomicBoolean downStarted = new java.util.concurrent.atomic.AtomicBoolean(keep);
        Thread interrupted = new Thread(() -> {
            if (downStarted.compareAndSet(false, true)) {
                out.println();
                out.println("interrupted: taking the lab down");
                try {
                    Lab.down(home, out);
                } catch (IOException | RuntimeException e) {
                    out.println("lab down failed: " + e.getMessage() + "; run `" + home.command("down") + "`");
                }
                out.flush();
            }
        }, "demo-interrupted");
        Runtime.getRuntime().addShutdownHook(interrupted);
        try {
            header("lab up floating-ip" + (liveness.equals("bfd") ? " --liveness bfd" : ""));
            Lab lab = Lab.up(home, Lab.FLOATING_IP, liveness, endpoint, dataDir, out);
            scenario(lab);
        } catch (Exception e) {
            fail("the demo stopped: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        } finally {
            if (keep) {
                out.println();
                out.println("--keep: the lab stays up; `" + home.command("status") + "` shows it, `" + home.command("down")
                        + "` removes it");
            } else if (downStarted.compareAndSet(false, true)) {
                if (!failed.isEmpty()) keepLogs();
                header("lab down");
                try {
                    down = Lab.down(home, out);
                } catch (IOException | RuntimeException e) {
                    down = false;
                    out.println("lab down failed: " + e.getMessage());
                }
                if (!down) fail("lab down did not remove everything: run `" + home.command("down") + "` again");
            }
            try {
                Runtime.getRuntime().removeShutdownHook(interrupted);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or done: nothing to remove
            }
        }
        out.println();
        long seconds = Duration.between(began, Instant.now()).toSeconds();
        if (failed.isEmpty()) {
            out.println("demo: every step worked (" + seconds + " s)");
        } else {
            out.println("demo FAILED (" + seconds + " s):");
            failed.forEach(f -> out.println("  - " + f));
        }
        out.flush();
        return failed.isEmpty() ? 0 : 1;
    }

    private void scenario(Lab lab) throws IOException {
        LabState st = lab.st;
        LabApi api = lab.api();
        String rs = st.id("route-server");
        String testTable = st.id("table:test");
        LabState.Node active = st.node(ACTIVE), standby = st.node(STANDBY), test = st.node(TEST);
        int kernelTable = st.layout().table(testTable);
        String router = lab.routerNamespace();

        header("the routes: four advertisements, one installed");
        showRoutes(lab, testTable, kernelTable);
        List<RouteServerView.RibRoute> rib = RouteServerView.rib(api, rs, FLOATING_PREFIX);
        check(rib.size() == 4, "the RIB holds 4 routes for " + FLOATING_PREFIX, "it holds " + rib.size());
        check(rib.stream().filter(r -> r.status().equals("in-fib")).map(RouteServerView.RibRoute::nextHop).toList()
                .equals(List.of(ACTIVE_ADDRESS)), "one in-fib, via " + ACTIVE_ADDRESS, rib.toString());
        check(active.eni.equals(RouteServerView.target(RouteServerView.table(api, testTable), FLOATING_PREFIX)),
                "the test subnet's route table sends " + FLOATING_PREFIX + " to " + active.eni + " (" + ACTIVE + ")", "it does not");

        header("ping " + FLOATING_IP + " from " + TEST);
        String answered = lab.whoAnswers(TEST, FLOATING_IP, 5, List.of(ACTIVE, STANDBY));
        out.println("  " + answered);
        check(answered.startsWith("5/5") && answered.contains(ACTIVE) && !answered.contains(STANDBY),
                "answered by " + ACTIVE, answered);
        if (!failed.isEmpty()) throw new IOException("the lab is not as it should be before the failure");

        header("stop " + ACTIVE + " while " + TEST + " pings " + FLOATING_IP + " every 10 ms");
        out.println("  watching: ping -D -i 0.01; ip -ts monitor route in " + router + "; GetRouteServerRoutingDatabase and"
                + " DescribeRouteTables every 10 ms; Icmp InEchos of both instances every 1 ms");
        out.flush();
        try (FastPing ping = new FastPing(test.namespace, FLOATING_IP, 10);
             RouteMonitor kernel = new RouteMonitor(router, FLOATING_IP + " ");
             Poll<String> ribPoll = new Poll<>("rib", 10, () -> ribSummary(api, rs));
             Poll<String> tablePoll = new Poll<>("table", 10,
                     () -> RouteServerView.target(RouteServerView.table(api, testTable), FLOATING_PREFIX));
             Poll<Long> echosActive = new Poll<>("echos-active", 1, () -> Counters.read(active).inEchos());
             Poll<Long> echosStandby = new Poll<>("echos-standby", 1, () -> Counters.read(standby).inEchos())) {
            Shell.sleep(1500);
            Instant beforeFailure = Instant.now();
            int baseline = ping.count(beforeFailure.minusSeconds(1), beforeFailure);
            out.println("  " + baseline + " replies in the last second before the failure"
                    + (baseline > 0 ? " (one every " + 1000 / baseline + " ms: ping -i 0.01 as fast as this kernel's timers go)" : ""));
            check(baseline > 20, "the fast ping is answered before the failure", baseline + " replies in 1 s");
            long standbyEchos = value(echosStandby);
            String holdNote = holdTimeNote(st, standby);

            // ---- failover
            Instant t0 = lab.fail(ACTIVE, Lab.Failure.STOP);
            Duration limit = Duration.ofSeconds(liveness.equals("bfd") ? 15 : Appliance.HOLD_TIME + 30);
            boolean moved = Lab.waitFor(limit, () -> standby.eni.equals(tablePoll.latest()) && value(echosStandby) > standbyEchos
                    && ping.firstAfter(Instant.now().minusMillis(200)) != null);
            Shell.sleep(1000);
            Instant afterFailover = Instant.now();
            header("failover timeline (t = 0: failure injected)");
            Timeline failover = new Timeline();
            failover.add(t0, "failure injected", ACTIVE + ": kill -STOP " + active.daemon + " " + active.pids + ", eth0 down",
                    "the demo's clock");
            Map<String, RouteServerView.Peer> peers = RouteServerView.peers(api, rs);
            int downs = peerEvents(failover, peers, ACTIVE_ADDRESS, t0, "DOWN", "session down");
            Poll.Change<String> withdrawn = ribPoll.first(t0, v -> !v.contains(ACTIVE_ADDRESS));
            if (withdrawn != null) {
                failover.add(withdrawn.seen(), "routes withdrawn", "no route via " + ACTIVE_ADDRESS + " left: " + withdrawn.value(),
                        polled("GetRouteServerRoutingDatabase", withdrawn, t0));
            }
            Poll.Change<String> best = ribPoll.first(t0, v -> v.contains(STANDBY_ADDRESS + " in-fib"));
            if (best != null) {
                failover.add(best.seen(), "best path changed", FLOATING_PREFIX + " in-fib via " + STANDBY_ADDRESS + " ("
                        + STANDBY + ", the prepended path)", polled("GetRouteServerRoutingDatabase", best, t0));
            }
            RouteMonitor.Event kernelEvent = kernel.first(t0, e -> e.added() && e.line().contains("via " + STANDBY_ADDRESS)
                    && e.line().contains("table " + kernelTable + " "));
            if (kernelEvent != null) {
                failover.add(kernelEvent.at(), "kernel table updated", kernelEvent.line(), "ip -ts monitor route in " + router);
            }
            Poll.Change<String> tableChange = tablePoll.first(t0, standby.eni::equals);
            if (tableChange != null) {
                failover.add(tableChange.seen(), "route table changed", testTable + ": " + FLOATING_PREFIX + " -> " + standby.eni
                        + " (" + STANDBY + ")", polled("DescribeRouteTables", tableChange, t0));
            }
            Poll.Change<Long> firstEcho = echosStandby.first(t0, v -> v > standbyEchos);
            if (firstEcho != null) {
                failover.add(firstEcho.seen(), "standby got an echo request", STANDBY + " Icmp InEchos " + standbyEchos + " -> "
                        + firstEcho.value(), polled("/proc/net/snmp of " + standby.namespace, firstEcho, t0));
            }
            FastPing.Gap outage = ping.longestGap(t0.minusMillis(500), afterFailover);
            FastPing.Reply firstReply = outage == null ? null : outage.after();
            if (firstReply != null) {
                failover.add(firstReply.at(), "first reply from the standby", "icmp_seq=" + firstReply.seq() + " at " + TEST,
                        "ping -D timestamp");
            }
            failover.print(out, t0);
            if (outage != null) {
                out.printf("  outage: %d ms without replies (last reply before it at %+d ms, first after it at %+d ms); %d echo"
                                + " requests lost%n", outage.millis(), Duration.between(t0, outage.before().at()).toMillis(),
                        Duration.between(t0, outage.after().at()).toMillis(), outage.lost());
            }
            out.println("  " + holdNote);
            check(moved, "the route table moved to " + STANDBY + " and " + STANDBY + " answers",
                    "not within " + limit.toSeconds() + " s: table says " + tablePoll.latest()
                            + (tablePoll.lastError() == null ? "" : " (last API error: " + tablePoll.lastError() + ")"));
            check(downs >= 2, "both sessions of " + ACTIVE + " went down", downs + " DOWN events");
            check(withdrawn != null, "its routes were withdrawn", "the RIB still has them: " + ribPoll.latest());
            check(best != null, "the standby's path became the best", "RIB: " + ribPoll.latest());
            check(kernelEvent != null, "the kernel table of the test subnet changed", "ip monitor saw no new route via " + STANDBY_ADDRESS);
            check(firstEcho != null && firstReply != null, "the standby answers", "no echo reached " + STANDBY);
            check(outage != null && outage.millis() >= 100, "the outage was measured", "no gap in the replies");

            header("after the failover");
            Instant w = Instant.now();
            long a0 = value(echosActive), b0 = value(echosStandby);
            Shell.sleep(1000);
            long da = value(echosActive) - a0, db = value(echosStandby) - b0;
            int replies = ping.count(w, Instant.now());
            out.println("  in one second: " + replies + " replies; echo requests received: " + STANDBY + " +" + db + ", " + ACTIVE + " +" + da);
            check(db > 20 && da == 0 && replies > 20, STANDBY + " answers the pings now", STANDBY + " +" + db + ", " + ACTIVE + " +" + da);
            showRoutes(lab, testTable, kernelTable);

            // ---- failback
            header("recover " + ACTIVE + " (failback, preemptive: its path is shorter)");
            long activeEchos = value(echosActive);
            Instant t1 = lab.recover(ACTIVE);
            boolean back = Lab.waitFor(Duration.ofSeconds(90),
                    () -> active.eni.equals(tablePoll.latest()) && value(echosActive) > activeEchos && sessionsUp(api, rs, ACTIVE_ADDRESS));
            Shell.sleep(1000);
            Instant afterFailback = Instant.now();
            header("failback timeline (t = 0: recovery)");
            Timeline failback = new Timeline();
            failback.add(t1, "recovery", ACTIVE + ": eth0 up, kill -CONT " + active.pids, "the demo's clock");
            int ups = peerEvents(failback, RouteServerView.peers(api, rs), ACTIVE_ADDRESS, t1, "UP", "session up");
            Poll.Change<String> bestBack = ribPoll.first(t1, v -> v.contains(ACTIVE_ADDRESS + " in-fib"));
            if (bestBack != null) {
                failback.add(bestBack.seen(), "best path changed", FLOATING_PREFIX + " in-fib via " + ACTIVE_ADDRESS,
                        polled("GetRouteServerRoutingDatabase", bestBack, t1));
            }
            RouteMonitor.Event kernelBack = kernel.first(t1, e -> e.added() && e.line().contains("via " + ACTIVE_ADDRESS)
                    && e.line().contains("table " + kernelTable + " "));
            if (kernelBack != null) failback.add(kernelBack.at(), "kernel table updated", kernelBack.line(), "ip -ts monitor route in " + router);
            Poll.Change<String> tableBack = tablePoll.first(t1, active.eni::equals);
            if (tableBack != null) {
                failback.add(tableBack.seen(), "route table changed", testTable + ": " + FLOATING_PREFIX + " -> " + active.eni
                        + " (" + ACTIVE + ")", polled("DescribeRouteTables", tableBack, t1));
            }
            Poll.Change<Long> echoBack = echosActive.first(t1, v -> v > activeEchos);
            if (echoBack != null) {
                failback.add(echoBack.seen(), "active got an echo request", ACTIVE + " Icmp InEchos " + activeEchos + " -> "
                        + echoBack.value(), polled("/proc/net/snmp of " + active.namespace, echoBack, t1));
            }
            failback.print(out, t1);
            FastPing.Gap gap = ping.longestGap(t1, afterFailback);
            if (gap != null) {
                out.printf("  longest gap between replies during the failback: %d ms, %d echo requests lost%n", gap.millis(), gap.lost());
            }
            String stats = ping.stop();
            out.println("  ping -i 0.01 over the whole run: " + (stats == null ? "(no statistics)" : stats));
            check(back, "traffic failed back to " + ACTIVE, "table says " + tablePoll.latest());
            check(ups >= 2, "both sessions of " + ACTIVE + " came back", ups + " UP events");

            header("summary");
            if (outage != null) {
                out.printf("  failover: %s -> %s, outage %d ms (%d echo requests lost at %d per second)%n", ACTIVE, STANDBY,
                        outage.millis(), outage.lost(), baseline);
            }
            if (gap != null) out.printf("  failback: %s -> %s, longest gap %d ms%n", STANDBY, ACTIVE, gap.millis());
            out.println("  " + holdNote);
        }
    }

    // ------------------------------------------------------------------------------------------ pieces

    /** The RIB's routes for the floating IP, as "NEXT-HOP STATUS" sorted: changes of it are what the timeline needs. */
    private static String ribSummary(LabApi api, String rs) throws IOException {
        List<String> s = new ArrayList<>();
        for (RouteServerView.RibRoute r : RouteServerView.rib(api, rs, FLOATING_PREFIX)) s.add(r.nextHop() + " " + r.status());
        s.sort(null);
        return String.join(", ", s);
    }

    private void showRoutes(Lab lab, String testTable, int kernelTable) throws IOException {
        LabApi api = lab.api();
        out.println("  GetRouteServerRoutingDatabase (" + FLOATING_PREFIX + "):");
        for (RouteServerView.RibRoute r : RouteServerView.rib(api, lab.st.id("route-server"), FLOATING_PREFIX)) {
            out.println("    " + r);
        }
        out.println("  DescribeRouteTables " + testTable + " (the test subnet's table):");
        for (RouteServerView.TableRoute r : RouteServerView.table(api, testTable)) out.println("    " + r);
        Shell.Result k = Shell.run(10, List.of("ip", "-n", lab.routerNamespace(), "route", "show", "table",
                Integer.toString(kernelTable)));
        out.println("  kernel: ip -n " + lab.routerNamespace() + " route show table " + kernelTable + ":");
        k.output().lines().filter(l -> l.startsWith(FLOATING_IP + " ")).forEach(l -> out.println("    " + l.strip()));
        out.flush();
    }

    /** Adds the first {@code status} event after {@code after} of every peer of {@code address}; returns how many. */
    private static int peerEvents(Timeline t, Map<String, RouteServerView.Peer> peers, String address, Instant after,
                                  String status, String label) {
        int n = 0;
        for (RouteServerView.Peer p : peers.values()) {
            if (!address.equals(p.peerAddress())) continue;
            for (String type : List.of("BFDStatus", "BGPStatus")) {
                for (RouteServerView.PeerEvent e : p.events()) {
                    if (e.type().equals(type) && e.status().equals(status) && e.time().isAfter(after.minusMillis(5))) {
                        t.add(e.time(), label, p.id() + " (" + address + " -> " + p.endpointAddress() + ") " + type.replace("Status", "")
                                + " " + status + (e.reason() == null ? "" : ": " + e.reason()), "DescribeRouteServerPeers eventSet");
                        if (type.equals("BGPStatus")) n++;
                        break;
                    }
                }
            }
        }
        return n;
    }

    /** Whether every peer of {@code address} is up again (false when the API cannot say). */
    private static boolean sessionsUp(LabApi api, String rs, String address) {
        try {
            return RouteServerView.peers(api, rs).values().stream().filter(p -> address.equals(p.peerAddress()))
                    .allMatch(RouteServerView.Peer::up);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static String polled(String what, Poll.Change<?> c, Instant zero) {
        return what + ", polled: changed between " + String.format("%+d", Duration.between(zero, c.notBefore()).toMillis())
                + " and " + String.format("%+d", Duration.between(zero, c.seen()).toMillis()) + " ms";
    }

    private static long value(Poll<Long> p) {
        Long v = p.latest();
        return v == null ? -1 : v;
    }

    /** Why the outage is as long as it is: the negotiated hold time (bgp-keepalive) or BFD's detection time. */
    private String holdTimeNote(LabState st, LabState.Node standby) {
        if (liveness.equals("bfd")) {
            // RFC 5880 §6.8.4: the detection time is the multiplier times the agreed interval.
            return "why this long: liveness bfd: BFD at " + Appliance.BFD_INTERVAL_MS + " ms x " + Appliance.BFD_MULTIPLIER
                    + " notices a silent appliance in " + Appliance.BFD_INTERVAL_MS * Appliance.BFD_MULTIPLIER
                    + " ms; the rest is withdrawal, best path and the kernel write";
        }
        String negotiated = "";
        Shell.Result r = Shell.inNamespace(standby.namespace, "gobgp", "-j", "neighbor");
        Matcher m = GOBGP_HOLD.matcher(r.output());
        if (m.find()) negotiated = " (gobgp neighbor says " + m.group(1) + " s)";
        return "why this long: liveness bgp-keepalive: a stopped appliance is noticed when the hold timer expires. The lab's"
                + " GoBGP offers hold time " + Appliance.HOLD_TIME + " s (keepalive " + Appliance.KEEPALIVE + " s), vroute offers"
                + " 90 s, and a session takes the smaller (RFC 4271 §4.2): " + Appliance.HOLD_TIME + " s" + negotiated
                + ". With --liveness bfd the appliance is noticed in "
                + Appliance.BFD_INTERVAL_MS * Appliance.BFD_MULTIPLIER + " ms";
    }

    /** Before lab down removes the lab's directory: copies its logs (the daemon's, the appliances') to /tmp. */
    private void keepLogs() {
        Path from = home.dir();
        Path to = Path.of(System.getProperty("java.io.tmpdir"), "vroute-demo-logs-" + System.currentTimeMillis());
        try (var files = java.nio.file.Files.walk(from)) {
            for (Path f : files.toList()) {
                String rel = from.relativize(f).toString();
                if (rel.startsWith("data") || rel.endsWith(".jar") || !java.nio.file.Files.isRegularFile(f)) continue;
                Path target = to.resolve(rel);
                java.nio.file.Files.createDirectories(target.getParent());
                java.nio.file.Files.copy(f, target);
            }
            out.println("  the logs of this run are kept in " + to);
        } catch (IOException e) {
            out.println("  could not keep the logs (" + e.getMessage() + "); they go with lab down");
        }
        out.flush();
    }

    private void header(String title) {
        out.println();
        out.println("== " + (++step) + ". " + title + "  [" + Lab.clockNow() + "]");
        out.flush();
    }

    private void check(boolean ok, String what, String otherwise) {
        out.println("  " + (ok ? "ok: " + what : "FAILED: " + what + ": " + otherwise));
        out.flush();
        if (!ok) failed.add(what + ": " + otherwise);
    }

    private void fail(String why) {
        out.println("  FAILED: " + why);
        out.flush();
        failed.add(why);
    }
}
