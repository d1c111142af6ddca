package io.vroute.bench.ingest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * vroute as the receiver: {@link VrouteReceiverJvm} (BgpSpeaker + Rib on one RIB thread) in a JVM of its own in
 * the receiver namespace, run with {@link #JVM_FLAGS}. Its stdout lines are timestamped here as they arrive, so
 * "decided" is on this JVM's clock like the feeder's first UPDATE.
 */
final class VrouteReceiver implements Receiver {
    /** The receiver JVM's flags, as documented in docs/BENCHMARKS.md. */
    /** The receiver JVM's flags; {@code -Dvroute.bench.receiverFlags="-XX:+UseG1GC -Xmx4g"} replaces the collector and heap ones. */
    static final List<String> JVM_FLAGS = flags();

    private static List<String> flags() {
        String custom = System.getProperty("vroute.bench.receiverFlags");
        List<String> out = new java.util.ArrayList<>(custom == null ? List.of("-XX:+UseZGC", "-Xmx4g")
                : List.of(custom.trim().split("\\s+")));
        out.add("--enable-native-access=ALL-UNNAMED");
        return List.copyOf(out);
    }

    private record Line(String text, long nanos) {}

    private final BenchNetwork network;
    private final Path dir;
    private final long localAs;
    private final long expected;
    private final int latencySamples;
    private final int hiccupSamples;
    private final List<String> extraFlags;
    private final LinkedBlockingQueue<Line> lines = new LinkedBlockingQueue<>();
    private Process jvm;
    private PrintStream commands;
    private final List<String> details = new ArrayList<>();

    /**
     * @param latencySamples room for churn samples in the receiver (allocated before its idle measurement)
     * @param hiccupSamples  room for hiccup samples, one per millisecond of measured churn
     * @param extraFlags     more JVM flags, e.g. a JFR recording
     */
    VrouteReceiver(BenchNetwork network, Path workDir, long localAs, long expected, int latencySamples, int hiccupSamples,
                   List<String> extraFlags) {
        this.network = network;
        this.dir = workDir.resolve("vroute");
        this.localAs = localAs;
        this.expected = expected;
        this.latencySamples = latencySamples;
        this.hiccupSamples = hiccupSamples;
        this.extraFlags = List.copyOf(extraFlags);
    }

    @Override public String name() { return "vroute"; }

    @Override public String heldMeaning() { return "heap in use after a full GC"; }

    @Override public InetSocketAddress address() { return new InetSocketAddress(BenchNetwork.RECEIVER, 179); }

    @Override
    public void start() throws IOException {
        Files.createDirectories(dir);
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(JVM_FLAGS);
        cmd.addAll(extraFlags);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), VrouteReceiverJvm.class.getName(),
                BenchNetwork.RECEIVER.getHostAddress(), Long.toString(localAs), BenchNetwork.FEEDER.getHostAddress(),
                Long.toString(TableFeeder.ASN), Long.toString(expected), Integer.toString(latencySamples),
                Integer.toString(hiccupSamples)));
        jvm = new ProcessBuilder(network.inReceiverNamespace(cmd)).redirectError(dir.resolve("receiver.log").toFile()).start();
        commands = new PrintStream(jvm.getOutputStream(), true, StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) lines.add(new Line(l, System.nanoTime()));
            } catch (IOException e) {
                lines.add(new Line("error " + e.getMessage(), System.nanoTime()));
            }
            lines.add(new Line("error the receiver JVM exited", System.nanoTime()));
        }, "vroute-receiver-out");
        reader.setDaemon(true);
        reader.start();
        await("ready", Duration.ofSeconds(60));
    }

    @Override
    public long awaitRoutes(long routes, Duration timeout) throws IOException {
        if (routes != expected) throw new IllegalArgumentException("the receiver was started to expect " + expected + " routes, not " + routes);
        Line l;
        try {
            l = await("decided", timeout);
        } catch (IOException e) {
            commands.println("status");
            String status;
            try {
                status = await("status", Duration.ofSeconds(5)).text();
            } catch (IOException again) {
                status = "no status: " + again.getMessage();
            }
            throw new IOException(e.getMessage() + " (" + status + ")", e);
        }
        String[] f = l.text().split(" ");
        details.clear();
        details.add(String.format(Locale.ROOT, "first UPDATE arrival to last decision, inside the receiver: %.2f s; the RIB"
                        + " thread spent %.2f s in apply and %.2f s in drainChanges over %s batches and paused reading %s times",
                Long.parseLong(f[3]) / 1e9, Long.parseLong(f[4]) / 1e9, Long.parseLong(f[5]) / 1e9, f[6], f[7]));
        details.add(String.format(Locale.ROOT, "meanwhile the receiver JVM spent %.2f s compiling (JIT, all compiler threads)"
                + " and ran %s GC cycles taking %.2f s (mostly concurrent)", Long.parseLong(f[8]) / 1e3, f[9], Long.parseLong(f[10]) / 1e3));
        return l.nanos();
    }

    @Override public List<String> details() { return List.copyOf(details); }

    @Override
    public void awaitSessionGone(Duration timeout) throws IOException {
        await("down", timeout); // sent once the RIB thread has dropped the session's routes
    }

    @Override
    public Memory memory() throws IOException {
        commands.println("memory");
        String[] f = await("memory", Duration.ofSeconds(60)).text().split(" ");
        return new Memory(Long.parseLong(f[1]), 0, Long.parseLong(f[2]));
    }

    @Override public boolean timesChurn() { return true; }

    @Override
    public void churnWarmedUp() {
        commands.println("mark");
    }

    @Override
    public ChurnLatency churnLatency() throws IOException {
        commands.println("latency");
        String[] f = await("latency", Duration.ofSeconds(30)).text().split(" ");
        return new ChurnLatency(Latencies.parse(f, 1), Latencies.parse(f, 6), Latencies.parse(f, 11));
    }

    /** Waits for a line starting with {@code word}, skipping others; fails on "error", and on "down" unless awaited. */
    private Line await(String word, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Line l;
            try {
                l = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the vroute receiver");
            }
            if (l == null) throw new IOException("the vroute receiver did not answer '" + word + "' in " + timeout.toSeconds() + " s: see " + dir.resolve("receiver.log"));
            if (l.text().equals(word) || l.text().startsWith(word + " ")) return l;
            if (l.text().startsWith("error") || l.text().startsWith("down")) {
                throw new IOException("vroute receiver: " + l.text() + " (see " + dir.resolve("receiver.log") + ")");
            }
        }
    }

    @Override
    public void close() {
        if (jvm == null) return;
        if (jvm.isAlive()) commands.println("quit");
        try {
            if (!jvm.waitFor(10, TimeUnit.SECONDS)) {
                jvm.destroy(); // by its own PID: ip netns exec exec'd the JVM
                if (!jvm.waitFor(5, TimeUnit.SECONDS)) jvm.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            jvm.destroyForcibly();
        }
    }
}
