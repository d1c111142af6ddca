package io.vroute.app.lab;

import io.vroute.app.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code vroute serve} a lab talks to: one that already answers at the endpoint, or one the lab starts itself
 * ({@code serve --dataplane linux}) with the same Java and the same vroute as the running command, and stops again in
 * {@code lab down}.
 */
final class RouteServerProcess {
    private RouteServerProcess() {}

    /** Whether something accepts TCP connections at the endpoint's address. */
    static boolean answers(URI endpoint) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(endpoint.getHost(), port(endpoint)), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int port(URI endpoint) {
        return endpoint.getPort() > 0 ? endpoint.getPort() : 80;
    }

    /** Parses --endpoint: an http URL with a host (and usually a port). */
    static URI endpoint(String text) {
        try {
            URI u = new URI(text);
            if (!"http".equals(u.getScheme()) || u.getHost() == null) throw new URISyntaxException(text, "not http://HOST:PORT");
            return u;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--endpoint must look like http://127.0.0.1:8179, not '" + text + "'");
        }
    }

    /**
     * The command line of a {@code vroute serve --dataplane linux} for the lab: this JVM's java, and this vroute's jar
     * ({@code -jar}) or, when running from classes (tests, IDE), its class path. The jar is copied to {@code jarCopy}
     * first: bin/vroute rebuilds the jar in place when a source changes, which would pull the classes out from under a
     * daemon running from it.
     */
    static List<String> command(URI endpoint, Path dataDir, String netnsPrefix, Path jarCopy) throws IOException {
        List<String> c = new ArrayList<>();
        c.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        c.add("--enable-native-access=ALL-UNNAMED");
        c.add("-XX:+UseZGC");
        Path code;
        try {
            code = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            code = null;
        }
        if (code != null && Files.isRegularFile(code) && code.toString().endsWith(".jar")) {
            Files.createDirectories(jarCopy.getParent());
            Files.copy(code, jarCopy, StandardCopyOption.REPLACE_EXISTING);
            c.add("-jar");
            c.add(jarCopy.toString());
        } else {
            c.add("-cp");
            c.add(System.getProperty("java.class.path"));
            c.add(Main.class.getName());
        }
        c.addAll(List.of("serve", "--dataplane", "linux", "--netns-prefix", netnsPrefix, "--data-dir", dataDir.toString(),
                "--api", endpoint.getHost() + ":" + port(endpoint)));
        return c;
    }

    /**
     * Starts the daemon (its output appended to {@code log}) and waits until its API answers and its credentials are
     * written; returns its PID.
     */
    static long start(List<String> command, URI endpoint, Path dataDir, Path log, PrintWriter out) throws IOException {
        Files.createDirectories(dataDir);
        out.println("starting vroute serve --dataplane linux on " + endpoint + " (log " + log + ")");
        out.flush();
        long pid = Shell.spawn(command, log);
        long end = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < end) {
            if (!Shell.alive(pid)) {
                throw new IOException("vroute serve exited at start:\n" + tail(log, 15)
                        + "\nfix what it says, or start a daemon yourself and give --endpoint and --data-dir");
            }
            if (Files.exists(dataDir.resolve("credentials")) && answers(endpoint)) return pid;
            Shell.sleep(100);
        }
        Shell.stop(pid, 10_000);
        throw new IOException("vroute serve did not answer at " + endpoint + " within 60 s:\n" + tail(log, 15));
    }

    static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log at " + log + ")";
        }
    }
}
