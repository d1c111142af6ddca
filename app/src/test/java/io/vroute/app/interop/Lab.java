package io.vroute.app.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away network lab: network namespaces joined through a Linux bridge, and the processes started in
 * them. Every namespace is named {@code vrt-i-<jvm pid>-<tag>-<role>}; no address is ever put in the root
 * namespace (the machine's rule: traffic only on loopback and inside namespaces we created), and the veth
 * pairs are created directly inside their namespaces, so nothing appears in the root namespace at all.
 *
 * <p>{@link #close()} kills every process the lab started (by PID; SIGCONT first in case it was frozen,
 * then SIGTERM, then SIGKILL after a grace period), kills anything still left inside our namespaces (the
 * children of those processes), deletes the namespaces, the FRR run directories and the work directory
 * (kept, with its logs, when {@link #keepLogs()} was called, e.g. by a failing test).
 *
 * <p>The first lab of a JVM also removes what an earlier, killed run left behind: {@code vrt-i-*} namespaces
 * whose owning JVM is gone (and the processes still inside them), their FRR run directories and work
 * directories.
 */
final class Lab implements AutoCloseable {
    static final String PREFIX = "vrt-i-";
    static final Path FRR_RUN = Path.of("/var/run/frr");
    private static final long OWN_PID = ProcessHandle.current().pid();
    private static volatile boolean staleRemoved;

    private final String name;
    private final Path dir;
    private final List<String> namespaces = new ArrayList<>();
    private final Deque<Process> processes = new ArrayDeque<>();
    private final Set<Long> frozen = Collections.synchronizedSet(new HashSet<>());
    private final List<Path> runDirs = new ArrayList<>();
    private int veths;
    private boolean keepLogs;

    private Lab(String tag) throws IOException {
        this.name = PREFIX + OWN_PID + "-" + tag;
        this.dir = Files.createTempDirectory("vroute-" + name + "-");
        // Daemons that drop privileges (FRR runs as user frr) must be able to reach their files in here.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** A new lab; {@code tag} (a few letters) tells its namespaces apart from other labs of the same run. */
    static Lab create(String tag) {
        removeStale();
        try {
            return new Lab(tag);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String name() {
        return name;
    }

    /** The work directory: configs, logs, control sockets. */
    Path dir() {
        return dir;
    }

    void keepLogs() {
        keepLogs = true;
    }

    // ---------------------------------------------------------------- topology

    /** Creates namespace {@code <lab>-<role>} with loopback up (gobgp and vtysh talk over it). */
    String namespace(String role) {
        String ns = name + "-" + role;
        run("ip", "netns", "add", ns);
        namespaces.add(ns);
        run("ip", "-n", ns, "link", "set", "lo", "up");
        return ns;
    }

    /**
     * Creates the route server's namespace with bridge {@code br0} holding {@code addresses} (CIDR notation,
     * IPv4 or IPv6); hosts made with {@link #host} hang off that bridge, all on one segment.
     */
    String routeServer(String role, String... addresses) {
        String ns = namespace(role);
        run("ip", "-n", ns, "link", "add", "br0", "type", "bridge");
        addAddresses(ns, "br0", addresses);
        run("ip", "-n", ns, "link", "set", "br0", "up");
        return ns;
    }

    /** Creates namespace {@code role} whose {@code eth0} is a veth into {@code bridgeNs}'s br0, with {@code addresses}. */
    String host(String role, String bridgeNs, String... addresses) {
        String ns = namespace(role);
        String port = "v" + (++veths);
        // Both ends are created inside their namespaces: no interface ever shows up in the root namespace.
        run("ip", "link", "add", "eth0", "netns", ns, "type", "veth", "peer", "name", port, "netns", bridgeNs);
        run("ip", "-n", bridgeNs, "link", "set", port, "master", "br0");
        run("ip", "-n", bridgeNs, "link", "set", port, "up");
        addAddresses(ns, "eth0", addresses);
        run("ip", "-n", ns, "link", "set", "eth0", "up");
        return ns;
    }

    private static void addAddresses(String ns, String dev, String... addresses) {
        for (String a : addresses) {
            // nodad: an IPv6 address is usable at once instead of "tentative" for a second or two
            // (a daemon binding it early would fail with EADDRNOTAVAIL).
            if (a.contains(":")) run("ip", "-n", ns, "addr", "add", a, "dev", dev, "nodad");
            else run("ip", "-n", ns, "addr", "add", a, "dev", dev);
        }
    }

    // ---------------------------------------------------------------- processes

    /**
     * Starts {@code command} inside {@code ns} ({@code ip netns exec} execs in place, so the returned process's
     * PID is the program's own). stdout and stderr go to {@code log} unless {@code pipeStdout}, when stdout is
     * left for the caller to read.
     */
    Process spawn(String ns, List<String> command, Path log, boolean pipeStdout) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(Redirect.from(new java.io.File("/dev/null")));
        if (pipeStdout) {
            pb.redirectError(Redirect.appendTo(log.toFile()));
        } else {
            pb.redirectErrorStream(true).redirectOutput(Redirect.appendTo(log.toFile()));
        }
        try {
            Process p = pb.start();
            synchronized (processes) {
                processes.push(p);
            }
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + cmd, e);
        }
    }

    /** kill -STOP: the process stops dead (no keepalives, no TCP reads), as a hung appliance would. */
    void freeze(Process p) {
        run("kill", "-STOP", Long.toString(p.pid()));
        frozen.add(p.pid());
    }

    void thaw(Process p) {
        run("kill", "-CONT", Long.toString(p.pid()));
        frozen.remove(p.pid());
    }

    /** SIGTERM (SIGCONT first if frozen), then SIGKILL after {@code grace}; returns the exit status. */
    int stop(Process p, Duration grace) {
        if (p.isAlive()) {
            if (frozen.remove(p.pid())) runQuietly("kill", "-CONT", Long.toString(p.pid()));
            p.destroy();
            try {
                if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
        return p.isAlive() ? -1 : p.exitValue();
    }

    /** A run directory under /var/run/frr (FRR's pathspace), removed on close. */
    Path frrRunDir(String pathspace) {
        Path d = FRR_RUN.resolve(pathspace);
        try {
            Files.createDirectories(d);
            chownFrr(FRR_RUN);
            chownFrr(d);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        runDirs.add(d);
        return d;
    }

    /** chown frr:frr (FRR's daemons drop to that user and must read their config and write their logs). */
    static void chownFrr(Path p) throws IOException {
        UserPrincipalLookupService users = p.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(p, users.lookupPrincipalByName("frr"));
        Files.getFileAttributeView(p, java.nio.file.attribute.PosixFileAttributeView.class)
                .setGroup(users.lookupPrincipalByGroupName("frr"));
    }

    @Override
    public void close() {
        List<Process> ps;
        synchronized (processes) {
            ps = new ArrayList<>(processes); // newest first
            processes.clear();
        }
        for (Process p : ps) {
            if (!p.isAlive()) continue;
            if (frozen.remove(p.pid())) runQuietly("kill", "-CONT", Long.toString(p.pid()));
            p.destroy();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        for (Process p : ps) {
            try {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !p.waitFor(left, TimeUnit.NANOSECONDS)) p.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
        for (String ns : namespaces) killInside(ns);
        for (String ns : namespaces) runQuietly("ip", "netns", "del", ns);
        namespaces.clear();
        for (Path d : runDirs) deleteTree(d);
        if (keepLogs) System.out.println("[interop] logs of " + name + " kept in " + dir);
        else deleteTree(dir);
    }

    /** Whatever still runs in {@code ns} (children of processes we started): SIGCONT, then SIGKILL. */
    private static void killInside(String ns) {
        Result r = runQuietly("ip", "netns", "pids", ns);
        if (r.status() != 0) return;
        for (String pid : r.output().trim().split("\\s+")) {
            if (pid.isEmpty() || pid.equals(Long.toString(OWN_PID))) continue;
            runQuietly("kill", "-CONT", pid);
            runQuietly("kill", "-KILL", pid);
        }
    }

    /** Removes the namespaces (and their processes) and FRR run dirs of earlier runs whose JVM is gone. */
    static synchronized void removeStale() {
        if (staleRemoved) return;
        staleRemoved = true;
        removeStaleNow();
    }

    static synchronized void removeStaleNow() {
        Result list = runQuietly("ip", "netns", "list");
        for (String line : list.output().split("\n")) {
            String ns = line.trim().split("\\s+")[0];
            if (ns.startsWith(PREFIX) && isStale(ns)) {
                System.out.println("[interop] removing namespace " + ns + " left by an earlier run");
                killInside(ns);
                runQuietly("ip", "netns", "del", ns);
            }
        }
        // FRR run directories (named after the namespace) and work directories ("vroute-" + lab name + ...).
        deleteStale(FRR_RUN, "");
        deleteStale(Path.of(System.getProperty("java.io.tmpdir")), "vroute-");
    }

    private static void deleteStale(Path parent, String before) {
        if (!Files.isDirectory(parent)) return;
        try (Stream<Path> s = Files.list(parent)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith(before + PREFIX) && Files.isDirectory(p) && isStale(n.substring(before.length()))) {
                    deleteTree(p);
                }
            }
        } catch (IOException e) {
            // nothing left to clean
        }
    }

    /** {@code vrt-i-<pid>-...} is stale when no JVM with that PID runs any more. */
    private static boolean isStale(String name) {
        String rest = name.substring(PREFIX.length());
        int dash = rest.indexOf('-');
        long pid;
        try {
            pid = Long.parseLong(dash < 0 ? rest : rest.substring(0, dash));
        } catch (NumberFormatException e) {
            return true; // not one of ours in the current shape: an older harness's leftover
        }
        if (pid == OWN_PID) return false;
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        return h.isEmpty() || !h.get().isAlive()
                || !h.get().info().command().map(c -> c.endsWith("/java")).orElse(true);
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) return;
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            System.out.println("[interop] could not delete " + root + ": " + e);
        }
    }

    // ---------------------------------------------------------------- commands

    record Result(int status, String output) {
    }

    /** Runs a command to completion (10 s at most); throws unless it exits 0. */
    static String run(String... command) {
        Result r = runQuietly(command);
        if (r.status() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + r.status() + ": " + r.output().strip());
        }
        return r.output();
    }

    /** Runs a command to completion (10 s at most), stdout and stderr together. */
    static Result runQuietly(String... command) {
        return runQuietly(Duration.ofSeconds(10), command);
    }

    static Result runQuietly(Duration timeout, String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(Redirect.from(new java.io.File("/dev/null"))).start();
            // Drain while waiting, or a chatty command fills the pipe and never ends.
            var out = new java.util.concurrent.CompletableFuture<String>();
            Thread.ofVirtual().start(() -> {
                try {
                    out.complete(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    out.complete("");
                }
            });
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out after " + timeout.toSeconds() + " s: " + String.join(" ", command));
            }
            return new Result(p.exitValue(), out.get(5, TimeUnit.SECONDS));
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (Exception e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            return new Result(-1, e.toString());
        }
    }

    /** Runs {@code command} inside {@code ns}; throws unless it exits 0. */
    static String exec(String ns, String... command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(List.of(command));
        return run(cmd.toArray(String[]::new));
    }

    /** The last {@code lines} lines of a log file, for failure messages. */
    static String tail(Path file, int lines) {
        List<String> all = read(file).lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** The whole file (bytes that are not UTF-8 become U+FFFD), or "" when it is not there (yet). */
    static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Polls {@code condition} every 200 ms until it holds or {@code timeout} passes. */
    static boolean waitFor(Duration timeout, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (condition.getAsBoolean()) return true;
            if (System.nanoTime() > deadline) return false;
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
