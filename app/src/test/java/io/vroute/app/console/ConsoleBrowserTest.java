package io.vroute.app.console;

import io.vroute.app.interop.Interop;
import io.vroute.app.InProcess;
import io.vroute.app.InProcess.Run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vroute.api.Credentials;
import io.vroute.api.QueryClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The web console in a real browser against a real daemon: {@code vroute lab up floating-ip --liveness bfd} (a {@code
 * vroute serve --dataplane linux} with FRR appliances, BGP and BFD at 100 ms x 3, in network namespaces), then {@code console-check.mjs} drives Debian's
 * Chromium through playwright-core: it signs in with the lab daemon's key pair, checks every view against the ids and
 * values this test read through the API, watches the failover of {@code lab fail instance-rs-az1} arrive on the event
 * timeline without a reload, and the recovery after {@code lab recover}. Screenshots of every view are kept in
 * {@code app/target/console-screenshots/}.
 *
 * <p>Needs root, the lab's programs (iproute2, frr, iputils-ping) and node, npm and chromium. With
 * {@code -Dvroute.interop=required} (CI) a missing one fails the test, naming the apt package; otherwise it is skipped.
 */
class ConsoleBrowserTest {
    private static final Path MODULE = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    private static final Path CONSOLE = MODULE.resolve("src/test/console");
    private static final Path SCREENSHOTS = MODULE.resolve("target/console-screenshots");
    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String PREFIX = "172.16.1.1/32";
    private static final String ACTIVE = "10.0.1.10";
    private static final String STANDBY = "10.0.2.10";
    private static final List<String> SCREENSHOT_NAMES = List.of("01-sign-in", "02-route-servers", "03-endpoints",
            "04-peers", "05-routing-database", "05-routing-database-filtered", "06-route-tables", "07-events",
            "08-events-failover", "09-peers-failed", "10-route-tables-failed-over", "11-peers-recovered");

    @Test
    @Timeout(600)
    void consoleShowsTheLabLiveAndTheFailoverOnTheTimeline() throws Exception {
        requirePrograms();
        installPlaywright();
        clearScreenshots();
        String name = "t" + (ProcessHandle.current().pid() % 10_000_000) + "w";
        String endpoint = freeEndpoint();
        long started = System.nanoTime();
        try {
            Run up = vroute("lab", "up", "floating-ip", "--liveness", "bfd", "--name", name, "--endpoint", endpoint);
            assertEquals(0, up.status(), "lab up floating-ip\n" + up.output());
            Path dataDir = Path.of("/run/vroute-lab-" + name, "data");
            QueryClient api = QueryClient.forDataDir(URI.create(endpoint + "/"), dataDir);
            Map<String, Object> expected = expectations(api);
            Credentials keys = Credentials.loadOrCreate(dataDir);

            List<String> output = runConsoleCheck(endpoint, keys, expected, name, api);
            String all = String.join("\n", output);
            assertTrue(output.contains("console-check: every check passed"), "console-check.mjs failed:\n" + all);
            assertTrue(output.stream().noneMatch(l -> l.startsWith("FAILED")), all);
            for (String shot : SCREENSHOT_NAMES) {
                Path png = SCREENSHOTS.resolve(shot + ".png");
                assertTrue(Files.isRegularFile(png), "screenshot " + png + " was taken");
                byte[] head = Files.readAllBytes(png);
                assertTrue(head.length > 10_000 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G',
                        png + " is a PNG with something on it (" + head.length + " bytes)");
            }

            Run down = vroute("lab", "down", "--name", name);
            assertEquals(0, down.status(), down.output());
        } finally {
            vroute("lab", "down", "--name", name);
            System.out.printf("[console] lab up to lab down: %.1f s%n", (System.nanoTime() - started) / 1e9);
        }
        assertNothingLeft(name);
    }

    // ------------------------------------------------------------------------------------------ the browser

