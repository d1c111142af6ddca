package io.vroute.server.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vroute.server.metrics.VrouteMetrics;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Webhook notifications (docs/notifications.md): the route-server events AWS announces over SNS, POSTed as signed JSON
 * to one or more HTTP(S) receivers, for the route servers whose {@code snsNotificationsEnabled} is on.
 *
 * <p>Peer BGP and BFD status changes become {@value #PEER_BGP_STATUS_CHANGE} and {@value #PEER_BFD_STATUS_CHANGE},
 * endpoint status changes {@value #ENDPOINT_MAINTENANCE}; failovers and route events are not sent (AWS has no code for
 * them). {@link #accept} builds the JSON body once and queues it for every receiver; each receiver has a sender thread
 * of its own ({@code vroute-webhook-N}, N its position in the list) that delivers in publication order: an event is
 * retried before the next is sent, so a receiver never sees a newer event before an older one. A full queue drops its
 * oldest event. Every attempt is counted in {@code vroute_webhook_deliveries_total{outcome}}.
 *
 * <p>Never logged: the secret, and the user information and query string of a URL (both may carry tokens).
 */
public final class WebhookNotifier implements Events.Sink {
    private static final System.Logger LOG = System.getLogger("vroute.webhook");

    public static final String PEER_BGP_STATUS_CHANGE = "ROUTE_SERVER_PEER_BGP_STATUS_CHANGE";
    public static final String PEER_BFD_STATUS_CHANGE = "ROUTE_SERVER_PEER_BFD_STATUS_CHANGE";
    public static final String ENDPOINT_MAINTENANCE = "ROUTE_SERVER_ENDPOINT_MAINTENANCE";

    static final String EVENT_HEADER = "X-Vroute-Event";
    static final String DELIVERY_HEADER = "X-Vroute-Delivery";
    static final String TIMESTAMP_HEADER = "X-Vroute-Timestamp";
    static final String SIGNATURE_HEADER = "X-Vroute-Signature";
    /** The signature scheme's version, the prefix of {@value #SIGNATURE_HEADER}'s value. */
    static final String SIGNATURE_VERSION = "v1=";

    /** A secret file larger than this is not a secret file (someone pointed the option at the wrong file). */
    static final int MAX_SECRET_BYTES = 4096;
    /** Below this many bytes the secret is easy to guess; it still works, with a warning. */
    static final int SHORT_SECRET_BYTES = 16;
    private static final long DROP_WARNING_INTERVAL_NANOS = Duration.ofMinutes(1).toNanos();
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * How deliveries are paced and bounded.
     *
     * @param maxAttempts    attempts per event and receiver before it is given up (failed); default 8
     * @param initialBackoff the wait after the first failed attempt, doubled after each further one; default 500 ms
     * @param maxBackoff     the longest wait between attempts, also the cap on a receiver's Retry-After; default 30 s
     * @param requestTimeout how long one attempt (connect, send, answer) may take; default 5 s
     * @param queueCapacity  events queued per receiver (besides the one being delivered); default 10,000
     * @param closeTimeout   how long {@link #close} lets the senders deliver what is queued; default 3 s
     */
    public record Options(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration requestTimeout,
                          int queueCapacity, Duration closeTimeout) {
        public static final Options DEFAULTS = new Options(8, Duration.ofMillis(500), Duration.ofSeconds(30),
                Duration.ofSeconds(5), 10_000, Duration.ofSeconds(3));

        public Options {
            if (maxAttempts < 1) throw new IllegalArgumentException("webhook maxAttempts must be at least 1, not " + maxAttempts);
            if (queueCapacity < 1) throw new IllegalArgumentException("webhook queueCapacity must be at least 1, not " + queueCapacity);
            if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("webhook backoff: want 0 <= initialBackoff <= maxBackoff, not "
                        + initialBackoff + " and " + maxBackoff);
            }
            if (!requestTimeout.isPositive()) throw new IllegalArgumentException("webhook requestTimeout must be positive, not " + requestTimeout);
            if (closeTimeout.isNegative()) throw new IllegalArgumentException("webhook closeTimeout must not be negative, not " + closeTimeout);
        }
    }

    /** What one receiver's attempts came to so far (tests; the same outcomes as the metric). */
    record Counts(long delivered, long retried, long failed, long dropped) {}

    /** One event ready to send: the body is shared by every receiver and identical on every retry. */
    private record Notification(String code, String deliveryId, byte[] body) {}

    private final List<Destination> destinations;
    private final Predicate<String> notificationsEnabled;
    private final Function<String, String> snsTopicArn;
    private final HttpClient client;
    private final Options options;
    /** Makes delivery ids unique across restarts: a random number drawn at start, the sequence after it. */
    private final String instance;
    // Guarded by this (accept and the start of close): the last status of each peer's BGP and BFD session
    // ("peerId/BGP"), the notifications numbered so far, and whether close() has begun.
    private final Map<String, String> lastStatus = new HashMap<>();
    private long sequence;
    private boolean closed;
    private boolean toldLate;

    /** Starts a notifier with the default {@link Options}; see {@link #start(List, byte[], Predicate, Function, Options)}. */
    public static WebhookNotifier start(List<String> urls, byte[] secret, Predicate<String> notificationsEnabled,
                                        Function<String, String> snsTopicArn) {
        return start(urls, secret, notificationsEnabled, snsTopicArn, Options.DEFAULTS);
    }

    /**
     * Checks the URLs and starts one sender thread per URL.
     *
     * @param urls                 receivers, http or https (the {@code --webhook} options, in order); user information
     *                             in a URL is sent as HTTP Basic authentication
     * @param secret               the HMAC-SHA256 key of {@value #SIGNATURE_HEADER} ({@link #loadSecret}); null sends
     *                             unsigned notifications (with a warning)
     * @param notificationsEnabled whether a route server (by id) has notifications on; called in {@link #accept}, on
     *                             the thread that publishes, so it may read the control thread's state
     * @param snsTopicArn          a route server's snsTopicArn, or null; called like {@code notificationsEnabled}
     * @throws IllegalArgumentException a URL that is not http(s), or an empty secret, with what to do
     */
    public static WebhookNotifier start(List<String> urls, byte[] secret, Predicate<String> notificationsEnabled,
                                        Function<String, String> snsTopicArn, Options options) {
        if (secret != null && secret.length == 0) {
            throw new IllegalArgumentException("the webhook secret is empty: give a secret file with a random secret in it"
                    + " (or none at all for unsigned notifications)");
        }
        List<URI> parsed = new ArrayList<>(urls.size());
        for (String url : urls) parsed.add(parseUrl(url));
        if (secret == null && !parsed.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "webhook notifications are not signed: receivers cannot tell them from"
                    + " forged ones. Give --webhook-secret-file with a random secret and check X-Vroute-Signature"
                    + " (docs/notifications.md)");
        }
        return new WebhookNotifier(parsed, secret == null ? null : secret.clone(), notificationsEnabled, snsTopicArn, options);
    }

    private WebhookNotifier(List<URI> urls, byte[] secret, Predicate<String> notificationsEnabled,
                            Function<String, String> snsTopicArn, Options options) {
        this.notificationsEnabled = notificationsEnabled;
        this.snsTopicArn = snsTopicArn;
        this.options = options;
        this.instance = HexFormat.of().toHexDigits(new SecureRandom().nextLong());
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(options.requestTimeout())
                .build();
        List<Destination> ds = new ArrayList<>(urls.size());
        for (int i = 0; i < urls.size(); i++) ds.add(new Destination(i + 1, urls.get(i), secret, client, options));
        this.destinations = List.copyOf(ds);
        for (Destination d : destinations) d.thread.start();
    }

    /**
     * Reads the webhook secret from a file ({@code --webhook-secret-file}): its content without leading and trailing
     * white space (the final newline is not part of the secret). Warns when others may read the file or the secret is
     * short.
     *
     * @throws IllegalArgumentException the file is missing, unreadable, empty or too large to be a secret, with what to do
     */
    public static byte[] loadSecret(Path file) {
        String option = "--webhook-secret-file " + file;
        String create = "put a random secret in it, e.g. (umask 077; openssl rand -hex 32 > " + file + ")";
        byte[] raw;
        try {
            if (!Files.isRegularFile(file)) {
                if (!Files.exists(file)) throw new NoSuchFileException(file.toString());
                throw new IllegalArgumentException(option + ": not a regular file; give the file that holds the secret");
            }
            if (Files.size(file) > MAX_SECRET_BYTES) {
                throw new IllegalArgumentException(option + ": " + Files.size(file) + " bytes is too large for a secret (at"
                        + " most " + MAX_SECRET_BYTES + "); is it the right file? The file holds the secret alone");
            }
            raw = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(option + ": no such file; " + create, e);
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException(option + ": permission denied; make it readable by the user vroute runs"
                    + " as (and by nobody else: chmod 600, chown)", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(option + ": cannot read it (" + e + "); fix the path or the file", e);
        }
        int from = 0, to = raw.length;
        while (from < to && (raw[from] & 0xff) <= ' ') from++;
        while (to > from && (raw[to - 1] & 0xff) <= ' ') to--;
        byte[] secret = Arrays.copyOfRange(raw, from, to);
        Arrays.fill(raw, (byte) 0);
        if (secret.length == 0) {
            throw new IllegalArgumentException(option + ": the file is empty (white space does not count); " + create
                    + ". Receivers check X-Vroute-Signature with the same secret");
        }
        if (readableByOthers(file)) {
            LOG.log(System.Logger.Level.WARNING, option + ": the group or other users may read the webhook secret;"
                    + " restrict it: chmod 600 " + file);
        }
        if (secret.length < SHORT_SECRET_BYTES) {
            LOG.log(System.Logger.Level.WARNING, option + ": the secret is only " + secret.length + " bytes, which is"
                    + " easy to guess; use at least 32 random bytes, e.g. openssl rand -hex 32");
        }
        return secret;
    }

    private static boolean readableByOthers(Path file) {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) return false;
        try {
            Set<PosixFilePermission> p = view.readAttributes().permissions();
            return p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ);
        } catch (IOException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- accepting (the publishing thread)

    /**
     * Turns a status change of a route server with notifications on into a notification and queues it for every
     * receiver; never blocks (a full queue drops its oldest event). Other events are ignored.
     */
    @Override
    public void accept(RouteServerEvent e) {
        if (destinations.isEmpty() || e instanceof RouteServerEvent.RouteStatus || e instanceof RouteServerEvent.Failover) {
            return; // no notification code for these (a full table makes one RouteStatus per prefix: return at once)
        }
        ObjectNode body = JSON.createObjectNode();
        String code;
        synchronized (this) {
            switch (e) {
                case RouteServerEvent.PeerStatus p -> {
                    String kind = p.kind() == null ? "" : p.kind().toUpperCase(Locale.ROOT);
                    code = switch (kind) {
                        case "BGP" -> PEER_BGP_STATUS_CHANGE;
                        case "BFD" -> PEER_BFD_STATUS_CHANGE;
                        default -> null;
                    };
                    if (code == null) return;
                    String status = lower(p.status());
                    // Kept for every route server, so that the first notification after enabling knows the previous.
                    String previous = lastStatus.put(p.peerId() + "/" + kind, status);
                    if (!notificationsEnabled.test(p.routeServerId())) return;
                    head(body, code, e);
                    body.put("routeServerEndpointId", p.endpointId());
                    body.put("routeServerPeerId", p.peerId());
                    body.put("peerAddress", p.peerAddress());
                    body.put("status", status);
                    body.put("previousStatus", previous);
                    body.put("reason", p.reason());
                }
                case RouteServerEvent.EndpointStatus ep -> {
                    code = ENDPOINT_MAINTENANCE;
                    if (!notificationsEnabled.test(ep.routeServerId())) return;
                    head(body, code, e);
                    body.put("routeServerEndpointId", ep.endpointId());
                    body.put("endpointAddress", ep.endpointAddress());
                    body.put("state", ep.status());
                    body.put("reason", ep.reason());
                }
                // AWS has no notification code for failovers and route events.
                case RouteServerEvent.Failover _, RouteServerEvent.RouteStatus _ -> {
                    return;
                }
            }
            long seq = ++sequence;
            String deliveryId = instance + "-" + seq;
            body.putObject("vroute").put("deliveryId", deliveryId).put("sequence", seq);
            Notification n = new Notification(code, deliveryId, bytes(body));
            if (closed) {
                VrouteMetrics.webhookDelivery("dropped");
                if (!toldLate) {
                    toldLate = true;
                    LOG.log(System.Logger.Level.WARNING, "webhook notification " + code + " of " + e.routeServerId()
                            + " came after the notifier was closed and is not sent; close the event sinks after the"
                            + " route servers (report this)");
                }
                return;
            }
            for (Destination d : destinations) d.enqueue(n);
        }
    }

    private void head(ObjectNode body, String code, RouteServerEvent e) {
        body.put("eventCode", code);
        body.put("eventTime", e.time().truncatedTo(ChronoUnit.MILLIS).toString());
        body.put("routeServerId", e.routeServerId());
        body.put("snsTopicArn", snsTopicArn.apply(e.routeServerId()));
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }

    private static byte[] bytes(ObjectNode body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("cannot write a webhook body; report this", ex);
        }
    }

    // ---------------------------------------------------------------- closing

    /**
     * Stops accepting, lets the senders deliver what is queued for up to {@link Options#closeTimeout} in all (a
     * retry that would end later is abandoned), then stops them. What is left is counted as dropped and logged.
     */
    @Override
    public void close() {
        // Under the lock of accept: nothing is queued after this.
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        long deadline = System.nanoTime() + options.closeTimeout().toNanos();
        for (Destination d : destinations) d.drain(deadline);
        boolean interrupted = false;
        for (Destination d : destinations) {
            long left = deadline - System.nanoTime();
            try {
                if (left > 0) d.thread.join(Duration.ofNanos(left));
            } catch (InterruptedException ex) {
                interrupted = true;
                break;
            }
        }
        for (Destination d : destinations) if (d.thread.isAlive()) d.thread.interrupt();
        for (Destination d : destinations) {
            try {
                d.thread.join(Duration.ofMillis(500));
            } catch (InterruptedException ex) {
                interrupted = true;
            }
        }
        client.shutdownNow();
        for (Destination d : destinations) d.reportUndelivered();
        if (interrupted) Thread.currentThread().interrupt();
    }

    // ---------------------------------------------------------------- tests

    Counts counts(int index) {
        Destination d = destinations.get(index);
        return new Counts(d.delivered.get(), d.retried.get(), d.failed.get(), d.dropped.get());
    }

    /** A URL as it may be logged: scheme, host, port and path; no user information, query or fragment. */
    static String shown(URI uri) {
        String authority = uri.getRawAuthority() == null ? "" : uri.getRawAuthority();
        authority = authority.substring(authority.lastIndexOf('@') + 1);
        return uri.getScheme() + "://" + authority + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    /** Checks a receiver URL; the message never repeats the URL's user information or query. */
    /**
     * Checks a {@code --webhook} value as {@link #start} will (http or https, a host); the message says what is wrong.
     *
     * @throws IllegalArgumentException when it is not a usable URL
     */
    public static void checkUrl(String url) {
        parseUrl(url);
    }

    static URI parseUrl(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--webhook: not a URL (" + e.getReason() + " at index " + e.getIndex()
                    + "); give e.g. https://hooks.example.com/vroute", e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("--webhook: want an http or https URL, not " + (scheme.isEmpty() ? "one without a scheme"
                    : "a " + scheme + " URL") + "; give e.g. https://hooks.example.com/vroute");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("--webhook " + shown(uri) + ": no host; give e.g. https://hooks.example.com/vroute");
        }
        return uri;
    }

    /** A Retry-After in seconds or as an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
    static Duration retryAfter(String value) {
        if (value == null || value.isBlank()) return null;
        String v = value.trim();
        try {
            long seconds = Long.parseLong(v);
            return seconds < 0 ? null : Duration.ofSeconds(Math.min(seconds, 86_400));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration d = Duration.between(java.time.Instant.now(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    // ---------------------------------------------------------------- one receiver

    /** The outcome of one attempt: delivered, worth retrying (after a Retry-After, if the receiver gave one), or refused. */
    private enum Outcome { DELIVERED, RETRY, REFUSED }

    private record Answer(Outcome outcome, String what, Duration retryAfter) {}

    /** One receiver: its queue, its sender thread and its counts. */
    private static final class Destination {
        final int number;
        final URI requestUri;
        final String shown;
        final String authorization;
        /** The URL's user information and query, never to be logged. */
        final List<String> hidden;
        final Mac mac;
        final HttpClient client;
        final Options options;
        final Thread thread;
        final AtomicLong delivered = new AtomicLong(), retried = new AtomicLong(), failed = new AtomicLong(),
                dropped = new AtomicLong();

        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        // Guarded by lock.
        private final ArrayDeque<Notification> queue = new ArrayDeque<>();
        private Notification inFlight;
        private boolean draining;
        private long deadline;
        private long abandoned;
        private long unreportedDrops;
        private long lastDropWarning;
        private boolean warnedDrops;

        Destination(int number, URI uri, byte[] secret, HttpClient client, Options options) {
            this.number = number;
            this.shown = shown(uri);
            String authority = uri.getRawAuthority();
            String user = uri.getUserInfo();
            String host = authority.substring(authority.lastIndexOf('@') + 1);
            this.requestUri = URI.create(uri.getScheme() + "://" + host + (uri.getRawPath() == null || uri.getRawPath().isEmpty()
                    ? "/" : uri.getRawPath()) + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
            List<String> h = new ArrayList<>();
            for (String part : new String[] {uri.getRawUserInfo(), uri.getUserInfo(), uri.getRawQuery(), uri.getQuery()}) {
                if (part != null && !part.isEmpty()) h.add(part);
            }
            this.hidden = List.copyOf(h);
            this.authorization = user == null ? null
                    : "Basic " + Base64.getEncoder().encodeToString(user.getBytes(StandardCharsets.UTF_8));
            if (secret == null) {
                this.mac = null;
            } else {
                try {
                    this.mac = Mac.getInstance("HmacSHA256");
                    mac.init(new SecretKeySpec(secret, "HmacSHA256"));
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("HmacSHA256 is missing from this Java runtime; use a full JDK", e);
                }
            }
            this.client = client;
            this.options = options;
            this.thread = Thread.ofPlatform().daemon(true).name("vroute-webhook-" + number).unstarted(this::run);
        }

        /** Queues an event; when the queue is full, its oldest event makes room (the publishing thread; never blocks long). */
        void enqueue(Notification n) {
            lock.lock();
            try {
                if (queue.size() >= options.queueCapacity()) {
                    queue.pollFirst();
                    dropped.incrementAndGet();
                    unreportedDrops++;
                    VrouteMetrics.webhookDelivery("dropped");
                }
                queue.addLast(n);
                changed.signal();
            } finally {
                lock.unlock();
            }
        }

        void drain(long until) {
            lock.lock();
            try {
                draining = true;
                deadline = until;
                changed.signal();
            } finally {
                lock.unlock();
            }
        }

        private void run() {
            try {
                for (Notification n = next(); n != null; n = next()) {
                    deliver(n);
                    lock.lock();
                    try {
                        inFlight = null;
                    } finally {
                        lock.unlock();
                    }
                }
            } catch (InterruptedException e) {
                // close() ran out of time; it counts what is left.
            } catch (RuntimeException | Error e) {
                LOG.log(System.Logger.Level.ERROR, "webhook " + shown + ": the sender stopped; notifications to it are"
                        + " no longer sent until vroute restarts. Report this with the stack trace", e);
            }
        }

        /** The next event to deliver, or null once draining and the queue is empty. Logs dropped events on the way. */
        private Notification next() throws InterruptedException {
            while (true) {
                String warning;
                lock.lock();
                try {
                    long now = System.nanoTime();
                    warning = dropWarning(now);
                    if (warning == null) {
                        if (!queue.isEmpty()) {
                            inFlight = queue.pollFirst();
                            return inFlight;
                        }
                        if (draining) return null;
                        if (unreportedDrops > 0) {
                            changed.awaitNanos(lastDropWarning + DROP_WARNING_INTERVAL_NANOS - now);
                        } else {
                            changed.await();
                        }
                        continue;
                    }
                } finally {
                    lock.unlock();
                }
                LOG.log(System.Logger.Level.WARNING, warning);
            }
        }

        /** The drop warning due now (at most one a minute), or null. Under lock. */
        private String dropWarning(long now) {
            if (unreportedDrops == 0 || warnedDrops && now - lastDropWarning < DROP_WARNING_INTERVAL_NANOS) return null;
            String w = "webhook " + shown + ": dropped the oldest " + unreportedDrops + " queued notification(s)"
                    + (warnedDrops ? " in the last minute" : "") + " because " + options.queueCapacity() + " were waiting:"
                    + " the receiver is failing or slower than the events; make it answer 2xx promptly (watch"
                    + " vroute_webhook_deliveries_total{outcome=\"failed\"} and its logs)";
            unreportedDrops = 0;
            lastDropWarning = now;
            warnedDrops = true;
            return w;
        }

        /** Attempts until delivered, refused, out of attempts or (closing) out of time. Head of line: nothing else meanwhile. */
        private void deliver(Notification n) throws InterruptedException {
            for (int attempt = 1; ; attempt++) {
                Answer a = attempt(n);
                if (a == null) {
                    abandon();
                    return;
                }
                switch (a.outcome()) {
                    case DELIVERED -> {
                        delivered.incrementAndGet();
                        VrouteMetrics.webhookDelivery("delivered");
                        return;
                    }
                    case REFUSED -> {
                        failed.incrementAndGet();
                        VrouteMetrics.webhookDelivery("failed");
                        LOG.log(System.Logger.Level.WARNING, "webhook " + shown + ": " + n.code() + " delivery " + n.deliveryId()
                                + " refused with " + a.what() + "; it is not retried (only 408, 429 and 5xx are). Check the"
                                + " receiver's URL, authentication and secret; later notifications are still sent");
                        return;
                    }
                    case RETRY -> {
                        if (attempt >= options.maxAttempts()) {
                            failed.incrementAndGet();
                            VrouteMetrics.webhookDelivery("failed");
                            LOG.log(System.Logger.Level.WARNING, "webhook " + shown + ": gave up on " + n.code() + " delivery "
                                    + n.deliveryId() + " after " + attempt + " attempt(s), the last: " + a.what()
                                    + "; this notification is lost. Check that the receiver is up and answers 2xx;"
                                    + " later notifications are still sent");
                            return;
                        }
                        long wait = a.retryAfter() != null
                                ? Math.min(a.retryAfter().toNanos(), options.maxBackoff().toNanos())
                                : backoff(attempt);
                        if (!pause(wait)) {
                            abandon();
                            return;
                        }
                        retried.incrementAndGet();
                        VrouteMetrics.webhookDelivery("retried");
                        LOG.log(System.Logger.Level.DEBUG, "webhook " + shown + ": " + n.code() + " delivery " + n.deliveryId()
                                + " attempt " + attempt + ": " + a.what() + "; retrying");
                    }
                }
            }
        }

        /** Exponential backoff after the given failed attempt, capped, with jitter: between half the step and all of it. */
        private long backoff(int attempt) {
            long step = options.initialBackoff().toNanos();
            long max = options.maxBackoff().toNanos();
            for (int i = 1; i < attempt && step < max; i++) step *= 2;
            step = Math.min(step, max);
            if (step <= 1) return step;
            return step / 2 + ThreadLocalRandom.current().nextLong(step - step / 2 + 1);
        }

        /** Waits before a retry; false when closing and the wait would end after the deadline. */
        private boolean pause(long nanos) throws InterruptedException {
            long until = System.nanoTime() + nanos;
            lock.lock();
            try {
                while (true) {
                    if (draining && until - deadline > 0) return false;
                    long left = until - System.nanoTime();
                    if (left <= 0) return true;
                    changed.awaitNanos(left);
                }
            } finally {
                lock.unlock();
            }
        }

        private void abandon() {
            lock.lock();
            try {
                abandoned++;
                inFlight = null;
            } finally {
                lock.unlock();
            }
        }

        /** One POST; null when closing and no time is left for it. */
        private Answer attempt(Notification n) throws InterruptedException {
            Duration timeout = options.requestTimeout();
            lock.lock();
            try {
                if (draining) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) return null;
                    timeout = Duration.ofNanos(Math.min(left, timeout.toNanos()));
                }
            } finally {
                lock.unlock();
            }
            String timestamp = Long.toString(System.currentTimeMillis() / 1000);
            HttpRequest.Builder request = HttpRequest.newBuilder(requestUri)
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "vroute-webhook")
                    .header(EVENT_HEADER, n.code())
                    .header(DELIVERY_HEADER, n.deliveryId())
                    .header(TIMESTAMP_HEADER, timestamp)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(n.body()));
            if (mac != null) request.header(SIGNATURE_HEADER, SIGNATURE_VERSION + sign(timestamp, n.body()));
            if (authorization != null) request.header("Authorization", authorization);
            HttpResponse<Void> response;
            try {
                response = client.send(request.build(), HttpResponse.BodyHandlers.discarding());
            } catch (HttpTimeoutException e) {
                return new Answer(Outcome.RETRY, "no answer within " + timeout.toMillis() + " ms", null);
            } catch (IOException e) {
                return new Answer(Outcome.RETRY, describe(e), null);
            }
            int status = response.statusCode();
            if (status >= 200 && status < 300) return new Answer(Outcome.DELIVERED, "HTTP " + status, null);
            if (status == 408 || status == 429 || status >= 500 && status < 600) {
                return new Answer(Outcome.RETRY, "HTTP " + status, retryAfter(response.headers().firstValue("Retry-After").orElse(null)));
            }
            return new Answer(Outcome.REFUSED, "HTTP " + status, null);
        }

        /** HMAC-SHA256 over "timestamp.body", in lower-case hex. */
        String sign(String timestamp, byte[] body) {
            mac.reset();
            mac.update(timestamp.getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) '.');
            return HexFormat.of().formatHex(mac.doFinal(body));
        }

        /** An I/O failure in words, without the URL's user information or query should the message repeat them. */
        private String describe(IOException e) {
            String message = null;
            boolean unresolved = false;
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (message == null && t.getMessage() != null && !t.getMessage().isBlank()) message = t.getMessage();
                unresolved |= t instanceof java.nio.channels.UnresolvedAddressException || t instanceof java.net.UnknownHostException;
            }
            String what;
            if (unresolved) what = "cannot resolve the host name";
            else if (e instanceof java.net.ConnectException) what = "cannot connect" + (message == null ? " (refused or unreachable)" : ": " + message);
            else what = e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
            for (String hidden : hidden) if (what.contains(hidden)) what = what.replace(hidden, "…");
            return what;
        }

        /** Logs and counts, as dropped, what close() left undelivered. */
        void reportUndelivered() {
            long left, warnings;
            lock.lock();
            try {
                left = queue.size() + (inFlight != null ? 1 : 0) + abandoned;
                warnings = unreportedDrops;
                queue.clear();
                inFlight = null;
                abandoned = 0;
                unreportedDrops = 0;
            } finally {
                lock.unlock();
            }
            for (long i = 0; i < left; i++) VrouteMetrics.webhookDelivery("dropped");
            dropped.addAndGet(left);
            if (left > 0 || warnings > 0) {
                LOG.log(System.Logger.Level.WARNING, "webhook " + shown + ": " + left + " notification(s) not delivered"
                        + " before shutdown" + (warnings > 0 ? " and " + warnings + " dropped earlier from a full queue" : "")
                        + ": they are lost. The receiver was failing or slow; check it answers 2xx within "
                        + options.requestTimeout().toMillis() + " ms");
            }
        }
    }
}
