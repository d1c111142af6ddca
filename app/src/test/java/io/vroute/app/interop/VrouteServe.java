package io.vroute.app.interop;

import io.vroute.api.Credentials;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * The product as a user runs it: {@code vroute serve --data-dir DIR --api 127.0.0.1:8179} in its own JVM inside the lab's
 * VPC namespace, and an AWS SDK client (run on a thread inside that namespace) using the key pair the first start wrote
 * to {@code DIR/credentials}.
 */
final class VrouteServe {
    static final int API_PORT = 8179;
    private final Lab lab;
    private final String ns;
    private final Path dataDir;
    private final List<String> extra;
    private Process process;
    private int starts;

    VrouteServe(Lab lab, String ns, Path dataDir, String... extra) {
        this.lab = lab;
        this.ns = ns;
        this.dataDir = dataDir;
        this.extra = List.of(extra);
    }

    /** The log of the current (last started) instance. */
    Path log() {
        return lab.dir().resolve("serve-" + starts + ".log");
    }

    VrouteServe start() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-XX:+UseZGC");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("io.vroute.app.Main");
        cmd.addAll(List.of("serve", "--data-dir", dataDir.toString(), "--api", "127.0.0.1:" + API_PORT, "--dataplane", "model"));
        cmd.addAll(extra);
        starts++;
        Lab.write(log(), "");
        process = lab.spawn(ns, cmd, log(), false);
        if (!Lab.waitFor(Duration.ofSeconds(30), () -> !process.isAlive() || Lab.read(log()).contains("API listening")
                && Files.exists(dataDir.resolve("credentials")))) {
            throw new IllegalStateException("vroute serve did not start:\n" + Lab.tail(log(), 30));
        }
        if (!process.isAlive()) throw new IllegalStateException("vroute serve exited:\n" + Lab.tail(log(), 30));
        return this;
    }

    /** SIGTERM; returns the exit status. */
    int stop() {
        return lab.stop(process, Duration.ofSeconds(15));
    }

    Ec2Client client() {
        String[] keys = keys();
        return Ec2Client.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + API_PORT))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(keys[0], keys[1])))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
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
