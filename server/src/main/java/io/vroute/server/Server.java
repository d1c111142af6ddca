package io.vroute.server;

import io.vroute.vpc.Network;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A running vroute: the store, the control thread, the region it manages and the BGP endpoints. The one way in for the
 * API and the CLI: {@link #call} runs a function against the {@link Region} on the control thread, then writes every
 * resource it changed to the store before returning, so an acknowledged change survives a crash.
 */
public final class Server implements AutoCloseable {
    private static final System.Logger LOG = Region.LOG;

    private final ServerConfig config;
    private final Store store;
    private final Control control;
    private final RouteJournal journal;
    private final Region region;
    private final io.vroute.server.events.Events events = new io.vroute.server.events.Events();
    private final io.vroute.server.events.PeerLogWriter peerLogs;
    /** What the store holds, by kind then id: the records as last written (compared by reference). */
    private final Map<String, Map<String, Object>> written = new HashMap<>();
    private volatile boolean closed;

    private Server(ServerConfig config, Store store) {
        this.config = config;
        this.store = store;
        this.control = new Control();
        this.journal = new RouteJournal(store);
        this.region = new Region(config, new Network(), control, journal, events);
        control.persister(this::persist);
        // Peer event logs: each route server's destination (ModifyRouteServerPeerLogging) read at every event.
        peerLogs = new io.vroute.server.events.PeerLogWriter(config.peerLogDir(), "arn:aws:ec2:vroute:000000000000",
                rs -> peerLogDestination(region.peerLoggingOf(rs)));
        events.add(peerLogs);
        if (config.webhooks() != null && !config.webhooks().urls().isEmpty()) {
            // Notifications (AWS: SNS) of the route servers with snsNotificationsEnabled, posted to each endpoint.
            events.add(io.vroute.server.events.WebhookNotifier.start(config.webhooks().urls(), config.webhooks().secret(),
                    region::notificationsEnabled, region::topicArnOf));
        }
        if (config.dataplane() != null) {
            try {
                region.dataplane = io.vroute.server.dataplane.LinuxDataplane.start(config.dataplane());
            } catch (RuntimeException e) {
                events.close(); // the sinks' threads started above
                control.close();
                throw e;
            }
            // A hand edit or a crashed helper process: read the kernel back now and then and put it right.
            control.every(() -> region.dataplane.repair(), java.time.Duration.ofSeconds(30));
        }
    }

    /** Opens the store under the data directory, restores every resource and starts the endpoints. */
    public static Server start(ServerConfig config) throws IOException {
        Store store = Store.open(config.dataDir());
        Server s;
        try {
            s = new Server(config, store);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        try {
            s.control.call(() -> { s.restore(); return null; });
        } catch (RuntimeException e) {
            s.close();
            throw new IOException("cannot restore the state in " + store.file() + ": " + e.getMessage(), e);
        }
        return s;
    }

    private void restore() {
        List<Store.Document> docs;
        List<Store.InstalledRoute> routes;
        try {
            docs = store.loadResources();
            routes = store.loadRoutes();
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        List<Object> vpcRecords = new ArrayList<>();
        for (Store.Document d : docs) {
            switch (d.record()) {
                case RouteServer rs -> region.routeServers.put(rs.routeServerId(), rs);
                case RouteServerAssociation a -> region.associations.put(a.routeServerId(), a);
                case RouteServerEndpoint e -> region.endpoints.put(e.routeServerEndpointId(), e);
                case RouteServerPeer p -> region.peers.put(p.routeServerPeerId(), p);
                case RouteServerPropagation p -> region.propagations.put(p.key(), p);
                case TagSet t -> region.tags.put(t.resourceId(), t);
                default -> vpcRecords.add(d.record());
            }
            written.computeIfAbsent(d.kind(), k -> new HashMap<>()).put(d.id(), d.record());
        }
        VpcFacts.restore(region.network, vpcRecords);
        // Routes installed before the restart are restored below; the kernel is reconciled with them before any
        // endpoint opens its sockets (they live in the VPC's namespace, which the reconcile creates).
        // Re-read what we restored so the next diff compares against the live objects.
        written.clear();
        snapshot().forEach((k, m) -> written.put(k, new HashMap<>(m)));
        for (RouteServer rs : region.routeServers.values()) {
            region.runtimes.put(rs.routeServerId(), new RouteServerRuntime(region, rs));
        }
        for (Store.InstalledRoute r : routes) {
            RouteServerRuntime rt = region.runtimes.get(r.routeServerId());
            if (rt != null && region.propagations.containsKey(r.routeServerId() + "|" + r.routeTableId())) rt.restore(r);
        }
        region.reconcile();
        for (RouteServerEndpoint e : region.endpoints.values()) {
            RouteServerRuntime rt = region.runtimes.get(e.routeServerId());
            if (rt != null) rt.startEndpoint(e);
        }
        if (!routes.isEmpty()) {
            control.schedule(() -> region.runtimes.values().forEach(RouteServerRuntime::sweepRestartStale), config.restartGrace());
        }
        LOG.log(System.Logger.Level.INFO, "restored {0} resources and {1} installed routes from {2}", docs.size(),
                routes.size(), store.file());
    }

    /**
     * Runs {@code f} on the control thread and persists what it changed. Exceptions ({@link ServerException},
     * {@code VpcException}, ...) come back to the caller unchanged; changes made before one was thrown are kept.
     */
    public <T> T call(Function<Region, T> f) {
        if (closed) throw new ServerException("ServiceUnavailable", "vroute is shutting down: retry against the new instance");
        return control.call(() -> {
            try {
                return f.apply(region);
            } finally {
                if (persist()) {
                    // The kernel only cares about the VPC model (and propagation turned off); route-server records
                    // and their tags alone need no plan of every table.
                    if (lastChangedKinds.stream().anyMatch(k -> !k.startsWith("route-server") && !k.equals("tags")
                            || k.equals("route-server-propagation"))) {
                        region.reconcile();
                    }
                }
            }
        });
    }

    public ServerConfig config() { return config; }

    /**
     * The route-server events: add sinks (peer event logs, webhooks) before peers connect; read the timeline from any
     * thread.
     */
    public io.vroute.server.events.Events events() { return events; }

    /** A route server's stored peerLogging (file, stdout, or null for off); asked once per UPDATE and per event. */
    private static io.vroute.server.events.PeerLogWriter.Destination peerLogDestination(String stored) {
        return stored == null ? io.vroute.server.events.PeerLogWriter.Destination.OFF : switch (stored) {
            case "file" -> io.vroute.server.events.PeerLogWriter.Destination.FILE;
            case "stdout" -> io.vroute.server.events.PeerLogWriter.Destination.STDOUT;
            default -> io.vroute.server.events.PeerLogWriter.Destination.OFF;
        };
    }

    /** Closes and reopens the peer event log files (after logrotate moved them; the daemon's SIGHUP). */
    public void reopenLogs() { peerLogs.reopen(); }

    /** Where a route server's peer event logs go: file, stdout, or null (off). Any thread, for the log sink. */
    public String peerLoggingOf(String routeServerId) { return region.peerLoggingOf(routeServerId); }

    /** Whether a route server has notifications enabled (snsNotificationsEnabled). Any thread, for the webhooks. */
    public boolean notificationsEnabled(String routeServerId) { return region.notificationsEnabled(routeServerId); }

    /** A route server's snsTopicArn, or null. Any thread. */
    public String topicArnOf(String routeServerId) { return region.topicArnOf(routeServerId); }

    /** The store, for what other layers must keep over a restart (the API's client tokens). */
    public Store store() { return store; }

    /** Everything persistent, by kind then id. */
    private Map<String, Map<String, Object>> snapshot() {
        Map<String, Map<String, Object>> s = new LinkedHashMap<>();
        s.put("route-server", new LinkedHashMap<>(region.routeServers));
        s.put("route-server-association", new LinkedHashMap<>(region.associations));
        s.put("route-server-endpoint", new LinkedHashMap<>(region.endpoints));
        s.put("route-server-peer", new LinkedHashMap<>(region.peers));
        s.put("route-server-propagation", new LinkedHashMap<>(region.propagations));
        s.put("tags", new LinkedHashMap<>(region.tags));
        s.putAll(VpcFacts.snapshot(region.network));
        return s;
    }

    /** The kinds of record the last {@link #persist()} wrote or deleted. */
    private final java.util.Set<String> lastChangedKinds = new java.util.HashSet<>();

    /** Writes what changed since the last write; true when anything did. */
    private boolean persist() {
        lastChangedKinds.clear();
        List<Store.Document> up = new ArrayList<>(), del = new ArrayList<>();
        Map<String, Map<String, Object>> now = snapshot();
        for (Map.Entry<String, Map<String, Object>> kind : now.entrySet()) {
            Map<String, Object> before = written.getOrDefault(kind.getKey(), Map.of());
            for (Map.Entry<String, Object> r : kind.getValue().entrySet()) {
                if (before.get(r.getKey()) != r.getValue()) up.add(new Store.Document(kind.getKey(), r.getKey(), r.getValue()));
            }
            for (Map.Entry<String, Object> r : before.entrySet()) {
                if (!kind.getValue().containsKey(r.getKey())) del.add(new Store.Document(kind.getKey(), r.getKey(), r.getValue()));
            }
        }
        if (up.isEmpty() && del.isEmpty()) return false;
        for (Store.Document d : up) lastChangedKinds.add(d.kind());
        for (Store.Document d : del) lastChangedKinds.add(d.kind());
        try {
            store.commit(up, del);
            written.clear();
            now.forEach((k, m) -> written.put(k, m));
            return true;
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, e.getMessage());
            throw new ServerException("InternalError", "the change was made but could not be written to the store ("
                    + e.getMessage() + "): check the disk and the server log");
        }
    }

    /** Writes pending route-table changes now (tests, and before shutdown). */
    public void flushRoutes() {
        journal.flush();
    }

    /**
     * Stops: every BGP session ends with Cease / Administrative Shutdown (RFC 4486 §4, RFC 9003 message), pending
     * route-table writes are flushed and the store is closed cleanly.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        region.stopping = true;
        try {
            control.call(() -> {
                for (RouteServerRuntime rt : region.runtimes.values()) rt.shutdown("vroute is shutting down");
                region.closeBfd();
                persist();
                return null;
            });
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "while stopping: " + e.getMessage());
        }
        control.close();
        // The sinks get what they can out (a webhook's endpoint maintenance notice) within their own deadlines.
        events.close();
        journal.close();
        // The kernel keeps forwarding as it is: a restart costs no packets.
        if (region.dataplane != null) region.dataplane.close();
        store.close();
        LOG.log(System.Logger.Level.INFO, "stopped; store {0} closed", store.file());
    }
}
