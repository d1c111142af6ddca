package io.vroute.bench.failover;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Issue 5's speed part: how long a client's traffic to a floating IP is lost when the active appliance dies, with
 * vroute as the route server and with BIRD 2 as the route server, in the same lab, one after the other in the same
 * run (never at once: they would share the CPU). See {@link Lab} for the topology.
 *
 * <p>A round: a 10 ms ping ({@code ping -D -i 0.01}) runs from the client; one second in, the active appliance's
 * daemons are frozen ({@code kill -STOP} of bfdd, bgpd and zebra in one command) and right after its kernel is made
 * dead for the client's packets ({@code ip route add blackhole 10.0.3.0/24} in its namespace: the echo requests still
 * arrive, no reply leaves). Measured: (a) failure to the kernel route replaced (the client's table goes via the
 * standby; {@code ip -ts monitor route} in the router namespace), (b) the route server's BFD Down to that kernel
 * change (vroute: the BFD session's {@code since} in DescribeRouteServerPeers; BIRD: its BFD protocol's log line),
 * (c) the ping's longest gap between replies and the requests lost. Then the appliance is thawed (blackhole removed
 * first) and the next round waits until both sessions are up and the route is back on the active appliance, unchanged
 * for 6 s.
 */
public final class FailoverBenchmark {
    private static final String USAGE = """
            bin/bench-failover [--rounds N] [--interval MS] [--multiplier N] [--hold-time S] [--keepalive]
                               [--keepalive-rounds N] [--only vroute|bird] [--work DIR] [--vroute-jar PATH]

              --rounds N           failovers per route server with BFD (default 10)
              --interval MS        BFD transmit and receive interval on every session (default 100)
              --multiplier N       BFD detect multiplier (default 3)
              --hold-time S        BGP hold time of the BFD runs (default 9)
              --keepalive          also run vroute with bgp-keepalive liveness (gobgpd appliances, hold time 3 s)
              --keepalive-rounds N failovers of that run (default 5)
              --only vroute|bird   run one route server only
              --work DIR           where configurations, logs and ping outputs go (default a new directory in /tmp)
              --vroute-jar PATH    vroute's application jar (default app/target/vroute.jar, run from a copy)
            """;

    private int rounds = 10;
    private int interval = 100;
    private int multiplier = 3;
    private int holdTime = 9;
    private boolean keepalive;
    private int keepaliveRounds = 5;
    private String only;
    private Path work;
    private Path jar = Path.of("app/target/vroute.jar");
    private final String prefix = "vrt-h-fo" + ProcessHandle.current().pid() + "-";

    /** One failover's numbers, in ms; NaN where the route server gave no account. */
    record Round(double detect, double bfdToKernel, double handledToKernel, double failureToKernel, double gap, int lost,
                 double failback, double blackholeAfterFreeze) {
    }

    public static void main(String[] args) throws Exception {
        FailoverBenchmark b = new FailoverBenchmark();
        if (!b.parse(args)) return;
        System.exit(b.run());
    }

