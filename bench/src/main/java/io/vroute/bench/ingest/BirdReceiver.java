package io.vroute.bench.ingest;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * BIRD 2 as the receiver: {@code bird -f} in the receiver namespace with one passive eBGP protocol "feeder"
 * ({@code import all; export none}), watched through its control socket, spoken to directly (no birdc process
 * per poll). Routes are counted with {@code show protocols all feeder} ("Routes: N imported"): BIRD puts a route
 * in its table, best path chosen, as it reads it, so imported is decided.
 */
final class BirdReceiver implements Receiver {
    static final String BIRD = "/usr/sbin/bird";
    private static final Pattern IMPORTED = Pattern.compile("Routes:\\s+(\\d+) imported");
    private static final Pattern TOTAL = Pattern.compile("(?m)^\\s*Total:\\s+([\\d.]+)\\s*(B|kB|MB|GB|TB)\\s+([\\d.]+)\\s*(B|kB|MB|GB|TB)");
    private static final Pattern MASTER4 = Pattern.compile("(\\d+) of (\\d+) routes for (\\d+) networks in table master4");
    private static final Pattern VERSION = Pattern.compile("BIRD (\\d[\\w.]*)");

    private final BenchNetwork network;
    private final Path dir;
    private final long localAs;
    private Process bird;
    private Control control;
    private String version = "2";

    BirdReceiver(BenchNetwork network, Path workDir, long localAs) {
        this.network = network;
        this.dir = workDir.resolve("bird");
        this.localAs = localAs;
    }

    @Override public String name() { return "BIRD " + version; }

    @Override public String heldMeaning() { return "BIRD's own count (show memory, Total, effective)"; }

    @Override public InetSocketAddress address() { return new InetSocketAddress(BenchNetwork.RECEIVER, 179); }

