package io.vroute.api;

import io.vroute.server.Server;
import io.vroute.server.ServerException;
import io.vroute.vpc.VpcException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * vroute's EC2-compatible API: every route-server action, every VPC action of the contract and the tag actions, served
 * over HTTP and checked with SigV4 (keys from {@code <data-dir>/credentials}, created on first start) unless
 * authentication is turned off.
 */
public final class Ec2Api implements AutoCloseable {
    private final ApiServer http;
    private final Credentials credentials;

    private Ec2Api(ApiServer http, Credentials credentials) {
        this.http = http;
        this.credentials = credentials;
    }

    /** The action table: name to handler. */
    static Map<String, Action> actions(Server server) {
        Map<String, Action> actions = new HashMap<>();
        new RouteServerActions(server).register(actions);
        new VpcActions(server).register(actions);
        new TagActions(server).register(actions);
        new TraceActions(server).register(actions);
        new EventActions(server).register(actions);
        return actions;
    }

    /** Domain errors become EC2 errors with the same code and message. */
    static Ec2Exception translate(RuntimeException e) {
        if (e instanceof ServerException s) return new Ec2Exception(s.code(), s.getMessage());
        if (e instanceof VpcException v) return new Ec2Exception(v.code(), v.getMessage());
        return null;
    }

    /**
     * Starts the API on {@code bind}. With {@code sigv4}, requests must be signed with the key pair in
     * {@code <dataDir>/credentials} (written with a new random pair when missing).
     */
    public static Ec2Api start(Server server, InetSocketAddress bind, Path dataDir, boolean sigv4) throws IOException {
        Credentials credentials = sigv4 ? Credentials.loadOrCreate(dataDir) : null;
        Authenticator auth = sigv4 ? new SigV4Authenticator(credentials.keys()) : Authenticator.none();
        ApiServer http = ApiServer.start(bind, auth, actions(server), Ec2Api::translate, new StoredClientTokens(server.store()));
        // Prometheus scrapes unsigned; the exposition holds no secrets (docs/metrics.md).
        http.serveUnauthenticated("/metrics", io.vroute.server.metrics.VrouteMetrics.handler(server));
        http.serveUnauthenticated("/console", ConsoleHandler.handler());
        return new Ec2Api(http, credentials);
    }

    public InetSocketAddress address() { return http.address(); }

    /** The key pair in use (null with authentication off). */
    public Credentials credentials() { return credentials; }

    @Override
    public void close() {
        http.close();
    }
}
