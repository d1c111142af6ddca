package io.vroute.app.lab;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vroute.server.dataplane.KernelLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a lab made, kept in {@code STATE_DIR/state.json} so that later commands (status, exec, fail, recover, down) find
 * it: the API it used, the daemon it started (if any), its nodes with their daemons' PIDs, and every resource it
 * created through the API, in creation order, so that {@code lab down} deletes them newest first. It is written after
 * every step, so that a {@code lab up} that stopped half-way can still be taken down.
 */
final class LabState {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public String name = "";
    public String scenario;
    public String liveness;
    public String endpoint;
    public String dataDir;
    /** What the daemon's namespaces start with ({@code serve --netns-prefix}): its router is PREFIX + VPC id. */
    public String netnsPrefix = KernelLayout.DEFAULT_PREFIX;
    /** PID of the {@code vroute serve} the lab started; 0 when it used one that was already running. */
    public long daemonPid;
    /** The command line that started it, to start it again when {@code lab down} finds it gone. */
    public List<String> daemonCommand = new ArrayList<>();
    public Map<String, Node> nodes = new LinkedHashMap<>();
    /** Resources made through the API, oldest first: "KIND id [id]" (see {@link LabApi#teardown}). */
    public List<String> resources = new ArrayList<>();
    /** Named ids the commands need: "vpc", "route-server", "table:test", "eni:instance-rs-az1", ... */
    public Map<String, String> ids = new LinkedHashMap<>();
    /** Namespaces the lab made itself (not through an interface), deleted by {@code lab down}. */
    public List<String> namespaces = new ArrayList<>();
    /** FRR run directories (/var/run/frr/PATHSPACE) the lab made. */
    public List<String> runDirectories = new ArrayList<>();
    public boolean complete;

    /** A lab machine: its namespace, the network interface that made it, the daemons running in it. */
    public static final class Node {
        public String namespace;
        public String eni;
        public String address;
        /** The subnet's router address: the node's default gateway. */
        public String gateway;
        public String role;
        /** gobgp, frr or none. */
        public String daemon = "none";
        public List<Long> pids = new ArrayList<>();
        /** For FRR nodes: the pathspace vtysh needs ({@code vtysh -N PATHSPACE}). */
        public String frrPathspace;
        public boolean frozen;
        public boolean linkDown;
        /** The node's routes (table main) when its link was taken down: the kernel drops them with the link. */
        public List<String> routesBeforeLinkDown = new ArrayList<>();

        /** A process of the node still running, to read its namespace's counters through /proc/PID/net. */
        @JsonIgnore
        long anyLivePid() {
            for (long pid : pids) if (Shell.alive(pid)) return pid;
            return 0;
        }
    }

    /**
     * Where a lab lives. The default lab ({@code name} empty) keeps its state in /run/vroute-lab and names its
     * namespaces {@code vrlab-NODE}; a named one ({@code --name N}, for several labs or a test beside a user's lab)
     * uses /run/vroute-lab-N and {@code vrlab-N-NODE}.
     */
    record Home(String name) {
        static final String NAMESPACE_PREFIX = "vrlab-";

        Home {
            if (!name.matches("[a-z0-9]{0,9}")) {
                throw new IllegalArgumentException("a lab name is 1 to 9 lower-case letters or digits (it goes into"
                        + " interface names), not '" + name + "'");
            }
        }

        Path dir() {
            return Path.of(name.isEmpty() ? "/run/vroute-lab" : "/run/vroute-lab-" + name);
        }

        Path stateFile() {
            return dir().resolve("state.json");
        }

        Path dataDir() {
            return dir().resolve("data");
        }

        Path serveLog() {
            return dir().resolve("serve.log");
        }

        Path nodeDir(String node) {
            return dir().resolve(node);
        }

        String namespace(String node) {
            return NAMESPACE_PREFIX + (name.isEmpty() ? "" : name + "-") + node;
        }

        /**
         * The namespace prefix of a daemon the lab starts: vroute's own for the default lab, one of the lab's name for a
         * named one, so that two daemons never manage each other's namespaces.
         */
        String netnsPrefix() {
            return name.isEmpty() ? KernelLayout.DEFAULT_PREFIX : KernelLayout.DEFAULT_PREFIX + name + "-";
        }

        /** The lab's link into the internet namespace (at most 15 bytes, the kernel's limit). */
        String internetLink() {
            return name.isEmpty() ? "vrlab" : "vrlab-" + name;
        }

        /** How a user types a lab command for this lab: "vroute lab status", "vroute lab status --name t1". */
        String command(String sub) {
            return "vroute lab " + sub + (name.isEmpty() ? "" : " --name " + name);
        }
    }

    @JsonIgnore
    Home home() {
        return new Home(name);
    }

    static LabState load(Home home) throws IOException {
        Path f = home.stateFile();
        if (!Files.exists(f)) return null;
        try {
            return JSON.readValue(f.toFile(), LabState.class);
        } catch (IOException e) {
            throw new IOException("cannot read the lab's state " + f + " (" + e.getMessage() + "): move it away and"
                    + " remove what is left by hand (ip netns list | grep " + home.namespace("") + ")", e);
        }
    }

    /** Written to a temporary file and moved into place: a crash leaves the old state or the new, never half. */
    void save() throws IOException {
        Path f = home().stateFile();
        Files.createDirectories(f.getParent());
        Path tmp = f.resolveSibling("state.json.tmp");
        JSON.writeValue(tmp.toFile(), this);
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    void remove() throws IOException {
        Files.deleteIfExists(home().stateFile());
    }

    Node node(String name) {
        Node n = nodes.get(name);
        if (n == null) {
            throw new IllegalArgumentException("no node '" + name + "' in this lab: its nodes are "
                    + String.join(", ", nodes.keySet()) + (ids.containsKey("vpc") ? ", router" : ""));
        }
        return n;
    }

    /** The daemon's layout: its namespace names and table numbers. */
    @JsonIgnore
    KernelLayout layout() {
        return KernelLayout.withPrefix(netnsPrefix);
    }

    String id(String key) {
        String id = ids.get(key);
        if (id == null) throw new IllegalStateException("the lab has no " + key + " (did `lab up` finish?)");
        return id;
    }
}
