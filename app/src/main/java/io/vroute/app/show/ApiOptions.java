package io.vroute.app.show;

import io.vroute.api.QueryClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options every view shares: where the daemon's API is ({@code --endpoint}), whose key signs the requests
 * ({@code --data-dir}, else the AWS profile {@code vroute}) and {@code --json}.
 */
public final class ApiOptions {
    /** Where {@code vroute serve} listens unless told otherwise (its {@code --api} default). */
    public static final String DEFAULT_ENDPOINT = "http://127.0.0.1:8179";
    /** The data directory the views read credentials from unless {@code --data-dir} or VROUTE_DATA_DIR says otherwise. */
    public static final String DEFAULT_DATA_DIR = "/var/lib/vroute";
    static final String PROFILE = "vroute";

    @Option(names = "--endpoint", paramLabel = "URL", defaultValue = "${env:VROUTE_ENDPOINT:-" + DEFAULT_ENDPOINT + "}",
            description = "The daemon's API (default ${DEFAULT-VALUE}; VROUTE_ENDPOINT overrides it).")
    String endpoint;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "The daemon's data directory, whose credentials file signs the requests (default $VROUTE_DATA_DIR,"
                    + " else " + DEFAULT_DATA_DIR + "; when it holds no credentials, the AWS profile vroute is used).")
    Path dataDir;

    @Option(names = "--json", description = "A JSON array of objects instead of a table.")
    boolean json;

    /** Environment lookups, replaceable by tests. */
    static java.util.function.Function<String, String> environment = System::getenv;

    /** A client for the daemon, signing with the first credentials found (see {@link #credentialSources()}). */
    QueryClient client() throws IOException {
        URI uri;
        try {
            uri = URI.create(endpoint.endsWith("/") ? endpoint : endpoint + "/");
        } catch (IllegalArgumentException e) {
            throw new IOException("--endpoint " + endpoint + " is not a URL: give one like " + DEFAULT_ENDPOINT);
        }
        if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            throw new IOException("--endpoint " + endpoint + " is not an http(s) URL: give one like " + DEFAULT_ENDPOINT);
        }
        Path dir = effectiveDataDir();
        if (Files.isRegularFile(dir.resolve("credentials"))) {
            if (!Files.isReadable(dir.resolve("credentials"))) {
                throw new IOException("cannot read " + dir.resolve("credentials") + ": run as the user that runs"
                        + " `vroute serve` (or with sudo), or copy the [vroute] profile into ~/.aws/credentials");
            }
            return QueryClient.forDataDir(uri, dir);
        }
        if (dataDir == null) {
            for (Path file : awsCredentialFiles()) {
                String[] keys = profileKeys(file, PROFILE);
                if (keys != null) return new QueryClient(uri, keys[0], keys[1], "us-east-1");
            }
        }
        throw new IOException("no credentials to sign with: " + dir.resolve("credentials") + " does not exist"
                + (dataDir == null ? " (the default data directory: " + DEFAULT_DATA_DIR + ", or $VROUTE_DATA_DIR)"
                + " and no AWS credentials file has a [" + PROFILE + "] profile" : "")
                + ". Give --data-dir with the directory `vroute serve --data-dir` uses, set VROUTE_DATA_DIR,"
                + " or copy its [vroute] profile into ~/.aws/credentials");
    }

    Path effectiveDataDir() {
        if (dataDir != null) return dataDir;
        String env = environment.apply("VROUTE_DATA_DIR");
        return Path.of(env == null || env.isBlank() ? DEFAULT_DATA_DIR : env);
    }

    /** AWS_SHARED_CREDENTIALS_FILE when set, else ~/.aws/credentials, as the AWS CLI looks. */
    private static List<Path> awsCredentialFiles() {
        String file = environment.apply("AWS_SHARED_CREDENTIALS_FILE");
        if (file != null && !file.isBlank()) return List.of(Path.of(file));
        return List.of(Path.of(System.getProperty("user.home"), ".aws", "credentials"));
    }

    /** The access key id and secret of {@code [profile]} in an AWS shared-credentials file, or null. */
    static String[] profileKeys(Path file, String profile) throws IOException {
        if (!Files.isReadable(file)) return null;
        Map<String, String> values = new LinkedHashMap<>();
        boolean inProfile = false;
        for (String raw : Files.readAllLines(file)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) continue;
            if (line.startsWith("[") && line.endsWith("]")) {
                inProfile = line.substring(1, line.length() - 1).strip().equals(profile);
                continue;
            }
            int eq = line.indexOf('=');
            if (inProfile && eq > 0) values.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
        }
        String id = values.get("aws_access_key_id");
        String secret = values.get("aws_secret_access_key");
        return id == null || secret == null ? null : new String[] {id, secret};
    }
}
