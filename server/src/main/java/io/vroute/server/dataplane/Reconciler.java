package io.vroute.server.dataplane;

import io.vroute.linux.AddressInfo;
import io.vroute.linux.BatchResult;
import io.vroute.linux.IpVersion;
import io.vroute.linux.LinkInfo;
import io.vroute.linux.Namespaces;
import io.vroute.linux.Netlink;
import io.vroute.linux.NetlinkException;
import io.vroute.linux.RouteOperation;
import io.vroute.linux.RouteSpec;
import io.vroute.linux.RouteType;
import io.vroute.linux.RuleSpec;
import io.vroute.server.dataplane.KernelPlan.Attachment;
import io.vroute.server.dataplane.KernelPlan.Bridge;
import io.vroute.server.dataplane.KernelPlan.Gateway;
import io.vroute.server.dataplane.KernelPlan.Instance;
import io.vroute.server.dataplane.KernelPlan.LinkAddress;
import io.vroute.server.dataplane.KernelPlan.Router;
import io.vroute.server.dataplane.KernelPlan.Table;
import io.vroute.vpc.Cidr;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;

/**
 * The kernel side of {@link LinuxDataplane}: confined to its thread. It keeps one netlink socket per namespace, the
 * interface indexes of each, and what it last made the kernel hold (the plan and every table's routes, with the
 * metric each route carries), which is what tells a repair from a change.
 */
