package io.vroute.app.interop;

import io.vroute.api.Credentials;
import io.vroute.api.QueryClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * The product as a user runs it, in one of two ways:
 * <ul>
 * <li>{@code new VrouteServe(lab, ns, dir)}: {@code vroute serve --data-dir DIR --api 127.0.0.1:8179 --dataplane model}
 *     in its own JVM inside the lab's VPC namespace, and an AWS SDK client (run on a thread inside that namespace) using
 *     the key pair the first start wrote to {@code DIR/credentials};</li>
 * <li>{@link #linux}: {@code vroute serve --dataplane linux --netns-prefix PREFIX} in the host's network namespace (it
 *     creates namespaces and wires them together, which only works from there), its API on a free port of the host's
 *     loopback, the client in the host namespace too. Every namespace it makes starts with PREFIX, a lab-owned prefix
 *     ({@code vrt-i-<jvm pid>-<tag>-}), so that {@link #removeKernelState()} (and, after a killed run, the next lab's
 *     stale sweep) finds and deletes them all.</li>
 * </ul>
 */
final class VrouteServe {
    static final int API_PORT = 8179;
    private final Lab lab;
    /** The namespace the daemon runs in; null: the host's (the Linux data plane). */
    private final String ns;
    private final Path dataDir;
    private final List<String> extra;
    private final int apiPort;
    /** The --netns-prefix of a Linux data plane daemon; null for the model data plane. */
    private final String netnsPrefix;
    private Process process;
    private int starts;
    /** The class path the daemon runs with (see {@link #daemonClassPath()}). */
    private String classPath;

    VrouteServe(Lab lab, String ns, Path dataDir, String... extra) {
        this(lab, ns, dataDir, API_PORT, null, extra);
    }

    private VrouteServe(Lab lab, String ns, Path dataDir, int apiPort, String netnsPrefix, String... extra) {
        this.lab = lab;
        this.ns = ns;
        this.dataDir = dataDir;
        this.extra = List.of(extra);
        this.apiPort = apiPort;
        this.netnsPrefix = netnsPrefix;
    }

    /**
     * A daemon with the Linux data plane, run in the host namespace: {@code --dataplane linux --netns-prefix
     * <lab name>-}, the API on a free port of 127.0.0.1. Call {@link #stop()} and {@link #removeKernelState()} when
     * done, whatever happened (the lab does not know this process).
     */
    static VrouteServe linux(Lab lab, Path dataDir, String... extra) {
        return new VrouteServe(lab, null, dataDir, freePort(), lab.name() + "-", extra);
    }

    /** A port nothing listens on now on the host's loopback (the API of a daemon in the host namespace). */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The log of the current (last started) instance. */
    Path log() {
        return lab.dir().resolve("serve-" + starts + ".log");
    }

    int apiPort() {
        return apiPort;
    }

    /** The prefix of every namespace a Linux data plane daemon makes (router {@code PREFIX + vpc-id}, {@code PREFIX + internet}). */
    String netnsPrefix() {
        return netnsPrefix;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    VrouteServe start() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-XX:+UseZGC");
        cmd.add("-cp");
        cmd.add(daemonClassPath());
        cmd.add("io.vroute.app.Main");
        cmd.addAll(List.of("serve", "--data-dir", dataDir.toString(), "--api", "127.0.0.1:" + apiPort));
        if (netnsPrefix == null) cmd.addAll(List.of("--dataplane", "model"));
        else cmd.addAll(List.of("--dataplane", "linux", "--netns-prefix", netnsPrefix));
        cmd.addAll(extra);
        starts++;
        Lab.write(log(), "");
        process = ns != null ? lab.spawn(ns, cmd, log(), false) : spawnInHost(cmd);
        if (ns == null) {
            // The lab does not know this process: should the test JVM end early, the daemon ends with it.
            Process p = process;
            Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
        }
        if (!Lab.waitFor(Duration.ofSeconds(30), () -> !process.isAlive() || Lab.read(log()).contains("API listening")
                && Files.exists(dataDir.resolve("credentials")))) {
            throw new IllegalStateException("vroute serve did not start:\n" + Lab.tail(log(), 30));
        }
        if (!process.isAlive()) throw new IllegalStateException("vroute serve exited:\n" + Lab.tail(log(), 30));
        return this;
    }

