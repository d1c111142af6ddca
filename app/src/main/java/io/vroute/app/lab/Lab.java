package io.vroute.app.lab;

import io.vroute.api.QueryClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A lab on this host: the scenario built through vroute's API, the appliances running in namespaces, and what the lab
 * commands do with them. Its state lives in a file (see {@link LabState}), so each command is a fresh process.
 */
final class Lab {
    static final String FLOATING_IP = "floating-ip", INGRESS = "ingress-inspection";
    static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    final LabState st;
    final PrintWriter out;
    private LabApi api;

    private Lab(LabState st, PrintWriter out) {
        this.st = st;
        this.out = out;
    }

    /** The lab that is up in {@code home}; throws with what to do when there is none. */
    static Lab open(LabState.Home home, PrintWriter out) throws IOException {
        requireRoot("vroute lab");
        LabState st = LabState.load(home);
        if (st == null) {
            throw new IOException("no lab is up here (" + home.stateFile() + " does not exist): start one with `"
                    + home.command("up") + " floating-ip`");
        }
        return new Lab(st, out);
    }

    static void requireRoot(String what) throws IOException {
        if (!Shell.isRoot()) {
            throw new IOException(what + " needs root (network namespaces, BGP on port 179, kill -STOP of the appliances):"
                    + " run it with sudo");
        }
    }

    LabApi api() throws IOException {
        if (api == null) api = new LabApi(QueryClient.forDataDir(URI.create(st.endpoint), Path.of(st.dataDir)), st);
        return api;
    }

    String routerNamespace() {
        return st.layout().routerNamespace(st.id("vpc"));
    }

    // ------------------------------------------------------------------------------------------ up

    /**
     * Builds a scenario: starts a daemon when none answers at {@code endpoint}, creates everything through the API,
     * starts the appliances and waits until the routes are in place. What was made stays when a step fails, for
     * {@code lab status} and {@code lab down}.
     */
    static Lab up(LabState.Home home, String scenario, String liveness, URI endpoint, Path dataDir, PrintWriter out)
            throws IOException {
        requireRoot("vroute lab up");
        if (!scenario.equals(FLOATING_IP) && !scenario.equals(INGRESS)) {
            throw new IllegalArgumentException("unknown scenario '" + scenario + "': use " + FLOATING_IP + " or " + INGRESS);
        }
        if (!liveness.equals("bgp-keepalive") && !liveness.equals("bfd")) {
            throw new IllegalArgumentException("--liveness must be bgp-keepalive or bfd, not '" + liveness + "'");
        }
        if (scenario.equals(INGRESS)) liveness = "bfd"; // the scenario runs BFD on every session
        LabState existing = LabState.load(home);
        if (existing != null) {
            throw new IOException("a lab is already up here (" + existing.scenario + ", state " + home.stateFile() + "): `"
                    + home.command("status") + "` shows it, `" + home.command("down") + "` removes it");
        }
        Prerequisites.ensure(Prerequisites.of(scenario, liveness), out);

        LabState st = new LabState();
        st.name = home.name();
        st.scenario = scenario;
        st.liveness = liveness;
        st.endpoint = endpoint.toString();
        Lab lab = new Lab(st, out);
        if (RouteServerProcess.answers(endpoint)) {
            Path dir = dataDir != null ? dataDir : home.dataDir();
            if (!Files.exists(dir.resolve("credentials"))) {
                throw new IOException("a vroute answers at " + endpoint + " but its credentials are not in " + dir
                        + ": give --data-dir DIR of that daemon (it must run with --dataplane linux), or stop it and let"
                        + " the lab start its own");
            }
            st.dataDir = dir.toString();
            out.println("using the vroute at " + endpoint + " (credentials from " + dir + "); it must run with --dataplane linux");
            st.save();
        } else {
            Path dir = dataDir != null ? dataDir : home.dataDir();
            st.dataDir = dir.toString();
            st.netnsPrefix = home.netnsPrefix();
            st.daemonCommand = RouteServerProcess.command(endpoint, dir, st.netnsPrefix, home.dir().resolve("vroute.jar"));
            st.save();
            st.daemonPid = RouteServerProcess.start(st.daemonCommand, endpoint, dir, home.serveLog(), out);
            st.save();
        }
        out.println("building " + scenario + " (liveness " + liveness + ") through the API at " + endpoint);
        out.flush();
        ScenarioBuilder b = scenario.equals(FLOATING_IP) ? new FloatingIpScenario(lab.api(), st, out, liveness)
                : new IngressInspectionScenario(lab.api(), st, out);
        b.build();
        st.complete = true;
        st.save();
        out.println("lab " + scenario + " is up.");
        b.summary().forEach(out::println);
        out.flush();
        return lab;
    }

