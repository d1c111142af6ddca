package io.vroute.bench.bfd;

import io.vroute.bench.ingest.Hiccups;
import io.vroute.bench.ingest.Latencies;
import io.vroute.bench.ingest.ProcessMemory;
import io.vroute.bench.ingest.TableFeeder;
import io.vroute.server.BfdOptions;
import io.vroute.server.PeerEvent;
import io.vroute.server.PeerState;
import io.vroute.server.RouteServerEndpoint;
import io.vroute.server.Server;
import io.vroute.server.ServerConfig;
import io.vroute.vpc.NewInterface;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.FileHandler;
import java.util.logging.Handler;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.Collectors;

/**
 * The BFD scale benchmark (issue 4): 1000 BFD sessions at 300 ms x 3 between a route server and a fleet of appliances
 * while full tables are fed into the same route server, all on one host's loopback: 10.88.0.0/16, which
 * {@code bin/bench-bfd} makes local in a network namespace of its own ({@code ip route add local 10.88.0.0/16 dev lo}).
 * Not 127.0.0.0/8, which would need no namespace: a NEXT_HOP there is not a valid host address (RFC 4271 §6.3), so
 * the feed's routes would be treated as withdrawn and never reach the RIB, let alone a route table.
 *
 * <ul>
 *   <li>vroute runs in this JVM, as the real thing: a {@link Server} with a VPC, a subnet, a route table the route
 *   server propagates to, one endpoint for the bfd peers, one for the feed peer (the default quota allows 1000 peers
 *   per endpoint), the bfd peers at 10.88.1.0 upward and the feed peer at 10.88.0.9 (an interface of the VPC, so
 *   that its routes resolve and are installed).</li>
 *   <li>The appliances: {@link LoadGenerator}, BFD engines of the bfd module in a JVM of its own
 *   ({@link GeneratorProcess}).</li>
 *   <li>Phase 1: every session Up on both sides, then a quiet spell (BFD's cost with nothing else to do).</li>
 *   <li>Phase 2, the load: {@link FeedLoop} feeds and withdraws the whole table over and over for the duration; any
 *   session leaving Up on either side is a false Down. The collector's pauses, allocation stalls and every safepoint
 *   come from this JVM's unified log ({@link PauseLog}); a thread that only sleeps 1 ms records how late it wakes
 *   ({@link Hiccups}); CPU time and heap allocation are taken per thread, the BFD threads' waits for a CPU from the
 *   scheduler ({@link SchedStat}), and the packets both sides and the kernel counted, drops included
 *   ({@link UdpCounters}).</li>
 *   <li>Phase 3, detection: the generator is frozen with SIGSTOP; for each session, the time from the signal to the
 *   route server's BFD thread declaring it Down, against the configured detection time; then SIGCONT, and the time
 *   until every session is Up again.</li>
 * </ul>
 * Run it with {@code bin/bench-bfd}, which picks the collector and writes the GC log; {@code --help} lists the options.
 */
public final class BfdBenchmark {
    private static final String VPC_CIDR = "10.88.0.0/16", SUBNET_CIDR = "10.88.0.0/20";
    private static final InetAddress FEED = address("10.88.0.9"), FIRST_APPLIANCE = address("10.88.1.0");
    /** The route server's AS: a 4-octet private ASN that no path in the synthetic table contains. */
    private static final long ROUTE_SERVER_AS = 4_200_000_000L;
    private static final long APPLIANCE_AS = 65002;

    private record Options(int sessions, int durationSeconds, int prefixes, int intervalMs, int multiplier, int settleSeconds,
                           int generatorEngines, int bgpPort, int bfdPort, long seed, Path work, boolean keep) {
        int detectionMs() { return intervalMs * multiplier; }
    }

