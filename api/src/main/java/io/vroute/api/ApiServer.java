package io.vroute.api;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * vroute's EC2 Query API over HTTP: {@code POST /} with a form-encoded body (as the AWS CLI and SDKs send it)
 * or {@code GET /?Action=...}, authenticated by an {@link Authenticator}, dispatched by the {@code Action}
 * parameter to an {@link Action}, answered in EC2's XML:
 * {@code <XResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>..</requestId>...</XResponse>},
 * or EC2's error body with the status of the error's code.
 *
 * <p>Calls that carry a {@code ClientToken} are idempotent: see {@link ClientTokens}. Each request runs on its
 * own virtual thread; the server logs one line per request (logger {@code vroute.api}, level DEBUG/FINE:
 * action, status, milliseconds, request id), never parameters or the Authorization header. A failure nobody
 * expected is logged with its stack trace and the request id, and reaches the client as {@code InternalError}
 * with only that id.
 */
public final class ApiServer implements AutoCloseable {
    static final String NAMESPACE = "http://ec2.amazonaws.com/doc/2016-11-15/";
    static final int MAX_BODY_BYTES = 1 << 20;
    static final int CLIENT_TOKEN_MAX_CHARS = 64;
    static final int CLIENT_TOKENS_KEPT = 10_000;
    private static final System.Logger LOG = System.getLogger("vroute.api");
    private static final String XML_DECLARATION = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";

    private final HttpServer http;
    private final ExecutorService threads;
    private final Authenticator authenticator;
    private final Map<String, Action> actions;
    private final Function<RuntimeException, Ec2Exception> translator;
    private final ClientTokens clientTokens;
    /** Calls with the same action and client token run one at a time, so a retry racing its original waits. */
    private final ReentrantLock[] tokenLocks = new ReentrantLock[64];

    private ApiServer(HttpServer http, ExecutorService threads, Authenticator authenticator, Map<String, Action> actions,
            Function<RuntimeException, Ec2Exception> translator, ClientTokens clientTokens) {
        this.http = http;
        this.threads = threads;
        this.authenticator = authenticator;
        this.actions = Map.copyOf(actions);
        this.translator = translator;
        this.clientTokens = clientTokens;
        for (int i = 0; i < tokenLocks.length; i++) {
            tokenLocks[i] = new ReentrantLock();
        }
    }

    /** Serves the actions on bind (port 0 picks a free port); see {@link #address()}. */
    public static ApiServer start(InetSocketAddress bind, Authenticator auth, Map<String, Action> actions)
            throws IOException {
        return start(bind, auth, actions, e -> null);
    }

    /**
     * Like {@link #start(InetSocketAddress, Authenticator, Map)}, with a translator for the exceptions actions
     * throw that are not {@link Ec2Exception} (for example the server module's own): it returns the EC2 error to
     * answer with, or null for "unexpected", which becomes {@code InternalError}.
     */
    public static ApiServer start(InetSocketAddress bind, Authenticator auth, Map<String, Action> actions,
            Function<RuntimeException, Ec2Exception> translator) throws IOException {
        return start(bind, auth, actions, translator, ClientTokens.inMemory(CLIENT_TOKENS_KEPT));
    }

