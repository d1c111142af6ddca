package io.vroute.bench.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The ingest benchmark: one {@link TableFeeder} sends the same full IPv4 table over BGP to each receiver in
 * turn, BIRD 2 and vroute, in one run on one machine, and the benchmark prints how long each took from the first
 * UPDATE byte to the last prefix decided, and the memory each holds for it. Then, with the table loaded, it
 * churns vroute at a fixed rate and prints the decision latency per update.
 *
 * <p>Everything runs in two network namespaces it creates ({@link BenchNetwork}); it needs root. Run it with
 * {@code bin/bench-ingest}; {@code --help} lists the options. Method and results: docs/BENCHMARKS.md.
 */
public final class IngestBenchmark {
    /** The receivers' AS: a 4-octet private ASN that no path in the synthetic table contains. */
    static final long RECEIVER_AS = 4_200_000_000L;

    private record Options(int prefixes, int attributeSets, long seed, List<String> receivers, int churnRate, int churnWarmUp, int churnSeconds,
                           boolean jfr, boolean keep) {}

    /** One feed: seconds from the first UPDATE byte to the last prefix decided, and the receiver's notes on it. */
    private record Feed(double seconds, double lastByteSeconds, List<String> details) {}

    private record Result(String receiver, long prefixes, Feed cold, Feed warm, Receiver.Memory idle, Receiver.Memory loaded,
                          String heldMeaning, TableFeeder.ChurnSent churn, Receiver.ChurnLatency latency) {
        double heldPerRoute() { return (double) (loaded.heldBytes() - idle.heldBytes()) / prefixes; }
        double overheadPerRoute() { return (double) (loaded.heldOverheadBytes() - idle.heldOverheadBytes()) / prefixes; }
        double rssPerRoute() { return (double) (loaded.rssBytes() - idle.rssBytes()) / prefixes; }
    }