    private boolean parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "-h", "--help" -> {
                    System.out.print(USAGE);
                    return false;
                }
                case "--keepalive" -> keepalive = true;
                default -> {
                    if (i + 1 >= args.length) throw usage(a + " needs a value");
                    String v = args[++i];
                    switch (a) {
                        case "--rounds" -> rounds = Integer.parseInt(v);
                        case "--interval" -> interval = Integer.parseInt(v);
                        case "--multiplier" -> multiplier = Integer.parseInt(v);
                        case "--hold-time" -> holdTime = Integer.parseInt(v);
                        case "--keepalive-rounds" -> keepaliveRounds = Integer.parseInt(v);
                        case "--only" -> only = v;
                        case "--work" -> work = Path.of(v);
                        case "--vroute-jar" -> jar = Path.of(v);
                        default -> throw usage("unknown option " + a);
                    }
                }
            }
        }
        if (only != null && !only.equals("vroute") && !only.equals("bird")) throw usage("--only takes vroute or bird");
        return true;
    }

    private static IllegalArgumentException usage(String what) {
        return new IllegalArgumentException(what + ": see bin/bench-failover --help\n" + USAGE);
    }

    private int run() throws IOException {
        if (work == null) work = Files.createTempDirectory("vroute-bench-failover-");
        Files.createDirectories(work);
        // FRR's daemons drop to user frr and must reach their configuration and logs in here.
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        Runtime.getRuntime().addShutdownHook(new Thread(this::cleanUp));
        System.out.printf("bench-failover: work directory %s, namespaces %s*, %d rounds per route server%n", work, prefix, rounds);
        Lab.Liveness bfd = new Lab.Liveness(interval, multiplier, holdTime);
        Map<String, List<Round>> results = new LinkedHashMap<>();
        Map<String, String> names = new LinkedHashMap<>();
        if (only == null || only.equals("vroute")) {
            if (!Files.exists(jar)) throw new IllegalStateException(jar + " is missing: build it (mvn -o -q -DskipTests -pl app -am package)");
            VrouteLab lab = new VrouteLab(prefix + "v-", work.resolve("vroute"), bfd, jar, List.of());
            results.put("vroute", runLab(lab, bfd, rounds));
            names.put("vroute", lab.name());
        }
        if (only == null || only.equals("bird")) {
            BirdLab lab = new BirdLab(prefix + "b-", work.resolve("bird"), bfd);
            results.put("bird", runLab(lab, bfd, rounds));
            names.put("bird", lab.name());
        }
        Lab.Liveness hold = new Lab.Liveness(0, 0, 3);
        if (keepalive && (only == null || only.equals("vroute"))) {
            VrouteLab lab = new VrouteLab(prefix + "k-", work.resolve("vroute-keepalive"), hold, jar, List.of());
            results.put("vroute-keepalive", runLab(lab, hold, keepaliveRounds));
            names.put("vroute-keepalive", "vroute, bgp-keepalive");
        }
        summary(results, names, bfd, hold);
        return 0;
    }

    private List<Round> runLab(Lab lab, Lab.Liveness liveness, int n) {
        List<Round> out = new ArrayList<>();
        Appliance active = null, standby = null;
        RouteWatch watch = null;
        try {
            Files.createDirectories(work.resolve(lab.dir.getFileName()));
            lab.build();
            watch = new RouteWatch(lab.router(), lab.table());
            boolean bfd = liveness.bfd();
            active = new Appliance(bfd ? Appliance.Kind.FRR : Appliance.Kind.GOBGP, lab.activeNamespace(), Lab.ACTIVE, false,
                    lab.dir.resolve("active"), liveness.bfdIntervalMs(), liveness.bfdMultiplier(), liveness.holdTime()).start();
            standby = new Appliance(bfd ? Appliance.Kind.BIRD : Appliance.Kind.GOBGP, lab.standbyNamespace(), Lab.STANDBY, true,
                    lab.dir.resolve("standby"), liveness.bfdIntervalMs(), liveness.bfdMultiplier(), liveness.holdTime()).start();
            Instant started = Instant.now();
            awaitStable(lab, watch, active, standby);
            System.out.printf("%s (%s): sessions up and %s/32 via the active appliance in table %d of %s, stable, %d ms after"
                    + " the appliances started%n", lab.name(), liveness.describe(), Lab.FLOATING, lab.table(), lab.router(),
                    Duration.between(started, Instant.now()).toMillis());
            for (int i = 1; i <= n; i++) {
                Round r = round(lab, liveness, watch, active, standby, i);
                out.add(r);
                System.out.printf(Locale.ROOT, "%s round %d: BFD Down %s ms after the freeze; kernel route replaced %.1f ms"
                                + " after the freeze, %s ms after BFD Down (%s ms after vroute's control thread took it);"
                                + " ping: longest gap %.0f ms, %d lost; failback %.0f ms; blackhole %.1f ms after the freeze%n",
                        lab.name(), i, fmt(r.detect()), r.failureToKernel(), fmt(r.bfdToKernel()), fmt(r.handledToKernel()),
                        r.gap(), r.lost(), r.failback(), r.blackholeAfterFreeze());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            System.out.println("bench-failover: " + lab.name() + " stopped: " + e.getMessage() + "\n" + lab.logs()
                    + (active != null ? "\n---- active ----\n" + active.logs() : "")
                    + (standby != null ? "\n---- standby ----\n" + standby.logs() : ""));
        } finally {
            if (watch != null) watch.close();
            if (active != null) active.stop();
            if (standby != null) standby.stop();
            lab.close();
        }
        return out;
    }

    private Round round(Lab lab, Lab.Liveness liveness, RouteWatch watch, Appliance active, Appliance standby, int i) {
        int pingSeconds = liveness.bfd() ? 4 : 8;
        Path pingLog = lab.dir.resolve("ping-" + i + ".log");
        Process ping = Shell.spawnIn(lab.clientNamespace(), pingLog, "ping", "-n", "-D", "-i", "0.01", "-W", "1", "-w",
                Integer.toString(pingSeconds), Lab.FLOATING);
        Shell.sleep(1000);
        Instant failure = Instant.now();
        active.freeze();
        Instant frozen = Instant.now();
        // Dead for packets too: the client's echo requests still arrive, no reply leaves (a frozen daemon alone
        // leaves the kernel answering, and the make-before-break table change would then lose nothing).
        Shell.check("ip", "-n", active.namespace(), "route", "add", "blackhole", Lab.CLIENT_SUBNET);
        Instant blackholed = Instant.now();
        Instant replaced = watch.awaitVia(Lab.STANDBY, failure, liveness.bfd() ? 5_000 : 10_000);
        try {
            ping.waitFor(pingSeconds + 5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Shell.stop(ping, 1000);
        if (replaced == null) {
            throw new IllegalStateException("round " + i + ": table " + lab.table() + " never went via the standby; changes: "
                    + watch.since(failure));
        }
        Outage outage = Outage.of(Shell.read(pingLog), failure);
        if (outage == null) throw new IllegalStateException("round " + i + ": the ping got no replies:\n" + Shell.tail(pingLog, 10));
        Instant[] down = new Instant[2];
        if (liveness.bfd()) {
            Shell.await(3000, () -> (down[0] = lab.bfdDown(Lab.ACTIVE, failure)) != null);
            down[1] = lab.bfdDownHandled(Lab.ACTIVE, failure);
        }
        Shell.run("ip", "-n", active.namespace(), "route", "del", "blackhole", Lab.CLIENT_SUBNET);
        Instant thawed = Instant.now();
        active.thaw();
        awaitStable(lab, watch, active, standby);
        Instant back = watch.awaitVia(Lab.ACTIVE, thawed, 1);
        return new Round(ms(failure, down[0]), ms(down[0], replaced), ms(down[1], replaced), ms(failure, replaced),
                outage.longestGapMs(), outage.lost(), ms(thawed, back), ms(frozen, blackholed));
    }

    /** Both sessions up and the route via the active appliance, with no change for 6 s (FRR's BFD flaps once after Established). */
    private static void awaitStable(Lab lab, RouteWatch watch, Appliance active, Appliance standby) {
        boolean ok = Shell.await(120_000, () -> {
            Instant last = watch.lastChange();
            return Lab.ACTIVE.equals(watch.current()) && last != null
                    && Duration.between(last, Instant.now()).toMillis() >= 6000 && lab.sessionsUp();
        });
        if (!ok) {
            throw new IllegalStateException("not stable within 120 s: route via " + watch.current() + ", sessions up "
                    + lab.sessionsUp() + "\n---- active ----\n" + active.logs() + "\n---- standby ----\n" + standby.logs());
        }
    }

    private static double ms(Instant from, Instant to) {
        if (from == null || to == null) return Double.NaN;
        return Duration.between(from, to).toNanos() / 1e6;
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", v);
    }

    // ------------------------------------------------------------------------------------------------ summary

    /** Nearest-rank percentile (with 10 rounds p99 is the maximum). */
    static double percentile(List<Double> values, double p) {
        List<Double> v = values.stream().filter(d -> !Double.isNaN(d)).sorted().toList();
        if (v.isEmpty()) return Double.NaN;
        int rank = (int) Math.ceil(p / 100 * v.size());
        return v.get(Math.max(0, Math.min(v.size() - 1, rank - 1)));
    }

    private void summary(Map<String, List<Round>> results, Map<String, String> names, Lab.Liveness bfd, Lab.Liveness hold) {
        record Metric(String label, java.util.function.ToDoubleFunction<Round> f) {
        }
        List<Metric> metrics = List.of(
                new Metric("failure -> BFD Down at the route server", Round::detect),
                new Metric("BFD Down -> kernel route replaced", Round::bfdToKernel),
                new Metric("failure -> kernel route replaced", Round::failureToKernel),
                new Metric("10 ms ping: longest gap between replies", Round::gap),
                new Metric("10 ms ping: requests lost", r -> r.lost()),
                new Metric("thaw -> route back on the active appliance", Round::failback));
        System.out.println();
        System.out.printf("Failover, %s, FRR active / BIRD standby (prepending), %d rounds each; ms, p50 / p99 / max"
                + " (nearest rank)%n%n", bfd.describe(), rounds);
        StringBuilder head = new StringBuilder("| metric |");
        StringBuilder rule = new StringBuilder("|---|");
        for (String k : results.keySet()) {
            head.append(' ').append(names.get(k)).append(" (").append(results.get(k).size()).append(" rounds) |");
            rule.append("---|");
        }
        System.out.println(head);
        System.out.println(rule);
        for (Metric m : metrics) {
            StringBuilder row = new StringBuilder("| ").append(m.label()).append(" |");
            for (List<Round> rs : results.values()) {
                List<Double> v = rs.stream().map(r -> m.f().applyAsDouble(r)).toList();
                double p50 = percentile(v, 50), p99 = percentile(v, 99), max = percentile(v, 100);
                row.append(Double.isNaN(p50) ? " - |" : String.format(Locale.ROOT, " %.1f / %.1f / %.1f |", p50, p99, max));
            }
            System.out.println(row);
        }
        List<Round> v = results.getOrDefault("vroute", List.of());
        if (!v.isEmpty()) {
            List<Double> h = v.stream().map(Round::handledToKernel).toList();
            System.out.printf(Locale.ROOT, "%nvroute, control thread's BFD DOWN event -> kernel route replaced: p50 %s, p99 %s,"
                    + " max %s ms%n", fmt(percentile(h, 50)), fmt(percentile(h, 99)), fmt(percentile(h, 100)));
        }
        System.out.printf(Locale.ROOT, "%nBounds (issue 5): outage with BFD %d ms x %d at most %d ms; BFD Down -> kernel"
                        + " p99 at most 10 ms; with bgp-keepalive the outage is bounded by the hold time (%d s)%n",
                bfd.bfdIntervalMs(), bfd.bfdMultiplier(), bfd.bfdIntervalMs() * (bfd.bfdMultiplier() + 1), hold.holdTime());
    }

    private void cleanUp() {
        Shell.stopAll();
        Shell.deleteNamespaces(prefix);
        try (var s = Files.list(Path.of("/var/run/frr"))) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith(prefix)).toList()) Appliance.deleteTree(p);
        } catch (IOException | UncheckedIOException e) {
            // no FRR run directory: nothing of ours there
        }
        for (String p : List.of("v", "k")) Appliance.deleteTree(Path.of("/run", prefix + p));
    }
}
