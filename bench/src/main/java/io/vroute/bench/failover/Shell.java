package io.vroute.bench.failover;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Commands and the processes this benchmark starts. Every process started through {@link #spawn} is remembered by
 * PID so that {@link #stopAll()} ends exactly those (SIGCONT first, in case one is frozen; SIGTERM; SIGKILL after a
 * grace period), and nothing else.
 */
final class Shell {
    record Result(int status, String output) {
    }

    private static final Deque<Process> STARTED = new ArrayDeque<>();

    private Shell() {
    }

    /** Runs {@code command} to its end (30 s at most) and returns its status and merged output. */
    static Result run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(Redirect.from(new java.io.File("/dev/null"))).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out: " + String.join(" ", command));
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs {@code command}; a non-zero status is an error that names the command and its output. */
    static String check(String... command) {
        Result r = run(command);
        if (r.status() != 0) {
            throw new IllegalStateException("`" + String.join(" ", command) + "` failed (" + r.status() + "): "
                    + r.output().strip());
        }
        return r.output();
    }

    /** {@code ip netns exec ns command...}: {@code ip} execs in place, so the process's PID is the program's own. */
    static Process spawnIn(String ns, Path log, String... command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(List.of(command));
        return spawn(log, cmd);
    }

    static Process spawn(Path log, List<String> command) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectInput(Redirect.from(new java.io.File("/dev/null")));
            if (log == null) {
                pb.redirectErrorStream(true);
            } else {
                pb.redirectErrorStream(true).redirectOutput(Redirect.appendTo(log.toFile()));
            }
            Process p = pb.start();
            synchronized (STARTED) {
                STARTED.push(p);
            }
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /** {@code kill -SIGNAL pid...} in one command, so that several processes get it within the same instant. */
    static void signal(String signal, Process... processes) {
        List<String> cmd = new ArrayList<>(List.of("kill", "-" + signal));
        for (Process p : processes) if (p != null) cmd.add(Long.toString(p.pid()));
        check(cmd.toArray(String[]::new));
    }

    /** SIGCONT, SIGTERM, then SIGKILL after {@code graceMs}. */
    static void stop(Process p, long graceMs) {
        if (p == null || !p.isAlive()) return;
        run("kill", "-CONT", Long.toString(p.pid()));
        p.destroy();
        try {
            if (!p.waitFor(graceMs, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
        synchronized (STARTED) {
            STARTED.remove(p);
        }
    }

    /** Stops every process this JVM started and that still runs, newest first. */
    static void stopAll() {
        List<Process> all;
        synchronized (STARTED) {
            all = new ArrayList<>(STARTED);
        }
        for (Process p : all) stop(p, 3000);
    }

    /** Deletes the network namespaces whose names start with {@code prefix} (after their processes were stopped). */
    static void deleteNamespaces(String prefix) {
        for (String line : run("ip", "netns", "list").output().split("\n")) {
            String name = line.trim().split("\\s+")[0];
            if (!name.isEmpty() && name.startsWith(prefix)) {
                Result r = run("ip", "netns", "del", name);
                if (r.status() != 0) System.err.println("could not delete namespace " + name + ": " + r.output().strip());
            }
        }
    }

    static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String tail(Path file, int lines) {
        List<String> all = read(file).lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Polls {@code condition} every 50 ms until it holds (true) or {@code timeoutMs} passes (false). */
    static boolean await(long timeoutMs, java.util.function.BooleanSupplier condition) {
        long end = System.nanoTime() + timeoutMs * 1_000_000;
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) return true;
            sleep(50);
        }
        return condition.getAsBoolean();
    }
}