    /**
     * Runs console-check.mjs and answers its STEP lines (stop the active instance, bring it back); returns its output.
     * When it shows the failover, the test checks the shown numbers against DescribeRouteServerEvents.
     */
    private static List<String> runConsoleCheck(String endpoint, Credentials keys, Map<String, Object> expected, String lab,
            QueryClient api) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("node", "console-check.mjs").directory(CONSOLE.toFile()).redirectErrorStream(true);
        pb.environment().put("CONSOLE_URL", endpoint + "/console/");
        pb.environment().put("VROUTE_KEY_ID", keys.accessKeyId());
        pb.environment().put("VROUTE_SECRET", keys.secretAccessKey());
        pb.environment().put("SCREENSHOT_DIR", SCREENSHOTS.toString());
        pb.environment().put("EXPECT", new ObjectMapper().writeValueAsString(expected));
        pb.environment().put("CHROMIUM", CHROMIUM);
        Process node = pb.start();
        // The browser's whole run, failover and recovery included, takes about a minute; a hung one is killed.
        Thread watchdog = Thread.ofVirtual().start(() -> {
            try {
                if (!node.waitFor(300, TimeUnit.SECONDS)) {
                    System.out.println("[console] console-check.mjs still runs after 300 s: killing it");
                    node.destroyForcibly();
                }
            } catch (InterruptedException e) {
                node.destroyForcibly();
            }
        });
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
                Writer in = new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8)) {
            for (String line; (line = out.readLine()) != null; ) {
                System.out.println("[console-check] " + line);
                lines.add(line);
                String answer = null;
                if (line.equals("STEP fail-now")) {
                    Run r = vroute("lab", "fail", "--name", lab, "instance-rs-az1");
                    answer = r.status() == 0 ? "done" : "error: lab fail exited " + r.status();
                } else if (line.equals("STEP recover-now")) {
                    Run r = vroute("lab", "recover", "--name", lab, "instance-rs-az1");
                    answer = r.status() == 0 ? "done" : "error: lab recover exited " + r.status();
                } else if (line.startsWith("FAILOVER-SHOWN ")) {
                    assertFailoverMatchesTheApi(line.substring("FAILOVER-SHOWN ".length()), api);
                }
                if (answer != null) {
                    in.write(answer + "\n");
                    in.flush();
                }
            }
        } finally {
            node.waitFor(30, TimeUnit.SECONDS);
            watchdog.interrupt();
            if (node.isAlive()) node.destroyForcibly();
        }
        lines.add("exit status " + node.exitValue());
        assertEquals(0, node.exitValue(), "console-check.mjs exit status\n" + String.join("\n", lines));
        return lines;
    }

    /** The console shows a failover as the API reports it: moved count and the measured duration, to the digit. */
    private static void assertFailoverMatchesTheApi(String shown, QueryClient api) throws IOException {
        Element r = api.call("DescribeRouteServerEvents", Map.of()).getDocumentElement();
        List<String> reported = new ArrayList<>();
        for (Element e : items(r, "eventSet")) {
            if (!"Failover".equals(text(e, "type"))) continue;
            String moved = text(e, "movedCount");
            String what = "failover: " + moved + (moved.equals("1") ? " prefix" : " prefixes") + " moved in "
                    + text(e, "durationMillis") + " ms";
            reported.add(what);
            if (shown.contains(what)) return;
        }
        fail("the console shows \"" + shown + "\", the API reports " + reported);
    }

    // ------------------------------------------------------------------------------------------ what the page must show

    /** Ids and values of the lab, read through the API, for the script to look for. */
    private static Map<String, Object> expectations(QueryClient api) throws IOException {
        Element servers = api.call("DescribeRouteServers", Map.of()).getDocumentElement();
        List<Element> rs = items(servers, "routeServerSet");
        assertEquals(1, rs.size(), "the lab's daemon holds one route server");
        String rsId = text(rs.get(0), "routeServerId");
        Map<String, Object> want = new LinkedHashMap<>();
        want.put("routeServerId", rsId);
        want.put("vpcId", text(items(api.call("GetRouteServerAssociations", Map.of("RouteServerId", rsId)).getDocumentElement(),
                "routeServerAssociationSet").get(0), "vpcId"));
        List<Map<String, String>> endpoints = new ArrayList<>();
        for (Element e : items(api.call("DescribeRouteServerEndpoints", Map.of()).getDocumentElement(), "routeServerEndpointSet")) {
            endpoints.add(Map.of("id", text(e, "routeServerEndpointId"), "address", text(e, "eniAddress")));
        }
        want.put("endpoints", endpoints);
        List<Map<String, String>> peers = new ArrayList<>();
        for (Element p : items(api.call("DescribeRouteServerPeers", Map.of()).getDocumentElement(), "routeServerPeerSet")) {
            peers.add(Map.of("id", text(p, "routeServerPeerId"), "address", text(p, "peerAddress"),
                    "endpointAddress", text(p, "endpointEniAddress")));
        }
        assertEquals(4, peers.size(), "the floating-ip lab has four peers");
        want.put("peers", peers);
        List<String> tables = new ArrayList<>();
        for (Element p : items(api.call("GetRouteServerPropagations", Map.of("RouteServerId", rsId)).getDocumentElement(),
                "routeServerPropagationSet")) {
            tables.add(text(p, "routeTableId"));
        }
        assertEquals(3, tables.size(), "propagation into the three subnet tables");
        want.put("tables", tables);
        String eni = null;
        for (Element t : items(api.call("DescribeRouteTables", Map.of("RouteTableId.1", tables.get(0))).getDocumentElement(), "routeTableSet")) {
            for (Element route : items(t, "routeSet")) {
                if (PREFIX.equals(text(route, "destinationCidrBlock"))) eni = text(route, "networkInterfaceId");
            }
        }
        assertNotNull(eni, PREFIX + " is in " + tables.get(0));
        want.put("activeEni", eni);
        want.put("prefix", PREFIX);
        want.put("active", ACTIVE);
        want.put("standby", STANDBY);
        want.put("failNode", "instance-rs-az1");
        want.put("liveness", "bfd");
        return want;
    }

    /** The {@code item} children of the first child element named {@code set}. */
    private static List<Element> items(Element parent, String set) {
        List<Element> out = new ArrayList<>();
        Element s = child(parent, set);
        if (s == null) return out;
        for (Node n = s.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals("item")) out.add(e);
        }
        return out;
    }

    private static Element child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) return e;
        }
        return null;
    }

    private static String text(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? "" : e.getTextContent();
    }

    // ------------------------------------------------------------------------------------------ set-up

    /** Root and the programs (with Interop's rule: a failure under -Dvroute.interop=required, CI; a skip otherwise). */
    private static void requirePrograms() {
        Interop.require(Interop.ZEBRA, Interop.BGPD, new Interop.Need("/usr/lib/frr/bfdd", "frr"), Interop.VTYSH,
                new Interop.Need("ping", "iputils-ping"), new Interop.Need("node", "nodejs"), new Interop.Need("npm", "npm"),
                new Interop.Need(CHROMIUM, "chromium"));
    }

    /** playwright-core from package-lock.json into src/test/console/node_modules (not committed), once. */
    private static void installPlaywright() throws Exception {
        if (Files.isRegularFile(CONSOLE.resolve("node_modules/playwright-core/package.json"))) return;
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(CONSOLE.toFile())
                .redirectErrorStream(true).start();
        String out = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!npm.waitFor(300, TimeUnit.SECONDS)) npm.destroyForcibly();
        System.out.println("[console] npm ci: " + out);
        assertEquals(0, npm.exitValue(), "npm ci in " + CONSOLE + " (it needs the npm registry)\n" + out);
    }

    private static void clearScreenshots() throws IOException {
        Files.createDirectories(SCREENSHOTS);
        try (var old = Files.list(SCREENSHOTS)) {
            for (Path p : old.filter(p -> p.toString().endsWith(".png")).toList()) Files.delete(p);
        }
    }

    private static String freeEndpoint() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return "http://127.0.0.1:" + s.getLocalPort();
        }
    }

    // ------------------------------------------------------------------------------------------ vroute in-process


    /** A vroute command run in-process as a user types it (output also echoed to the test log). */
    private static Run vroute(String... args) {
        return InProcess.run(args);
    }

    private static void assertNothingLeft(String name) throws IOException, InterruptedException {
        Process ip = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
        String namespaces = new String(ip.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        ip.waitFor();
        for (String line : namespaces.lines().toList()) {
            assertFalse(line.startsWith("vrlab-" + name + "-") || line.startsWith("vroute-" + name + "-"), "namespace left behind: " + line);
        }
        assertFalse(Files.exists(Path.of("/run/vroute-lab-" + name)), "the lab's directory is left behind");
        assertFalse(Files.exists(Path.of("/run/vroute-" + name)), "the lab daemon's state directory is left behind");
        List<String> daemons = ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.contains("vroute-lab-" + name + "/")).toList();
        assertEquals(List.of(), daemons, "processes of the lab still run");
    }
}