    /** The full form: also where client tokens are remembered (in memory by default, 10,000 of them). */
    public static ApiServer start(InetSocketAddress bind, Authenticator auth, Map<String, Action> actions,
            Function<RuntimeException, Ec2Exception> translator, ClientTokens clientTokens) throws IOException {
        HttpServer http;
        try {
            http = HttpServer.create(bind, 0);
        } catch (IOException e) {
            throw new IOException("Cannot listen on " + bind + " for the EC2 API (" + e.getMessage()
                    + "); choose another address or port, or stop what is listening there.", e);
        }
        ExecutorService threads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("vroute-api-", 0).factory());
        http.setExecutor(threads);
        ApiServer server = new ApiServer(http, threads, auth, actions, translator, clientTokens);
        http.createContext("/", server::serve);
        http.start();
        LOG.log(System.Logger.Level.INFO, "EC2 API listening on {0}", server.endpoint());
        return server;
    }

    /** The address the server listens on, with the port it got. */
    public InetSocketAddress address() {
        return http.getAddress();
    }

    /** The URL to give the AWS CLI ({@code --endpoint-url}) or an SDK ({@code endpointOverride}). */
    public String endpoint() {
        InetSocketAddress address = address();
        InetAddress host = address.getAddress();
        if (host.isAnyLocalAddress()) {
            host = InetAddress.getLoopbackAddress();
        }
        String literal = host.getHostAddress();
        return "http://" + (literal.contains(":") ? "[" + literal + "]" : literal) + ":" + address.getPort();
    }

    /**
     * Serves {@code path} with {@code handler} on the same port, outside the EC2 dispatch and without authentication
     * (for Prometheus' {@code /metrics}, which scrapes unsigned); the handler must expose nothing secret.
     */
    public void serveUnauthenticated(String path, com.sun.net.httpserver.HttpHandler handler) {
        http.createContext(path, handler);
    }

    /** Stops listening at once; requests in flight are cut off. */
    @Override
    public void close() {
        http.stop(0);
        threads.shutdown();
    }

    private void serve(HttpExchange exchange) {
        long started = System.nanoTime();
        String requestId = UUID.randomUUID().toString();
        String[] action = {"-"};
        String errorCode = null;
        int status;
        String body;
        try {
            String content = answer(exchange, action);
            status = 200;
            body = XML_DECLARATION + '<' + action[0] + "Response xmlns=\"" + NAMESPACE + "\"><requestId>" + requestId
                    + "</requestId>" + content + "</" + action[0] + "Response>";
        } catch (Ec2Exception e) {
            errorCode = e.code();
            status = e.httpStatus();
            body = error(e, requestId);
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, "request " + requestId + " (" + action[0] + ") failed", e);
            Ec2Exception internal = new Ec2Exception("InternalError", "vroute could not complete the request because "
                    + "of an internal error. Look for request id " + requestId + " in the vroute server log, and "
                    + "report it if the log does not explain it.");
            status = internal.httpStatus();
            errorCode = internal.code();
            body = error(internal, requestId);
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (exchange) {
            exchange.getResponseHeaders().set("Content-Type", "text/xml;charset=UTF-8");
            exchange.getResponseHeaders().set("x-amzn-RequestId", requestId);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "request {0}: the client went away before the answer ({1})",
                    requestId, e.toString());
        }
        io.vroute.server.metrics.VrouteMetrics.apiRequest(action[0], errorCode, System.nanoTime() - started);
        LOG.log(System.Logger.Level.DEBUG, "{0} {1} {2} ms {3} from {4}", action[0], status,
                (System.nanoTime() - started) / 1_000_000, requestId, exchange.getRemoteAddress());
    }

    /** Authenticates, decodes and dispatches; returns the action's response content. Sets action[0] once known. */
    private String answer(HttpExchange exchange, String[] action) {
        String method = exchange.getRequestMethod();
        if (!method.equals("POST") && !method.equals("GET")) {
            throw new Ec2Exception("MethodNotAllowed", "vroute's EC2 API takes POST with a form-encoded body, or GET "
                    + "with a query string, not " + Ec2Exception.quote(method) + "; use the AWS CLI or an AWS SDK.");
        }
        byte[] body = readBody(exchange);
        URI uri = exchange.getRequestURI();
        String rawQuery = uri.getRawQuery() == null ? "" : uri.getRawQuery();
        authenticator.verify(new Authenticator.Request(method, uri.getRawPath(), rawQuery,
                lowerCaseNames(exchange.getRequestHeaders()), body));

        Map<String, String> parameters = new HashMap<>();
        PercentEncoding.decodeForm(rawQuery, parameters);
        if (method.equals("POST")) {
            PercentEncoding.decodeForm(new String(body, StandardCharsets.UTF_8), parameters);
        }
        QueryRequest request = QueryRequest.of(parameters);
        String name = request.action();
        if (name == null || name.isEmpty()) {
            throw new Ec2Exception("MissingAction", "The request must contain the parameter Action, for example "
                    + "Action=DescribeRouteServers.");
        }
        Action handler = actions.get(name);
        if (handler == null) {
            throw new Ec2Exception("InvalidAction", "The action " + Ec2Exception.quote(name) + " is not valid for "
                    + "this web service; see the Actions section of vroute's docs/api.md for the ones it implements.");
        }
        action[0] = name;
        String token = request.clientToken();
        if (token == null || token.isEmpty() || request.dryRun()) {
            return invoke(name, handler, request);
        }
        return invokeOnce(name, token, handler, request);
    }

    /** An idempotent call: the remembered answer for a repeat, the action's for a first call. */
    private String invokeOnce(String name, String token, Action handler, QueryRequest request) {
        if (token.length() > CLIENT_TOKEN_MAX_CHARS) {
            throw new Ec2Exception("InvalidParameterValue", "The ClientToken is " + token.length()
                    + " characters long; use at most " + CLIENT_TOKEN_MAX_CHARS + " ASCII characters.");
        }
        String fingerprint = request.fingerprint();
        ReentrantLock lock = tokenLocks[Math.floorMod(name.hashCode() * 31 + token.hashCode(), tokenLocks.length)];
        lock.lock();
        try {
            ClientTokens.Remembered earlier = clientTokens.find(name, token);
            if (earlier != null) {
                if (!earlier.parametersHash().equals(fingerprint)) {
                    throw new Ec2Exception("IdempotentParameterMismatch", "The ClientToken "
                            + Ec2Exception.quote(token) + " was already used for a " + name + " call with other "
                            + "parameters; repeat that call exactly, or use a new ClientToken for a new request.");
                }
                return earlier.body();
            }
            String content = invoke(name, handler, request);
            clientTokens.remember(name, token, new ClientTokens.Remembered(fingerprint, content));
            return content;
        } finally {
            lock.unlock();
        }
    }

    private String invoke(String name, Action handler, QueryRequest request) {
        XmlWriter response = new XmlWriter();
        try {
            handler.handle(request, response);
        } catch (Ec2Exception e) {
            throw e;
        } catch (RuntimeException e) {
            Ec2Exception mapped = translator.apply(e);
            if (mapped == null) {
                throw e;
            }
            throw mapped;
        }
        if (!response.balanced()) {
            throw new IllegalStateException("the " + name + " action left <" + response.innermostOpen()
                    + "> open: every start() needs its end()");
        }
        return response.toString();
    }

    private static byte[] readBody(HttpExchange exchange) {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw new Ec2Exception("RequestEntityTooLarge", "The request body is larger than " + MAX_BODY_BYTES
                        + " bytes; split the work into several smaller calls.");
            }
            return body;
        } catch (IOException e) {
            throw new Ec2Exception("InvalidRequest", "The request body could not be read to its end (" + e.getMessage()
                    + "); send the request again.");
        }
    }

    /** Header names as SigV4 signs them: lower case. */
    private static Map<String, List<String>> lowerCaseNames(Headers headers) {
        Map<String, List<String>> byName = new HashMap<>();
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            byName.merge(e.getKey().toLowerCase(Locale.ROOT), List.copyOf(e.getValue()),
                    (a, b) -> Stream.concat(a.stream(), b.stream()).toList());
        }
        return byName;
    }

    private static String error(Ec2Exception e, String requestId) {
        XmlWriter w = new XmlWriter(new StringBuilder(256).append(XML_DECLARATION));
        w.start("Response").start("Errors").start("Error")
                .element("Code", e.code())
                .element("Message", e.getMessage() == null ? e.code() : e.getMessage())
                .end().end()
                .element("RequestID", requestId)
                .end();
        return w.toString();
    }
}
