package io.vroute.app.bgp;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Network namespaces, veth links and processes for interop tests; everything it makes it removes on close.
 * Namespaces are named {@code vrt-<tag>-...}; traffic stays inside them (no address in the host namespace).
 */
final class Lab implements AutoCloseable {
    final String tag;
    final Path dir;
    private final List<String> namespaces = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final List<Long> pids = new ArrayList<>();

    Lab(String tag) throws IOException {
        this.tag = "vrt-" + tag;
        this.dir = Files.createTempDirectory(this.tag + "-");
        dir.toFile().setReadable(true, false);
        dir.toFile().setExecutable(true, false);
        dir.toFile().setWritable(true, false); // FRR runs as user frr and writes its logs here
        for (String ns : sh("ip", "netns", "list").split("\n")) { // leftovers of an interrupted run
            String name = ns.split(" ")[0];
            if (name.startsWith(this.tag + "-")) sh("ip", "netns", "del", name);
        }
    }

    /**
     * Fails (CI: -Dvroute.interop=required) or skips (otherwise) unless we are root and the named programs are
     * installed; the message names the Debian package.
     */
    static void require(String... programAndPackage) {
        List<String> missing = new ArrayList<>();
        if (!"root".equals(System.getProperty("user.name"))) missing.add("root (network namespaces)");
        for (int i = 0; i < programAndPackage.length; i += 2) {
            if (!Files.isExecutable(Path.of(programAndPackage[i]))) {
                missing.add(programAndPackage[i] + " (apt-get install " + programAndPackage[i + 1] + ")");
            }
        }
        if (missing.isEmpty()) return;
        String why = "interop test needs " + String.join(", ", missing);
        if ("required".equals(System.getProperty("vroute.interop"))) fail(why);
        Assumptions.abort(why);
    }

    String netns(String name) throws IOException {
        String ns = tag + "-" + name;
        sh("ip", "netns", "add", ns);
        namespaces.add(ns);
        sh("ip", "-n", ns, "link", "set", "lo", "up");
        return ns;
    }

    /** A veth between two namespaces with an IPv4 and an IPv6 address at each end. */
    void link(String nsA, String ifA, String v4A, String v6A, String nsB, String ifB, String v4B, String v6B) throws IOException {
        sh("ip", "link", "add", ifA, "netns", nsA, "type", "veth", "peer", "name", ifB, "netns", nsB);
        sh("ip", "-n", nsA, "addr", "add", v4A + "/24", "dev", ifA);
        sh("ip", "-n", nsA, "addr", "add", v6A + "/64", "dev", ifA, "nodad");
        sh("ip", "-n", nsB, "addr", "add", v4B + "/24", "dev", ifB);
        sh("ip", "-n", nsB, "addr", "add", v6B + "/64", "dev", ifB, "nodad");
        sh("ip", "-n", nsA, "link", "set", ifA, "up");
        sh("ip", "-n", nsB, "link", "set", ifB, "up");
    }

    Process start(String ns, Path log, String... cmd) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(cmd));
        Process p = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(p);
        return p;
    }

    /** Remembers a daemon's PID (daemons that fork) so close() ends it. */
    void own(long pid) {
        pids.add(pid);
    }

    void freeze(long pid) throws IOException { sh("kill", "-STOP", Long.toString(pid)); }
    void thaw(long pid) throws IOException { sh("kill", "-CONT", Long.toString(pid)); }

    @Override
    public void close() throws Exception {
        for (long pid : pids) {
            new ProcessBuilder("kill", "-CONT", Long.toString(pid)).start().waitFor();
            new ProcessBuilder("kill", Long.toString(pid)).start().waitFor();
        }
        for (Process p : processes) {
            ProcessHandle.of(p.pid()).ifPresent(h -> {
                try { new ProcessBuilder("kill", "-CONT", Long.toString(h.pid())).start().waitFor(); } catch (Exception ignored) { }
            });
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        Thread.sleep(200);
        for (String ns : namespaces) sh("ip", "netns", "del", ns);
    }

    static String sh(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) throw new IOException(String.join(" ", cmd) + " hung");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        if (p.exitValue() != 0) throw new IOException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + out);
        return out;
    }

    static String nsExec(String ns, String... cmd) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(cmd));
        return sh(full.toArray(new String[0]));
    }
}
