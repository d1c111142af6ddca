package io.vroute.vpc;

import io.vroute.vpc.PropagatedRoutes.Propagated;
import io.vroute.vpc.RouteTable.Association;
import io.vroute.vpc.RouteTable.Route;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;

/**
 * The VPC model: VPCs, subnets, network interfaces, internet gateways and route tables, with the rules EC2
 * applies to them, the routes route servers propagate, longest-prefix lookup and path trace. This is the
 * module's one way in.
 *
 * <p>Every resource is an immutable record kept in a map per kind, in creation order; a change replaces
 * the record, never alters it, so a caller can tell what changed by comparing records by reference.
 * {@link #resources()} and {@link #restore(Collection)} save and reload them. Propagated routes are kept
 * apart (they change at BGP speed and are rebuilt from the peers) and are not among the resources.
 *
 * <p>Not thread-safe: the server calls it from one control thread. Errors a request can cause are
 * {@link VpcException}s with EC2's codes.
 *
 * <p>Rules for static routes (CreateRoute, ReplaceRoute):
 * <ul>
 *   <li>every table holds a local route for each VPC block (origin CreateRouteTable, target "local"); it
 *       cannot be deleted, but ReplaceRoute may point it at a network interface of the VPC and back at
 *       "local";</li>
 *   <li>a destination inside a VPC block (more specific than the local route) may only target a network
 *       interface: this is how traffic between subnets is sent through an appliance;</li>
 *   <li>any other destination may target an internet gateway attached to the VPC or a network interface of
 *       the VPC; "local" is only for the local route;</li>
 *   <li>a route whose interface was deleted, or whose gateway was detached or deleted, stays in the table
 *       in state blackhole (and is active again if the gateway is attached again).</li>
 * </ul>
 *
 * <p>Rules for propagated routes ({@link #installation(String, Cidr)}): a route is installed unless its
 * destination is a VPC block (the local route), a static route has the same destination, or the table is
 * an internet gateway's edge table and the destination is outside the VPC's blocks.
 */
public final class Network {

    /** The availability zone of a subnet created without one. */
    public static final String DEFAULT_AVAILABILITY_ZONE = "us-east-1a";

    // AWS reserves the network address, +1 (VPC router), +2 (DNS), +3 (future use) and the broadcast
    // address of every subnet; the first usable host is therefore the fourth.
    private static final int FIRST_HOST = 4;
    private static final int RESERVED = 5;

    private final RandomGenerator random;
    private final Map<String, Vpc> vpcs = new LinkedHashMap<>();
    private final Map<String, Subnet> subnets = new LinkedHashMap<>();
    private final Map<String, NetworkInterface> interfaces = new LinkedHashMap<>();
    private final Map<String, InternetGateway> gateways = new LinkedHashMap<>();
    private final Map<String, RouteTable> tables = new LinkedHashMap<>();

    // Derived state, rebuilt from the records; never saved.
    private final Map<String, Map<Address, String>> interfaceByAddress = new HashMap<>();
    private final Map<String, PropagatedRoutes> propagated = new HashMap<>();
    // One instance per (route server, interface, next hop): a million routes share a handful of values.
    private final Map<Propagated, Propagated> internedRoutes = new HashMap<>();
    private final Map<String, Context> contexts = new HashMap<>();

    /**
     * What deciding about one table's routes needs, parsed once: kept per table while neither the table
     * record nor its VPC record is replaced.
     */
    private record Context(RouteTable table, Vpc vpc, Cidr ipv4Block, Cidr ipv6Block, PrefixTable<Route> statics,
                           String edgeGatewayId) {
        Cidr block(boolean ipv6) {
            return ipv6 ? ipv6Block : ipv4Block;
        }
    }

    /** What each kind of id looks like and which EC2 error codes speak of it. */
    private enum Kind {
        VPC("vpc-", "InvalidVpcID", "VPC", "DescribeVpcs"),
        SUBNET("subnet-", "InvalidSubnetID", "subnet", "DescribeSubnets"),
        INTERFACE("eni-", "InvalidNetworkInterfaceID", "network interface", "DescribeNetworkInterfaces"),
        GATEWAY("igw-", "InvalidInternetGatewayID", "internet gateway", "DescribeInternetGateways"),
        TABLE("rtb-", "InvalidRouteTableID", "route table", "DescribeRouteTables"),
        ASSOCIATION("rtbassoc-", "InvalidAssociationID", "route table association", "DescribeRouteTables");

        final String prefix;
        final String code;
        final String noun;
        final String describe;

        Kind(String prefix, String code, String noun, String describe) {
            this.prefix = prefix;
            this.code = code;
            this.noun = noun;
            this.describe = describe;
        }

        String check(String id) {
            if (id == null || id.isEmpty()) {
                throw new VpcException("MissingParameter", "The request must name a " + noun + " ('" + prefix
                        + "...'); find its id with " + describe);
            }
            if (!wellFormed(id)) {
                throw new VpcException(code + ".Malformed", "Invalid id: '" + id + "'; a " + noun + " id is '"
                        + prefix + "' followed by 8 or 17 hex digits: copy it from " + describe);
            }
            return id;
        }

        boolean wellFormed(String id) {
            if (!id.startsWith(prefix)) {
                return false;
            }
            int digits = id.length() - prefix.length();
            if (digits < 8 || digits > 17) {
                return false;
            }
            for (int i = prefix.length(); i < id.length(); i++) {
                char c = id.charAt(i);
                if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                    return false;
                }
            }
            return true;
        }

