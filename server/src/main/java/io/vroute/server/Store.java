package io.vroute.server;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The embedded store: one SQLite database in WAL mode under the data directory. It holds every resource (as a JSON
 * document per record, typed by its Java class) and the routes the model data plane has installed in route tables.
 * The RIB itself is not stored: it is rebuilt from the peers. Schema migrations are versioned in {@link #MIGRATIONS}.
 */
public final class Store implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("vroute.store");

    /** Migration N (1-based) brings the schema from version N-1 to N. Never edit one that has shipped: append. */
    private static final List<String[]> MIGRATIONS = List.<String[]>of(
            new String[] {
                "CREATE TABLE resource (kind TEXT NOT NULL, id TEXT NOT NULL, type TEXT NOT NULL, json TEXT NOT NULL,"
                        + " PRIMARY KEY (kind, id))",
                "CREATE TABLE installed_route (route_table_id TEXT NOT NULL, destination TEXT NOT NULL,"
                        + " route_server_id TEXT NOT NULL, network_interface_id TEXT NOT NULL, next_hop TEXT NOT NULL,"
                        + " PRIMARY KEY (route_table_id, destination))"
            },
            new String[] {
                "CREATE TABLE client_token (action TEXT NOT NULL, token TEXT NOT NULL, parameters_hash TEXT NOT NULL,"
                        + " body TEXT NOT NULL, created INTEGER NOT NULL, PRIMARY KEY (action, token))"
            });

    /** A stored resource: its kind (e.g. "vpc"), id, and the record itself. */
    public record Document(String kind, String id, Object record) {}

    /** A route the data plane holds in a table. */
    public record InstalledRoute(String routeTableId, String destination, String routeServerId, String networkInterfaceId,
                                 String nextHop) {}

    static final ObjectMapper JSON = new ObjectMapper()
            .findAndRegisterModules()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Path file;
    private final Connection db;

    private Store(Path file, Connection db) {
        this.file = file;
        this.db = db;
    }

    /** Opens (creating if needed) {@code <dataDir>/vroute.db} and brings its schema up to date. */
    public static Store open(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        Path file = dataDir.resolve("vroute.db");
        try {
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=NORMAL");
                s.execute("PRAGMA busy_timeout=5000");
            }
            Store store = new Store(file, c);
            store.migrate();
            return store;
        } catch (SQLException e) {
            throw new IOException("cannot open the store " + file + ": " + e.getMessage()
                    + " (check that the data directory is writable and that no other vroute uses it)", e);
        }
    }

    public Path file() { return file; }

    private void migrate() throws SQLException {
        try (Statement s = db.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
            int version = 0;
            try (ResultSet r = s.executeQuery("SELECT max(version) FROM schema_version")) {
                if (r.next()) version = r.getInt(1);
            }
            if (version > MIGRATIONS.size()) {
                throw new SQLException("the store has schema version " + version + " but this vroute knows only up to "
                        + MIGRATIONS.size() + ": use a newer vroute or another data directory");
            }
            for (int v = version; v < MIGRATIONS.size(); v++) {
                db.setAutoCommit(false);
                for (String sql : MIGRATIONS.get(v)) s.execute(sql);
                s.execute("INSERT INTO schema_version VALUES (" + (v + 1) + ")");
                db.commit();
                db.setAutoCommit(true);
                LOG.log(System.Logger.Level.DEBUG, "store schema migrated to version {0}", v + 1);
            }
        }
    }

    /** Every stored resource, in the order they were first written. */
    public synchronized List<Document> loadResources() throws IOException {
        List<Document> out = new ArrayList<>();
        try (Statement s = db.createStatement();
             ResultSet r = s.executeQuery("SELECT kind, id, type, json FROM resource ORDER BY rowid")) {
            while (r.next()) {
                Class<?> type = Class.forName(r.getString(3));
                out.add(new Document(r.getString(1), r.getString(2), JSON.readValue(r.getString(4), type)));
            }
        } catch (SQLException | ClassNotFoundException e) {
            throw new IOException("cannot read resources from " + file + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** Writes new and changed resources and deletes removed ones, all in one transaction. */
    public synchronized void commit(List<Document> upserts, List<Document> deletes) throws IOException {
        if (upserts.isEmpty() && deletes.isEmpty()) return;
        try {
            db.setAutoCommit(false);
            try (PreparedStatement up = db.prepareStatement(
                         "INSERT INTO resource (kind, id, type, json) VALUES (?, ?, ?, ?)"
                                 + " ON CONFLICT (kind, id) DO UPDATE SET type = excluded.type, json = excluded.json");
                 PreparedStatement del = db.prepareStatement("DELETE FROM resource WHERE kind = ? AND id = ?")) {
                for (Document d : upserts) {
                    up.setString(1, d.kind());
                    up.setString(2, d.id());
                    up.setString(3, d.record().getClass().getName());
                    up.setString(4, JSON.writeValueAsString(d.record()));
                    up.addBatch();
                }
                for (Document d : deletes) {
                    del.setString(1, d.kind());
                    del.setString(2, d.id());
                    del.addBatch();
                }
                up.executeBatch();
                del.executeBatch();
            }
            db.commit();
        } catch (SQLException | IOException e) {
            try { db.rollback(); } catch (SQLException ignored) { /* the original failure is what matters */ }
            throw new IOException("cannot write to the store " + file + ": " + e.getMessage(), e);
        } finally {
            try { db.setAutoCommit(true); } catch (SQLException ignored) { /* connection is closing */ }
        }
    }

    /**
     * Applies route-table changes in order: a route with a null network interface is a deletion, one with a null
     * destination empties its table.
     */
    public synchronized void writeRoutes(List<InstalledRoute> changes) throws IOException {
        if (changes.isEmpty()) return;
        try {
            db.setAutoCommit(false);
            try (PreparedStatement up = db.prepareStatement(
                         "INSERT INTO installed_route VALUES (?, ?, ?, ?, ?) ON CONFLICT (route_table_id, destination)"
                                 + " DO UPDATE SET route_server_id = excluded.route_server_id,"
                                 + " network_interface_id = excluded.network_interface_id, next_hop = excluded.next_hop");
                 PreparedStatement del = db.prepareStatement(
                         "DELETE FROM installed_route WHERE route_table_id = ? AND destination = ?")) {
                // Batches keep the given order: switching between upserts and deletions flushes the other batch.
                boolean pendingUp = false, pendingDel = false;
                for (InstalledRoute r : changes) {
                    if (r.destination() == null) {
                        if (pendingUp) { up.executeBatch(); pendingUp = false; }
                        if (pendingDel) { del.executeBatch(); pendingDel = false; }
                        try (PreparedStatement all = db.prepareStatement("DELETE FROM installed_route WHERE route_table_id = ?")) {
                            all.setString(1, r.routeTableId());
                            all.executeUpdate();
                        }
                    } else if (r.networkInterfaceId() == null) {
                        if (pendingUp) { up.executeBatch(); pendingUp = false; }
                        del.setString(1, r.routeTableId());
                        del.setString(2, r.destination());
                        del.addBatch();
                        pendingDel = true;
                    } else {
                        if (pendingDel) { del.executeBatch(); pendingDel = false; }
                        up.setString(1, r.routeTableId());
                        up.setString(2, r.destination());
                        up.setString(3, r.routeServerId());
                        up.setString(4, r.networkInterfaceId());
                        up.setString(5, r.nextHop());
                        up.addBatch();
                        pendingUp = true;
                    }
                }
                del.executeBatch();
                up.executeBatch();
            }
            db.commit();
        } catch (SQLException e) {
            try { db.rollback(); } catch (SQLException ignored) { /* the original failure is what matters */ }
            throw new IOException("cannot write routes to the store " + file + ": " + e.getMessage(), e);
        } finally {
            try { db.setAutoCommit(true); } catch (SQLException ignored) { /* connection is closing */ }
        }
    }

    /** Every installed route, as the data plane last wrote it. */
    public synchronized List<InstalledRoute> loadRoutes() throws IOException {
        List<InstalledRoute> out = new ArrayList<>();
        try (Statement s = db.createStatement();
             ResultSet r = s.executeQuery("SELECT route_table_id, destination, route_server_id, network_interface_id,"
                     + " next_hop FROM installed_route")) {
            while (r.next()) out.add(new InstalledRoute(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5)));
        } catch (SQLException e) {
            throw new IOException("cannot read routes from " + file + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** A remembered answer to an idempotent call: the digest of its parameters and the response body. */
    public record ClientTokenAnswer(String parametersHash, String body) {}

    /** The answer remembered for (action, ClientToken), or null. */
    public synchronized ClientTokenAnswer findClientToken(String action, String token) {
        try (PreparedStatement s = db.prepareStatement(
                "SELECT parameters_hash, body FROM client_token WHERE action = ? AND token = ?")) {
            s.setString(1, action);
            s.setString(2, token);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? new ClientTokenAnswer(r.getString(1), r.getString(2)) : null;
            }
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, "reading client tokens from {0}: {1}", file, e.getMessage());
            return null;
        }
    }

    /** Remembers an answer; keeps the newest {@code keep} of them. */
    public synchronized void rememberClientToken(String action, String token, ClientTokenAnswer answer, int keep) {
        try (PreparedStatement s = db.prepareStatement(
                "INSERT OR REPLACE INTO client_token VALUES (?, ?, ?, ?, ?)");
             PreparedStatement prune = db.prepareStatement(
                "DELETE FROM client_token WHERE rowid NOT IN (SELECT rowid FROM client_token ORDER BY rowid DESC LIMIT ?)")) {
            s.setString(1, action);
            s.setString(2, token);
            s.setString(3, answer.parametersHash());
            s.setString(4, answer.body());
            s.setLong(5, System.currentTimeMillis());
            s.executeUpdate();
            prune.setInt(1, keep);
            prune.executeUpdate();
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, "writing a client token to {0}: {1} (idempotency holds until restart)",
                    file, e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        try {
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            }
            db.close();
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, "closing the store {0}: {1}", file, e.getMessage());
        }
    }
}