final class Reconciler implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LinuxDataplane.class.getName());
    /** The metric of a route vroute wants but could not put into the kernel. */
    static final int UNINSTALLED = -1;
    private static final int ESRCH = 3;
    private static final int EEXIST = 17;
    private static final int ENODEV = 19;

    private static final Map<String, String> ROUTER_SETTINGS = settings(
            "ipv4/ip_forward", "1", "ipv6/conf/all/forwarding", "1",
            // Return traffic may come in on another bridge than the forward traffic left by (a firewall in between):
            // reverse-path filtering would drop it.
            "ipv4/conf/all/rp_filter", "0", "ipv4/conf/default/rp_filter", "0",
            // A VPC router sends no redirects: a host that learnt to reach a floating IP's holder directly would
            // keep sending there after failover.
            "ipv4/conf/all/send_redirects", "0", "ipv4/conf/default/send_redirects", "0");
    private static final Map<String, String> INTERNET_SETTINGS = settings(
            "ipv4/ip_forward", "1", "ipv6/conf/all/forwarding", "1",
            "ipv4/conf/all/rp_filter", "0", "ipv4/conf/default/rp_filter", "0");
    private static final Map<String, String> FORWARDING_ON = settings(
            "ipv4/ip_forward", "1", "ipv6/conf/all/forwarding", "1");
    private static final Map<String, String> FORWARDING_OFF = settings(
            "ipv4/ip_forward", "0", "ipv6/conf/all/forwarding", "0");

    /** What vroute holds in one kernel table: per destination the next hop and the metric it carries. */
    record Installed(NextHop hop, int metric) {
    }

    /** One route table's kernel table as last made. */
    static final class TableState {
        final String routeTableId;
        final String namespace;
        final int number;
        final Map<Cidr, Installed> routes;

        TableState(String routeTableId, String namespace, int number, Map<Cidr, Installed> routes) {
            this.routeTableId = routeTableId;
            this.namespace = namespace;
            this.number = number;
            this.routes = routes;
        }
    }

    /** A socket and the identity (device and inode) of the namespace it was opened in. */
    private record Socket(Netlink netlink, String identity) {
    }

    private final KernelLayout layout;
    private final Map<String, Socket> sockets = new HashMap<>();
    private final Map<String, Map<String, Integer>> indexes = new HashMap<>();
    private final Map<String, TableState> tables = new HashMap<>();
    /** Routes vroute keeps in table main of instance namespaces and the internet namespace, by namespace. */
    private final Map<String, Map<Cidr, Installed>> mainRoutes = new HashMap<>();
    private KernelPlan applied;
    private Set<String> appliedItems = Set.of();
    private Set<String> items = new HashSet<>();
    private boolean wantsRepair;

    Reconciler(KernelLayout layout) {
        this.layout = layout;
    }

    /** Asks for a whole repair after the work at hand. */
    void wishRepair() {
        wantsRepair = true;
    }

    /** Whether the last piece of work met something only a whole repair can fix (a link or namespace gone). */
    boolean takeRepairWish() {
        boolean wish = wantsRepair;
        wantsRepair = false;
        return wish && applied != null;
    }

    // ------------------------------------------------------------------------------------------------ reconcile

    /** Makes the kernel hold the plan. */
    Report reconcile(KernelPlan plan, long submitted) {
        return run(plan, Table::routes, new ReportBuilder("reconcile", submitted));
    }

    /** Makes the kernel hold again what it was last made to hold: the last plan and every route change since. */
    Report repair(long submitted) {
        ReportBuilder report = new ReportBuilder("repair", submitted);
        if (applied == null) {
            return report.build();
        }
        return run(applied, table -> {
            TableState state = tables.get(table.routeTableId());
            return state == null ? table.routes() : hops(state.routes);
        }, report);
    }

    private Report run(KernelPlan plan, Function<Table, Map<Cidr, NextHop>> desired, ReportBuilder r) {
        items = new HashSet<>();
        wantsRepair = false;
        for (String problem : plan.problems()) {
            r.failed(problem);
        }
        removeStaleNamespaces(plan, r);

        Set<String> ready = new HashSet<>();
        for (Router router : plan.routers()) {
            if (ensureNamespace(router.namespace(), false, r) && settle(router.namespace(), ROUTER_SETTINGS, r)) {
                ready.add(router.namespace());
            }
        }
        String internet = layout.internetNamespace();
        if (plan.internet() && ensureNamespace(internet, false, r) && settle(internet, INTERNET_SETTINGS, r)) {
            ready.add(internet);
        }
        for (Instance instance : plan.instances()) {
            String ns = instance.namespace();
            if (ensureNamespace(ns, true, r)) {
                Map<String, String> wanted = instance.forwarding() ? FORWARDING_ON
                        : Files.exists(layout.createdMarker(ns)) ? FORWARDING_OFF : Map.of();
                if (settle(ns, wanted, r)) {
                    ready.add(ns);
                }
            }
        }

        Map<String, TableState> made = new HashMap<>();
        Map<String, Map<Cidr, NextHop>> mainWanted = new LinkedHashMap<>();
        for (Instance instance : plan.instances()) {
            mainWanted.put(instance.namespace(), new LinkedHashMap<>());
        }
        if (ready.contains(internet)) {
            mainWanted.put(internet, new LinkedHashMap<>());
        }
        for (Router router : plan.routers()) {
            if (!ready.contains(router.namespace())) {
                continue;
            }
            try {
                syncRouter(router, ready, desired, made, mainWanted, r);
            } catch (IOException e) {
                r.failed("router of " + router.vpcId() + " (" + router.namespace() + "): " + e.getMessage());
                wantsRepair = true;
            }
        }
        if (ready.contains(internet)) {
            try {
                removeStaleInternetLinks(plan, r);
            } catch (IOException e) {
                r.failed("internet namespace " + internet + ": " + e.getMessage());
            }
        }
        Map<String, Map<Cidr, Installed>> mainMade = new HashMap<>();
        for (Map.Entry<String, Map<Cidr, NextHop>> entry : mainWanted.entrySet()) {
            String ns = entry.getKey();
            if (!ready.contains(ns)) {
                continue;
            }
            try {
                Netlink netlink = socket(ns);
                refreshIndexes(ns, netlink);
                Map<Cidr, Installed> before = mainRoutes.get(ns);
                mainMade.put(ns, syncRoutes(netlink, ns, KernelLayout.MAIN_TABLE, entry.getValue(),
                        before == null ? null : hops(before), "in table main of " + ns, r));
            } catch (IOException e) {
                r.failed("routes in table main of " + ns + ": " + e.getMessage());
            }
        }

        // Tables of routers that could not be reached keep what is wanted, marked not installed: a later repair
        // or route change finds them.
        for (Router router : plan.routers()) {
            for (Table table : router.tables()) {
                made.computeIfAbsent(table.routeTableId(), id -> new TableState(id, router.namespace(), table.number(),
                        uninstalled(desired.apply(table))));
            }
        }
        tables.clear();
        tables.putAll(made);
        mainRoutes.clear();
        mainRoutes.putAll(mainMade);
        applied = plan;
        appliedItems = items;
        return r.build();
    }

    // ----------------------------------------------------------------------------------------------- namespaces

    private void removeStaleNamespaces(KernelPlan plan, ReportBuilder r) {
        Set<String> wanted = new HashSet<>();
        plan.routers().forEach(router -> wanted.add(router.namespace()));
        plan.instances().forEach(instance -> wanted.add(instance.namespace()));
        if (plan.internet()) {
            wanted.add(layout.internetNamespace());
        }
        try {
            for (String ns : Namespaces.list()) {
                if (wanted.contains(ns)) {
                    continue;
                }
                boolean created = Files.exists(layout.createdMarker(ns));
                if (layout.ownsNamespace(ns) || created) {
                    deleteNamespace(ns);
                    r.removed("namespace " + ns);
                }
            }
            Path markers = layout.createdMarker("x").getParent();
            if (Files.isDirectory(markers)) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(markers)) {
                    for (Path marker : files) {
                        String ns = marker.getFileName().toString();
                        if (!wanted.contains(ns) && !Files.exists(Namespaces.RUN_NETNS.resolve(ns))) {
                            Files.deleteIfExists(marker);
                        }
                    }
                }
            }
        } catch (IOException e) {
            r.failed("removing namespaces vroute no longer needs: " + e.getMessage());
        }
    }

    /**
     * Deletes a namespace, its veths first: the kernel tears a namespace down later, in the background, and not at
     * all while a socket (the daemon's BGP listener) still holds it; until then the far ends of its veths would stay
     * in the instance and internet namespaces.
     */
    private void deleteNamespace(String ns) throws IOException {
        if (layout.ownsNamespace(ns)) {
            try {
                Netlink netlink = socket(ns);
                for (LinkInfo link : links(netlink).values()) {
                    if (KernelLayout.ownedLink(link.name()) && link.kind().equals("veth")) {
                        deleteLink(netlink, link.name());
                    }
                }
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "cannot delete the veths of " + ns + " before it: " + e.getMessage());
            }
        }
        dropSocket(ns);
        try {
            Namespaces.delete(ns);
        } catch (NoSuchFileException gone) {
            // deleted meanwhile: what was wanted
        }
        Files.deleteIfExists(layout.createdMarker(ns));
    }

    /**
     * Makes sure the namespace exists. An instance namespace vroute creates gets a marker file first, so that it is
     * deleted again when no interface leads there any more (and a crash between the two leaves only a marker).
     */
    private boolean ensureNamespace(String ns, boolean instance, ReportBuilder r) {
        String item = "namespace " + ns;
        try {
            if (Namespaces.exists(ns)) {
                items.add(item);
                return true;
            }
            dropSocket(ns);
            Path marker = layout.createdMarker(ns);
            if (instance) {
                Files.createDirectories(marker.getParent());
                Files.writeString(marker, "created by vroute; deleted with the namespace\n", StandardCharsets.US_ASCII);
            }
            try {
                Namespaces.create(ns);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(marker);
                throw e;
            }
            r.made(item, appliedItems.contains(item));
            items.add(item);
            return true;
        } catch (IOException e) {
            r.failed("create namespace " + ns + ": " + e.getMessage());
            return false;
        }
    }

    /** Writes each kernel setting under /proc/sys/net that differs, inside the namespace. */
    private boolean settle(String ns, Map<String, String> wanted, ReportBuilder r) {
        if (wanted.isEmpty()) {
            return true;
        }
        try {
            List<String> fixed = Namespaces.call(ns, () -> {
                List<String> changed = new ArrayList<>();
                for (Map.Entry<String, String> setting : wanted.entrySet()) {
                    Path file = Path.of("/proc/sys/net").resolve(setting.getKey());
                    if (!Files.exists(file)) {
                        continue;   // IPv6 disabled
                    }
                    if (!Files.readString(file, StandardCharsets.US_ASCII).strip().equals(setting.getValue())) {
                        Files.writeString(file, setting.getValue() + "\n", StandardCharsets.US_ASCII);
                        changed.add(setting.getKey());
                    }
                }
                return changed;
            });
            for (String key : wanted.keySet()) {
                String item = "setting net/" + key + "=" + wanted.get(key) + " in " + ns;
                if (fixed.contains(key)) {
                    r.made(item, appliedItems.contains(item));
                }
                items.add(item);
            }
            return true;
        } catch (IOException e) {
            r.failed("kernel settings in namespace " + ns + ": " + e.getMessage());
            return false;
        }
    }

    // --------------------------------------------------------------------------------------------------- routers

    private void syncRouter(Router router, Set<String> ready, Function<Table, Map<Cidr, NextHop>> desired,
                            Map<String, TableState> made, Map<String, Map<Cidr, NextHop>> mainWanted, ReportBuilder r)
            throws IOException {
        String ns = router.namespace();
        Netlink netlink = socket(ns);
        Map<String, LinkInfo> links = links(netlink);

        Set<String> planned = new HashSet<>();
        router.bridges().forEach(bridge -> planned.add(bridge.name()));
        router.interfaces().forEach(attachment -> planned.add(attachment.routerLink()));
        if (router.gateway() != null) {
            planned.add(router.gateway().routerLink());
        }
        for (LinkInfo link : links.values()) {
            if (KernelLayout.ownedLink(link.name()) && !planned.contains(link.name())) {
                deleteLink(netlink, link.name());
                r.removed("link " + link.name() + " in " + ns);
            }
        }

        for (Bridge bridge : router.bridges()) {
            String item = "bridge " + bridge.name() + " in " + ns;
            LinkInfo link = links.get(bridge.name());
            if (link == null) {
                netlink.links().createBridge(bridge.name());
                r.made(item, appliedItems.contains(item));
            }
            setUp(netlink, ns, bridge.name(), link, r);
            items.add(item);
            addresses(netlink, ns, bridge.name(), bridge.addresses(), r);
        }
        links = links(netlink);

        Gateway gateway = router.gateway();
        String internet = layout.internetNamespace();
        if (gateway != null && ready.contains(internet)) {
            try {
                links = veth(netlink, ns, links, gateway.routerLink(), internet, gateway.internetLink(),
                        "internet gateway " + gateway.internetGatewayId(), null, r);
                addresses(netlink, ns, gateway.routerLink(), gateway.routerAddresses(), r);
                addresses(socket(internet), internet, gateway.internetLink(), gateway.internetAddresses(), r);
                Map<Cidr, NextHop> back = mainWanted.get(internet);
                gateway.internetRoutes().forEach(route -> back.put(route.destination(), route.nextHop()));
            } catch (IOException e) {
                r.failed("link of internet gateway " + gateway.internetGatewayId() + ": " + e.getMessage());
            }
        }
        for (Attachment attachment : router.interfaces()) {
            if (!ready.contains(attachment.namespace())) {
                continue;
            }
            try {
                links = veth(netlink, ns, links, attachment.routerLink(), attachment.namespace(), attachment.link(),
                        "network interface " + attachment.networkInterfaceId(), attachment.bridge(), r);
                if (links.containsKey(attachment.routerLink())) {
                    addresses(socket(attachment.namespace()), attachment.namespace(), attachment.link(),
                            attachment.addresses(), r);
                    Map<Cidr, NextHop> main = mainWanted.get(attachment.namespace());
                    attachment.routes().forEach(route -> main.put(route.destination(), route.nextHop()));
                }
            } catch (IOException e) {
                r.failed("veth of network interface " + attachment.networkInterfaceId() + ": " + e.getMessage());
            }
        }
        refreshIndexes(ns, netlink);

        Set<Integer> numbers = new HashSet<>();
        for (Table table : router.tables()) {
            numbers.add(table.number());
            TableState before = tables.get(table.routeTableId());
            Map<Cidr, NextHop> previous = before != null && before.number == table.number()
                    && before.namespace.equals(ns) ? hops(before.routes) : null;
            String where = "in table " + table.number() + " (" + table.routeTableId() + ") of " + ns;
            Map<Cidr, Installed> now = syncRoutes(netlink, ns, table.number(), desired.apply(table), previous, where, r);
            made.put(table.routeTableId(), new TableState(table.routeTableId(), ns, table.number(), now));
        }

        List<RuleSpec> rules = new ArrayList<>(netlink.rules().listOwned(IpVersion.V4));
        try {
            rules.addAll(netlink.rules().listOwned(IpVersion.V6));
        } catch (IOException e) {
            if (router.ipv6()) {
                throw e;
            }
        }
        // Tables vroute made in this namespace that no plan holds any more: those it remembers, and those its rules
        // point at (after a restart, a table no rule points at is unknown, and harmless: no packet is routed by it).
        Set<Integer> stale = new HashSet<>();
        for (TableState state : tables.values()) {
            if (state.namespace.equals(ns) && !numbers.contains(state.number)) {
                stale.add(state.number);
            }
        }
        for (RuleSpec rule : rules) {
            if (!numbers.contains(rule.table()) && rule.table() != KernelLayout.MAIN_TABLE) {
                stale.add(rule.table());
            }
        }
        for (int number : stale) {
            syncRoutes(netlink, ns, number, Map.of(), null, "in table " + number + " of " + ns, r);
        }

        // New rules first: a rule that moves to another table is never missing for a moment.
        Set<RuleSpec> have = new HashSet<>(rules);
        Set<RuleSpec> want = new HashSet<>(router.rules());
        for (RuleSpec rule : router.rules()) {
            String item = "rule " + rule + " in " + ns;
            if (!have.contains(rule)) {
                try {
                    netlink.rules().add(rule);
                    r.made(item, appliedItems.contains(item));
                } catch (NetlinkException e) {
                    r.failed(e.getMessage());
                    continue;
                }
            }
            items.add(item);
        }
        for (RuleSpec rule : rules) {
            if (!want.contains(rule)) {
                try {
                    netlink.rules().delete(rule);
                    r.removed("rule " + rule + " in " + ns);
                } catch (NetlinkException e) {
                    r.failed(e.getMessage());
                }
            }
        }
    }

    /**
     * Makes sure the veth pair exists with its far end in {@code farNamespace} under {@code farName}, both ends up,
     * the near end a port of {@code bridge} (when given). A near end whose far end is not where the plan wants it is
     * made again. Returns the namespace's links as they are now.
     */
    private Map<String, LinkInfo> veth(Netlink netlink, String ns, Map<String, LinkInfo> links, String nearName,
                                       String farNamespace, String farName, String what, String bridge,
                                       ReportBuilder r) throws IOException {
        Netlink far = socket(farNamespace);
        Map<String, LinkInfo> farLinks = links(far);
        LinkInfo near = links.get(nearName);
        String item = "veth " + nearName + " (" + ns + ") - " + farName + " (" + farNamespace + ") of " + what;
        boolean known = appliedItems.contains(item);
        if (near != null && !farLinks.containsKey(farName)) {
            deleteLink(netlink, nearName);   // its far end is gone or elsewhere: make the pair again
            near = null;
        }
        if (near == null) {
            if (farLinks.containsKey(farName)) {
                r.failed(what + ": namespace " + farNamespace + " holds a link " + farName + " that vroute did not "
                        + "make, so the veth cannot be made: delete or rename that link (ip -n " + farNamespace
                        + " link del " + farName + "), or tag the interface with another namespace");
                return links;
            }
            netlink.links().createVethPair(nearName, farName, farNamespace);
            r.made(item, known);
            links = links(netlink);
            farLinks = links(far);
            near = links.get(nearName);
            known = false;   // what follows is part of making it, not a repair
        }
        items.add(item);
        if (bridge != null) {
            LinkInfo master = links.get(bridge);
            if (master != null && (near.master().isEmpty() || near.master().getAsInt() != master.index())) {
                netlink.links().setMaster(nearName, bridge);
                if (known) {
                    r.repaired("port " + nearName + " of bridge " + bridge + " in " + ns);
                }
            }
        }
        setUp(netlink, ns, nearName, known ? near : null, r);
        setUp(far, farNamespace, farName, known ? farLinks.get(farName) : null, r);
        return links;
    }

    /** Sets the link up unless it is; {@code link} is null for a link just made (nothing to report then). */
    private void setUp(Netlink netlink, String ns, String name, LinkInfo link, ReportBuilder r) throws IOException {
        if (link != null && link.up()) {
            return;
        }
        netlink.links().setUp(name);
        if (link != null) {
            r.repaired("link " + name + " in " + ns + " set up (it was down)");
        }
    }

    private void deleteLink(Netlink netlink, String name) throws IOException {
        try {
            netlink.links().delete(name);
        } catch (NetlinkException e) {
            if (e.errno() != ENODEV) {
                throw e;   // ENODEV: the peer of a veth deleted just before
            }
        }
    }

    /** Makes the link hold exactly the planned addresses, besides the IPv6 link-local ones the kernel gives it. */
    private void addresses(Netlink netlink, String ns, String link, List<LinkAddress> planned, ReportBuilder r)
            throws IOException {
        List<AddressInfo> have = netlink.addresses().list(link);
        for (AddressInfo address : have) {
            boolean wanted = planned.stream().anyMatch(p -> p.address().equals(address.address())
                    && p.prefixLength() == address.prefixLength());
            if (!wanted && !Inet.linkLocal(address.address())) {
                netlink.addresses().delete(link, address.address(), address.prefixLength());
                r.removed("address " + Inet.text(address.address()) + "/" + address.prefixLength() + " on "
                        + link + " in " + ns);
            }
        }
        for (LinkAddress address : planned) {
            String item = "address " + address + " on " + link + " in " + ns;
            boolean present = have.stream().anyMatch(a -> a.address().equals(address.address())
                    && a.prefixLength() == address.prefixLength());
            if (!present) {
                netlink.addresses().add(link, address.address(), address.prefixLength());
                r.made(item, appliedItems.contains(item));
            }
            items.add(item);
        }
    }

    private void removeStaleInternetLinks(KernelPlan plan, ReportBuilder r) throws IOException {
        String ns = layout.internetNamespace();
        Set<String> planned = new HashSet<>();
        for (Router router : plan.routers()) {
            if (router.gateway() != null) {
                planned.add(router.gateway().internetLink());
            }
        }
        Netlink netlink = socket(ns);
        for (LinkInfo link : links(netlink).values()) {
            if (KernelLayout.ownedLink(link.name()) && !planned.contains(link.name())) {
                deleteLink(netlink, link.name());
                r.removed("link " + link.name() + " in " + ns);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------- routes

    /**
     * Makes vroute's routes in one kernel table equal to {@code want}: reads them back, adds what is missing, moves
     * what differs (the new route with the other metric, then the old one deleted), deletes what is not wanted.
     * Routes of other owners are never touched: an add never replaces, a delete names vroute's protocol.
     *
     * @param previous what vroute had made the table hold before (null when unknown): a difference the model did not
     *                 ask for is a repair
     * @return what the table holds now, per destination (metric {@link #UNINSTALLED} for what failed)
     */
    private Map<Cidr, Installed> syncRoutes(Netlink netlink, String ns, int table, Map<Cidr, NextHop> want,
                                            Map<Cidr, NextHop> previous, String where, ReportBuilder r)
            throws IOException {
        Map<String, Integer> index = indexes(ns, netlink);
        Map<Cidr, List<RouteSpec>> have = new HashMap<>();
        for (RouteSpec route : netlink.routes().dumpOwned(table)) {
            have.computeIfAbsent(Inet.cidr(route.destination()), d -> new ArrayList<>(1)).add(route);
        }
        List<RouteOperation> first = new ArrayList<>();
        List<RouteOperation> later = new ArrayList<>();
        List<Runnable> firstDone = new ArrayList<>();
        List<Runnable> laterDone = new ArrayList<>();
        Map<Cidr, Installed> result = new HashMap<>(want.size() * 4 / 3 + 4);
        for (Map.Entry<Cidr, NextHop> entry : want.entrySet()) {
            Cidr destination = entry.getKey();
            NextHop hop = entry.getValue();
            List<RouteSpec> present = have.remove(destination);
            if (present == null) {
                present = List.of();
            }
            RouteSpec keep = null;
            for (RouteSpec route : present) {
                if (keep == null && ourMetric(route) && matches(route, hop, index)) {
                    keep = route;
                }
            }
            if (keep != null) {
                result.put(destination, new Installed(hop, keep.metric().getAsInt()));
                for (RouteSpec route : present) {
                    if (route != keep) {
                        later.add(RouteOperation.delete(route));
                        laterDone.add(() -> r.removed("duplicate route " + show(route, index) + " " + where));
                    }
                }
                continue;
            }
            RouteSpec spec = spec(table, destination, hop, KernelLayout.FIRST_METRIC, index);
            if (spec == null) {
                r.failed("route " + destination + " " + hop + " " + where + ": there is no link " + hop.device()
                        + " in " + ns + "; the next repair makes it (LinuxDataplane.repair)");
                wantsRepair = true;
                result.put(destination, new Installed(hop, UNINSTALLED));
                continue;
            }
            int metric = KernelLayout.FIRST_METRIC;
            RouteSpec blocking = null;
            for (RouteSpec route : present) {
                if (route.metric().orElse(-2) == KernelLayout.FIRST_METRIC) {
                    metric = KernelLayout.SECOND_METRIC;
                }
            }
            if (metric == KernelLayout.SECOND_METRIC) {
                for (RouteSpec route : present) {
                    if (route.metric().orElse(-2) == KernelLayout.SECOND_METRIC) {
                        blocking = route;   // both metrics taken by wrong routes: free one first
                    }
                }
            }
            if (blocking != null) {
                first.add(RouteOperation.delete(blocking));
                firstDone.add(null);
            }
            NextHop before = previous == null ? null : previous.get(destination);
            String line = "route " + destination + " " + hop + " " + where;
            boolean wasThere = !present.isEmpty();
            first.add(RouteOperation.add(spec.withMetric(metric)));
            firstDone.add(() -> {
                if (hop.equals(before)) {
                    r.repaired(line + (wasThere ? " (it had been altered)" : " (it was missing)"));
                } else if (wasThere) {
                    r.changed(line);
                } else {
                    r.created(line);
                }
            });
            for (RouteSpec route : present) {
                if (route != blocking) {
                    later.add(RouteOperation.delete(route));
                    laterDone.add(null);
                }
            }
            result.put(destination, new Installed(hop, metric));
        }
        for (List<RouteSpec> stale : have.values()) {
            for (RouteSpec route : stale) {
                later.add(RouteOperation.delete(route));
                laterDone.add(() -> r.removed("route " + show(route, index) + " " + where));
            }
        }
        if (first.isEmpty() && later.isEmpty()) {
            return result;
        }
        List<RouteOperation> operations = new ArrayList<>(first);
        operations.addAll(later);
        List<Runnable> done = new ArrayList<>(firstDone);
        done.addAll(laterDone);
        BatchResult outcome = netlink.routes().apply(operations);
        Set<Integer> failed = new HashSet<>();
        for (BatchResult.Failure failure : outcome.failures()) {
            RouteOperation op = failure.operation();
            if (op.kind() == RouteOperation.Kind.DELETE && failure.error().errno() == ESRCH) {
                continue;   // gone already
            }
            failed.add(failure.index());
            r.failed(explain(failure, ns, table, index));
            if (failure.error().errno() == ENODEV) {
                wantsRepair = true;
            }
            if (op.kind() == RouteOperation.Kind.ADD) {
                Cidr destination = Inet.cidr(op.route().destination());
                Installed wanted = result.get(destination);
                if (wanted != null) {
                    result.put(destination, new Installed(wanted.hop(), UNINSTALLED));
                }
            }
        }
        for (int i = 0; i < done.size(); i++) {
            if (done.get(i) != null && !failed.contains(i)) {
                done.get(i).run();
            }
        }
        return result;
    }

    private static String explain(BatchResult.Failure failure, String ns, int table, Map<String, Integer> index) {
        RouteSpec route = failure.operation().route();
        if (failure.operation().kind() == RouteOperation.Kind.ADD && failure.error().errno() == EEXIST) {
            return "route " + show(route, index) + " in table " + table + " of " + ns + ": another owner's route holds "
                    + route.destination() + " with metric " + route.metric().orElse(0) + ", and vroute never "
                    + "replaces a route it does not own; remove that route (ip -n " + ns + " route del "
                    + route.destination() + " table " + table + " metric " + route.metric().orElse(0) + ")";
        }
        return failure.error().getMessage();
    }

    private static boolean ourMetric(RouteSpec route) {
        int metric = route.metric().orElse(-2);
        return metric == KernelLayout.FIRST_METRIC || metric == KernelLayout.SECOND_METRIC;
    }

    private static boolean matches(RouteSpec route, NextHop hop, Map<String, Integer> index) {
        return switch (hop.kind()) {
            case BLACKHOLE -> route.type() == RouteType.BLACKHOLE;
            case DEVICE -> route.type() == RouteType.UNICAST && route.gateway().isEmpty()
                    && sameIndex(route.outputInterface(), index.get(hop.device()));
            case VIA -> route.type() == RouteType.UNICAST && route.gateway().equals(Optional.of(hop.gateway()))
                    && sameIndex(route.outputInterface(), index.get(hop.device()));
        };
    }

    private static boolean sameIndex(OptionalInt actual, Integer wanted) {
        return wanted != null && actual.isPresent() && actual.getAsInt() == wanted;
    }

    /** The route vroute writes, or null when its link does not exist. */
    static RouteSpec spec(int table, Cidr destination, NextHop hop, int metric, Map<String, Integer> index) {
        OptionalInt device = OptionalInt.empty();
        if (hop.device() != null) {
            Integer i = index.get(hop.device());
            if (i == null) {
                return null;
            }
            device = OptionalInt.of(i);
        }
        return new RouteSpec(table, Inet.prefix(destination), Optional.ofNullable(hop.gateway()), device,
                Netlink.VROUTE_PROTOCOL, OptionalInt.of(metric),
                hop.kind() == NextHop.Kind.BLACKHOLE ? RouteType.BLACKHOLE : RouteType.UNICAST);
    }

    /** What a delete needs: table, destination, metric (the protocol is vroute's). */
    static RouteSpec deletion(int table, Cidr destination, int metric) {
        return new RouteSpec(table, Inet.prefix(destination), Optional.empty(), OptionalInt.empty(),
                Netlink.VROUTE_PROTOCOL, OptionalInt.of(metric), RouteType.UNICAST);
    }

    /** Like {@code ip route}: {@code 10.0.1.0/24 dev br-0a1b2c3d4e5f metric 10}. */
    private static String show(RouteSpec route, Map<String, Integer> index) {
        StringBuilder s = new StringBuilder();
        if (route.type() != RouteType.UNICAST) {
            s.append(route.type().name().toLowerCase(Locale.ROOT)).append(' ');
        }
        s.append(Inet.text(route.destination().address())).append('/').append(route.destination().length());
        route.gateway().ifPresent(g -> s.append(" via ").append(Inet.text(g)));
        if (route.outputInterface().isPresent()) {
            int wanted = route.outputInterface().getAsInt();
            String name = index.entrySet().stream().filter(e -> e.getValue() == wanted).map(Map.Entry::getKey)
                    .findFirst().orElse("#" + wanted);
            s.append(" dev ").append(name);
        }
        route.metric().ifPresent(m -> s.append(" metric ").append(Integer.toUnsignedString(m)));
        return s.toString();
    }

    // ------------------------------------------------------------------------------------------------- fast path

    /** Applies one table's route changes: for each, at most an add and a delete, all in one send. */
    Report routes(RouteBatch batch, long submitted) throws IOException {
        ReportBuilder r = new ReportBuilder("routes", submitted);
        TableState table = tables.get(batch.routeTableId());
        if (table == null) {
            r.failed("route table " + batch.routeTableId() + " is in no plan reconciled so far, so it has no kernel "
                    + "table yet: reconcile a plan that holds it first (LinuxDataplane.reconcile)");
            return r.build();
        }
        Socket socket = sockets.get(table.namespace);
        Netlink netlink = socket != null ? socket.netlink() : socket(table.namespace);
        Map<String, Integer> index = indexes(table.namespace, netlink);
        String where = "in table " + table.number + " (" + table.routeTableId + ") of " + table.namespace;

        List<RouteOperation> operations = new ArrayList<>(batch.size() * 2);
        List<Runnable> done = new ArrayList<>(batch.size() * 2);
        for (RouteBatch.Change change : batch.changes()) {
            Cidr destination = change.destination();
            Installed current = table.routes.get(destination);
            boolean installed = current != null && current.metric() != UNINSTALLED;
            if (change.removal()) {
                if (current != null) {
                    table.routes.remove(destination);
                }
                if (installed) {
                    operations.add(RouteOperation.delete(deletion(table.number, destination, current.metric())));
                    done.add(() -> r.removed("route " + destination + " " + current.hop() + " " + where));
                }
                continue;
            }
            NextHop hop = change.nextHop();
            if (installed && current.hop().equals(hop)) {
                continue;
            }
            int metric = installed && current.metric() == KernelLayout.FIRST_METRIC
                    ? KernelLayout.SECOND_METRIC : KernelLayout.FIRST_METRIC;
            RouteSpec spec = spec(table.number, destination, hop, metric, index);
            if (spec == null && hop.device() != null) {
                // a link made since the last reconcile, or a stale cache: look once in the kernel
                netlink.links().indexOf(hop.device()).ifPresent(i -> index.put(hop.device(), i));
                spec = spec(table.number, destination, hop, metric, index);
            }
            if (spec == null) {
                r.failed("route " + destination + " " + hop + " " + where + ": there is no link " + hop.device()
                        + " in " + table.namespace + "; a repair follows (LinuxDataplane.repair)");
                wantsRepair = true;
                table.routes.put(destination, new Installed(hop, UNINSTALLED));
                continue;
            }
            operations.add(RouteOperation.add(spec));
            String line = "route " + destination + " " + hop + " " + where;
            done.add(current == null ? () -> r.created(line) : () -> r.changed(line));
            if (installed) {
                operations.add(RouteOperation.delete(deletion(table.number, destination, current.metric())));
                done.add(null);
            }
            table.routes.put(destination, new Installed(hop, metric));
        }
        if (operations.isEmpty()) {
            return r.build();
        }
        BatchResult outcome = netlink.routes().apply(operations);
        Set<Integer> failed = new HashSet<>();
        for (BatchResult.Failure failure : outcome.failures()) {
            if (failure.operation().kind() == RouteOperation.Kind.DELETE && failure.error().errno() == ESRCH) {
                continue;   // gone already: what the delete wanted
            }
            failed.add(failure.index());
        }
        for (int i = 0; i < done.size(); i++) {
            if (done.get(i) != null && !failed.contains(i)) {
                done.get(i).run();
            }
        }
        if (!failed.isEmpty()) {
            // The kernel is not what vroute last made it: read the table back and make it right.
            LOG.log(System.Logger.Level.DEBUG, "{0} of {1} route operations refused {2}; reading the table back",
                    failed.size(), operations.size(), where);
            Map<Cidr, NextHop> want = hops(table.routes);
            Map<Cidr, Installed> now = syncRoutes(netlink, table.namespace, table.number, want, want, where, r);
            table.routes.clear();
            table.routes.putAll(now);
        }
        return r.build();
    }

    // ---------------------------------------------------------------------------------------------------- reading

    /** Every route in the route table's kernel table, whoever owns it. */
    List<DumpedRoute> dump(String routeTableId) throws IOException {
        TableState table = tables.get(routeTableId);
        if (table == null) {
            throw new IllegalArgumentException("route table " + routeTableId + " is in no plan reconciled so far: "
                    + "reconcile a plan that holds it first");
        }
        Netlink netlink = socket(table.namespace);
        Map<Integer, String> names = new HashMap<>();
        for (LinkInfo link : netlink.links().list()) {
            names.put(link.index(), link.name());
        }
        List<DumpedRoute> routes = new ArrayList<>();
        for (RouteSpec route : netlink.routes().dump(table.number)) {
            int metric = route.metric().orElse(route.destination().ipv6() ? 1024 : 0);
            routes.add(new DumpedRoute(Inet.cidr(route.destination()), route.type().name().toLowerCase(Locale.ROOT),
                    route.gateway().orElse(null),
                    route.outputInterface().isPresent() ? names.get(route.outputInterface().getAsInt()) : null,
                    route.protocol(), metric));
        }
        return routes;
    }

    // ---------------------------------------------------------------------------------------------------- sockets

    /** The socket for the namespace; made again when the namespace was deleted and made anew behind vroute's back. */
    private Netlink socket(String ns) throws IOException {
        String identity = identity(ns);
        Socket socket = sockets.get(ns);
        if (socket != null && socket.identity().equals(identity)) {
            return socket.netlink();
        }
        dropSocket(ns);
        Netlink netlink = Netlink.openIn(ns);
        sockets.put(ns, new Socket(netlink, identity));
        return netlink;
    }

    private void dropSocket(String ns) {
        Socket socket = sockets.remove(ns);
        indexes.remove(ns);
        if (socket != null) {
            socket.netlink().close();
        }
    }

    private static String identity(String ns) throws IOException {
        Path file = Namespaces.RUN_NETNS.resolve(ns);
        return Files.getAttribute(file, "unix:dev") + ":" + Files.getAttribute(file, "unix:ino");
    }

    private static Map<String, LinkInfo> links(Netlink netlink) throws IOException {
        Map<String, LinkInfo> links = new LinkedHashMap<>();
        for (LinkInfo link : netlink.links().list()) {
            links.put(link.name(), link);
        }
        return links;
    }

    private Map<String, Integer> indexes(String ns, Netlink netlink) throws IOException {
        Map<String, Integer> index = indexes.get(ns);
        return index != null ? index : refreshIndexes(ns, netlink);
    }

    private Map<String, Integer> refreshIndexes(String ns, Netlink netlink) throws IOException {
        Map<String, Integer> index = new HashMap<>();
        for (LinkInfo link : netlink.links().list()) {
            index.put(link.name(), link.index());
        }
        indexes.put(ns, index);
        return index;
    }

    private static Map<Cidr, NextHop> hops(Map<Cidr, Installed> routes) {
        Map<Cidr, NextHop> hops = new HashMap<>(routes.size() * 4 / 3 + 4);
        routes.forEach((destination, installed) -> hops.put(destination, installed.hop()));
        return hops;
    }

    private static Map<Cidr, Installed> uninstalled(Map<Cidr, NextHop> routes) {
        Map<Cidr, Installed> result = new HashMap<>(routes.size() * 4 / 3 + 4);
        routes.forEach((destination, hop) -> result.put(destination, new Installed(hop, UNINSTALLED)));
        return result;
    }

    private static Map<String, String> settings(String... keysAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    @Override
    public void close() {
        for (String ns : List.copyOf(sockets.keySet())) {
            dropSocket(ns);
        }
    }
}
