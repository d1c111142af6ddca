package io.vroute.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite store: WAL mode, records round-trip by type, routes in batches, clear errors for a store we cannot use. */
class StoreTest {
    @TempDir
    Path dir;

    @Test
    void resourcesAndRoutesSurviveReopening() throws Exception {
        RouteServer rs = new RouteServer("rs-0123456789abcdef0", 65000, "available", "enabled", 3L, false, null);
        try (Store s = Store.open(dir)) {
            s.commit(List.of(new Store.Document("route-server", rs.routeServerId(), rs)), List.of());
            s.writeRoutes(List.of(new Store.InstalledRoute("rtb-1", "172.16.1.1/32", rs.routeServerId(), "eni-a", "10.0.1.10"),
                    new Store.InstalledRoute("rtb-1", "172.16.2.0/24", rs.routeServerId(), "eni-a", "10.0.1.10"),
                    new Store.InstalledRoute("rtb-1", "172.16.2.0/24", null, null, null)));
        }
        try (Store s = Store.open(dir)) {
            List<Store.Document> docs = s.loadResources();
            assertEquals(1, docs.size());
            assertEquals(rs, docs.get(0).record(), "the record comes back equal, typed");
            assertEquals(List.of(new Store.InstalledRoute("rtb-1", "172.16.1.1/32", rs.routeServerId(), "eni-a", "10.0.1.10")), s.loadRoutes());
            s.writeRoutes(List.of(new Store.InstalledRoute("rtb-1", null, null, null, null)));
            assertTrue(s.loadRoutes().isEmpty(), "a table cleared in one step");
            s.commit(List.of(), List.of(docs.get(0)));
            assertTrue(s.loadResources().isEmpty());
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("vroute.db"));
             Statement st = c.createStatement()) {
            assertEquals("wal", st.executeQuery("PRAGMA journal_mode").getString(1));
        }
    }

    @Test
    void aStoreFromANewerVrouteIsRefusedWithAMessage() throws Exception {
        Store.open(dir).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("vroute.db"));
             Statement st = c.createStatement()) {
            st.execute("INSERT INTO schema_version VALUES (99)");
        }
        IOException e = assertThrows(IOException.class, () -> Store.open(dir));
        assertTrue(e.getMessage().contains("newer vroute"), e.getMessage());
    }

    @Test
    void anUnwritableDataDirectoryIsAClearError() throws Exception {
        Path file = dir.resolve("not-a-dir");
        Files.writeString(file, "x");
        IOException e = assertThrows(IOException.class, () -> Store.open(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }
}