    private BfdBenchmark() {}

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        if (o == null) return;
        System.exit(new Run(o).run() ? 0 : 1);
    }

    /** One run; fields are what later phases and the summary need from earlier ones. */
    private static final class Run {
        final Options o;
        final Path work;
        final Path gcLog = gcLogOfThisJvm();
        final Transitions vroute = new Transitions();
        final List<String> summary = new ArrayList<>();
        Server server;
        GeneratorProcess generator;
        InetAddress endpoint, feedEndpoint;
        List<InetAddress> appliances;
        final Map<String, String> peerIds = new LinkedHashMap<>(); // appliance address -> rsp-...
        String feedPeer;
        boolean targetMet = true;
        long readyAt;
        List<Path> vrouteBfd, generatorBfd; // their schedstat files

        Run(Options o) throws IOException {
            this.o = o;
            this.work = o.work() != null ? Files.createDirectories(o.work()) : Files.createTempDirectory("vroute-bench-bfd-");
        }

        boolean run() throws Exception {
            if (!local(FIRST_APPLIANCE)) {
                System.err.println(VPC_CIDR + " is not local on this host: run the benchmark through bin/bench-bfd, which starts it in a"
                        + " network namespace where it is");
                return false;
            }
            logToFile();
            BfdLogTap.install(vroute);
            header();
            boolean ok = false;
            try {
                TableFeeder feeder = generateTable();
                startRouteServer();
                phase1();
                phase2(feeder);
                phase3();
                stop();
                printSummary();
                ok = true;
            } catch (IOException | RuntimeException e) {
                System.out.println();
                System.out.println("BFD benchmark failed: " + e.getMessage());
                System.out.println("logs are in " + work + " (vroute.log, generator.log, the GC logs)");
            } finally {
                stop();
            }
            if (ok && !o.keep()) {
                io.vroute.bench.ingest.IngestBenchmark.delete(work.resolve("data"));
                System.out.println("logs kept in " + work + " (vroute.log, generator.log, vroute-gc.log, generator-gc.log)");
            }
            return ok && targetMet;
        }

        // ---------------------------------------------------------------------------------------------- set-up

        /** vroute's log lines go to vroute.log in the work directory, one line each as the daemon writes them. */
        void logToFile() throws IOException {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT.%1$tL %4$s %5$s%6$s%n");
            Logger root = Logger.getLogger("");
            for (Handler h : root.getHandlers()) root.removeHandler(h);
            FileHandler file = new FileHandler(work.resolve("vroute.log").toString().replace("%", "%%"));
            file.setFormatter(new SimpleFormatter());
            root.addHandler(file);
        }

        void header() {
            String gcs = ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName)
                    .collect(Collectors.joining(", "));
            System.out.printf(Locale.ROOT, "BFD benchmark: %d sessions at %d ms x %d (detection time %d ms), %,d-prefix feeds for %d s%n",
                    o.sessions(), o.intervalMs(), o.multiplier(), o.detectionMs(), o.prefixes(), o.durationSeconds());
            System.out.printf(Locale.ROOT, "this JVM (vroute): Java %s, %d CPUs, max heap %.1f GB, collectors: %s%n", Runtime.version(),
                    Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() / 1e9, gcs);
            System.out.println("  flags: " + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
            System.out.println("generator JVM: " + String.join(" ", GeneratorProcess.JVM_FLAGS));
            System.out.println("work directory: " + work + (gcLog == null ? "" : ", GC log " + gcLog));
            if (gcLog == null) {
                System.out.println("  (no GC log: this JVM was started without -Xlog:...:file=...; run bin/bench-bfd to get the pause"
                        + " distribution)");
            }
        }

        TableFeeder generateTable() {
            long t = System.nanoTime();
            TableFeeder feeder = TableFeeder.generate(o.seed(), o.prefixes(), Math.max(1, o.prefixes() / 10), (Inet4Address) FEED);
            System.out.printf(Locale.ROOT, "feed: %,d IPv4 prefixes, %,d UPDATEs, %.1f MB (generated in %.1f s)%n", feeder.prefixCount(),
                    feeder.tableMessages(), feeder.tableBytes() / 1e6, (System.nanoTime() - t) / 1e9);
            return feeder;
        }

        void startRouteServer() throws IOException {
            long t = System.nanoTime();
            server = Server.start(ServerConfig.defaults(work.resolve("data")).withBgpPort(o.bgpPort()).withBfdPort(o.bfdPort()));
            String[] ids = server.call(r -> {
                var n = r.network();
                String vpc = n.createVpc(VPC_CIDR, null, false, null).vpcId();
                String subnet = n.createSubnet(vpc, SUBNET_CIDR, "us-east-1a").subnetId();
                String table = n.createRouteTable(vpc).routeTableId();
                n.associateRouteTable(table, subnet, null);
                n.createNetworkInterface(NewInterface.in(subnet).withPrivateIpAddress(FEED.getHostAddress()).withDescription("the feeder"));
                String rs = r.createRouteServer(ROUTE_SERVER_AS, null, null, false).routeServerId();
                r.associate(rs, vpc);
                String bfdSide = r.createEndpoint(rs, subnet).routeServerEndpointId();
                String feedSide = r.createEndpoint(rs, subnet).routeServerEndpointId();
                r.enablePropagation(rs, table);
                return new String[] {bfdSide, feedSide};
            });
            // createEndpoint queued the endpoints' start on the control thread: this call runs after it
            RouteServerEndpoint[] eps = server.call(r -> new RouteServerEndpoint[] {r.endpoint(ids[0]), r.endpoint(ids[1])});
            for (RouteServerEndpoint e : eps) {
                if (!"available".equals(e.state())) {
                    throw new IOException("endpoint " + e.routeServerEndpointId() + " is " + e.state() + ": " + e.failureReason()
                            + " (is port " + o.bgpPort() + " free? pick another with --bgp-port)");
                }
            }
            endpoint = address(eps[0].eniAddress());
            feedEndpoint = address(eps[1].eniAddress());
            appliances = Addresses.upward(FIRST_APPLIANCE, o.sessions(), skipped());
            BfdOptions timers = new BfdOptions(o.intervalMs(), o.intervalMs(), o.multiplier());
            server.call(r -> {
                for (InetAddress a : appliances) {
                    peerIds.put(a.getHostAddress(), r.createPeer(ids[0], a.getHostAddress(), APPLIANCE_AS, "bfd", timers).routeServerPeerId());
                }
                feedPeer = r.createPeer(ids[1], FEED.getHostAddress(), TableFeeder.ASN, "bgp-keepalive").routeServerPeerId();
                return null;
            });
            System.out.printf(Locale.ROOT, "route server: AS %d, endpoint %s with %d bfd peers (%s to %s), endpoint %s with the feed peer %s;"
                            + " set up in %.1f s%n", ROUTE_SERVER_AS, endpoint.getHostAddress(), appliances.size(), appliances.getFirst().getHostAddress(),
                    appliances.getLast().getHostAddress(), feedEndpoint.getHostAddress(), FEED.getHostAddress(), (System.nanoTime() - t) / 1e9);
        }

        List<InetAddress> skipped() {
            return List.of(endpoint, feedEndpoint, FEED);
        }

        // ---------------------------------------------------------------------------------------------- phase 1

        void phase1() throws IOException, InterruptedException {
            generator = new GeneratorProcess(work);
            long t = System.nanoTime();
            int opened = generator.start(FIRST_APPLIANCE, o.sessions(), endpoint, o.bfdPort(), o.intervalMs(), o.intervalMs(), o.multiplier(),
                    o.generatorEngines(), skipped());
            long ready = System.nanoTime();
            readyAt = ready;
            System.out.printf(Locale.ROOT, "%nPhase 1: generator (pid %d) opened %d sessions on %d BFD engines in %.1f s after its JVM started%n",
                    generator.pid(), opened, o.generatorEngines(), (ready - t) / 1e9);
            Duration timeout = Duration.ofSeconds(60 + o.sessions() / 20);
            boolean vrouteUp = vroute.await(s -> s.up() == o.sessions(), timeout);
            boolean generatorUp = generator.transitions().await(s -> s.up() == o.sessions(), Duration.ofSeconds(10));
            if (!vrouteUp || !generatorUp) {
                throw new IOException("not every session came Up: vroute has " + vroute.up() + " Up, the generator " + generator.transitions().up()
                        + " of " + o.sessions() + " (counted from the BFD log lines of vroute; if vroute shows 0 while its peers are Up,"
                        + " the engine's log message changed and BfdLogTap needs the new form)");
            }
            double vUp = (vroute.lastUpSince(ready) - ready) / 1e9, gUp = (generator.transitions().lastUpSince(ready) - ready) / 1e9;
            System.out.printf(Locale.ROOT, "  all %d Up %.2f s after the generator was ready (vroute side), %.2f s (generator side)%n",
                    o.sessions(), vUp, gUp);
            summary.add(row("all sessions Up (from a cold start)", String.format(Locale.ROOT, "%.1f s (vroute side), %.1f s (generator side)", vUp, gUp)));
            int upInRouteServer = server.call(r -> (int) peerIds.values().stream().filter(id -> r.peerState(id).bfdUp()).count());
            System.out.printf(Locale.ROOT, "  route server: %d of %d bfd peers report BFD Up%n", upInRouteServer, o.sessions());

            vrouteBfd = SchedStat.find(ProcessHandle.current().pid(), "vroute-bfd");
            generatorBfd = SchedStat.find(generator.pid(), "vroute-bfd");
            ThreadCpu before = ThreadCpu.take();
            long[] gBefore = generator.cpu();
            long allocBefore = ThreadCpu.allocated("vroute-bfd");
            SchedStat vs = SchedStat.read(vrouteBfd), gs = SchedStat.read(generatorBfd);
            Counters c0 = counters();
            TimeUnit.SECONDS.sleep(o.settleSeconds());
            long alloc = ThreadCpu.allocated("vroute-bfd") - allocBefore;
            Counters quiet = counters().since(c0);
            ThreadCpu idle = ThreadCpu.take().since(before);
            long[] gIdle = minus(generator.cpu(), gBefore);
            SchedStat vq = SchedStat.read(vrouteBfd).since(vs), gq = SchedStat.read(generatorBfd).since(gs);
            long[] timers = server.call(r -> {
                long minDetect = Long.MAX_VALUE, maxDetect = 0, minTx = Long.MAX_VALUE, maxTx = 0;
                for (String id : peerIds.values()) {
                    var st = r.peerState(id).bfd();
                    minDetect = Math.min(minDetect, st.detectionTimeMicros());
                    maxDetect = Math.max(maxDetect, st.detectionTimeMicros());
                    minTx = Math.min(minTx, st.transmitIntervalMicros());
                    maxTx = Math.max(maxTx, st.transmitIntervalMicros());
                }
                return new long[] {minDetect, maxDetect, minTx, maxTx};
            });
            System.out.printf(Locale.ROOT, "  vroute's sessions: transmit interval %s, detection time %s%n", range(timers[2], timers[3]),
                    range(timers[0], timers[1]));
            System.out.printf(Locale.ROOT, "  %d s quiet, every session Up: vroute-bfd thread %s, vroute process %s; generator BFD thread %s,"
                            + " generator process %s%n", o.settleSeconds(), cpu(idle.thread("vroute-bfd"), idle.wallNanos()),
                    cpu(idle.processNanos(), idle.wallNanos()), cpu(gIdle[1], idle.wallNanos()), cpu(gIdle[0], idle.wallNanos()));
            System.out.println("  waiting for a CPU (run queue): vroute-bfd " + runQueue(vq) + "; generator's BFD threads " + runQueue(gq));
            System.out.println("  heap allocated by the BFD threads: vroute-bfd " + allocation(alloc, idle.wallNanos()) + "; the generator's "
                    + allocation(gIdle[2], idle.wallNanos()));
            quiet.print();
            summary.add(row("BFD thread CPU, quiet (no feed)", String.format(Locale.ROOT, "vroute %s, generator %s",
                    cpu(idle.thread("vroute-bfd"), idle.wallNanos()), cpu(gIdle[1], idle.wallNanos()))));
            summary.add(row("vroute-bfd waiting for a CPU, quiet", runQueue(vq)));
            summary.add(row("heap allocated by vroute-bfd, quiet", allocation(alloc, idle.wallNanos())));
        }

        // ---------------------------------------------------------------------------------------------- phase 2

        void phase2(TableFeeder feeder) throws IOException, InterruptedException {
            System.out.printf(Locale.ROOT, "%nPhase 2: feeding %,d prefixes into the feed peer over and over for %d s; counting Downs on both sides%n",
                    feeder.prefixCount(), o.durationSeconds());
            Hiccups hiccups = new Hiccups(o.durationSeconds() * 1000 + 600_000);
            FeedLoop loop = new FeedLoop(feeder, new InetSocketAddress(feedEndpoint, o.bgpPort()), server, feedPeer);
            long gcFrom = gcLog == null ? 0 : PauseLog.mark(gcLog);
            ThreadCpu before = ThreadCpu.take();
            long[] gBefore = generator.cpu();
            long allocBefore = ThreadCpu.allocated("vroute-bfd");
            SchedStat vs = SchedStat.read(vrouteBfd), gs = SchedStat.read(generatorBfd);
            MachineCpu machine0 = MachineCpu.read();
            Counters c0 = counters();
            long start = System.nanoTime();
            long deadline = start + TimeUnit.SECONDS.toNanos(o.durationSeconds());
            hiccups.record(true);
            Thread feedThread = Thread.ofPlatform().name("feeder").start(loop);
            long every = TimeUnit.SECONDS.toNanos(Math.max(10, o.durationSeconds() / 20));
            for (long next = start + every; ; next += every) {
                long wake = Math.min(next, deadline);
                while (System.nanoTime() - wake < 0 && feedThread.isAlive()) TimeUnit.MILLISECONDS.sleep(20);
                if (!feedThread.isAlive()) break;
                progress(start, loop);
                if (System.nanoTime() - deadline >= 0) break;
            }
            loop.stop();
            feedThread.join(TimeUnit.MINUTES.toMillis(10));
            long end = System.nanoTime();
            hiccups.record(false);
            ThreadCpu spent = ThreadCpu.take().since(before);
            long[] gSpent = minus(generator.cpu(), gBefore);
            long alloc = ThreadCpu.allocated("vroute-bfd") - allocBefore;
            SchedStat vLoad = SchedStat.read(vrouteBfd).since(vs), gLoad = SchedStat.read(generatorBfd).since(gs);
            MachineCpu machine = MachineCpu.read().since(machine0);
            Counters counted = counters().since(c0);
            long gcTo = gcLog == null ? 0 : PauseLog.mark(gcLog);
            if (loop.failure() != null) throw new IOException("the feed failed: " + loop.failure());
            progress(start, loop);

            List<FeedLoop.Cycle> cycles = loop.cycles();
            double seconds = (end - start) / 1e9;
            System.out.printf(Locale.ROOT, "  %d full feeds and withdrawals in %.1f s (the last one finished after the %d s were up)%n",
                    cycles.size(), seconds, o.durationSeconds());
            if (!cycles.isEmpty()) {
                System.out.printf(Locale.ROOT, "  per cycle: connect %s; first UPDATE to every route in the route table %s; Cease to every route"
                                + " withdrawn %s%n", spread(cycles, FeedLoop.Cycle::connect), spread(cycles, FeedLoop.Cycle::load),
                        spread(cycles, FeedLoop.Cycle::withdraw));
            }
            Latencies calls = latencies(loop.callNanos());
            System.out.println("  API calls (Server.call, polling the feed peer every 100 ms) took: " + lat(calls));

            // false Downs: any session leaving Up, from the generator's start (phase 1) to the end of the load
            List<Transitions.Change> vDowns = vroute.downs(readyAt, end), gDowns = generator.transitions().downs(readyAt, end);
            int[] inRouteServer = server.call(r -> {
                int up = 0, downEvents = 0;
                for (String id : peerIds.values()) {
                    PeerState st = r.peerState(id);
                    if (st.bfdUp()) up++;
                    for (PeerEvent e : st.events()) if (e.kind().equals("BFD") && e.status().equals("DOWN")) downEvents++;
                }
                return new int[] {up, downEvents};
            });
            System.out.printf(Locale.ROOT, "  false Downs: vroute %d, generator %d (the route server's peer events: %d BFD DOWN; %d of %d peers"
                    + " BFD Up now)%n", vDowns.size(), gDowns.size(), inRouteServer[1], inRouteServer[0], o.sessions());
            printDowns("vroute", vDowns, start);
            printDowns("generator", gDowns, start);
            boolean none = vDowns.isEmpty() && gDowns.isEmpty() && inRouteServer[1] == 0;
            if (!none) targetMet = false;
            summary.add(row("load", String.format(Locale.ROOT, "%d full feeds of %,d prefixes, each withdrawn again, in %.0f s", cycles.size(),
                    feeder.prefixCount(), seconds)));
            if (!cycles.isEmpty()) {
                summary.add(row("one feed / one withdrawal (median)", String.format(Locale.ROOT, "%.1f s / %.1f s",
                        median(cycles, FeedLoop.Cycle::load), median(cycles, FeedLoop.Cycle::withdraw))));
            }
            summary.add(row("**false Downs** (target 0)", String.format(Locale.ROOT, "**vroute %d, generator %d**", vDowns.size(), gDowns.size())));
            summary.add(row("API calls meanwhile (Server.call, queued behind RIB work)", lat(calls)));

            // pauses
            if (gcLog != null) {
                PauseLog p = PauseLog.read(gcLog, gcFrom, gcTo);
                System.out.println("  collector pauses: " + lat(p.gcPauses()) + over(p.gcOver()));
                System.out.println("  safepoints (any cause, total incl. reaching): " + lat(p.safepoints()) + over(p.safepointsOver())
                        + "; longest: " + p.longest());
                System.out.println("  time to reach a safepoint: " + lat(p.reaching()));
                if (p.stalls().count() > 0) {
                    System.out.println("  allocation stalls (a thread that allocates waits for the collector): " + lat(p.stalls()) + "; threads: "
                            + p.stalledThreads());
                }
                summary.add(row("collector pauses (" + collector() + ")", lat(p.gcPauses())));
                summary.add(row("safepoints, any cause", lat(p.safepoints()) + "; longest " + p.longest()));
                summary.add(row("allocation stalls", p.stalls().count() == 0 ? "none" : lat(p.stalls()) + "; threads: " + p.stalledThreads()));
            }
            Latencies h = hiccups.summary();
            System.out.println("  hiccups (a thread sleeping 1 ms, how much later it woke): " + lat(h));
            summary.add(row("hiccups (1 ms sleeper, late by)", lat(h)));

            // CPU
            long wall = spent.wallNanos();
            System.out.printf(Locale.ROOT, "  CPU over the %.0f s: vroute-bfd thread %s (%s per session per second); vroute process %s;"
                            + " generator BFD thread %s, generator process %s%n", wall / 1e9, cpu(spent.thread("vroute-bfd"), wall),
                    String.format(Locale.ROOT, "%.1f µs", spent.thread("vroute-bfd") / 1e3 / (wall / 1e9) / o.sessions()),
                    cpu(spent.processNanos(), wall), cpu(gSpent[1], wall), cpu(gSpent[0], wall));
            System.out.print("  busiest threads of this JVM:");
            for (Map.Entry<String, Long> e : spent.top(8)) System.out.printf(Locale.ROOT, " %s %s;", e.getKey(), cpu(e.getValue(), wall));
            System.out.println(" (the collector's and the JIT's threads are not Java threads: they count in the process only)");
            long feederCpu = loop.cpuNanos();
            System.out.println("  waiting for a CPU (run queue): vroute-bfd " + runQueue(vLoad) + "; generator's BFD threads " + runQueue(gLoad));
            System.out.println("  heap allocated by the BFD threads: vroute-bfd " + allocation(alloc, spent.wallNanos()) + "; the generator's "
                    + allocation(gSpent[2], spent.wallNanos()));
            counted.print();
            summary.add(row("BFD packets lost (receive buffer full), under load", String.format(Locale.ROOT,
                    "%,d of %,d at vroute's endpoint socket; %,d in the whole namespace", counted.udp().socketDrops(), counted.vroute()[1]
                            + counted.udp().socketDrops(), counted.udp().rcvbufErrors())));
            long others = Math.max(0, machine.busyNanos() - spent.processNanos() - gSpent[0]);
            System.out.printf(Locale.ROOT, "  the rest of the machine: other processes used %s (shared machine?), the hypervisor took %.1f%%"
                    + " of the CPU time (steal)%n", cpu(others, wall), machine.stealPercent());
            summary.add(row("vroute-bfd thread CPU, under load", cpu(spent.thread("vroute-bfd"), wall)));
            summary.add(row("vroute-bfd waiting for a CPU, under load", runQueue(vLoad)));
            summary.add(row("heap allocated by vroute-bfd, under load", allocation(alloc, spent.wallNanos())));
            summary.add(row("vroute process CPU, under load", cpu(spent.processNanos(), wall) + ", of which the feeder's threads "
                    + cpu(feederCpu, wall) + String.format(Locale.ROOT, " (%d cores = %d%%)", Runtime.getRuntime().availableProcessors(),
                    100 * Runtime.getRuntime().availableProcessors())));
            summary.add(row("generator CPU, under load", "BFD thread " + cpu(gSpent[1], wall) + ", process " + cpu(gSpent[0], wall)));
            summary.add(row("other processes on the machine, under load", cpu(others, wall) + String.format(Locale.ROOT,
                    "; steal %.1f%%", machine.stealPercent())));
            System.out.printf(Locale.ROOT, "  RSS: vroute JVM %.0f MB, generator JVM %.0f MB%n", ProcessMemory.rss(ProcessHandle.current().pid()) / 1048576.0,
                    ProcessMemory.rss(generator.pid()) / 1048576.0);
        }

        /**
         * Packet counts of both sides and of the kernel: vroute's sessions {sent, received, discarded, with a send
         * error}; the generator's (see {@link LoadGenerator}); UDP in this namespace.
         */
        record Counters(long[] vroute, long[] generator, UdpCounters udp) {
            Counters since(Counters b) {
                long[] v = vroute.clone(), g = generator.clone();
                for (int i = 0; i < 3; i++) v[i] -= b.vroute[i];
                for (int i = 0; i < g.length; i++) if (i != 3) g[i] -= b.generator[i];
                return new Counters(v, g, udp.since(b.udp));
            }

            void print() {
                System.out.printf(Locale.ROOT, "  packets: vroute's sessions sent %,d, received %,d, discarded %,d (%d sessions with a send error);"
                        + " the generator's sent %,d, received %,d, discarded %,d (%d with a send error; its engines dropped %,d for no"
                        + " session, %,d from a wrong source, %,d with a bad TTL)%n", vroute[0], vroute[1], vroute[2], vroute[3], generator[0],
                        generator[1], generator[2], generator[3], generator[7], generator[8], generator[5]);
                System.out.printf(Locale.ROOT, "  UDP in this namespace: %,d datagrams delivered; %,d dropped for a full receive buffer, %,d of them at"
                        + " vroute's endpoint socket; %,d send-buffer errors%n", udp.inDatagrams(), udp.rcvbufErrors(), udp.socketDrops(),
                        udp.sndbufErrors());
            }
        }

        Counters counters() throws IOException {
            long[] v = server.call(r -> {
                long[] c = new long[4];
                for (String id : peerIds.values()) {
                    var st = r.peerState(id).bfd();
                    c[0] += st.sent();
                    c[1] += st.received();
                    c[2] += st.discarded();
                    if (st.lastSendErrno() != 0) c[3]++;
                }
                return c;
            });
            return new Counters(v, generator.counters(), UdpCounters.read(endpoint, o.bfdPort()));
        }

        void progress(long start, FeedLoop loop) {
            List<FeedLoop.Cycle> c = loop.cycles();
            String last = c.isEmpty() ? "" : String.format(Locale.ROOT, " (last: loaded in %.1f s, withdrawn in %.1f s)", c.getLast().load(),
                    c.getLast().withdraw());
            System.out.printf(Locale.ROOT, "  %4.0f s: %d feeds done%s, now %s; false Downs so far: vroute %d, generator %d%n",
                    (System.nanoTime() - start) / 1e9, c.size(), last, loop.step(), vroute.downs(readyAt, System.nanoTime() + 1).size(),
                    generator.transitions().downs(readyAt, System.nanoTime() + 1).size());
        }

        void printDowns(String side, List<Transitions.Change> downs, long start) {
            for (Transitions.Change c : downs.subList(0, Math.min(20, downs.size()))) {
                System.out.printf(Locale.ROOT, "    %s: %s %s -> %s (%s) at %.3f s of the load%n", side, c.address(), c.from(), c.to(), c.diag(),
                        (c.nanos() - start) / 1e9);
            }
            if (downs.size() > 20) System.out.printf(Locale.ROOT, "    %s: ... and %d more%n", side, downs.size() - 20);
        }

        // ---------------------------------------------------------------------------------------------- phase 3

        void phase3() throws IOException, InterruptedException {
            System.out.printf(Locale.ROOT, "%nPhase 3: the generator is frozen (SIGSTOP); detection time configured: %d ms x %d = %d ms%n",
                    o.intervalMs(), o.multiplier(), o.detectionMs());
            if (!vroute.await(s -> s.up() == o.sessions(), Duration.ofSeconds(30))
                    || !generator.transitions().await(s -> s.up() == o.sessions(), Duration.ofSeconds(5))) {
                throw new IOException("not every session is Up before the freeze: vroute " + vroute.up() + ", generator "
                        + generator.transitions().up());
            }
            TimeUnit.SECONDS.sleep(2); // the control thread has nothing queued: the route server's reaction is its own
            Instant frozenAt = Instant.now();
            long frozen = generator.freeze();
            long signalled = System.nanoTime();
            boolean allDown = vroute.await(s -> s.firstDownSince(frozen).size() == o.sessions(), Duration.ofMillis(o.detectionMs() * 5L + 5_000));
            Map<String, Transitions.Change> downs = vroute.firstDownSince(frozen);
            System.out.printf(Locale.ROOT, "  kill(SIGSTOP) returned after %.3f ms; vroute declared %d of %d sessions Down%n",
                    (signalled - frozen) / 1e6, downs.size(), o.sessions());
            long[] after = downs.values().stream().mapToLong(c -> c.nanos() - frozen).toArray();
            Latencies detect = latencies(after);
            Map<String, Long> diags = downs.values().stream().collect(Collectors.groupingBy(Transitions.Change::diag, TreeMap::new, Collectors.counting()));
            long early = Math.round((o.detectionMs() - o.intervalMs()) * 1e6);
            long late = Math.round(o.detectionMs() * 1e6);
            long before = 0, beyond = 0;
            for (long a : after) {
                if (a < early) before++;
                if (a > late) beyond++;
            }
            System.out.println("  freeze to Down, at the BFD thread: " + lat(detect) + " (min " + ms(min(after)) + ")");
            System.out.printf(Locale.ROOT, "  expected between %d and %d ms (the last packet left up to one interval before the freeze):"
                    + " %d earlier, %d later; diagnostics: %s%n", o.detectionMs() - o.intervalMs(), o.detectionMs(), before, beyond, diags);
            // the route server's view: its control thread records the event, then takes BGP down and withdraws the routes
            Map<String, Long> seenAt = Map.of();
            for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); seenAt.size() < downs.size() && System.nanoTime() - end < 0; ) {
                TimeUnit.MILLISECONDS.sleep(50);
                seenAt = server.call(r -> {
                    Map<String, Long> m = new LinkedHashMap<>();
                    peerIds.forEach((address, id) -> r.peerState(id).events().stream()
                            .filter(e -> e.kind().equals("BFD") && e.status().equals("DOWN") && !e.time().isBefore(frozenAt)).findFirst()
                            .ifPresent(e -> m.put(address, Duration.between(frozenAt, e.time()).toNanos())));
                    return m;
                });
            }
            long[] seen = seenAt.values().stream().mapToLong(Long::longValue).toArray();
            // the same session's Down at the BFD thread, on the same scale (both from the freeze, one by wall clock)
            long[] lag = seenAt.entrySet().stream().filter(e -> downs.containsKey(e.getKey()))
                    .mapToLong(e -> e.getValue() - (downs.get(e.getKey()).nanos() - frozen)).toArray();
            Latencies control = latencies(seen);
            System.out.println("  freeze to the route server's BFD DOWN peer event (control thread, wall clock): " + lat(control));
            System.out.println("  BFD thread to control thread, per session: " + lat(latencies(lag)));
            summary.add(row("**detection, freeze to Down** (configured " + o.detectionMs() + " ms)", "**" + lat(detect) + "**, min "
                    + ms(min(after)) + "; " + before + " before " + (o.detectionMs() - o.intervalMs()) + " ms, " + beyond + " after "
                    + o.detectionMs() + " ms"));
            summary.add(row("freeze to the route server's peer event", lat(control)));
            if (!allDown) targetMet = false;

            long thawed = generator.thaw();
            boolean vUp = vroute.await(s -> s.up() == o.sessions(), Duration.ofSeconds(60));
            boolean gUp = generator.transitions().await(s -> s.up() == o.sessions(), Duration.ofSeconds(10));
            double vAll = (vroute.lastUpSince(thawed) - thawed) / 1e9, gAll = (generator.transitions().lastUpSince(thawed) - thawed) / 1e9;
            List<Transitions.Change> gDowns = generator.transitions().downs(thawed, System.nanoTime());
            Map<String, Long> gDiags = gDowns.stream().collect(Collectors.groupingBy(Transitions.Change::diag, TreeMap::new, Collectors.counting()));
            System.out.printf(Locale.ROOT, "  thawed (SIGCONT): all Up again after %.2f s on the vroute side, %.2f s on the generator side%s%n",
                    vAll, gAll, vUp && gUp ? "" : " (NOT all: vroute " + vroute.up() + ", generator " + generator.transitions().up() + ")");
            System.out.printf(Locale.ROOT, "  on waking the generator took %d sessions Down itself: %s%n", gDowns.size(), gDiags);
            summary.add(row("thaw to all Up again", String.format(Locale.ROOT, "%.1f s (vroute side), %.1f s (generator side)", vAll, gAll)));
        }

        void stop() {
            if (generator != null) generator.close();
            generator = null;
            if (server != null) server.close();
            server = null;
        }

        // ---------------------------------------------------------------------------------------------- summary

        void printSummary() throws IOException {
            Path gLog = work.resolve("generator-gc.log");
            if (Files.exists(gLog)) {
                PauseLog g = PauseLog.read(gLog);
                System.out.println("generator JVM, whole run: collector pauses " + lat(g.gcPauses()) + "; safepoints " + lat(g.safepoints()));
                summary.add(row("generator JVM pauses, whole run", "collector " + lat(g.gcPauses()) + "; safepoints max " + ms(g.safepoints().max())));
            }
            System.out.println();
            System.out.printf(Locale.ROOT, "Summary (%s, %d CPUs, Java %s, %s, max heap %.0f GB):%n", java.time.LocalDate.now(),
                    Runtime.getRuntime().availableProcessors(), Runtime.version(), collector(), Runtime.getRuntime().maxMemory() / 1e9);
            System.out.println();
            System.out.printf(Locale.ROOT, "| %d BFD sessions at %d ms x %d, %d s of full-table feeds | %s |%n", o.sessions(), o.intervalMs(),
                    o.multiplier(), o.durationSeconds(), collector());
            System.out.println("|---|---|");
            for (String r : summary) System.out.println(r);
            System.out.println();
            System.out.println(targetMet ? "Target met: no false Down, every session detected." : "TARGET NOT MET: see the false Downs above.");
        }
    }

    // -------------------------------------------------------------------------------------------------- helpers

    /** Whether this host has the address (a socket can be bound to it). */
    private static boolean local(InetAddress a) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.bind(new InetSocketAddress(a, 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The file of this JVM's -Xlog option that writes to a file, or null. */
    private static Path gcLogOfThisJvm() {
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            int f = a.indexOf("file=");
            if (!a.startsWith("-Xlog:") || f < 0) continue;
            String rest = a.substring(f + 5);
            int end = rest.indexOf(':');
            return Path.of(end < 0 ? rest : rest.substring(0, end));
        }
        return null;
    }

    private static String collector() {
        List<String> names = ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName).toList();
        if (names.stream().anyMatch(n -> n.startsWith("ZGC"))) return "ZGC";
        if (names.stream().anyMatch(n -> n.startsWith("G1"))) return "G1";
        return String.join("/", names);
    }

    private static String row(String what, String value) {
        return "| " + what + " | " + value + " |";
    }

    private static Latencies latencies(long[] samples) {
        return Latencies.of(samples, 0, samples.length);
    }

    private static String lat(Latencies l) {
        if (l.count() == 0) return "none";
        return String.format(Locale.ROOT, "%,d, p50 %s, p99 %s, max %s", l.count(), ms(l.p50()), ms(l.p99()), ms(l.max()));
    }

    private static String over(int[] counts) {
        return String.format(Locale.ROOT, " (%d over 1 ms, %d over 10 ms, %d over 100 ms)", counts[0], counts[1], counts[2]);
    }

    private static String ms(long nanos) {
        double ms = nanos / 1e6;
        return String.format(Locale.ROOT, ms < 1 ? "%.3f ms" : ms < 100 ? "%.2f ms" : "%.0f ms", ms);
    }

    private static String range(long minMicros, long maxMicros) {
        return minMicros == maxMicros ? ms(minMicros * 1000) : ms(minMicros * 1000) + " to " + ms(maxMicros * 1000);
    }

    private static String runQueue(SchedStat s) {
        return String.format(Locale.ROOT, "%.1f ms in all over %,d times it ran, %.1f µs each on average", s.waitNanos() / 1e6, s.slices(),
                s.meanWaitNanos() / 1e3);
    }

    private static String cpu(long nanos, long wallNanos) {
        return String.format(Locale.ROOT, "%.2f s = %.1f%% of one core", nanos / 1e9, 100.0 * nanos / wallNanos);
    }

    private static long[] minus(long[] a, long[] b) {
        long[] d = new long[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i] - b[i];
        return d;
    }

    private static String allocation(long bytes, long wallNanos) {
        return String.format(Locale.ROOT, "%,d bytes (%,.0f bytes/s)", bytes, bytes / (wallNanos / 1e9));
    }

    private static long min(long[] a) {
        long m = Long.MAX_VALUE;
        for (long x : a) m = Math.min(m, x);
        return a.length == 0 ? 0 : m;
    }

    private static String spread(List<FeedLoop.Cycle> cycles, java.util.function.ToDoubleFunction<FeedLoop.Cycle> f) {
        double[] v = cycles.stream().mapToDouble(f).sorted().toArray();
        return String.format(Locale.ROOT, "%.2f s median (%.2f to %.2f)", v[(v.length - 1) / 2], v[0], v[v.length - 1]);
    }

    private static double median(List<FeedLoop.Cycle> cycles, java.util.function.ToDoubleFunction<FeedLoop.Cycle> f) {
        double[] v = cycles.stream().mapToDouble(f).sorted().toArray();
        return v[(v.length - 1) / 2];
    }

    private static InetAddress address(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(s + " is not an address", e);
        }
    }


    /** The options, or null after --help. */
    private static Options parse(String[] args) {
        int sessions = 1000, duration = 600, prefixes = 1_000_000, interval = 300, multiplier = 3, settle = 10, engines = 32;
        int bgpPort = 10179, bfdPort = 13784;
        long seed = 42;
        Path work = null;
        boolean keep = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--sessions" -> sessions = positive(a, value(args, ++i, a));
                case "--duration" -> duration = positive(a, value(args, ++i, a));
                case "--prefixes" -> prefixes = positive(a, value(args, ++i, a));
                case "--interval" -> interval = positive(a, value(args, ++i, a));
                case "--multiplier" -> multiplier = positive(a, value(args, ++i, a));
                case "--settle" -> settle = positive(a, value(args, ++i, a));
                case "--generator-engines" -> engines = positive(a, value(args, ++i, a));
                case "--bgp-port" -> bgpPort = positive(a, value(args, ++i, a));
                case "--bfd-port" -> bfdPort = positive(a, value(args, ++i, a));
                case "--seed" -> seed = Long.parseLong(value(args, ++i, a));
                case "--work" -> work = Path.of(value(args, ++i, a));
                case "--keep" -> keep = true;
                case "--gc", "--heap" -> throw new IllegalArgumentException(a + " picks this JVM's flags: give it to bin/bench-bfd, which starts the JVM");
                case "-h", "--help" -> {
                    System.out.println("""
                            usage: bin/bench-bfd [--gc zgc|g1] [--heap SIZE] [options]
                              --sessions N     BFD sessions, at most 1000 (one endpoint's peer quota; default 1000)
                              --duration S     seconds of full-table feeds while BFD runs (default 600)
                              --prefixes N     prefixes per feed (default 1000000)
                              --interval MS    BFD transmit and receive interval, both sides (default 300)
                              --multiplier N   BFD detect multiplier, both sides (default 3)
                              --settle S       quiet seconds with every session Up before the load (default 10)
                              --generator-engines N  BFD engines (threads) the generator spreads its sessions over (default 32)
                              --bgp-port P     the endpoints' BGP port (default 10179)
                              --bfd-port P     the BFD UDP port of both sides (default 13784)
                              --seed N         table seed (default 42)
                              --work DIR       work directory for logs and the store (default: a new one under the temp directory)
                              --keep           keep the route server's store too (logs are always kept)""");
                    return null;
                }
                default -> throw new IllegalArgumentException("unknown option '" + a + "': see bin/bench-bfd --help");
            }
        }
        if (sessions > 1000) throw new IllegalArgumentException("--sessions " + sessions + ": at most 1000, the peers one endpoint may have");
        if (multiplier < 2 || multiplier > 255) throw new IllegalArgumentException("--multiplier " + multiplier + ": give 2 to 255");
        if (interval < 10 || interval > 60_000) throw new IllegalArgumentException("--interval " + interval + ": give 10 to 60000 ms");
        return new Options(sessions, duration, prefixes, interval, multiplier, settle, engines, bgpPort, bfdPort, seed, work, keep);
    }

    private static String value(String[] args, int i, String option) {
        return io.vroute.bench.Args.value(args, i, option, "bin/bench-bfd");
    }

    private static int positive(String option, String v) {
        return io.vroute.bench.Args.positive(option, v);
    }
}