    /**
     * The test JVM's class path; for a Linux data plane daemon (long runs, restarted by the tests) its directories
     * are copied into the lab first, so that a build of the shared tree meanwhile (which empties target/classes for
     * a moment) cannot take classes from under the running daemon.
     */
    private String daemonClassPath() {
        if (classPath != null) return classPath;
        String testPath = System.getProperty("java.class.path");
        if (netnsPrefix == null) return classPath = testPath;
        List<String> entries = new ArrayList<>();
        int n = 0;
        for (String entry : testPath.split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            if (!Files.isDirectory(p)) {
                entries.add(entry);
                continue;
            }
            Path copy = lab.dir().resolve("classpath").resolve((n++) + "-" + p.getFileName());
            try (var files = Files.walk(p)) {
                for (Path f : files.toList()) {
                    Path to = copy.resolve(p.relativize(f).toString());
                    if (Files.isDirectory(f)) Files.createDirectories(to);
                    else Files.copy(f, to);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot copy " + p + " for the daemon's class path", e);
            }
            entries.add(copy.toString());
        }
        return classPath = String.join(java.io.File.pathSeparator, entries);
    }

    private Process spawnInHost(List<String> cmd) {
        try {
            return new ProcessBuilder(cmd).redirectInput(Redirect.from(new java.io.File("/dev/null")))
                    .redirectErrorStream(true).redirectOutput(Redirect.appendTo(log().toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + cmd, e);
        }
    }

    /** SIGTERM (SIGKILL after 15 s); returns the exit status. */
    int stop() {
        if (process == null) return -1;
        if (ns != null) return lab.stop(process, Duration.ofSeconds(15));
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** {@code kill -9} by PID, as a crash would end it: no Cease, no store close, no clean-up. */
    void kill9() {
        Lab.run("kill", "-9", Long.toString(process.pid()));
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) throw new IllegalStateException("vroute serve survived kill -9");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Linux data plane: deletes every namespace whose name starts with the prefix (the daemon's routers and internet
     * namespace, and the instance namespaces the test named with it), after killing whatever still runs in them, and
     * the daemon's state directory under /run. Stop the daemon first, or it makes them again.
     */
    void removeKernelState() {
        if (netnsPrefix == null) return;
        for (String line : Lab.runQuietly("ip", "netns", "list").output().split("\n")) {
            String name = line.trim().split("\\s+")[0];
            if (!name.startsWith(netnsPrefix)) continue;
            Lab.Result pids = Lab.runQuietly("ip", "netns", "pids", name);
            for (String pid : pids.output().trim().split("\\s+")) {
                if (pid.isEmpty() || pid.equals(Long.toString(ProcessHandle.current().pid()))) continue;
                Lab.runQuietly("kill", "-CONT", pid);
                Lab.runQuietly("kill", "-KILL", pid);
            }
            Lab.Result del = Lab.runQuietly("ip", "netns", "del", name);
            if (del.status() != 0) System.out.println("[interop] could not delete namespace " + name + ": " + del.output());
        }
        Lab.deleteTree(Path.of("/run", netnsPrefix.replaceAll("[-_.]+$", "")));
    }

    /** The namespaces whose names start with the prefix, for the test's own checks. */
    List<String> namespaces() {
        List<String> out = new ArrayList<>();
        for (String line : Lab.runQuietly("ip", "netns", "list").output().split("\n")) {
            String name = line.trim().split("\\s+")[0];
            if (netnsPrefix != null && name.startsWith(netnsPrefix)) out.add(name);
        }
        return out;
    }

    Ec2Client client() {
        String[] keys = keys();
        return Ec2Client.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + apiPort))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(keys[0], keys[1])))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    /** vroute's own Query client, for its extensions the SDK cannot say (BfdOptions); same keys, same port. */
    QueryClient queryClient() {
        String[] keys = keys();
        return new QueryClient(URI.create("http://127.0.0.1:" + apiPort + "/"), keys[0], keys[1], "us-east-1");
    }

    /** The key pair the first start wrote, read as vroute itself reads it. */
    String[] keys() {
        try {
            Credentials c = Credentials.loadOrCreate(dataDir);
            return new String[] {c.accessKeyId(), c.secretAccessKey()};
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
