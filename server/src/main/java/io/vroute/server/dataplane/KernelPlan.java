package io.vroute.server.dataplane;

import io.vroute.linux.IpVersion;
import io.vroute.linux.RuleSpec;
import io.vroute.vpc.Cidr;
import io.vroute.vpc.Network;
import io.vroute.vpc.NetworkInterface;
import io.vroute.vpc.RouteTable;
import io.vroute.vpc.Subnet;
import io.vroute.vpc.Vpc;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the kernel must hold for a {@link Network}: an immutable value computed on the thread that owns the network
 * ({@link #of}) and handed to {@link LinuxDataplane#reconcile(KernelPlan)}, which makes the kernel equal to it.
 *
 * <p>Per VPC a {@link Router}: a namespace with forwarding on, a bridge per subnet holding the VPC router's address
 * (the subnet's first host, .1, and {@code ::1} of its IPv6 /64) and the addresses of the route server endpoints in
 * it; a veth per network interface tagged {@value KernelLayout#NAMESPACE_TAG}; a veth to the internet namespace for
 * an attached internet gateway; a kernel table per route table; the rules {@code iif <bridge> lookup <table of the
 * subnet>} and {@code iif <gateway link> lookup <edge table>}.
 *
 * <p>Per instance namespace (the tag's value) an {@link Instance}: forwarding on when any of its interfaces has the
 * source/destination check off. Its interfaces are {@code eth0}, {@code eth1}, ... in the order the interfaces were
 * created; {@code eth0} gets the default routes (via the subnet's router address), the others only their subnet.
 *
 * <p>Internet gateway links are point-to-point: the VPC side is 169.254.0.1/30 and fe80::1/64, the internet side
 * 169.254.0.2/30 and fe80::2/64, the same on every link (each link is a network of its own). The internet namespace
 * routes each VPC's blocks back through that VPC's link. So VPC blocks must not overlap for the internet namespace
 * to reach both.
 *
 * <p>Model errors that keep part of the plan from being built (a tag value that is no namespace name, two ids
 * sharing a short name) are listed in {@link #problems()}, each saying what to do; the rest of the plan stands.
 */
public final class KernelPlan {

    /** The namespace a network interface must be in: the value of its {@value KernelLayout#NAMESPACE_TAG} tag. */
    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9_.@+-]{1,64}");
    private static final String ENDPOINT_TYPE = "route_server_endpoint";

    /**
     * One VPC's router namespace.
     *
     * @param vpcId      the VPC
     * @param namespace  its router namespace
     * @param ipv6       whether the VPC has an IPv6 block (IPv6 rules are written only then)
     * @param bridges    one per subnet
     * @param interfaces the veths of tagged network interfaces
     * @param gateway    the internet gateway's link, or null when none is attached
     * @param tables     one per route table of the VPC
     * @param rules      the policy rules, IPv4 and IPv6
     */
    public record Router(String vpcId, String namespace, boolean ipv6, List<Bridge> bridges,
                         List<Attachment> interfaces, Gateway gateway, List<Table> tables, List<RuleSpec> rules) {
    }

    /**
     * A subnet's bridge in its router namespace.
     *
     * @param subnetId  the subnet
     * @param name      the bridge's name
     * @param addresses the router's addresses, then the route server endpoints' addresses
     */
    public record Bridge(String subnetId, String name, List<LinkAddress> addresses) {
    }

    /**
     * An address with the prefix length of its network.
     *
     * @param address      the address
     * @param prefixLength the length of its subnet's prefix
     */
    public record LinkAddress(InetAddress address, int prefixLength) {
        @Override
        public String toString() {
            return Inet.text(address) + "/" + prefixLength;
        }
    }

    /**
     * A network interface as a veth pair: the router end a port of its subnet's bridge, the far end in an instance
     * namespace with the interface's addresses.
     *
     * @param networkInterfaceId the interface
     * @param routerLink         the router end
     * @param bridge             the bridge the router end is a port of
     * @param namespace          the instance namespace
     * @param link               the far end's name there (eth0, eth1, ...)
     * @param addresses          the interface's addresses, with its subnet's prefix lengths
     * @param routes             the routes the instance namespace gets through this link (table main): default
     *                           routes via the subnet's router, for the namespace's first interface only
     */
    public record Attachment(String networkInterfaceId, String routerLink, String bridge, String namespace, String link,
                             List<LinkAddress> addresses, List<KernelRoute> routes) {
    }

    /**
     * An internet gateway as a veth pair between the router and the internet namespace.
     *
     * @param internetGatewayId the gateway
     * @param routerLink        the router end
     * @param internetLink      the internet end
     * @param routerAddresses   169.254.0.1/30 (and fe80::1/64 with IPv6)
     * @param internetAddresses 169.254.0.2/30 (and fe80::2/64 with IPv6)
     * @param internetRoutes    the routes to the VPC's blocks the internet namespace gets (table main)
     */
    public record Gateway(String internetGatewayId, String routerLink, String internetLink,
                          List<LinkAddress> routerAddresses, List<LinkAddress> internetAddresses,
                          List<KernelRoute> internetRoutes) {
    }

    /**
     * A route table as a kernel routing table.
     *
     * @param routeTableId the route table
     * @param number       the kernel table
     * @param routes       what it holds, by destination
     */
    public record Table(String routeTableId, int number, Map<Cidr, NextHop> routes) {
        @Override
        public String toString() {
            return "Table[" + routeTableId + " = " + number + ", " + routes.size() + " routes]";
        }
    }

    /**
     * An instance namespace: where tagged network interfaces lead.
     *
     * @param namespace  its name (the tag's value)
     * @param forwarding whether it forwards (an interface in it has the source/destination check off)
     */
    public record Instance(String namespace, boolean forwarding) {
    }

    private final KernelLayout layout;
    private final List<Router> routers;
    private final List<Instance> instances;
    private final List<String> problems;
    private final Map<String, Router> routerByVpc = new HashMap<>();
    private final Map<String, Table> tableById = new HashMap<>();
    private final Map<String, Router> routerByTable = new HashMap<>();

    private KernelPlan(KernelLayout layout, List<Router> routers, List<Instance> instances, List<String> problems) {
        this.layout = layout;
        this.routers = List.copyOf(routers);
        this.instances = List.copyOf(instances);
        this.problems = List.copyOf(problems);
        for (Router router : this.routers) {
            routerByVpc.put(router.vpcId(), router);
            for (Table table : router.tables()) {
                tableById.put(table.routeTableId(), table);
                routerByTable.put(table.routeTableId(), router);
            }
        }
    }

    /** A plan with nothing in it: reconciling it removes everything vroute made with this layout. */
    public static KernelPlan empty(KernelLayout layout) {
        return new KernelPlan(layout, List.of(), List.of(), List.of());
    }

    /**
     * The plan for the network. Call it on the thread that owns the network; it reads every VPC resource and every
     * route table's effective routes, and takes time in proportion to them (no kernel work).
     */
    public static KernelPlan of(Network network, KernelLayout layout) {
        List<String> problems = new ArrayList<>();
        // Instance namespaces first: the eth numbers count across VPCs, in the order the interfaces were created.
        Map<String, String> linkOf = new HashMap<>();
        Map<String, String> namespaceOf = new HashMap<>();
        Map<String, Boolean> forwarding = new LinkedHashMap<>();
        Map<String, Integer> count = new HashMap<>();
        for (NetworkInterface eni : network.networkInterfaces()) {
            String namespace = eni.tags().get(KernelLayout.NAMESPACE_TAG);
            if (namespace == null) {
                continue;
            }
            if (!NAMESPACE.matcher(namespace).matches() || namespace.equals(".") || namespace.equals("..")) {
                problems.add(eni.networkInterfaceId() + ": tag " + KernelLayout.NAMESPACE_TAG + "='" + namespace
                        + "' is not a namespace name; use 1 to 64 letters, digits and . _ - @ +");
                continue;
            }
            if (layout.ownsNamespace(namespace)) {
                problems.add(eni.networkInterfaceId() + ": tag " + KernelLayout.NAMESPACE_TAG + "='" + namespace
                        + "' names a namespace vroute keeps for itself; pick a name not starting with "
                        + layout.prefix() + "vpc- and other than " + layout.internetNamespace());
                continue;
            }
            int index = count.merge(namespace, 1, Integer::sum) - 1;
            linkOf.put(eni.networkInterfaceId(), KernelLayout.instanceLink(index));
            namespaceOf.put(eni.networkInterfaceId(), namespace);
            forwarding.merge(namespace, !eni.sourceDestCheck(), Boolean::logicalOr);
        }
        List<Instance> instances = new ArrayList<>();
        forwarding.forEach((namespace, on) -> instances.add(new Instance(namespace, on)));

        List<Router> routers = new ArrayList<>();
        for (Vpc vpc : network.vpcs()) {
            routers.add(router(network, layout, vpc, linkOf, namespaceOf, problems));
        }
        return new KernelPlan(layout, routers, instances, problems);
    }

    private static Router router(Network network, KernelLayout layout, Vpc vpc, Map<String, String> linkOf,
                                 Map<String, String> namespaceOf, List<String> problems) {
        Translator translator = new Translator(network, layout, vpc);
        boolean ipv6 = vpc.ipv6CidrBlock() != null;
        Set<String> names = new HashSet<>();

        List<Bridge> bridges = new ArrayList<>();
        Map<String, Subnet> subnetById = new HashMap<>();
        for (Subnet subnet : translator.subnets()) {
            subnetById.put(subnet.subnetId(), subnet);
            String name = layout.bridge(subnet.subnetId());
            if (!names.add(name)) {
                problems.add(subnet.subnetId() + " shares its bridge name " + name + " with another subnet of "
                        + vpc.vpcId() + "; recreate one of them (the last 12 hex digits of their ids are equal)");
                continue;
            }
            List<LinkAddress> addresses = new ArrayList<>();
            Cidr block = Cidr.parse(subnet.cidrBlock());
            addresses.add(new LinkAddress(Inet.of(block.address(1)), block.length()));
            Cidr block6 = subnet.ipv6CidrBlock() == null ? null : Cidr.parse(subnet.ipv6CidrBlock());
            if (block6 != null) {
                addresses.add(new LinkAddress(Inet.of(block6.address(1)), block6.length()));
            }
            for (NetworkInterface eni : network.networkInterfaces()) {
                if (eni.subnetId().equals(subnet.subnetId()) && endpoint(eni)) {
                    addresses.add(new LinkAddress(Inet.parse(eni.privateIpAddress()), block.length()));
                    if (eni.ipv6Address() != null && block6 != null) {
                        addresses.add(new LinkAddress(Inet.parse(eni.ipv6Address()), block6.length()));
                    }
                }
            }
            bridges.add(new Bridge(subnet.subnetId(), name, List.copyOf(addresses)));
        }

        List<Attachment> attachments = new ArrayList<>();
        for (NetworkInterface eni : network.networkInterfaces()) {
            String link = linkOf.get(eni.networkInterfaceId());
            Subnet subnet = subnetById.get(eni.subnetId());
            if (link == null || !eni.vpcId().equals(vpc.vpcId()) || subnet == null) {
                continue;
            }
            String routerLink = layout.interfaceLink(eni.networkInterfaceId());
            if (!names.add(routerLink)) {
                problems.add(eni.networkInterfaceId() + " shares its link name " + routerLink + " with another "
                        + "interface of " + vpc.vpcId() + "; recreate one of them");
                continue;
            }
            Cidr block = Cidr.parse(subnet.cidrBlock());
            Cidr block6 = subnet.ipv6CidrBlock() == null ? null : Cidr.parse(subnet.ipv6CidrBlock());
            List<LinkAddress> addresses = new ArrayList<>();
            List<KernelRoute> routes = new ArrayList<>();
            addresses.add(new LinkAddress(Inet.parse(eni.privateIpAddress()), block.length()));
            boolean first = link.equals(KernelLayout.instanceLink(0));
            if (first) {
                routes.add(new KernelRoute(Cidr.parse("0.0.0.0/0"), NextHop.via(Inet.of(block.address(1)), link)));
            }
            if (eni.ipv6Address() != null && block6 != null) {
                addresses.add(new LinkAddress(Inet.parse(eni.ipv6Address()), block6.length()));
                if (first) {
                    routes.add(new KernelRoute(Cidr.parse("::/0"), NextHop.via(Inet.of(block6.address(1)), link)));
                }
            }
            attachments.add(new Attachment(eni.networkInterfaceId(), routerLink, layout.bridge(subnet.subnetId()),
                    namespaceOf.get(eni.networkInterfaceId()), link, List.copyOf(addresses), List.copyOf(routes)));
        }

        Gateway gateway = null;
        String gatewayId = translator.gatewayId();
        if (gatewayId != null) {
            String routerLink = layout.gatewayLink(gatewayId);
            String internetLink = layout.internetLink(vpc.vpcId());
            List<LinkAddress> near = new ArrayList<>();
            List<LinkAddress> far = new ArrayList<>();
            List<KernelRoute> back = new ArrayList<>();
            near.add(new LinkAddress(KernelLayout.VPC_SIDE_V4, KernelLayout.GATEWAY_LINK_PREFIX_V4));
            far.add(new LinkAddress(KernelLayout.INTERNET_SIDE_V4, KernelLayout.GATEWAY_LINK_PREFIX_V4));
            back.add(new KernelRoute(Cidr.parse(vpc.cidrBlock()), NextHop.via(KernelLayout.VPC_SIDE_V4, internetLink)));
            if (ipv6) {
                near.add(new LinkAddress(KernelLayout.VPC_SIDE_V6, KernelLayout.LINK_LOCAL_PREFIX));
                far.add(new LinkAddress(KernelLayout.INTERNET_SIDE_V6, KernelLayout.LINK_LOCAL_PREFIX));
                back.add(new KernelRoute(Cidr.parse(vpc.ipv6CidrBlock()),
                        NextHop.via(KernelLayout.VPC_SIDE_V6, internetLink)));
            }
            gateway = new Gateway(gatewayId, routerLink, internetLink, List.copyOf(near), List.copyOf(far),
                    List.copyOf(back));
        }

        List<Table> tables = new ArrayList<>();
        Map<String, Integer> numberOf = new HashMap<>();
        Set<Integer> numbers = new HashSet<>();
        List<RouteTable> vpcTables = new ArrayList<>();
        for (RouteTable table : network.routeTables()) {
            if (table.vpcId().equals(vpc.vpcId())) {
                vpcTables.add(table);
            }
        }
        vpcTables.sort((a, b) -> a.routeTableId().compareTo(b.routeTableId()));
        for (RouteTable table : vpcTables) {
            int number = layout.table(table.routeTableId());
            while (!numbers.add(number)) {
                // another table of this VPC has the same last 7 hex digits: the later id takes the next number
                number = KernelLayout.TABLE_BASE + ((number - KernelLayout.TABLE_BASE + 1) & KernelLayout.TABLE_MASK);
            }
            numberOf.put(table.routeTableId(), number);
            Map<Cidr, NextHop> routes = translator.table(network.effectiveRoutes(table.routeTableId()));
            tables.add(new Table(table.routeTableId(), number, Collections.unmodifiableMap(routes)));
        }

        List<RuleSpec> rules = new ArrayList<>();
        List<IpVersion> versions = ipv6 ? List.of(IpVersion.V4, IpVersion.V6) : List.of(IpVersion.V4);
        for (Bridge bridge : bridges) {
            int number = numberOf.get(network.routeTableOf(bridge.subnetId()).routeTableId());
            for (IpVersion version : versions) {
                rules.add(RuleSpec.lookup(version, bridge.name(), number, KernelLayout.SUBNET_RULE_PRIORITY));
            }
        }
        if (gateway != null) {
            for (RouteTable table : vpcTables) {
                if (gatewayId.equals(table.edgeGatewayId())) {
                    for (IpVersion version : versions) {
                        rules.add(RuleSpec.lookup(version, gateway.routerLink(), numberOf.get(table.routeTableId()),
                                KernelLayout.GATEWAY_RULE_PRIORITY));
                    }
                }
            }
        }
        return new Router(vpc.vpcId(), layout.routerNamespace(vpc.vpcId()), ipv6, List.copyOf(bridges),
                List.copyOf(attachments), gateway, List.copyOf(tables), List.copyOf(rules));
    }

    /** A route server endpoint's interface: its address belongs on the bridge, where the route server listens. */
    private static boolean endpoint(NetworkInterface eni) {
        return eni.requesterManaged() && ENDPOINT_TYPE.equals(eni.interfaceType())
                && !eni.tags().containsKey(KernelLayout.NAMESPACE_TAG);
    }

    public KernelLayout layout() {
        return layout;
    }

    /** One per VPC, in the model's order. */
    public List<Router> routers() {
        return routers;
    }

    /** The instance namespaces tagged interfaces lead to. */
    public List<Instance> instances() {
        return instances;
    }

    /** Whether the internet namespace is needed: some VPC has an internet gateway attached. */
    public boolean internet() {
        for (Router router : routers) {
            if (router.gateway() != null) {
                return true;
            }
        }
        return false;
    }

    /** What the model asks for that cannot be built, each saying what to do. */
    public List<String> problems() {
        return problems;
    }

    /** The VPC's router, or null. */
    public Router router(String vpcId) {
        return routerByVpc.get(vpcId);
    }

    /** The route table's kernel table, or null. */
    public Table table(String routeTableId) {
        return tableById.get(routeTableId);
    }

    /** The router that holds the route table, or null. */
    public Router routerOf(String routeTableId) {
        return routerByTable.get(routeTableId);
    }

    @Override
    public String toString() {
        int tables = routers.stream().mapToInt(r -> r.tables().size()).sum();
        return "KernelPlan[" + routers.size() + " routers, " + tables + " tables, " + instances.size()
                + " instance namespaces" + (problems.isEmpty() ? "" : ", " + problems.size() + " problems") + "]";
    }
}
