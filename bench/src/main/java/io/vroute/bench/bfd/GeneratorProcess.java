package io.vroute.bench.bfd;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The {@link LoadGenerator} JVM as the benchmark sees it: started with {@link #JVM_FLAGS}, its state changes fed into a
 * {@link Transitions} as they arrive, its other lines answered to {@link #ask}. Its stderr (the JVM's own messages)
 * goes to {@code generator.log} in the work directory, its collector's log to {@code generator-gc.log}.
 */
final class GeneratorProcess implements AutoCloseable {
    /**
     * The serial collector in a small fixed heap: the generator allocates next to nothing once its sessions are open,
     * so it collects rarely and briefly, and it has no concurrent collector threads to compete for the two cores.
     */
    static final List<String> JVM_FLAGS = List.of("-XX:+UseSerialGC", "-Xms64m", "-Xmx64m", "--enable-native-access=ALL-UNNAMED");

    private final Transitions transitions = new Transitions();
    private final LinkedBlockingQueue<String> replies = new LinkedBlockingQueue<>();
    private final Path log;
    private final Path gcLog;
    private Process jvm;
    private PrintStream commands;

    GeneratorProcess(Path workDir) {
        this.log = workDir.resolve("generator.log");
        this.gcLog = workDir.resolve("generator-gc.log");
    }

    Transitions transitions() { return transitions; }

    long pid() { return jvm.pid(); }

    /** Starts the JVM and waits until it has opened every session; returns how many it opened. */
    int start(InetAddress first, int count, InetAddress endpoint, int port, int minTxMs, int minRxMs, int multiplier, int engines,
              List<InetAddress> skip) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(JVM_FLAGS);
        cmd.add("-Xlog:gc*=info,safepoint=info:file=" + gcLog + ":uptimenanos,level,tags:filecount=0");
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), LoadGenerator.class.getName(), first.getHostAddress(),
                Integer.toString(count), endpoint.getHostAddress(), Integer.toString(port), Integer.toString(minTxMs),
                Integer.toString(minRxMs), Integer.toString(multiplier), Integer.toString(engines)));
        for (InetAddress a : skip) cmd.add(a.getHostAddress());
        jvm = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        commands = new PrintStream(jvm.getOutputStream(), true, StandardCharsets.UTF_8);
        Thread.ofPlatform().name("generator-out").daemon(true).start(this::read);
        String ready = await("ready", Duration.ofSeconds(120));
        return Integer.parseInt(ready.split(" ")[1]);
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8))) {
            for (String l; (l = r.readLine()) != null; ) {
                if (l.startsWith("change ")) {
                    String[] f = l.split(" ");
                    transitions.add(new Transitions.Change(Long.parseLong(f[1]), f[2], f[3], f[4], f[5], f[6]));
                } else {
                    replies.add(l);
                }
            }
        } catch (IOException | RuntimeException e) {
            replies.add("error reading the generator's output: " + e.getMessage());
        }
        replies.add("error the generator JVM exited");
    }

    /** Sends a command and returns the reply line that starts with {@code command}. */
    String ask(String command, Duration timeout) throws IOException {
        commands.println(command);
        return await(command, timeout);
    }

    /** {PROCESS_CPU_NANOS, BFD_THREADS_CPU_NANOS, BFD_THREADS_ALLOCATED_BYTES} of the generator so far. */
    long[] cpu() throws IOException {
        String[] f = ask("cpu", Duration.ofSeconds(10)).split(" ");
        return new long[] {Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3])};
    }

    /** The generator's counters, as {@link LoadGenerator} documents them ("counters" reply without the word). */
    long[] counters() throws IOException {
        String[] f = ask("counters", Duration.ofSeconds(10)).split(" ");
        long[] out = new long[f.length - 1];
        for (int i = 1; i < f.length; i++) out[i - 1] = Long.parseLong(f[i]);
        return out;
    }

    private String await(String word, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String l;
            try {
                l = replies.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the load generator");
            }
            if (l == null) throw new IOException("the load generator did not answer '" + word + "' in " + timeout.toSeconds() + " s: see " + log);
            if (l.equals(word) || l.startsWith(word + " ")) return l;
            if (l.startsWith("error")) throw new IOException("load generator: " + l + " (see " + log + ")");
        }
    }

    /** SIGSTOP: the generator stops dead, as a hung appliance would. Returns nanoTime just before the signal. */
    long freeze() throws IOException {
        Signals.send(jvm.pid(), 0); // signal 0 only checks: makes the call ready, so the one timed below is just the syscall
        long before = System.nanoTime();
        Signals.send(jvm.pid(), Signals.SIGSTOP);
        return before;
    }

    /** SIGCONT. Returns nanoTime just before the signal. */
    long thaw() throws IOException {
        long before = System.nanoTime();
        Signals.send(jvm.pid(), Signals.SIGCONT);
        return before;
    }

    /** Ends every session with AdminDown (RFC 5880 §6.8.16) and waits for the JVM to exit. */
    @Override
    public void close() {
        if (jvm == null) return;
        if (jvm.isAlive()) {
            try {
                Signals.send(jvm.pid(), Signals.SIGCONT); // a frozen generator could not hear "quit"
            } catch (IOException e) {
                // it exited meanwhile: nothing to wake
            }
            commands.println("quit");
        }
        try {
            if (!jvm.waitFor(10, TimeUnit.SECONDS)) {
                jvm.destroy();
                if (!jvm.waitFor(5, TimeUnit.SECONDS)) jvm.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            jvm.destroyForcibly();
        }
    }
}