    // ------------------------------------------------------------------------------------------ status

    /** Prints what the lab holds and how it is doing; returns false when something is off (a node's daemon died, ...). */
    boolean status() throws IOException {
        boolean healthy = true;
        out.println("lab " + st.scenario + " (liveness " + st.liveness + ")" + (st.complete ? "" : "  [lab up did not finish]"));
        boolean daemonUp = RouteServerProcess.answers(URI.create(st.endpoint));
        out.println("API " + st.endpoint + ": " + (daemonUp ? "answering" : "NOT answering")
                + (st.daemonPid > 0 ? "  (vroute serve PID " + st.daemonPid + ", started by the lab, log "
                + st.home().serveLog() + ")" : "  (a daemon the lab did not start)"));
        if (st.ids.containsKey("vpc")) {
            out.println("VPC " + st.id("vpc") + "  router namespace " + routerNamespace());
        }
        out.println("nodes:");
        for (Map.Entry<String, LabState.Node> e : st.nodes.entrySet()) {
            LabState.Node n = e.getValue();
            String daemons = n.pids.isEmpty() ? "" : "  " + n.daemon + " " + processes(n);
            boolean dead = n.pids.stream().anyMatch(p -> !Shell.alive(p));
            healthy &= !dead;
            out.printf("  %-16s %-28s %-14s %-22s%s%s%s%n", e.getKey(), n.namespace, n.address,
                    n.eni == null ? "" : n.eni, daemons, n.frozen ? "  FROZEN" : "", n.linkDown ? "  LINK DOWN" : "");
        }
        if (!daemonUp || !st.ids.containsKey("route-server")) {
            out.flush();
            return false;
        }
        LabApi a = api();
        out.println("BGP peers (DescribeRouteServerPeers):");
        for (RouteServerView.Peer p : RouteServerView.peers(a, st.id("route-server")).values()) {
            out.println("  " + p);
            if (!p.events().isEmpty()) {
                RouteServerView.PeerEvent last = p.events().get(p.events().size() - 1);
                out.println("      last change " + CLOCK.format(last.time()) + " " + last.type() + " " + last.status()
                        + (last.reason() == null ? "" : ": " + last.reason()));
            }
        }
        out.println("routing database (GetRouteServerRoutingDatabase):");
        for (RouteServerView.RibRoute r : RouteServerView.rib(a, st.id("route-server"), null)) out.println("  " + r);
        out.println("route tables (DescribeRouteTables):");
        for (Map.Entry<String, String> id : st.ids.entrySet()) {
            if (!id.getKey().startsWith("table:")) continue;
            out.println("  " + id.getValue() + " (" + id.getKey().substring(6) + ")");
            for (RouteServerView.TableRoute r : RouteServerView.table(a, id.getValue())) out.println("      " + r);
        }
        if (st.complete && st.scenario.equals(FLOATING_IP)) {
            String answeredBy = whoAnswers(FloatingIpScenario.TEST, FloatingIpScenario.FLOATING_IP, 3,
                    List.of(FloatingIpScenario.ACTIVE, FloatingIpScenario.STANDBY));
            out.println("ping " + FloatingIpScenario.FLOATING_IP + " from " + FloatingIpScenario.TEST + ": " + answeredBy);
        } else if (st.complete) {
            out.println("ping " + IngressInspectionScenario.APP_ADDRESS + " from " + IngressInspectionScenario.INTERNET_HOST + ": "
                    + IngressInspectionScenario.PathCheck.run(st, 3));
        }
        out.flush();
        return healthy;
    }