    private IngestBenchmark() {}

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
        System.exit(run(o) ? 0 : 1);
    }

    private static boolean run(Options o) throws Exception {
        Path work = Files.createTempDirectory("vroute-bench-ingest-");
        List<AutoCloseable> open = new ArrayList<>(); // closed in reverse, also on Ctrl-C
        Thread cleanup = new Thread(() -> closeAll(open), "bench-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        boolean ok = false;
        ExecutorService feederThread = null;
        try {
            BenchNetwork network = BenchNetwork.create(ProcessHandle.current().pid());
            synchronized (open) { open.add(network); }
            feederThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "feeder"));
            // The feeder's sockets must be created in the feeder namespace: its one thread joins it first.
            onFeeder(feederThread, () -> { network.enterFeederNamespace(); return null; });

            long t = System.nanoTime();
            TableFeeder feeder = TableFeeder.generate(o.seed(), o.prefixes(), o.attributeSets(), BenchNetwork.FEEDER);
            System.out.printf(Locale.ROOT, "Feed: %,d IPv4 prefixes, %,d attribute sets, %,d UPDATEs, %.1f MB (generated in %.1f s)%n",
                    feeder.prefixCount(), o.attributeSets(), feeder.tableMessages(), feeder.tableBytes() / 1e6, (System.nanoTime() - t) / 1e9);

            List<Result> results = new ArrayList<>();
            for (String name : o.receivers()) {
                Receiver receiver = switch (name) {
                    case "bird" -> new BirdReceiver(network, work, RECEIVER_AS);
                    case "vroute" -> new VrouteReceiver(network, work, RECEIVER_AS, o.prefixes(),
                            Math.max(1, o.churnRate() * (o.churnWarmUp() + o.churnSeconds()) * 2), o.churnSeconds() * 1000 + 1000,
                            o.jfr() ? List.of("-XX:StartFlightRecording=filename=" + work.resolve("vroute.jfr") + ",settings=profile") : List.of());
                    default -> throw new IllegalArgumentException("unknown receiver " + name);
                };
                synchronized (open) { open.add(receiver); }
                try {
                    results.add(measure(receiver, feeder, feederThread, o));
                } finally {
                    receiver.close();
                    synchronized (open) { open.remove(receiver); }
                }
            }
            print(results, o);
            ok = true;
        } catch (IOException | ExecutionException e) {
            Throwable c = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            System.err.println("ingest benchmark failed: " + c.getMessage());
            System.err.println("logs are in " + work);
        } finally {
            if (feederThread != null) feederThread.shutdownNow();
            closeAll(open);
            boolean exiting = false;
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                exiting = true; // the JVM is going down (Ctrl-C): the hook cleans up
            }
            if (ok && !exiting && !o.keep()) delete(work);
            else if (ok && !exiting) System.out.println("work directory kept: " + work);
        }
        return ok;
    }

    /**
     * Start, idle memory, first feed, loaded memory, churn (when the receiver can time it), then a second feed
     * over a new session into the same, now warmed-up, process.
     */
    private static Result measure(Receiver receiver, TableFeeder feeder, ExecutorService feederThread, Options o) throws Exception {
        receiver.start();
        Receiver.Memory idle = receiver.memory();
        TableFeeder.Session session = onFeeder(feederThread, () -> feeder.connect(receiver.address(), Duration.ofSeconds(30)));
        Feed cold, warm;
        Receiver.Memory loaded;
        TableFeeder.ChurnSent churn = null;
        Receiver.ChurnLatency latency = null;
        try {
            cold = feed(receiver, session, feeder, feederThread, "1st feed");
            loaded = receiver.memory();
            if (o.churnSeconds() > 0 && receiver.timesChurn()) {
                System.out.printf(Locale.ROOT, "%-12s churn: %,d updates/s for %d s warm-up + %d s measured ...%n", receiver.name(), o.churnRate(),
                        o.churnWarmUp(), o.churnSeconds());
                churn = onFeeder(feederThread, () -> session.churn(o.churnRate(), Duration.ofSeconds(o.churnWarmUp() + o.churnSeconds()),
                        o.seed() + 1, Duration.ofSeconds(o.churnWarmUp()), receiver::churnWarmedUp));
                TimeUnit.MILLISECONDS.sleep(500); // the last updates' decisions
                latency = receiver.churnLatency();
            }
            if (session.down() != null) throw new IOException(receiver.name() + " ended the session during the run: " + session.down());
        } finally {
            session.close();
        }
        receiver.awaitSessionGone(Duration.ofSeconds(60));
        TableFeeder.Session again = onFeeder(feederThread, () -> feeder.connect(receiver.address(), Duration.ofSeconds(30)));
        try {
            warm = feed(receiver, again, feeder, feederThread, "2nd feed");
        } finally {
            again.close();
        }
        return new Result(receiver.name(), feeder.prefixCount(), cold, warm, idle, loaded, receiver.heldMeaning(), churn, latency);
    }

    private static Feed feed(Receiver receiver, TableFeeder.Session session, TableFeeder feeder, ExecutorService feederThread, String which)
            throws Exception {
        Future<TableFeeder.TableSent> sending = feederThread.submit(session::sendTable);
        long decided = receiver.awaitRoutes(feeder.prefixCount(), Duration.ofSeconds(150));
        TableFeeder.TableSent sent = get(sending);
        double seconds = (decided - sent.firstUpdateNanos()) / 1e9;
        double lastByte = (sent.lastByteNanos() - sent.firstUpdateNanos()) / 1e9;
        System.out.printf(Locale.ROOT, "%-12s %s: %,d prefixes decided %.2f s after the first UPDATE byte (the feeder's last byte went"
                + " out after %.2f s)%n", receiver.name(), which, feeder.prefixCount(), seconds, lastByte);
        return new Feed(seconds, lastByte, receiver.details());
    }

    private static void print(List<Result> results, Options o) {
        System.out.println();
        System.out.printf(Locale.ROOT, "%-22s %10s %8s %12s %12s %13s %10s%n",
                "receiver", "prefixes", "seconds", "prefixes/s", "bytes/route", "RSS delta MB", "RSS/route");
        for (Result r : results) {
            System.out.printf(Locale.ROOT, "%-22s %,10d %8.2f %,12.0f %12.0f %13.1f %10.0f%n", r.receiver(), r.prefixes(), r.cold().seconds(),
                    r.prefixes() / r.cold().seconds(), r.heldPerRoute(), (r.loaded().rssBytes() - r.idle().rssBytes()) / 1048576.0, r.rssPerRoute());
            System.out.printf(Locale.ROOT, "%-22s %,10d %8.2f %,12.0f%n", r.receiver() + " (2nd feed)", r.prefixes(), r.warm().seconds(),
                    r.prefixes() / r.warm().seconds());
        }
        Result bird = results.stream().filter(r -> r.receiver().startsWith("BIRD")).findFirst().orElse(null);
        Result vroute = results.stream().filter(r -> r.receiver().equals("vroute")).findFirst().orElse(null);
        if (bird != null && vroute != null) {
            System.out.printf(Locale.ROOT, "%-22s %10s %7.2fx %11.2fx %11.2fx %13s %9.2fx%n", "vroute/BIRD", "", vroute.cold().seconds() / bird.cold().seconds(),
                    bird.cold().seconds() / vroute.cold().seconds(), vroute.heldPerRoute() / bird.heldPerRoute(), "",
                    vroute.rssPerRoute() / bird.rssPerRoute());
            System.out.printf(Locale.ROOT, "%-22s %10s %7.2fx %11.2fx%n", "vroute/BIRD (2nd feed)", "", vroute.warm().seconds() / bird.warm().seconds(),
                    bird.warm().seconds() / vroute.warm().seconds());
        }
        System.out.println();
        for (Result r : results) {
            System.out.printf(Locale.ROOT, "%s: bytes/route is %s, idle %.1f MB, loaded %.1f MB", r.receiver(), r.heldMeaning(),
                    r.idle().heldBytes() / 1048576.0, r.loaded().heldBytes() / 1048576.0);
            if (r.loaded().heldOverheadBytes() > 0) System.out.printf(Locale.ROOT, " (+%.0f bytes/route allocator overhead)", r.overheadPerRoute());
            System.out.printf(Locale.ROOT, "; RSS idle %.1f MB, loaded %.1f MB%n", r.idle().rssBytes() / 1048576.0, r.loaded().rssBytes() / 1048576.0);
            for (String d : r.cold().details()) System.out.printf(Locale.ROOT, "  1st feed: %s%n", d);
            for (String d : r.warm().details()) System.out.printf(Locale.ROOT, "  2nd feed: %s%n", d);
        }
        for (Result r : results) {
            if (r.churn() == null) continue;
            TableFeeder.ChurnSent c = r.churn();
            Receiver.ChurnLatency l = r.latency();
            System.out.printf(Locale.ROOT, "%nChurn into %s with the full table loaded: %,d single-prefix updates (%,d announcements, %,d withdrawals)"
                            + " at %,.0f/s for %.1f s, the first %d s warm-up; the feeder fell behind its schedule by at most %.1f ms%n", r.receiver(),
                    c.updates(), c.announcements(), c.withdrawals(), c.updatesPerSecond(), (c.endNanos() - c.startNanos()) / 1e9, o.churnWarmUp(),
                    c.maxLagNanos() / 1e6);
            System.out.println("  decision latency, from the UPDATE at the listener to the drainChanges callback for its prefix:");
            line("measured (" + o.churnSeconds() + " s)", l.measured());
            line("warm-up (" + o.churnWarmUp() + " s)", l.warmUp());
            System.out.println("  hiccups over the measured part (a thread asking to sleep 1 ms, how much later it woke):");
            line("hiccups", l.hiccups());
        }
    }

    private static void line(String what, Latencies l) {
        System.out.printf(Locale.ROOT, "    %-18s %,9d samples   p50 %s   p99 %s   p99.9 %s   max %s%n", what, l.count(), ms(l.p50()), ms(l.p99()),
                ms(l.p999()), ms(l.max()));
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
    }

    private static <T> T onFeeder(ExecutorService feederThread, Callable<T> task) throws Exception {
        return get(feederThread.submit(task));
    }

    private static <T> T get(Future<T> f) throws Exception {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception c) throw c;
            throw e;
        }
    }

    private static void closeAll(List<AutoCloseable> open) {
        List<AutoCloseable> copy;
        synchronized (open) {
            copy = new ArrayList<>(open);
            open.clear();
        }
        for (int i = copy.size() - 1; i >= 0; i--) {
            try {
                copy.get(i).close();
            } catch (Exception e) {
                System.err.println("while cleaning up: " + e.getMessage());
            }
        }
    }

    /** Removes a work directory and everything in it; says so on stderr when it cannot. */
    public static void delete(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            System.err.println("could not delete " + dir + ": " + e.getMessage());
        }
    }

    /** The options, or null after --help. */
    private static Options parse(String[] args) {
        int prefixes = 1_000_000, sets = -1, churnRate = 10_000, churnWarmUp = 5, churnSeconds = 30;
        long seed = 42;
        List<String> receivers = List.of("bird", "vroute");
        boolean jfr = false, keep = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--prefixes" -> prefixes = positive(a, value(args, ++i, a));
                case "--attribute-sets" -> sets = positive(a, value(args, ++i, a));
                case "--seed" -> seed = Long.parseLong(value(args, ++i, a));
                case "--receivers" -> {
                    receivers = List.of(value(args, ++i, a).split(","));
                    for (String r : receivers) {
                        if (!r.equals("bird") && !r.equals("vroute")) {
                            throw new IllegalArgumentException("unknown receiver '" + r + "': use --receivers bird,vroute (or one of them)");
                        }
                    }
                }
                case "--churn-rate" -> churnRate = positive(a, value(args, ++i, a));
                case "--churn-seconds" -> churnSeconds = Integer.parseInt(value(args, ++i, a));
                case "--churn-warm-up" -> churnWarmUp = Integer.parseInt(value(args, ++i, a));
                case "--jfr" -> jfr = true;
                case "--keep" -> keep = true;
                case "-h", "--help" -> {
                    System.out.println("""
                            usage: bin/bench-ingest [options]   (as root)
                              --prefixes N        table size (default 1000000)
                              --attribute-sets N  distinct attribute sets (default prefixes / 10)
                              --seed N            table and churn seed (default 42)
                              --receivers LIST    bird,vroute (default both, in that order)
                              --churn-rate N      churn updates per second into vroute (default 10000)
                              --churn-warm-up N   seconds of churn before the measured part (default 5)
                              --churn-seconds N   measured churn, 0 for no churn at all (default 30)
                              --jfr               record a JFR profile of the vroute receiver (kept in the work directory)
                              --keep              keep the work directory (configs, logs, JFR)""");
                    return null;
                }
                default -> throw new IllegalArgumentException("unknown option '" + a + "': see bin/bench-ingest --help");
            }
        }
        if (sets < 0) sets = Math.max(1, prefixes / 10);
        if (churnSeconds < 0 || churnWarmUp < 0) throw new IllegalArgumentException("--churn-seconds and --churn-warm-up must be 0 or more");
        return new Options(prefixes, sets, seed, receivers, churnRate, churnWarmUp, churnSeconds, jfr, keep || jfr);
    }

    private static String value(String[] args, int i, String option) {
        return io.vroute.bench.Args.value(args, i, option, "bin/bench-ingest");
    }

    private static int positive(String option, String v) {
        return io.vroute.bench.Args.positive(option, v);
    }
}
