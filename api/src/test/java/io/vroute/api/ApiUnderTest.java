package io.vroute.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;

/** An {@link ApiServer} on a free loopback port, with real AWS SDK clients pointed at it. */
final class ApiUnderTest implements AutoCloseable {
    static final String KEY_ID = "AKIAVROUTETEST000001";
    static final String SECRET = "vrouteTestSecretKey/0123456789abcdefghij";

    final ApiServer server;
    private final List<Ec2Client> clients = new ArrayList<>();

    ApiUnderTest(Map<String, Action> actions) {
        this(new SigV4Authenticator(Map.of(KEY_ID, SECRET)), actions, e -> null);
    }

    ApiUnderTest(Authenticator auth, Map<String, Action> actions, Function<RuntimeException, Ec2Exception> translator) {
        try {
            server = ApiServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), auth, actions,
                    translator);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A client with the right key pair. */
    Ec2Client client() {
        return client(KEY_ID, SECRET);
    }

    Ec2Client client(String keyId, String secret) {
        return client(StaticCredentialsProvider.create(AwsBasicCredentials.create(keyId, secret)));
    }

    /** A client that does not sign at all. */
    Ec2Client anonymousClient() {
        return client(AnonymousCredentialsProvider.create());
    }

    private Ec2Client client(AwsCredentialsProvider credentials) {
        Ec2Client client = Ec2Client.builder()
                .endpointOverride(URI.create(server.endpoint()))
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create())
                // One attempt per call, so that a test sees exactly what the server answered.
                .overrideConfiguration(c -> c.retryStrategy(b -> b.maxAttempts(1)))
                .build();
        clients.add(client);
        return client;
    }

    @Override
    public void close() {
        clients.forEach(Ec2Client::close);
        server.close();
    }
}