    @Override
    public void start() throws IOException {
        if (!Files.isExecutable(Path.of(BIRD))) {
            throw new IOException(BIRD + " not found: install BIRD 2 (apt-get install bird2) or run with --receivers vroute");
        }
        Files.createDirectories(dir);
        Path conf = dir.resolve("bird.conf"), ctl = dir.resolve("bird.ctl"), log = dir.resolve("bird.log");
        // RFC 8212: BIRD 2 takes nothing from an eBGP peer without an explicit import policy, hence "import all".
        // "passive on": the feeder connects, BIRD never dials it. "connect delay time 1" shortens the wait after an
        // error, "error wait time" the wait after a session ends (BIRD's default is a minute), should a run go wrong
        // or the feeder reconnect for its second feed.
        Files.writeString(conf, """
                log "%s" { info, remote, warning, error, auth, fatal, bug };
                router id %s;
                protocol device { }
                protocol bgp feeder {
                  local %s as %d;
                  neighbor %s as %d;
                  passive on;
                  hold time 90;
                  connect delay time 1;
                  error wait time 1, 10;
                  ipv4 { import all; export none; };
                }
                """.formatted(log, BenchNetwork.RECEIVER.getHostAddress(), BenchNetwork.RECEIVER.getHostAddress(), localAs,
                BenchNetwork.FEEDER.getHostAddress(), TableFeeder.ASN));
        Files.deleteIfExists(ctl);
        bird = new ProcessBuilder(network.inReceiverNamespace(List.of(BIRD, "-f", "-c", conf.toString(), "-s", ctl.toString())))
                .redirectErrorStream(true).redirectOutput(dir.resolve("bird.out").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (control == null) {
            if (!bird.isAlive()) {
                throw new IOException("bird exited at start with status " + bird.exitValue() + ": see " + dir.resolve("bird.out") + " and " + log);
            }
            if (Files.exists(ctl)) {
                try {
                    control = new Control(ctl);
                } catch (IOException e) {
                    // the socket file appears just before BIRD listens on it: try again
                }
            }
            if (control == null) {
                if (System.nanoTime() > deadline) throw new IOException("bird's control socket " + ctl + " did not come up in 10 s: see " + log);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
        }
        Matcher m = VERSION.matcher(control.greeting);
        if (m.find()) version = m.group(1);
        // Wait until the protocol listens (state Passive) so that the feeder's first SYN is accepted.
        while (!control.command("show protocols feeder").contains("Passive")) {
            if (System.nanoTime() > deadline) throw new IOException("BIRD's protocol feeder did not reach state Passive in 10 s: see " + log);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    @Override
    public long awaitRoutes(long routes, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long seen = 0;
        while (true) {
            String reply = control.command("show protocols all feeder");
            long at = System.nanoTime();
            Matcher m = IMPORTED.matcher(reply);
            seen = m.find() ? Long.parseLong(m.group(1)) : seen;
            if (seen >= routes) return at;
            if (!bird.isAlive()) throw new IOException("bird died during the feed: see " + dir.resolve("bird.log"));
            if (at > deadline) {
                throw new IOException("BIRD imported " + seen + " of " + routes + " routes in " + timeout.toSeconds() + " s; its protocol says:\n"
                        + reply + "\nsee " + dir.resolve("bird.log"));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    @Override
    public void awaitSessionGone(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String state = control.command("show protocols feeder");
            Matcher m = MASTER4.matcher(control.command("show route count"));
            boolean empty = m.find() && m.group(2).equals("0");
            if (empty && state.contains("Passive")) return;
            if (System.nanoTime() > deadline) {
                throw new IOException("BIRD did not drop the feeder's routes and listen again in " + timeout.toSeconds() + " s:\n" + state
                        + "see " + dir.resolve("bird.log"));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    @Override
    public Memory memory() throws IOException {
        String reply = control.command("show memory");
        Matcher m = TOTAL.matcher(reply);
        if (!m.find()) throw new IOException("no Total line in BIRD's show memory reply (a BIRD other than 2.0.x?):\n" + reply);
        return new Memory(bytes(m.group(1), m.group(2)), bytes(m.group(3), m.group(4)), ProcessMemory.rss(bird.pid()));
    }

    /** "46.2 kB" as BIRD prints sizes (powers of 1024). */
    static long bytes(String number, String unit) {
        double v = Double.parseDouble(number);
        int shift = switch (unit) {
            case "B" -> 0;
            case "kB" -> 10;
            case "MB" -> 20;
            case "GB" -> 30;
            default -> 40;
        };
        return Math.round(v * (1L << shift));
    }

    @Override
    public void close() {
        if (control != null) control.close();
        if (bird != null && bird.isAlive()) {
            bird.destroy(); // SIGTERM to bird's own PID (ip netns exec exec'd it)
            try {
                if (!bird.waitFor(5, TimeUnit.SECONDS)) {
                    bird.destroyForcibly();
                    bird.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * BIRD's control socket protocol: a greeting, then per command reply lines "NNNN-text" or " text" (more to
     * come) until one "NNNN text" line; codes 8xxx and 9xxx are errors.
     */
    private static final class Control implements AutoCloseable {
        private final SocketChannel channel;
        private final ByteBuffer in = ByteBuffer.allocate(1 << 16);
        private final StringBuilder pending = new StringBuilder();
        final String greeting;

        Control(Path socket) throws IOException {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
                greeting = reply();
            } catch (IOException e) {
                channel.close();
                throw e;
            }
        }

        String command(String text) throws IOException {
            ByteBuffer out = ByteBuffer.wrap((text + "\n").getBytes(StandardCharsets.US_ASCII));
            while (out.hasRemaining()) channel.write(out);
            String reply = reply();
            if (reply.matches("(?s).*(^|\n)[89]\\d{3} .*")) throw new IOException("BIRD refused '" + text + "': " + reply.strip());
            return reply;
        }

        private String reply() throws IOException {
            StringBuilder r = new StringBuilder();
            while (true) {
                int nl = pending.indexOf("\n");
                if (nl < 0) {
                    in.clear();
                    if (channel.read(in) < 0) throw new IOException("BIRD closed its control socket: is it still running?");
                    in.flip();
                    pending.append(StandardCharsets.US_ASCII.decode(in));
                    continue;
                }
                String line = pending.substring(0, nl);
                pending.delete(0, nl + 1);
                r.append(line).append('\n');
                if (line.length() >= 5 && Character.isDigit(line.charAt(0)) && line.charAt(4) == ' ') return r.toString();
            }
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing to do: the daemon is stopped right after
            }
        }
    }
}