    private static String processes(LabState.Node n) {
        List<String> s = new ArrayList<>();
        for (long pid : n.pids) {
            char c = Shell.state(pid);
            s.add(pid + (c == '?' || c == 'Z' ? " gone" : c == 'T' ? " frozen" : " running"));
        }
        return String.join(", ", s);
    }

    /** Pings {@code target} from node {@code from} and says which of {@code holders} got the echo requests. */
    String whoAnswers(String from, String target, int count, List<String> holders) {
        long[] before = new long[holders.size()];
        for (int i = 0; i < holders.size(); i++) before[i] = Counters.read(st.node(holders.get(i))).inEchos();
        Shell.Result r = Shell.inNamespace(st.node(from).namespace, "ping", "-n", "-c", Integer.toString(count), "-i", "0.2",
                "-W", "1", target);
        int replies = (int) r.output().lines().filter(l -> l.contains("bytes from")).count();
        List<String> by = new ArrayList<>();
        for (int i = 0; i < holders.size(); i++) {
            long d = Counters.read(st.node(holders.get(i))).inEchos() - before[i];
            if (d > 0) by.add(holders.get(i) + " (InEchos +" + d + ")");
        }
        return replies + "/" + count + " answered" + (by.isEmpty() ? "" : ", by " + String.join(" and ", by));
    }

    // ------------------------------------------------------------------------------------------ exec

    /** The namespace of a node, or of "router" (the VPC's router) or "internet" (where the gateway leads). */
    String namespaceOf(String node) {
        if (node.equals("router")) return routerNamespace();
        if (node.equals("internet")) return st.layout().internetNamespace();
        return st.node(node).namespace;
    }

