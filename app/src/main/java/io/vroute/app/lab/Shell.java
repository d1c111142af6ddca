package io.vroute.app.lab;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The lab's external commands: iproute2 ({@code ip netns}, {@code ip link}), the appliances' own tools (gobgp, vtysh),
 * ping, apt-get, and signals to the processes the lab started. Route tables are never changed from here: that is the
 * route server's job, through its API.
 */
final class Shell {
    private static final File DEV_NULL = new File("/dev/null");

    private Shell() {}

    record Result(int status, String output) {
        boolean ok() {
            return status == 0;
        }
    }

    /** Runs a command to completion (at most {@code seconds}); the output is stdout and stderr together. */
    static Result run(long seconds, List<String> command) {
        return run(seconds, command, Map.of());
    }

    static Result run(long seconds, List<String> command, Map<String, String> environment) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(Redirect.from(DEV_NULL));
            pb.environment().putAll(environment);
            Process p = pb.start();
            // Drain while waiting: a chatty command would otherwise fill the pipe and never end.
            CompletableFuture<String> out = drain(p.getInputStream());
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(124, "timed out after " + seconds + " s: " + String.join(" ", command));
            }
            return new Result(p.exitValue(), out.get(5, TimeUnit.SECONDS));
        } catch (IOException e) {
            return new Result(127, "cannot run " + command.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(130, "interrupted: " + String.join(" ", command));
        } catch (Exception e) {
            return new Result(1, e.toString());
        }
    }

    /** Runs a command; throws with its output unless it exits 0. */
    static String check(List<String> command) throws IOException {
        Result r = run(30, command);
        if (!r.ok()) {
            throw new IOException(String.join(" ", command) + " exited " + r.status() + ": " + r.output().strip());
        }
        return r.output();
    }

    static Result inNamespace(String ns, String... command) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(List.of(command));
        return run(30, c);
    }

    /**
     * Starts a long-running program inside {@code ns} in a session of its own (so that it outlives the command that
     * started it and a Ctrl-C there), its output appended to {@code log}. Returns its PID: {@code setsid} and
     * {@code ip netns exec} both exec in place.
     */
    static long spawn(String ns, List<String> command, Path log) throws IOException {
        List<String> c = new ArrayList<>(List.of("setsid", "ip", "netns", "exec", ns));
        c.addAll(command);
        return spawn(c, log);
    }

    /** Starts a long-running program in the host's namespace, as {@link #spawn(String, List, Path)} does. */
    static long spawn(List<String> command, Path log) throws IOException {
        List<String> c = new ArrayList<>(command);
        if (!c.get(0).equals("setsid")) c.add(0, "setsid");
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder(c).redirectErrorStream(true).redirectOutput(Redirect.appendTo(log.toFile()))
                .redirectInput(Redirect.from(DEV_NULL)).start();
        return p.pid();
    }

    /** Whether a program is installed: on the PATH or in the usual bin and sbin directories. */
    static boolean has(String program) {
        if (program.startsWith("/")) return Files.isExecutable(Path.of(program));
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"));
        for (String d : dirs) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) return true;
        }
        return false;
    }

    /** SIGSTOP, SIGCONT, SIGTERM or SIGKILL to a process the lab started; false when it is gone. */
    static boolean signal(long pid, String signal) {
        return run(5, List.of("kill", "-" + signal, Long.toString(pid))).ok();
    }

    static boolean alive(long pid) {
        return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && state(pid) != 'Z';
    }

    /** The kernel's state letter of a process: 'T' stopped (frozen), 'S'/'R' running, 'Z' zombie, '?' gone. */
    static char state(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2);
        } catch (IOException | RuntimeException e) {
            return '?';
        }
    }

    /**
     * Stops a process the lab started: SIGCONT (it may be frozen), SIGTERM, and SIGKILL when it is still there after
     * {@code graceMillis}. Returns false when it could not be stopped.
     */
    static boolean stop(long pid, long graceMillis) {
        if (!alive(pid)) return true;
        signal(pid, "CONT");
        signal(pid, "TERM");
        long end = System.nanoTime() + graceMillis * 1_000_000;
        while (System.nanoTime() < end) {
            if (!alive(pid)) return true;
            sleep(50);
        }
        signal(pid, "KILL");
        sleep(200);
        return !alive(pid);
    }

    static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) return line.split("\\s+")[2].equals("0"); // real, effective, ...
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static CompletableFuture<String> drain(InputStream in) {
        CompletableFuture<String> out = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                out.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                out.complete("");
            }
        });
        return out;
    }
}