        VpcException notFound(String id) {
            return new VpcException(code + ".NotFound", "The " + noun + " ID '" + id
                    + "' does not exist; list the ones there are with " + describe);
        }
    }

    /** An empty network with unpredictable ids. */
    public Network() {
        this(new SecureRandom());
    }

    /** An empty network drawing ids, MAC addresses and IPv6 blocks from {@code random} (seed it in tests). */
    public Network(RandomGenerator random) {
        this.random = random;
    }

    /** A network holding the given resource records, as saved from {@link #resources()}. */
    public static Network restore(Collection<?> records) {
        return restore(records, new SecureRandom());
    }

    public static Network restore(Collection<?> records, RandomGenerator random) {
        Network network = new Network(random);
        records.forEach(network::put);
        return network;
    }

    /**
     * Puts a saved record back (a {@link Vpc}, {@link Subnet}, {@link NetworkInterface},
     * {@link InternetGateway} or {@link RouteTable}), replacing the one with its id. No rule is checked:
     * the record is trusted to come from this model.
     */
    public void put(Object record) {
        switch (record) {
            case Vpc vpc -> vpcs.put(vpc.vpcId(), vpc);
            case Subnet subnet -> subnets.put(subnet.subnetId(), subnet);
            case NetworkInterface eni -> {
                NetworkInterface previous = interfaces.put(eni.networkInterfaceId(), eni);
                if (previous != null) {
                    forgetAddresses(previous);
                }
                rememberAddresses(eni);
            }
            case InternetGateway gateway -> gateways.put(gateway.internetGatewayId(), gateway);
            case RouteTable table -> tables.put(table.routeTableId(), table);
            default -> throw new IllegalArgumentException("not a VPC resource record: " + record.getClass().getName());
        }
    }

    /**
     * Every resource record: VPCs, internet gateways, subnets, network interfaces, route tables, each kind in
     * creation order (an order {@link #restore(Collection)} accepts).
     */
    public List<Record> resources() {
        List<Record> all = new ArrayList<>(vpcs.size() + gateways.size() + subnets.size() + interfaces.size()
                + tables.size());
        all.addAll(vpcs.values());
        all.addAll(gateways.values());
        all.addAll(subnets.values());
        all.addAll(interfaces.values());
        all.addAll(tables.values());
        return all;
    }

    /** The record with this id, of any kind, or null. */
    public Record find(String id) {
        if (id == null) {
            return null;
        }
        if (id.startsWith(Kind.VPC.prefix)) {
            return vpcs.get(id);
        }
        if (id.startsWith(Kind.SUBNET.prefix)) {
            return subnets.get(id);
        }
        if (id.startsWith(Kind.INTERFACE.prefix)) {
            return interfaces.get(id);
        }
        if (id.startsWith(Kind.GATEWAY.prefix)) {
            return gateways.get(id);
        }
        if (id.startsWith(Kind.TABLE.prefix)) {
            return tables.get(id);
        }
        return null;
    }

    public List<Vpc> vpcs() {
        return List.copyOf(vpcs.values());
    }

    public List<Subnet> subnets() {
        return List.copyOf(subnets.values());
    }

    public List<NetworkInterface> networkInterfaces() {
        return List.copyOf(interfaces.values());
    }

    public List<InternetGateway> internetGateways() {
        return List.copyOf(gateways.values());
    }

    public List<RouteTable> routeTables() {
        return List.copyOf(tables.values());
    }

    public Vpc vpc(String vpcId) {
        Vpc vpc = vpcs.get(Kind.VPC.check(vpcId));
        if (vpc == null) {
            throw Kind.VPC.notFound(vpcId);
        }
        return vpc;
    }

    public Subnet subnet(String subnetId) {
        Subnet subnet = subnets.get(Kind.SUBNET.check(subnetId));
        if (subnet == null) {
            throw Kind.SUBNET.notFound(subnetId);
        }
        return subnet;
    }

    public NetworkInterface networkInterface(String networkInterfaceId) {
        NetworkInterface eni = interfaces.get(Kind.INTERFACE.check(networkInterfaceId));
        if (eni == null) {
            throw Kind.INTERFACE.notFound(networkInterfaceId);
        }
        return eni;
    }

    public InternetGateway internetGateway(String internetGatewayId) {
        InternetGateway gateway = gateways.get(Kind.GATEWAY.check(internetGatewayId));
        if (gateway == null) {
            throw Kind.GATEWAY.notFound(internetGatewayId);
        }
        return gateway;
    }

    public RouteTable routeTable(String routeTableId) {
        RouteTable table = tables.get(Kind.TABLE.check(routeTableId));
        if (table == null) {
            throw Kind.TABLE.notFound(routeTableId);
        }
        return table;
    }

    // ---------------------------------------------------------------------------------------------- VPCs

    /** CreateVpc with an IPv4 block only. */
    public Vpc createVpc(String cidrBlock) {
        return createVpc(cidrBlock, null, false, null);
    }

    /**
     * CreateVpc: the VPC and its main route table, which holds the local route of each block.
     *
     * @param cidrBlock                   IPv4, /16 to /28
     * @param ipv6CidrBlock               an IPv6 /56 to use, or null
     * @param amazonProvidedIpv6CidrBlock true to get a random /56 from fd00::/8 (when none is given)
     * @param instanceTenancy             "default" (when null) or "dedicated"
     */
    public Vpc createVpc(String cidrBlock, String ipv6CidrBlock, boolean amazonProvidedIpv6CidrBlock,
                         String instanceTenancy) {
        if (cidrBlock == null) {
            throw new VpcException("MissingParameter", "The request must contain the parameter CidrBlock, e.g. 10.0.0.0/16");
        }
        Cidr cidr = Cidr.parse(cidrBlock);
        if (cidr.isIpv6() || cidr.length() < 16 || cidr.length() > 28) {
            throw new VpcException("InvalidVpc.Range", "The CIDR '" + cidrBlock
                    + "' is invalid for a VPC: use an IPv4 block from /16 to /28, such as 10.0.0.0/16"
                    + (cidr.isIpv6() ? ", and give an IPv6 block as Ipv6CidrBlock" : ""));
        }
        Cidr ipv6 = null;
        if (ipv6CidrBlock != null) {
            if (amazonProvidedIpv6CidrBlock) {
                throw new VpcException("InvalidParameterCombination",
                        "Give either Ipv6CidrBlock or AmazonProvidedIpv6CidrBlock, not both");
            }
            ipv6 = Cidr.parse(ipv6CidrBlock);
            if (!ipv6.isIpv6() || ipv6.length() != 56) {
                throw new VpcException("InvalidParameterValue", "The IPv6 CIDR '" + ipv6CidrBlock
                        + "' is invalid for a VPC: give an IPv6 /56 such as fd12:3456:789a:1200::/56, or ask for "
                        + "AmazonProvidedIpv6CidrBlock");
            }
        } else if (amazonProvidedIpv6CidrBlock) {
            // RFC 4193 §3.1: a unique local block is fd00::/8 followed by random bits.
            long randomBits = random.nextLong() & 0xFFFF_FFFF_FFFFL;
            ipv6 = new Cidr((0xFDL << 56) | (randomBits << 8), 0, 56, true);
        }
        String tenancy = instanceTenancy == null ? "default" : instanceTenancy;
        if (!tenancy.equals("default") && !tenancy.equals("dedicated")) {
            throw new VpcException("InvalidParameterValue", "The instance tenancy '" + instanceTenancy
                    + "' is not supported; use 'default' or 'dedicated'");
        }
        String vpcId = newId(Kind.VPC.prefix);
        Vpc vpc = new Vpc(vpcId, cidr.toString(), newId("vpc-cidr-assoc-"), ipv6 == null ? null : ipv6.toString(),
                ipv6 == null ? null : newId("vpc-cidr-assoc-"), amazonProvidedIpv6CidrBlock ? "Amazon" : null,
                "available", false, "default", tenancy, Map.of());
        vpcs.put(vpcId, vpc);
        String tableId = newId(Kind.TABLE.prefix);
        Association main = new Association(newId(Kind.ASSOCIATION.prefix), tableId, null, null, true, "associated");
        tables.put(tableId, new RouteTable(tableId, vpcId, localRoutes(vpc), List.of(main), Map.of()));
        return vpc;
    }

    /**
     * DeleteVpc: refused (DependencyViolation) while it has subnets, network interfaces, route tables other
     * than the main one, or an attached internet gateway. The main route table goes with it.
     */
    public void deleteVpc(String vpcId) {
        vpc(vpcId);
        List<String> blocking = new ArrayList<>();
        subnets.values().stream().filter(s -> s.vpcId().equals(vpcId)).forEach(s -> blocking.add(s.subnetId()));
        interfaces.values().stream().filter(e -> e.vpcId().equals(vpcId))
                .forEach(e -> blocking.add(e.networkInterfaceId()));
        tables.values().stream().filter(t -> t.vpcId().equals(vpcId) && !t.mainTable())
                .forEach(t -> blocking.add(t.routeTableId()));
        gateways.values().stream().filter(g -> vpcId.equals(g.attachedVpcId()))
                .forEach(g -> blocking.add(g.internetGatewayId() + " (attached)"));
        if (!blocking.isEmpty()) {
            throw new VpcException("DependencyViolation", "The vpc '" + vpcId
                    + "' has dependencies and cannot be deleted: " + String.join(", ", blocking)
                    + "; delete the subnets, interfaces and route tables and detach the internet gateway first");
        }
        for (RouteTable table : List.copyOf(tables.values())) {
            if (table.vpcId().equals(vpcId)) {
                dropTable(table.routeTableId());
            }
        }
        vpcs.remove(vpcId);
        interfaceByAddress.remove(vpcId);
    }

    /** The VPC's main route table (used by every subnet without an explicit association). */
    public RouteTable mainRouteTable(String vpcId) {
        vpc(vpcId);
        for (RouteTable table : tables.values()) {
            if (table.vpcId().equals(vpcId) && table.mainTable()) {
                return table;
            }
        }
        throw new IllegalStateException(vpcId + " has no main route table");
    }

    // ------------------------------------------------------------------------------------------- subnets

    /** CreateSubnet with an IPv4 block only. */
    public Subnet createSubnet(String vpcId, String cidrBlock, String availabilityZone) {
        return createSubnet(vpcId, cidrBlock, null, availabilityZone);
    }

    /**
     * CreateSubnet. The IPv4 block must lie inside the VPC's (InvalidSubnet.Range), be /16 to /28, and
     * overlap no other subnet of the VPC (InvalidSubnet.Conflict); the same holds for the optional IPv6 /64
     * inside the VPC's /56.
     *
     * @param availabilityZone any name; null means {@link #DEFAULT_AVAILABILITY_ZONE}
     */
    public Subnet createSubnet(String vpcId, String cidrBlock, String ipv6CidrBlock, String availabilityZone) {
        Vpc vpc = vpc(vpcId);
        if (cidrBlock == null) {
            throw new VpcException("MissingParameter", "The request must contain the parameter CidrBlock, an IPv4 block inside "
                    + vpc.cidrBlock());
        }
        Cidr cidr = Cidr.parse(cidrBlock);
        if (cidr.isIpv6()) {
            throw new VpcException("InvalidSubnet.Range", "The CIDR '" + cidrBlock
                    + "' is IPv6; CidrBlock takes the subnet's IPv4 block, give the IPv6 /64 as Ipv6CidrBlock");
        }
        if (!vpc.cidr().contains(cidr)) {
            throw new VpcException("InvalidSubnet.Range", "The CIDR '" + cidrBlock + "' is not inside " + vpcId
                    + "'s block " + vpc.cidrBlock() + "; pick a block inside it");
        }
        if (cidr.length() < 16 || cidr.length() > 28) {
            throw new VpcException("InvalidSubnet.Range", "The CIDR '" + cidrBlock
                    + "' is invalid for a subnet: use a prefix length from /16 to /28");
        }
        Cidr ipv6 = null;
        if (ipv6CidrBlock != null) {
            if (vpc.ipv6CidrBlock() == null) {
                throw new VpcException("InvalidParameterValue", vpcId
                        + " has no IPv6 block, so its subnets cannot have one; create the VPC with an IPv6 block");
            }
            ipv6 = Cidr.parse(ipv6CidrBlock);
            if (!ipv6.isIpv6() || ipv6.length() != 64) {
                throw new VpcException("InvalidParameterValue", "The IPv6 CIDR '" + ipv6CidrBlock
                        + "' is invalid for a subnet: give a /64 inside " + vpc.ipv6CidrBlock());
            }
            if (!vpc.ipv6Cidr().contains(ipv6)) {
                throw new VpcException("InvalidSubnet.Range", "The IPv6 CIDR '" + ipv6CidrBlock + "' is not inside "
                        + vpcId + "'s block " + vpc.ipv6CidrBlock() + "; pick a /64 inside it");
            }
        }
        for (Subnet other : subnets.values()) {
            if (!other.vpcId().equals(vpcId)) {
                continue;
            }
            if (other.cidr().overlaps(cidr)) {
                throw new VpcException("InvalidSubnet.Conflict", "The CIDR '" + cidrBlock + "' conflicts with "
                        + other.subnetId() + " (" + other.cidrBlock() + "); pick a block that overlaps no other subnet");
            }
            if (ipv6 != null && other.ipv6CidrBlock() != null && other.ipv6Cidr().overlaps(ipv6)) {
                throw new VpcException("InvalidSubnet.Conflict", "The IPv6 CIDR '" + ipv6CidrBlock + "' conflicts with "
                        + other.subnetId() + " (" + other.ipv6CidrBlock() + "); pick another /64");
            }
        }
        String zone = availabilityZone == null || availabilityZone.isBlank() ? DEFAULT_AVAILABILITY_ZONE : availabilityZone;
        Subnet subnet = new Subnet(newId(Kind.SUBNET.prefix), vpcId, cidr.toString(),
                ipv6 == null ? null : ipv6.toString(), ipv6 == null ? null : newId("subnet-cidr-assoc-"), zone,
                (int) (cidr.size() - RESERVED), "available", Map.of());
        subnets.put(subnet.subnetId(), subnet);
        return subnet;
    }

    /**
     * DeleteSubnet: refused (DependencyViolation) while network interfaces are in it. Its explicit route
     * table association goes with it.
     */
    public void deleteSubnet(String subnetId) {
        subnet(subnetId);
        List<String> inside = interfaces.values().stream().filter(e -> e.subnetId().equals(subnetId))
                .map(e -> e.networkInterfaceId() + (e.requesterManaged() ? " (" + e.description() + ")" : ""))
                .toList();
        if (!inside.isEmpty()) {
            throw new VpcException("DependencyViolation", "The subnet '" + subnetId
                    + "' has dependencies and cannot be deleted: " + String.join(", ", inside)
                    + "; delete those network interfaces first (route server endpoints with DeleteRouteServerEndpoint)");
        }
        Association association = explicitAssociation(subnetId);
        if (association != null) {
            RouteTable table = tables.get(association.routeTableId());
            tables.put(table.routeTableId(), table.minus(association.routeTableAssociationId()));
        }
        subnets.remove(subnetId);
    }

    /**
     * The lowest free IPv4 address of the subnet: not one of the five AWS reserves (network, +1, +2, +3,
     * broadcast) and not held by a network interface. Nothing is taken until an interface is created.
     */
    public String allocateAddress(String subnetId) {
        Subnet subnet = subnet(subnetId);
        return freeAddress(subnet, subnet.cidr()).toString();
    }

    /** The route table a subnet uses: its explicitly associated table, else its VPC's main table. */
    public RouteTable routeTableOf(String subnetId) {
        Subnet subnet = subnet(subnetId);
        Association association = explicitAssociation(subnetId);
        return association != null ? tables.get(association.routeTableId()) : mainRouteTable(subnet.vpcId());
    }

    // -------------------------------------------------------------------------------- network interfaces

    /**
     * CreateNetworkInterface. A given address must be inside the subnet and not reserved
     * (InvalidParameterValue) and free (InvalidIPAddress.InUse); without one the lowest free address is
     * taken.
     */
    public NetworkInterface createNetworkInterface(NewInterface request) {
        Subnet subnet = subnet(request.subnetId());
        Address v4 = request.privateIpAddress() == null ? freeAddress(subnet, subnet.cidr())
                : requestedAddress(subnet, subnet.cidr(), request.privateIpAddress(), "PrivateIpAddress");
        Address v6 = null;
        if (request.ipv6Address() != null || request.assignIpv6Address()) {
            if (subnet.ipv6CidrBlock() == null) {
                throw new VpcException("InvalidParameterValue", subnet.subnetId()
                        + " has no IPv6 block, so its interfaces cannot have an IPv6 address; create the subnet with one");
            }
            v6 = request.ipv6Address() == null ? freeAddress(subnet, subnet.ipv6Cidr())
                    : requestedAddress(subnet, subnet.ipv6Cidr(), request.ipv6Address(), "Ipv6Address");
        }
        NetworkInterface eni = new NetworkInterface(newId(Kind.INTERFACE.prefix), subnet.subnetId(), subnet.vpcId(),
                subnet.availabilityZone(), request.description(),
                request.interfaceType() == null ? "interface" : request.interfaceType(), newMacAddress(),
                v4.toString(), v6 == null ? null : v6.toString(), true,
                request.requesterManaged() ? "in-use" : "available", request.requesterManaged(), Map.of());
        interfaces.put(eni.networkInterfaceId(), eni);
        rememberAddresses(eni);
        subnets.put(subnet.subnetId(), subnet.withAvailableIpAddressCount(subnet.availableIpAddressCount() - 1));
        return eni;
    }

    /**
     * DeleteNetworkInterface. An interface vroute manages (a route server endpoint's) is refused with
     * OperationNotPermitted. Static routes to the interface stay, as blackholes.
     */
    public void deleteNetworkInterface(String networkInterfaceId) {
        NetworkInterface eni = networkInterface(networkInterfaceId);
        if (eni.requesterManaged()) {
            throw new VpcException("OperationNotPermitted", "The network interface '" + networkInterfaceId
                    + "' is managed by vroute (" + eni.description()
                    + "); delete the route server endpoint that owns it (DeleteRouteServerEndpoint) instead");
        }
        dropInterface(eni);
    }

    /** Deletes an interface vroute manages itself (the server, when it deletes a route server endpoint). */
    public void deleteManagedNetworkInterface(String networkInterfaceId) {
        dropInterface(networkInterface(networkInterfaceId));
    }

    /** ModifyNetworkInterfaceAttribute SourceDestCheck. */
    public NetworkInterface setSourceDestCheck(String networkInterfaceId, boolean sourceDestCheck) {
        NetworkInterface eni = networkInterface(networkInterfaceId).withSourceDestCheck(sourceDestCheck);
        interfaces.put(networkInterfaceId, eni);
        return eni;
    }

    /** ModifyNetworkInterfaceAttribute Description. */
    public NetworkInterface setDescription(String networkInterfaceId, String description) {
        NetworkInterface eni = networkInterface(networkInterfaceId).withDescription(description);
        interfaces.put(networkInterfaceId, eni);
        return eni;
    }

    /**
     * The interface of the VPC that holds this private address (IPv4 or IPv6), or null: how a BGP next hop
     * becomes a route target.
     */
    public NetworkInterface findInterfaceByAddress(String vpcId, String address) {
        return findInterfaceByAddress(vpcId, Address.parse(address));
    }

    public NetworkInterface findInterfaceByAddress(String vpcId, Address address) {
        Map<Address, String> owners = interfaceByAddress.get(vpcId);
        String id = owners == null ? null : owners.get(address);
        return id == null ? null : interfaces.get(id);
    }

    // ------------------------------------------------------------------------------- internet gateways

    public InternetGateway createInternetGateway() {
        InternetGateway gateway = new InternetGateway(newId(Kind.GATEWAY.prefix), List.of(), Map.of());
        gateways.put(gateway.internetGatewayId(), gateway);
        return gateway;
    }

    /**
     * AttachInternetGateway: a gateway attaches to one VPC and a VPC takes one gateway
     * (Resource.AlreadyAssociated otherwise). Routes to the gateway become active.
     */
    public InternetGateway attachInternetGateway(String internetGatewayId, String vpcId) {
        InternetGateway gateway = internetGateway(internetGatewayId);
        vpc(vpcId);
        if (gateway.attachedVpcId() != null) {
            throw new VpcException("Resource.AlreadyAssociated", "The internet gateway '" + internetGatewayId
                    + "' is already attached to " + gateway.attachedVpcId() + "; detach it first");
        }
        for (InternetGateway other : gateways.values()) {
            if (vpcId.equals(other.attachedVpcId())) {
                throw new VpcException("Resource.AlreadyAssociated", "The vpc '" + vpcId + "' already has "
                        + other.internetGatewayId() + " attached and takes only one internet gateway; detach that one first");
            }
        }
        InternetGateway attached = gateway.withAttachments(List.of(new InternetGateway.Attachment(vpcId, "available")));
        gateways.put(internetGatewayId, attached);
        refreshRouteStates(vpcId);
        return attached;
    }

    /**
     * DetachInternetGateway: Gateway.NotAttached unless attached to that VPC; refused while the gateway has
     * an edge route table association. Routes to it become blackholes.
     */
    public InternetGateway detachInternetGateway(String internetGatewayId, String vpcId) {
        InternetGateway gateway = internetGateway(internetGatewayId);
        vpc(vpcId);
        if (!vpcId.equals(gateway.attachedVpcId())) {
            throw new VpcException("Gateway.NotAttached", "The internet gateway '" + internetGatewayId
                    + "' is not attached to " + vpcId
                    + (gateway.attachedVpcId() == null ? "" : " (it is attached to " + gateway.attachedVpcId() + ")")
                    + "; check the ids with DescribeInternetGateways");
        }
        RouteTable edge = edgeTable(internetGatewayId);
        if (edge != null) {
            throw new VpcException("DependencyViolation", "The internet gateway '" + internetGatewayId
                    + "' is associated with its edge route table " + edge.routeTableId()
                    + "; disassociate it first (DisassociateRouteTable)");
        }
        InternetGateway detached = gateway.withAttachments(List.of());
        gateways.put(internetGatewayId, detached);
        refreshRouteStates(vpcId);
        return detached;
    }

    /** DeleteInternetGateway: refused (DependencyViolation) while attached. */
    public void deleteInternetGateway(String internetGatewayId) {
        InternetGateway gateway = internetGateway(internetGatewayId);
        if (gateway.attachedVpcId() != null) {
            throw new VpcException("DependencyViolation", "The internet gateway '" + internetGatewayId
                    + "' is attached to " + gateway.attachedVpcId()
                    + " and cannot be deleted; detach it first (DetachInternetGateway)");
        }
        gateways.remove(internetGatewayId);
    }

    // ------------------------------------------------------------------------------------ route tables

    /** CreateRouteTable: a table with the VPC's local route(s) and no association. */
    public RouteTable createRouteTable(String vpcId) {
        Vpc vpc = vpc(vpcId);
        RouteTable table = new RouteTable(newId(Kind.TABLE.prefix), vpcId, localRoutes(vpc), List.of(), Map.of());
        tables.put(table.routeTableId(), table);
        return table;
    }

    /**
     * DeleteRouteTable: the main table cannot be deleted, nor a table that is still associated
     * (DependencyViolation). Its propagated routes go with it.
     */
    public void deleteRouteTable(String routeTableId) {
        RouteTable table = routeTable(routeTableId);
        if (table.mainTable()) {
            throw new VpcException("DependencyViolation", "The routeTable '" + routeTableId + "' is the main route table of "
                    + table.vpcId() + " and cannot be deleted; make another table main with "
                    + "ReplaceRouteTableAssociation, or delete the VPC");
        }
        if (!table.associations().isEmpty()) {
            List<String> with = table.associations().stream()
                    .map(a -> a.subnetId() != null ? a.subnetId() : a.gatewayId()).toList();
            throw new VpcException("DependencyViolation", "The routeTable '" + routeTableId
                    + "' has dependencies and cannot be deleted: it is associated with " + String.join(", ", with)
                    + "; disassociate it first (DisassociateRouteTable)");
        }
        dropTable(routeTableId);
    }

    /**
     * CreateRoute: a static route to a destination (IPv4 or IPv6 CIDR) through exactly one target, an
     * internet gateway or a network interface. See the class comment for the rules.
     */
    public RouteTable createRoute(String routeTableId, String destination, String gatewayId, String networkInterfaceId) {
        RouteTable table = routeTable(routeTableId);
        Cidr cidr = destination(destination);
        Route existing = table.route(cidr);
        if (existing != null) {
            throw new VpcException("RouteAlreadyExists", "The route identified by " + cidr + " already exists in "
                    + routeTableId + " (-> " + existing.target() + "); change its target with ReplaceRoute");
        }
        Route route = checkedRoute(table, cidr, gatewayId, networkInterfaceId, RouteTable.CREATE_ROUTE);
        List<Route> routes = new ArrayList<>(table.routes());
        routes.add(route);
        return store(table.withRoutes(routes));
    }

    /** ReplaceRoute: a new target for an existing route (InvalidRoute.NotFound otherwise). */
    public RouteTable replaceRoute(String routeTableId, String destination, String gatewayId, String networkInterfaceId) {
        RouteTable table = routeTable(routeTableId);
        Cidr cidr = destination(destination);
        Route existing = table.route(cidr);
        if (existing == null) {
            throw new VpcException("InvalidRoute.NotFound", "There is no route with destination " + cidr + " in "
                    + routeTableId + "; create it with CreateRoute");
        }
        Route route = checkedRoute(table, cidr, gatewayId, networkInterfaceId, existing.origin());
        List<Route> routes = new ArrayList<>(table.routes());
        routes.set(routes.indexOf(existing), route);
        return store(table.withRoutes(routes));
    }

    /** DeleteRoute: InvalidRoute.NotFound when there is no such route; the local route cannot be deleted. */
    public RouteTable deleteRoute(String routeTableId, String destination) {
        RouteTable table = routeTable(routeTableId);
        Cidr cidr = destination(destination);
        Route existing = table.route(cidr);
        if (existing == null) {
            throw new VpcException("InvalidRoute.NotFound", "There is no route with destination " + cidr + " in "
                    + routeTableId + "; list its routes with DescribeRouteTables");
        }
        if (vpcs.get(table.vpcId()).isLocal(cidr)) {
            throw new VpcException("InvalidParameterValue", "The route " + cidr + " is the local route of "
                    + table.vpcId() + " and cannot be deleted; point it at an interface with ReplaceRoute if needed");
        }
        List<Route> routes = new ArrayList<>(table.routes());
        routes.remove(existing);
        return store(table.withRoutes(routes));
    }

    /**
     * AssociateRouteTable with a subnet (one table per subnet: Resource.AlreadyAssociated) or with an
     * internet gateway attached to the table's VPC (an edge association).
     */
    public Association associateRouteTable(String routeTableId, String subnetId, String gatewayId) {
        RouteTable table = routeTable(routeTableId);
        if ((subnetId == null) == (gatewayId == null)) {
            throw new VpcException(subnetId == null ? "MissingParameter" : "InvalidParameterCombination",
                    "Give exactly one of SubnetId and GatewayId to associate " + routeTableId + " with");
        }
        if (subnetId != null) {
            Subnet subnet = subnet(subnetId);
            if (!subnet.vpcId().equals(table.vpcId())) {
                throw new VpcException("InvalidParameterValue", "The route table " + routeTableId + " ("
                        + table.vpcId() + ") and the subnet " + subnetId + " (" + subnet.vpcId()
                        + ") belong to different networks; pick a table of the subnet's VPC");
            }
            Association current = explicitAssociation(subnetId);
            if (current != null) {
                throw new VpcException("Resource.AlreadyAssociated", "The subnet " + subnetId
                        + " is already associated with " + current.routeTableId() + " ("
                        + current.routeTableAssociationId() + "); move it with ReplaceRouteTableAssociation");
            }
        } else {
            InternetGateway gateway = internetGateway(gatewayId);
            if (!table.vpcId().equals(gateway.attachedVpcId())) {
                throw new VpcException("Gateway.NotAttached", "The internet gateway " + gatewayId
                        + " is not attached to " + table.vpcId() + "; attach it first (AttachInternetGateway)");
            }
            RouteTable edge = edgeTable(gatewayId);
            if (edge != null) {
                throw new VpcException("Resource.AlreadyAssociated", "The internet gateway " + gatewayId
                        + " is already associated with " + edge.routeTableId()
                        + "; move the association with ReplaceRouteTableAssociation");
            }
        }
        Association association = new Association(newId(Kind.ASSOCIATION.prefix), routeTableId, subnetId, gatewayId,
                false, "associated");
        store(table.plus(association));
        return association;
    }

    /** DisassociateRouteTable; the main association cannot be removed, only moved. */
    public void disassociateRouteTable(String associationId) {
        Association association = association(associationId);
        if (association.main()) {
            throw new VpcException("InvalidParameterValue", "The association " + associationId
                    + " is the main route table association and cannot be removed; make another table main with "
                    + "ReplaceRouteTableAssociation");
        }
        RouteTable table = tables.get(association.routeTableId());
        store(table.minus(associationId));
    }

    /**
     * ReplaceRouteTableAssociation: moves a subnet, gateway or main association to another table of the same
     * VPC. The moved association gets a new id, which is returned with it.
     */
    public Association replaceRouteTableAssociation(String associationId, String routeTableId) {
        Association association = association(associationId);
        RouteTable target = routeTable(routeTableId);
        RouteTable source = tables.get(association.routeTableId());
        if (!target.vpcId().equals(source.vpcId())) {
            throw new VpcException("InvalidParameterValue", "The route table " + routeTableId + " is in "
                    + target.vpcId() + " but the association " + associationId + " is in " + source.vpcId()
                    + "; pick a table of the same VPC");
        }
        store(source.minus(associationId));
        Association moved = new Association(newId(Kind.ASSOCIATION.prefix), routeTableId, association.subnetId(),
                association.gatewayId(), association.main(), "associated");
        store(tables.get(routeTableId).plus(moved));
        return moved;
    }

    // -------------------------------------------------------------------------------------------- tags

    /** CreateTags on a VPC resource: sets each key (a null value is stored as ""). */
    public void tag(String resourceId, Map<String, String> tags) {
        retag(resourceId, current -> Tags.with(current, tags));
    }

    /** DeleteTags on a VPC resource: removes each key; a non-null value removes it only while it has that value. */
    public void untag(String resourceId, Map<String, String> tags) {
        retag(resourceId, current -> Tags.without(current, tags));
    }

    private void retag(String resourceId, UnaryOperator<Map<String, String>> change) {
        if (resourceId == null) {
            throw new VpcException("MissingParameter", "The request must name the resource to tag (ResourceId.1)");
        }
        if (resourceId.startsWith(Kind.VPC.prefix)) {
            Vpc vpc = vpc(resourceId);
            vpcs.put(resourceId, vpc.withTags(change.apply(vpc.tags())));
        } else if (resourceId.startsWith(Kind.SUBNET.prefix)) {
            Subnet subnet = subnet(resourceId);
            subnets.put(resourceId, subnet.withTags(change.apply(subnet.tags())));
        } else if (resourceId.startsWith(Kind.INTERFACE.prefix)) {
            NetworkInterface eni = networkInterface(resourceId);
            interfaces.put(resourceId, eni.withTags(change.apply(eni.tags())));
        } else if (resourceId.startsWith(Kind.GATEWAY.prefix)) {
            InternetGateway gateway = internetGateway(resourceId);
            gateways.put(resourceId, gateway.withTags(change.apply(gateway.tags())));
        } else if (resourceId.startsWith(Kind.TABLE.prefix)) {
            RouteTable table = routeTable(resourceId);
            tables.put(resourceId, table.withTags(change.apply(table.tags())));
        } else {
            throw new VpcException("InvalidID", "The ID '" + resourceId
                    + "' is not a VPC resource id; give an id starting with vpc-, subnet-, eni-, igw- or rtb-");
        }
    }

    // ------------------------------------------------------------------------------- propagated routes

    /**
     * A route server's route to {@code destination} through an interface of the table's VPC, with the BGP
     * next hop. Replaces that route server's earlier route to the destination. Returns true when the
     * table changed. Whether the route is used is {@link #installation(String, Cidr)}'s business.
     */
    public boolean setPropagated(String routeTableId, Cidr destination, String routeServerId, String networkInterfaceId,
                                 String nextHopIp) {
        RouteTable table = routeTable(routeTableId);
        NetworkInterface eni = networkInterface(networkInterfaceId);
        if (!eni.vpcId().equals(table.vpcId())) {
            throw new VpcException("InvalidParameterValue", "The network interface " + networkInterfaceId + " is in "
                    + eni.vpcId() + ", not in " + table.vpcId() + " of " + routeTableId
                    + "; a route can only target an interface of the table's VPC");
        }
        Propagated route = internedRoutes.computeIfAbsent(new Propagated(routeServerId, networkInterfaceId, nextHopIp),
                r -> r);
        return propagated.computeIfAbsent(routeTableId, id -> new PropagatedRoutes()).set(destination, route);
    }

    /** Removes the route server's route to the destination; false when there was none (or no such table). */
    public boolean removePropagated(String routeTableId, Cidr destination, String routeServerId) {
        PropagatedRoutes routes = propagated.get(routeTableId);
        return routes != null && routes.remove(destination, routeServerId);
    }

    /** Removes every route the route server propagated into the table; returns how many. */
    public int clearPropagated(String routeTableId, String routeServerId) {
        PropagatedRoutes routes = propagated.get(routeTableId);
        return routes == null ? 0 : routes.clear(routeServerId);
    }

    /** Number of destinations holding a propagated route in the table, installed or not. */
    public int propagatedCount(String routeTableId) {
        PropagatedRoutes routes = propagated.get(routeTableId);
        return routes == null ? 0 : routes.size();
    }

    /**
     * Whether a propagated route to {@code destination} is (or would be) installed in the table, or why it is
     * rejected: the destination is a VPC block (the local route), a static route has the same destination,
     * or the table is an edge table and the destination lies outside the VPC. Computed on each call, so it
     * follows changes of static routes and associations at once.
     */
    public Installation installation(String routeTableId, Cidr destination) {
        return installation(context(routeTableId), destination);
    }

    /**
     * As {@link #installation(String, Cidr)}, for one route server's route: rejected also when another route
     * server's route to the destination came first and is the one in the table.
     */
    public Installation installation(String routeTableId, Cidr destination, String routeServerId) {
        Installation general = installation(routeTableId, destination);
        PropagatedRoutes routes = propagated.get(routeTableId);
        Propagated active = routes == null ? null : routes.active(destination);
        if (!general.installed() || active == null || active.routeServerId().equals(routeServerId)) {
            return general;
        }
        return Installation.rejected("route server " + active.routeServerId() + " propagated " + destination
                + " into " + routeTableId + " first and its route is the one installed; disable propagation of one of "
                + "the two route servers to this table");
    }

    /**
     * The routes the table holds: its static routes in order, then the installed propagated routes sorted by
     * destination (origin "Advertisement", the interface as target, the BGP next hop as ipAddress).
     */
    public List<RouteView> effectiveRoutes(String routeTableId) {
        RouteTable table = routeTable(routeTableId);
        List<RouteView> views = new ArrayList<>(table.routes().size());
        for (Route route : table.routes()) {
            views.add(RouteView.of(route));
        }
        PropagatedRoutes routes = propagated.get(routeTableId);
        if (routes != null) {
            Context context = context(routeTableId);
            List<RouteView> dynamic = new ArrayList<>(routes.size());
            routes.forEachActive((destination, route) -> {
                if (installation(context, destination).installed()) {
                    dynamic.add(view(destination, route));
                }
            });
            dynamic.sort(Comparator.comparing(RouteView::destination));
            views.addAll(dynamic);
        }
        return views;
    }

    // ------------------------------------------------------------------------------ lookup and trace

    /** Longest-prefix match over the table's static and installed propagated routes; null when none matches. */
    public RouteView lookup(String routeTableId, String address) {
        return lookup(routeTableId, Address.parse(address));
    }

    public RouteView lookup(String routeTableId, InetAddress address) {
        return lookup(routeTableId, Address.of(address));
    }

    public RouteView lookup(String routeTableId, Address address) {
        Context context = context(routeTableId);
        PropagatedRoutes dynamic = propagated.get(routeTableId);
        boolean ipv6 = address.ipv6();
        long hi = address.hi();
        long lo = address.lo();
        // An edge table uses a propagated route only for a destination inside the VPC's block.
        Cidr block = context.block(ipv6);
        boolean edge = context.edgeGatewayId() != null;
        for (int length = address.bits(); length >= 0; length--) {
            // A static route wins over a propagated one of the same length (which is then rejected).
            Route route = context.statics().at(ipv6, length, hi, lo);
            if (route != null) {
                return RouteView.of(route);
            }
            if (dynamic == null || !dynamic.holdsLength(ipv6, length)) {
                continue;
            }
            Propagated candidate = dynamic.activeAt(ipv6, length, hi, lo);
            if (candidate == null) {
                continue;
            }
            if (!edge || block != null && length >= block.length() && block.contains(address)) {
                return view(Cidr.of(address, length), candidate);
            }
        }
        return null;
    }

    /**
     * Where a packet to {@code destinationAddress} goes when it comes from a subnet (through the subnet's
     * table), from a network interface (through its subnet's table) or in from an internet gateway (through
     * the gateway's edge table; without one, traffic for VPC addresses is delivered locally).
     */
    public Trace trace(String from, String destinationAddress) {
        Address destination = Address.parse(destinationAddress);
        if (from != null && from.startsWith(Kind.GATEWAY.prefix)) {
            return traceFromGateway(internetGateway(from), destination);
        }
        Subnet subnet;
        if (from != null && from.startsWith(Kind.INTERFACE.prefix)) {
            subnet = subnet(networkInterface(from).subnetId());
        } else if (from != null && from.startsWith(Kind.SUBNET.prefix)) {
            subnet = subnet(from);
        } else {
            throw new VpcException("InvalidParameterValue", "A trace starts at a subnet (subnet-...), a network "
                    + "interface (eni-...) or an internet gateway (igw-...); '" + from + "' is none of these");
        }
        Association association = explicitAssociation(subnet.subnetId());
        RouteTable table = association != null ? tables.get(association.routeTableId())
                : mainRouteTable(subnet.vpcId());
        return follow(from, table, association != null ? "explicit association" : "main route table", destination);
    }

    private Trace traceFromGateway(InternetGateway gateway, Address destination) {
        String from = gateway.internetGatewayId();
        String vpcId = gateway.attachedVpcId();
        if (vpcId == null) {
            throw new VpcException("Gateway.NotAttached", "The internet gateway " + from
                    + " is not attached to a VPC, so no traffic enters through it; attach it first (AttachInternetGateway)");
        }
        RouteTable edge = edgeTable(from);
        if (edge != null) {
            return follow(from, edge, "edge association", destination);
        }
        Vpc vpc = vpcs.get(vpcId);
        Cidr block = destination.ipv6() ? vpc.ipv6Cidr() : vpc.cidr();
        if (block != null && block.contains(destination)) {
            return deliverLocally(from, null, "no edge route table", destination, null, vpc);
        }
        return new Trace(from, null, "no edge route table", destination.toString(), null, Trace.Outcome.DROPPED,
                null, null, null, null, destination + " is not an address of " + vpcId);
    }

    private Trace follow(String from, RouteTable table, String association, Address destination) {
        String tableId = table.routeTableId();
        String to = destination.toString();
        RouteView route = lookup(tableId, destination);
        if (route == null) {
            return new Trace(from, tableId, association, to, null, Trace.Outcome.DROPPED, null, null, null, null,
                    "no route matches; add one with CreateRoute");
        }
        if (route.blackhole()) {
            String why = route.networkInterfaceId() != null ? route.networkInterfaceId() + " no longer exists"
                    : route.gatewayId() + " is detached or deleted";
            return new Trace(from, tableId, association, to, route, Trace.Outcome.DROPPED, null, null, null, null,
                    "blackhole: " + why + "; replace or delete the route");
        }
        if (route.networkInterfaceId() != null) {
            NetworkInterface eni = interfaces.get(route.networkInterfaceId());
            String address = eni.addressFor(destination.ipv6());
            if (address == null) {
                address = eni.privateIpAddress();
            }
            String note = null;
            if (eni.sourceDestCheck() && !to.equals(eni.privateIpAddress()) && !to.equals(eni.ipv6Address())) {
                note = "source/destination check is on for " + eni.networkInterfaceId()
                        + ", so it only accepts traffic addressed to itself; turn it off with "
                        + "ModifyNetworkInterfaceAttribute for an appliance";
            }
            return new Trace(from, tableId, association, to, route, Trace.Outcome.INTERFACE, eni.networkInterfaceId(),
                    address, eni.subnetId(), null, note);
        }
        if (RouteTable.LOCAL.equals(route.gatewayId())) {
            return deliverLocally(from, tableId, association, destination, route, vpcs.get(table.vpcId()));
        }
        return new Trace(from, tableId, association, to, route, Trace.Outcome.INTERNET_GATEWAY, null, null, null,
                route.gatewayId(), null);
    }

    private Trace deliverLocally(String from, String tableId, String association, Address destination, RouteView route,
                                 Vpc vpc) {
        String to = destination.toString();
        for (Subnet subnet : subnets.values()) {
            if (!subnet.vpcId().equals(vpc.vpcId())) {
                continue;
            }
            Cidr block = destination.ipv6() ? subnet.ipv6Cidr() : subnet.cidr();
            if (block != null && block.contains(destination)) {
                NetworkInterface eni = findInterfaceByAddress(vpc.vpcId(), destination);
                return new Trace(from, tableId, association, to, route, Trace.Outcome.LOCAL,
                        eni == null ? null : eni.networkInterfaceId(), eni == null ? null : to, subnet.subnetId(), null,
                        null);
            }
        }
        return new Trace(from, tableId, association, to, route, Trace.Outcome.DROPPED, null, null, null, null,
                "no subnet of " + vpc.vpcId() + " holds " + to);
    }

    // ------------------------------------------------------------------------------------------ inside

    private String newId(String prefix) {
        while (true) {
            String hex = Long.toHexString(random.nextLong());
            String id = prefix + Integer.toHexString(random.nextInt(16)) + "0".repeat(16 - hex.length()) + hex;
            if (find(id) == null) {
                return id;
            }
        }
    }

    private String newMacAddress() {
        // A locally administered unicast address (first octet 0x02), as EC2 hands out.
        StringBuilder mac = new StringBuilder("02");
        for (int i = 0; i < 5; i++) {
            mac.append(':').append(String.format("%02x", random.nextInt(256)));
        }
        return mac.toString();
    }

    private static List<Route> localRoutes(Vpc vpc) {
        List<Route> routes = new ArrayList<>(2);
        routes.add(Route.to(vpc.cidr(), RouteTable.LOCAL, null, RouteTable.CREATE_ROUTE_TABLE, RouteTable.ACTIVE));
        if (vpc.ipv6CidrBlock() != null) {
            routes.add(Route.to(vpc.ipv6Cidr(), RouteTable.LOCAL, null, RouteTable.CREATE_ROUTE_TABLE, RouteTable.ACTIVE));
        }
        return routes;
    }

    private static String blocks(Vpc vpc) {
        return vpc.ipv6CidrBlock() == null ? vpc.cidrBlock() : vpc.cidrBlock() + ", " + vpc.ipv6CidrBlock();
    }

    private static Cidr destination(String destination) {
        if (destination == null) {
            throw new VpcException("MissingParameter",
                    "The request must contain DestinationCidrBlock or DestinationIpv6CidrBlock");
        }
        return Cidr.parse(destination);
    }

    /** A static route to {@code cidr} in {@code table}, its target checked against the rules of the class comment. */
    private Route checkedRoute(RouteTable table, Cidr cidr, String gatewayId, String networkInterfaceId, String origin) {
        if (gatewayId == null && networkInterfaceId == null) {
            throw new VpcException("MissingParameter",
                    "The route to " + cidr + " needs a target: give GatewayId or NetworkInterfaceId");
        }
        if (gatewayId != null && networkInterfaceId != null) {
            throw new VpcException("InvalidParameterCombination",
                    "The route to " + cidr + " takes one target; give GatewayId or NetworkInterfaceId, not both");
        }
        Vpc vpc = vpcs.get(table.vpcId());
        if (networkInterfaceId != null) {
            NetworkInterface eni = networkInterface(networkInterfaceId);
            if (!eni.vpcId().equals(table.vpcId())) {
                throw new VpcException("InvalidParameterValue", "The network interface " + networkInterfaceId + " is in "
                        + eni.vpcId() + " but " + table.routeTableId() + " is in " + table.vpcId()
                        + "; route to an interface of the table's VPC");
            }
            return Route.to(cidr, null, networkInterfaceId, origin, RouteTable.ACTIVE);
        }
        if (RouteTable.LOCAL.equals(gatewayId)) {
            if (!vpc.isLocal(cidr)) {
                throw new VpcException("InvalidParameterValue", "Only the VPC's own blocks (" + blocks(vpc)
                        + ") can target 'local'; route " + cidr + " to an internet gateway or a network interface");
            }
            return Route.to(cidr, RouteTable.LOCAL, null, origin, RouteTable.ACTIVE);
        }
        if (vpc.covers(cidr)) {
            throw new VpcException("InvalidParameterValue", "The destination " + cidr
                    + " is equal to or more specific than " + table.vpcId() + "'s block (" + blocks(vpc)
                    + "); such a route can only target a network interface");
        }
        if (!gatewayId.startsWith(Kind.GATEWAY.prefix)) {
            throw new VpcException("InvalidGatewayID.NotFound", "The gateway ID '" + gatewayId
                    + "' does not exist; use an internet gateway id (igw-...) or 'local'");
        }
        InternetGateway gateway = internetGateway(gatewayId);
        if (!table.vpcId().equals(gateway.attachedVpcId())) {
            throw new VpcException("InvalidParameterValue", "The route table " + table.routeTableId()
                    + " and the internet gateway " + gatewayId + " belong to different networks; attach "
                    + gatewayId + " to " + table.vpcId() + " first (AttachInternetGateway)");
        }
        return Route.to(cidr, gatewayId, null, origin, RouteTable.ACTIVE);
    }

    private RouteTable store(RouteTable table) {
        tables.put(table.routeTableId(), table);
        return table;
    }

    private void dropTable(String routeTableId) {
        tables.remove(routeTableId);
        propagated.remove(routeTableId);
        contexts.remove(routeTableId);
    }

    private void dropInterface(NetworkInterface eni) {
        interfaces.remove(eni.networkInterfaceId());
        forgetAddresses(eni);
        Subnet subnet = subnets.get(eni.subnetId());
        if (subnet != null) {
            subnets.put(subnet.subnetId(), subnet.withAvailableIpAddressCount(subnet.availableIpAddressCount() + 1));
        }
        refreshRouteStates(eni.vpcId());
    }

    /** Marks static routes of the VPC's tables blackhole or active as their targets exist; replaces changed tables. */
    private void refreshRouteStates(String vpcId) {
        List<RouteTable> changed = new ArrayList<>();
        for (RouteTable table : tables.values()) {
            if (!table.vpcId().equals(vpcId)) {
                continue;
            }
            List<Route> routes = new ArrayList<>(table.routes());
            boolean any = false;
            for (int i = 0; i < routes.size(); i++) {
                Route route = routes.get(i);
                String state = targetExists(route, vpcId) ? RouteTable.ACTIVE : RouteTable.BLACKHOLE;
                if (!state.equals(route.state())) {
                    routes.set(i, route.withState(state));
                    any = true;
                }
            }
            if (any) {
                changed.add(table.withRoutes(routes));
            }
        }
        changed.forEach(this::store);
    }

    private boolean targetExists(Route route, String vpcId) {
        if (route.networkInterfaceId() != null) {
            return interfaces.containsKey(route.networkInterfaceId());
        }
        if (RouteTable.LOCAL.equals(route.gatewayId())) {
            return true;
        }
        InternetGateway gateway = gateways.get(route.gatewayId());
        return gateway != null && vpcId.equals(gateway.attachedVpcId());
    }

    private Context context(String routeTableId) {
        RouteTable table = routeTable(routeTableId);
        Vpc vpc = vpcs.get(table.vpcId());
        Context context = contexts.get(routeTableId);
        if (context == null || context.table() != table || context.vpc() != vpc) {
            PrefixTable<Route> statics = new PrefixTable<>();
            for (Route route : table.routes()) {
                statics.put(route.cidr(), route);
            }
            context = new Context(table, vpc, vpc.cidr(), vpc.ipv6Cidr(), statics, table.edgeGatewayId());
            contexts.put(routeTableId, context);
        }
        return context;
    }

    private static Installation installation(Context context, Cidr destination) {
        String tableId = context.table().routeTableId();
        Cidr block = context.block(destination.isIpv6());
        if (destination.equals(block)) {
            return Installation.rejected(destination + " is the local route of " + context.vpc().vpcId() + " in "
                    + tableId + " and always stays local; advertise more specific prefixes instead");
        }
        Route route = context.statics().get(destination);
        if (route != null) {
            return Installation.rejected("static route to " + destination + " via " + route.target() + " in "
                    + tableId + " takes precedence; delete it or disable propagation");
        }
        String gatewayId = context.edgeGatewayId();
        if (gatewayId != null && (block == null || !block.contains(destination))) {
            return Installation.rejected(tableId + " is the edge route table of " + gatewayId
                    + " and accepts only destinations inside " + context.vpc().vpcId() + " (" + blocks(context.vpc())
                    + "); advertise a prefix inside them or disable propagation to this table");
        }
        return Installation.INSTALLED;
    }

    private RouteView view(Cidr destination, Propagated route) {
        String state = interfaces.containsKey(route.networkInterfaceId()) ? RouteTable.ACTIVE : RouteTable.BLACKHOLE;
        return new RouteView(destination, null, route.networkInterfaceId(), route.nextHopIp(), RouteTable.ADVERTISEMENT,
                state);
    }

    private Association association(String associationId) {
        Kind.ASSOCIATION.check(associationId);
        for (RouteTable table : tables.values()) {
            for (Association association : table.associations()) {
                if (association.routeTableAssociationId().equals(associationId)) {
                    return association;
                }
            }
        }
        throw Kind.ASSOCIATION.notFound(associationId);
    }

    private Association explicitAssociation(String subnetId) {
        for (RouteTable table : tables.values()) {
            for (Association association : table.associations()) {
                if (subnetId.equals(association.subnetId())) {
                    return association;
                }
            }
        }
        return null;
    }

    private RouteTable edgeTable(String gatewayId) {
        for (RouteTable table : tables.values()) {
            if (gatewayId.equals(table.edgeGatewayId())) {
                return table;
            }
        }
        return null;
    }

    private Address freeAddress(Subnet subnet, Cidr block) {
        Map<Address, String> owners = interfaceByAddress.getOrDefault(subnet.vpcId(), Map.of());
        long last = block.isIpv6() ? Long.MAX_VALUE : block.size() - 2;
        for (long n = FIRST_HOST; n <= last; n++) {
            Address candidate = block.address(n);
            if (!owners.containsKey(candidate)) {
                return candidate;
            }
        }
        throw new VpcException("InsufficientFreeAddressesInSubnet", "The subnet " + subnet.subnetId() + " ("
                + block + ") has no free address left; delete unused network interfaces or use another subnet");
    }

    private Address requestedAddress(Subnet subnet, Cidr block, String text, String parameter) {
        Address address = Address.parse(text);
        if (!block.contains(address)) {
            throw new VpcException("InvalidParameterValue", "The " + parameter + " " + text
                    + " is not inside the subnet " + subnet.subnetId() + " (" + block
                    + "); pick an address inside it, or leave it out to get a free one");
        }
        long index = block.indexOf(address);
        boolean broadcast = !block.isIpv6() && index == block.size() - 1;
        if (index < FIRST_HOST || broadcast) {
            throw new VpcException("InvalidParameterValue", "The " + parameter + " " + text + " is reserved in "
                    + block + " (the first four addresses and the last one of a subnet are); pick another address");
        }
        String owner = interfaceByAddress.getOrDefault(subnet.vpcId(), Map.of()).get(address);
        if (owner != null) {
            throw new VpcException("InvalidIPAddress.InUse", "The address " + text + " is already in use by " + owner
                    + "; pick another address, or leave it out to get a free one");
        }
        return address;
    }

    private void rememberAddresses(NetworkInterface eni) {
        Map<Address, String> owners = interfaceByAddress.computeIfAbsent(eni.vpcId(), id -> new HashMap<>());
        owners.put(Address.parse(eni.privateIpAddress()), eni.networkInterfaceId());
        if (eni.ipv6Address() != null) {
            owners.put(Address.parse(eni.ipv6Address()), eni.networkInterfaceId());
        }
    }

    private void forgetAddresses(NetworkInterface eni) {
        Map<Address, String> owners = interfaceByAddress.get(eni.vpcId());
        if (owners == null) {
            return;
        }
        owners.remove(Address.parse(eni.privateIpAddress()), eni.networkInterfaceId());
        if (eni.ipv6Address() != null) {
            owners.remove(Address.parse(eni.ipv6Address()), eni.networkInterfaceId());
        }
    }
}