    /** Runs a command in a node's namespace, with this terminal; returns its exit status. */
    int exec(String node, List<String> command) throws IOException {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", namespaceOf(node)));
        c.addAll(command);
        try {
            return new ProcessBuilder(c).inheritIO().start().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    // ------------------------------------------------------------------------------------------ fail / recover

    enum Failure {
        /** The instance stops: its daemons freeze and its link goes down. */
        STOP,
        /** Its daemons freeze (no keepalives, no BFD); the kernel still answers pings. */
        FREEZE,
        /** Its link goes down; the daemons run on. */
        LINK;

        static Failure of(String text) {
            for (Failure f : values()) if (f.name().equalsIgnoreCase(text)) return f;
            throw new IllegalArgumentException("--how must be stop, freeze or link, not '" + text + "'");
        }
    }

    /** Injects a failure into a node; returns the moment it began (just before the first signal or link change). */
    Instant fail(String name, Failure how) throws IOException {
        requireRoot("vroute lab fail");
        LabState.Node n = st.node(name);
        boolean freeze = how != Failure.LINK && !n.pids.isEmpty();
        boolean link = how != Failure.FREEZE && n.eni != null;
        if (!freeze && !link) {
            throw new IOException(name + " runs no daemon to freeze: use --how link (or stop)");
        }
        List<String> routes = new ArrayList<>();
        if (link) {
            // The kernel drops a link's routes when it goes down: keep them to put back on recover.
            for (String line : Shell.check(List.of("ip", "-n", n.namespace, "-4", "route", "show")).lines().toList()) {
                if (!line.isBlank() && !line.contains("proto kernel")) routes.add(line.strip());
            }
        }
        Instant at = Instant.now();
        if (freeze) {
            for (long pid : n.pids) Shell.signal(pid, "STOP");
            n.frozen = true;
        }
        if (link) {
            Shell.check(List.of("ip", "-n", n.namespace, "link", "set", "eth0", "down"));
            n.linkDown = true;
            n.routesBeforeLinkDown = routes;
        }
        st.save();
        out.println(CLOCK.format(at) + " " + name + ": " + (freeze ? "froze " + n.daemon + " (kill -STOP " + n.pids + ")" : "")
                + (freeze && link ? ", " : "") + (link ? "eth0 down" : ""));
        if (link) {
            out.println("  (vroute's data plane puts links back up when it repairs the kernel, every 30 s: a link failure"
                    + " lasts until then at most)");
        }
        out.flush();
        return at;
    }

    /** Undoes a failure: link up (with its routes back), then the daemons thawed; returns the moment it began. */
    Instant recover(String name) throws IOException {
        requireRoot("vroute lab recover");
        LabState.Node n = st.node(name);
        if (!n.frozen && !n.linkDown) {
            out.println(name + " is not failed; nothing to do");
            out.flush();
            return Instant.now();
        }
        Instant at = Instant.now();
        List<String> did = new ArrayList<>();
        if (n.linkDown) {
            Shell.check(List.of("ip", "-n", n.namespace, "link", "set", "eth0", "up"));
            String now = Shell.check(List.of("ip", "-n", n.namespace, "-4", "route", "show"));
            for (String route : n.routesBeforeLinkDown) {
                if (now.lines().noneMatch(l -> l.strip().equals(route))) {
                    List<String> c = new ArrayList<>(List.of("ip", "-n", n.namespace, "route", "add"));
                    c.addAll(List.of(route.split("\\s+")));
                    Shell.Result r = Shell.run(10, c);
                    // "File exists": the data plane put it back meanwhile.
                    if (!r.ok() && !r.output().contains("File exists")) {
                        out.println("  could not put back route '" + route + "': " + r.output().strip());
                    }
                }
            }
            n.linkDown = false;
            n.routesBeforeLinkDown = new ArrayList<>();
            did.add("eth0 up");
        }
        if (n.frozen) {
            List<Long> reversed = new ArrayList<>(n.pids);
            java.util.Collections.reverse(reversed);
            for (long pid : reversed) Shell.signal(pid, "CONT");
            n.frozen = false;
            did.add("thawed " + n.daemon + " (kill -CONT " + n.pids + ")");
        }
        st.save();
        out.println(CLOCK.format(at) + " " + name + ": " + String.join(", ", did));
        out.flush();
        return at;
    }

    // ------------------------------------------------------------------------------------------ down

    /**
     * Removes everything the lab made: stops its appliances, deletes its resources through the API (restarting the
     * daemon it started when that one is gone), deletes its own namespaces, stops its daemon, removes its directory.
     * Returns false when something could not be removed (the state is kept, so that running it again continues).
     */
    static boolean down(LabState.Home home, PrintWriter out) throws IOException {
        LabState st = LabState.load(home);
        if (st == null) {
            out.println("no lab is up here (no " + home.stateFile() + "): nothing to remove");
            out.flush();
            return true;
        }
        requireRoot("vroute lab down");
        Lab lab = new Lab(st, out);
        return lab.down();
    }

    private boolean down() throws IOException {
        List<String> problems = new ArrayList<>();
        out.println("taking down lab " + st.scenario + (st.name.isEmpty() ? "" : " " + st.name));
        for (Map.Entry<String, LabState.Node> e : st.nodes.entrySet()) {
            LabState.Node n = e.getValue();
            for (long pid : n.pids) {
                if (!Shell.stop(pid, 5000)) problems.add(e.getKey() + ": process " + pid + " did not stop");
            }
            if (!n.pids.isEmpty()) out.println("  stopped " + n.daemon + " of " + e.getKey() + " " + n.pids);
            n.pids = new ArrayList<>();
        }
        st.save();
        for (String run : st.runDirectories) deleteTree(Path.of(run));
        for (String ns : st.namespaces) {
            deleteNamespace(ns);
            out.println("  deleted namespace " + ns);
        }
        st.namespaces = new ArrayList<>();
        st.save();

        URI endpoint = URI.create(st.endpoint);
        if (!st.resources.isEmpty()) {
            if (!RouteServerProcess.answers(endpoint) && st.daemonPid > 0 && !st.daemonCommand.isEmpty()) {
                out.println("  the lab's vroute is gone: starting it again to delete what it made");
                st.daemonPid = RouteServerProcess.start(st.daemonCommand, endpoint, Path.of(st.dataDir), st.home().serveLog(), out);
                st.save();
            }
            if (RouteServerProcess.answers(endpoint)) {
                out.println("  deleting " + st.resources.size() + " resources through the API:");
                problems.addAll(api().teardown(out));
            } else {
                problems.add("the API at " + st.endpoint + " does not answer, so " + st.resources.size() + " resources remain"
                        + " (see " + home().stateFile() + "): start that vroute and run `" + st.home().command("down") + "` again");
            }
        }
        // The data plane deletes the namespaces it made for the interfaces; what is left of the lab's names goes here.
        for (LabState.Node n : st.nodes.values()) {
            waitFor(Duration.ofSeconds(10), () -> !namespaceExists(n.namespace));
            if (namespaceExists(n.namespace) && st.resources.isEmpty()) {
                deleteNamespace(n.namespace);
                out.println("  deleted namespace " + n.namespace);
            }
        }
        List<String> daemonNamespaces = new ArrayList<>();
        if (st.ids.containsKey("vpc") && st.resources.isEmpty()) {
            daemonNamespaces.add(routerNamespace());
            // The internet namespace goes with the last VPC that has a gateway: wait for it only on the lab's own daemon.
            if (st.daemonPid > 0) daemonNamespaces.add(st.layout().internetNamespace());
        }
        // The data plane removes them in the background after DeleteVpc: give it the time before stopping it.
        if (RouteServerProcess.answers(endpoint)) {
            waitFor(Duration.ofSeconds(15), () -> daemonNamespaces.stream().noneMatch(Lab::namespaceExists));
        }
        if (st.daemonPid > 0) {
            if (!Shell.stop(st.daemonPid, 30_000)) problems.add("vroute serve PID " + st.daemonPid + " did not stop");
            else out.println("  stopped vroute serve (PID " + st.daemonPid + ")");
        }
        for (String ns : daemonNamespaces) {
            if (!namespaceExists(ns)) continue;
            if (st.daemonPid > 0) {
                // The lab's own daemon, stopped now, left it: its VPC is gone from its store, so it is the lab's to remove.
                deleteNamespace(ns);
                out.println("  deleted namespace " + ns + ", which the daemon had not removed yet");
            } else {
                out.println("  note: " + ns + " is still there; the daemon at " + st.endpoint + " removes it when it"
                        + " reconciles (its log says why not)");
            }
        }
        if (!problems.isEmpty()) {
            out.println("lab down left something behind:");
            problems.forEach(p -> out.println("  " + p));
            out.println("the state is kept in " + home().stateFile() + "; fix that and run `" + st.home().command("down") + "` again");
            out.flush();
            return false;
        }
        deleteTree(home().dir());
        if (st.daemonPid > 0 && !st.netnsPrefix.equals(io.vroute.server.dataplane.KernelLayout.DEFAULT_PREFIX)) {
            // The state directory of the daemon the lab started with a prefix of its own; empty once its namespaces went.
            Path daemonState = st.layout().stateDirectory();
            try (Stream<Path> s = Files.exists(daemonState.resolve("created-netns")) ? Files.list(daemonState.resolve("created-netns"))
                    : Stream.empty()) {
                if (s.findAny().isEmpty()) deleteTree(daemonState);
            }
        }
        out.println("lab down: everything the lab made is gone");
        out.flush();
        return true;
    }

    private LabState.Home home() {
        return st.home();
    }

    static boolean namespaceExists(String ns) {
        return Files.exists(Path.of("/run/netns", ns));
    }

    /**
     * Deletes a namespace the lab named. Processes the lab did not start are left alone: one still inside (a shell of
     * `lab exec`) keeps the namespace alive, without a name, until it ends.
     */
    private static void deleteNamespace(String ns) {
        if (namespaceExists(ns)) Shell.run(10, List.of("ip", "netns", "del", ns));
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) return;
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            // what could not be deleted stays; the next down tries again
        }
    }

    static boolean waitFor(Duration timeout, java.util.function.BooleanSupplier done) {
        return Appliance.waitFor(timeout, done);
    }

    static String clock(Instant t) {
        return CLOCK.format(t);
    }

    static String clockNow() {
        return LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss.SSS"));
    }
}
