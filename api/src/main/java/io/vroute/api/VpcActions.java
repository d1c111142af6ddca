package io.vroute.api;

import io.vroute.server.Region;
import io.vroute.server.Server;
import io.vroute.vpc.InternetGateway;
import io.vroute.vpc.Network;
import io.vroute.vpc.NetworkInterface;
import io.vroute.vpc.NewInterface;
import io.vroute.vpc.RouteTable;
import io.vroute.vpc.RouteView;
import io.vroute.vpc.Subnet;
import io.vroute.vpc.Vpc;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The VPC actions of the contract (ec2-model-subset.json): VPCs, subnets, network interfaces, internet gateways, route
 * tables, their associations and routes. Route tables are described with their propagated routes (origin
 * Advertisement, target the next hop's ENI, {@code ipAddress} the BGP next hop) as well as the static ones.
 */
final class VpcActions {
    static final String OWNER = "000000000000";
    private final Server server;

    VpcActions(Server server) {
        this.server = server;
    }

    void register(Map<String, Action> a) {
        a.put("CreateVpc", this::createVpc);
        a.put("DeleteVpc", (q, w) -> done(q, w, r -> r.network().deleteVpc(q.required("VpcId"))));
        a.put("DescribeVpcs", this::describeVpcs);
        a.put("CreateSubnet", this::createSubnet);
        a.put("DeleteSubnet", (q, w) -> done(q, w, r -> r.network().deleteSubnet(q.required("SubnetId"))));
        a.put("DescribeSubnets", this::describeSubnets);
        a.put("CreateNetworkInterface", this::createNetworkInterface);
        a.put("DeleteNetworkInterface", (q, w) -> done(q, w, r -> {
            r.network().deleteNetworkInterface(q.required("NetworkInterfaceId"));
            r.interfacesChanged();
        }));
        a.put("ModifyNetworkInterfaceAttribute", this::modifyNetworkInterface);
        a.put("DescribeNetworkInterfaces", this::describeNetworkInterfaces);
        a.put("CreateInternetGateway", this::createInternetGateway);
        a.put("AttachInternetGateway", (q, w) -> done(q, w,
                r -> r.network().attachInternetGateway(q.required("InternetGatewayId"), q.required("VpcId"))));
        a.put("DetachInternetGateway", (q, w) -> done(q, w,
                r -> r.network().detachInternetGateway(q.required("InternetGatewayId"), q.required("VpcId"))));
        a.put("DeleteInternetGateway", (q, w) -> done(q, w, r -> r.network().deleteInternetGateway(q.required("InternetGatewayId"))));
        a.put("DescribeInternetGateways", this::describeInternetGateways);
        a.put("CreateRouteTable", this::createRouteTable);
        a.put("DeleteRouteTable", (q, w) -> done(q, w, r -> r.network().deleteRouteTable(q.required("RouteTableId"))));
        a.put("DescribeRouteTables", this::describeRouteTables);
        a.put("CreateRoute", (q, w) -> route(q, w, false));
        a.put("ReplaceRoute", (q, w) -> route(q, w, true));
        a.put("DeleteRoute", (q, w) -> {
            String table = q.required("RouteTableId");
            String dest = destination(q);
            done(q, w, r -> r.network().deleteRoute(table, dest));
        });
        a.put("AssociateRouteTable", this::associateRouteTable);
        a.put("DisassociateRouteTable", (q, w) -> done(q, w, r -> r.network().disassociateRouteTable(q.required("AssociationId"))));
        a.put("ReplaceRouteTableAssociation", this::replaceAssociation);
    }

    /** An action whose answer is {@code <return>true</return>}. */
    private void done(QueryRequest q, XmlWriter w, java.util.function.Consumer<Region> change) {
        q.checkDryRun();
        server.call(r -> { change.accept(r); return null; });
        w.element("return", true);
    }

    private static void tagAfterCreate(Region r, String id, List<TagSpecification> specs) {
        Tagging.apply(r, id, specs);
    }

    // ------------------------------------------------------------ VPCs

    private void createVpc(QueryRequest q, XmlWriter w) {
        String cidr = q.string("CidrBlock");
        String ipv6 = q.string("Ipv6CidrBlock");
        boolean amazonV6 = q.bool("AmazonProvidedIpv6CidrBlock", false);
        String tenancy = q.enumValue("InstanceTenancy", Set.of("default", "dedicated", "host"));
        List<TagSpecification> specs = Tagging.specifications(q, "vpc");
        q.checkDryRun();
        Vpc vpc = server.call(r -> {
            Vpc v = r.network().createVpc(cidr, ipv6, amazonV6, tenancy);
            tagAfterCreate(r, v.vpcId(), specs);
            return r.network().vpc(v.vpcId());
        });
        w.start("vpc");
        writeVpc(w, vpc);
        w.end();
    }

    private void describeVpcs(QueryRequest q, XmlWriter w) {
        List<String> ids = q.list("VpcId");
        List<Filter> filters = q.filters();
        q.checkDryRun();
        List<Vpc> all = server.call(r -> {
            ids.forEach(r.network()::vpc);
            return select(r.network().vpcs(), Vpc::vpcId, ids);
        });
        Map<String, Function<Vpc, Collection<String>>> f = Map.of(
                "vpc-id", x -> List.of(x.vpcId()),
                "cidr", x -> opt(x.cidrBlock()),
                "cidr-block-association.cidr-block", x -> opt(x.cidrBlock()),
                "ipv6-cidr-block-association.ipv6-cidr-block", x -> opt(x.ipv6CidrBlock()),
                "state", x -> List.of(x.state()),
                "is-default", x -> List.of(Boolean.toString(x.isDefault())),
                "dhcp-options-id", x -> opt(x.dhcpOptionsId()),
                "owner-id", x -> List.of(OWNER));
        Page<Vpc> page = Page.of(Filters.apply(all, filters, f, Vpc::tags), q, 1000, 5, 1000);
        w.list("vpcSet", page.items(), VpcActions::writeVpc);
        w.element("nextToken", page.nextToken());
    }

    static void writeVpc(XmlWriter w, Vpc v) {
        w.element("vpcId", v.vpcId());
        w.element("ownerId", OWNER);
        w.element("state", v.state());
        w.element("cidrBlock", v.cidrBlock());
        if (v.cidrBlock() != null) {
            w.start("cidrBlockAssociationSet").start("item");
            w.element("associationId", v.cidrBlockAssociationId());
            w.element("cidrBlock", v.cidrBlock());
            w.start("cidrBlockState").element("state", "associated").end();
            w.end().end();
        }
        if (v.ipv6CidrBlock() != null) {
            w.start("ipv6CidrBlockAssociationSet").start("item");
            w.element("associationId", v.ipv6CidrBlockAssociationId());
            w.element("ipv6CidrBlock", v.ipv6CidrBlock());
            w.start("ipv6CidrBlockState").element("state", "associated").end();
            w.element("ipv6Pool", v.ipv6Pool());
            w.end().end();
        }
        w.element("dhcpOptionsId", v.dhcpOptionsId());
        w.element("instanceTenancy", v.instanceTenancy());
        w.element("isDefault", v.isDefault());
        Tagging.write(w, v.tags());
    }

    // ------------------------------------------------------------ subnets

    private void createSubnet(QueryRequest q, XmlWriter w) {
        String vpc = q.required("VpcId");
        String cidr = q.string("CidrBlock");
        String ipv6 = q.string("Ipv6CidrBlock");
        String az = q.string("AvailabilityZone");
        List<TagSpecification> specs = Tagging.specifications(q, "subnet");
        q.checkDryRun();
        Subnet s = server.call(r -> {
            Subnet created = r.network().createSubnet(vpc, cidr, ipv6, az);
            tagAfterCreate(r, created.subnetId(), specs);
            return r.network().subnet(created.subnetId());
        });
        w.start("subnet");
        writeSubnet(w, s);
        w.end();
    }

    private void describeSubnets(QueryRequest q, XmlWriter w) {
        List<String> ids = q.list("SubnetId");
        List<Filter> filters = q.filters();
        q.checkDryRun();
        List<Subnet> all = server.call(r -> {
            ids.forEach(r.network()::subnet);
            return select(r.network().subnets(), Subnet::subnetId, ids);
        });
        Map<String, Function<Subnet, Collection<String>>> f = Map.of(
                "subnet-id", x -> List.of(x.subnetId()),
                "vpc-id", x -> List.of(x.vpcId()),
                "cidr-block", x -> opt(x.cidrBlock()),
                "cidr", x -> opt(x.cidrBlock()),
                "ipv6-cidr-block-association.ipv6-cidr-block", x -> opt(x.ipv6CidrBlock()),
                "availability-zone", x -> List.of(x.availabilityZone()),
                "available-ip-address-count", x -> List.of(Integer.toString(x.availableIpAddressCount())),
                "state", x -> List.of(x.state()),
                "default-for-az", x -> List.of("false"),
                "owner-id", x -> List.of(OWNER));
        Page<Subnet> page = Page.of(Filters.apply(all, filters, f, Subnet::tags), q, 1000, 5, 1000);
        w.list("subnetSet", page.items(), VpcActions::writeSubnet);
        w.element("nextToken", page.nextToken());
    }

    static void writeSubnet(XmlWriter w, Subnet s) {
        w.element("subnetId", s.subnetId());
        w.element("subnetArn", "arn:aws:ec2:vroute:" + OWNER + ":subnet/" + s.subnetId());
        w.element("state", s.state());
        w.element("ownerId", OWNER);
        w.element("vpcId", s.vpcId());
        w.element("cidrBlock", s.cidrBlock());
        if (s.ipv6CidrBlock() != null) {
            w.start("ipv6CidrBlockAssociationSet").start("item");
            w.element("associationId", s.ipv6CidrBlockAssociationId());
            w.element("ipv6CidrBlock", s.ipv6CidrBlock());
            w.start("ipv6CidrBlockState").element("state", "associated").end();
            w.end().end();
        }
        w.element("availableIpAddressCount", (long) s.availableIpAddressCount());
        w.element("availabilityZone", s.availabilityZone());
        w.element("defaultForAz", false);
        w.element("mapPublicIpOnLaunch", false);
        w.element("assignIpv6AddressOnCreation", false);
        Tagging.write(w, s.tags());
    }

    // ------------------------------------------------------------ network interfaces

    private void createNetworkInterface(QueryRequest q, XmlWriter w) {
        String subnet = q.required("SubnetId");
        NewInterface req = NewInterface.in(subnet);
        String ip = q.string("PrivateIpAddress");
        if (ip != null) req = req.withPrivateIpAddress(ip);
        String description = q.string("Description");
        if (description != null) req = req.withDescription(description);
        List<QueryRequest> v6 = q.structList("Ipv6Addresses");
        if (!v6.isEmpty()) req = req.withIpv6Address(v6.get(0).required("Ipv6Address"));
        Integer v6Count = q.intValue("Ipv6AddressCount", 0, 1);
        if (v6Count != null && v6Count == 1 && v6.isEmpty()) req = req.withIpv6AddressAssigned();
        List<TagSpecification> specs = Tagging.specifications(q, "network-interface");
        String token = q.clientToken();
        q.checkDryRun();
        NewInterface request = req;
        NetworkInterface eni = server.call(r -> {
            NetworkInterface created = r.network().createNetworkInterface(request);
            tagAfterCreate(r, created.networkInterfaceId(), specs);
            r.interfacesChanged();
            return r.network().networkInterface(created.networkInterfaceId());
        });
        w.start("networkInterface");
        writeInterface(w, eni);
        w.end();
        w.element("clientToken", token);
    }

    private void modifyNetworkInterface(QueryRequest q, XmlWriter w) {
        String id = q.required("NetworkInterfaceId");
        Boolean check = q.struct("SourceDestCheck").bool("Value");
        String description = q.struct("Description").string("Value");
        if (check == null && description == null) {
            throw new Ec2Exception("MissingParameter", "The request must contain one attribute to modify: SourceDestCheck.Value"
                    + " or Description.Value (vroute supports these two)");
        }
        done(q, w, r -> {
            Network n = r.network();
            if (check != null) n.setSourceDestCheck(id, check);
            if (description != null) n.setDescription(id, description);
        });
    }

    private void describeNetworkInterfaces(QueryRequest q, XmlWriter w) {
        List<String> ids = q.list("NetworkInterfaceId");
        List<Filter> filters = q.filters();
        q.checkDryRun();
        List<NetworkInterface> all = server.call(r -> {
            ids.forEach(r.network()::networkInterface);
            return select(r.network().networkInterfaces(), NetworkInterface::networkInterfaceId, ids);
        });
        Map<String, Function<NetworkInterface, Collection<String>>> f = new LinkedHashMap<>();
        f.put("network-interface-id", x -> List.of(x.networkInterfaceId()));
        f.put("subnet-id", x -> List.of(x.subnetId()));
        f.put("vpc-id", x -> List.of(x.vpcId()));
        f.put("availability-zone", x -> List.of(x.availabilityZone()));
        f.put("private-ip-address", x -> opt(x.privateIpAddress()));
        f.put("addresses.private-ip-address", x -> opt(x.privateIpAddress()));
        f.put("ipv6-addresses.ipv6-address", x -> opt(x.ipv6Address()));
        f.put("description", x -> opt(x.description()));
        f.put("status", x -> List.of(x.status()));
        f.put("interface-type", x -> opt(x.interfaceType()));
        f.put("requester-managed", x -> List.of(Boolean.toString(x.requesterManaged())));
        f.put("source-dest-check", x -> List.of(Boolean.toString(x.sourceDestCheck())));
        f.put("mac-address", x -> opt(x.macAddress()));
        f.put("owner-id", x -> List.of(OWNER));
        Page<NetworkInterface> page = Page.of(Filters.apply(all, filters, f, NetworkInterface::tags), q, 1000, 5, 1000);
        w.list("networkInterfaceSet", page.items(), VpcActions::writeInterface);
        w.element("nextToken", page.nextToken());
    }

    static void writeInterface(XmlWriter w, NetworkInterface e) {
        w.element("networkInterfaceId", e.networkInterfaceId());
        w.element("subnetId", e.subnetId());
        w.element("vpcId", e.vpcId());
        w.element("availabilityZone", e.availabilityZone());
        w.element("description", e.description() == null ? "" : e.description());
        w.element("ownerId", OWNER);
        w.element("requesterManaged", e.requesterManaged());
        w.element("status", e.status());
        w.element("macAddress", e.macAddress());
        w.element("privateIpAddress", e.privateIpAddress());
        w.element("sourceDestCheck", e.sourceDestCheck());
        w.element("interfaceType", e.interfaceType());
        w.start("privateIpAddressesSet");
        if (e.privateIpAddress() != null) {
            w.start("item").element("privateIpAddress", e.privateIpAddress()).element("primary", true).end();
        }
        w.end();
        if (e.ipv6Address() != null) {
            w.element("ipv6Address", e.ipv6Address());
            w.start("ipv6AddressesSet").start("item").element("ipv6Address", e.ipv6Address()).element("isPrimaryIpv6", true).end().end();
        }
        Tagging.write(w, e.tags());
    }

    // ------------------------------------------------------------ internet gateways

    private void createInternetGateway(QueryRequest q, XmlWriter w) {
        List<TagSpecification> specs = Tagging.specifications(q, "internet-gateway");
        q.checkDryRun();
        InternetGateway g = server.call(r -> {
            InternetGateway created = r.network().createInternetGateway();
            tagAfterCreate(r, created.internetGatewayId(), specs);
            return r.network().internetGateway(created.internetGatewayId());
        });
        w.start("internetGateway");
        writeGateway(w, g);
        w.end();
    }

    private void describeInternetGateways(QueryRequest q, XmlWriter w) {
        List<String> ids = q.list("InternetGatewayId");
        List<Filter> filters = q.filters();
        q.checkDryRun();
        List<InternetGateway> all = server.call(r -> {
            ids.forEach(r.network()::internetGateway);
            return select(r.network().internetGateways(), InternetGateway::internetGatewayId, ids);
        });
        Map<String, Function<InternetGateway, Collection<String>>> f = Map.of(
                "internet-gateway-id", x -> List.of(x.internetGatewayId()),
                "attachment.vpc-id", x -> x.attachments().stream().map(InternetGateway.Attachment::vpcId).toList(),
                "attachment.state", x -> x.attachments().stream().map(InternetGateway.Attachment::state).toList(),
                "owner-id", x -> List.of(OWNER));
        Page<InternetGateway> page = Page.of(Filters.apply(all, filters, f, InternetGateway::tags), q, 1000, 5, 1000);
        w.list("internetGatewaySet", page.items(), VpcActions::writeGateway);
        w.element("nextToken", page.nextToken());
    }

    static void writeGateway(XmlWriter w, InternetGateway g) {
        w.element("internetGatewayId", g.internetGatewayId());
        w.element("ownerId", OWNER);
        w.list("attachmentSet", g.attachments(), (x, a) -> x.element("vpcId", a.vpcId()).element("state", a.state()));
        Tagging.write(w, g.tags());
    }

    // ------------------------------------------------------------ route tables

    private void createRouteTable(QueryRequest q, XmlWriter w) {
        String vpc = q.required("VpcId");
        List<TagSpecification> specs = Tagging.specifications(q, "route-table");
        String token = q.clientToken();
        q.checkDryRun();
        TableView t = server.call(r -> {
            RouteTable created = r.network().createRouteTable(vpc);
            tagAfterCreate(r, created.routeTableId(), specs);
            return TableView.of(r.network(), created.routeTableId());
        });
        w.start("routeTable");
        writeTable(w, t);
        w.end();
        w.element("clientToken", token);
    }

    /** A table with its effective routes (static and installed propagated ones), copied on the control thread. */
    record TableView(RouteTable table, List<RouteView> routes) {
        static TableView of(Network n, String id) {
            return new TableView(n.routeTable(id), n.effectiveRoutes(id));
        }
    }

    private void describeRouteTables(QueryRequest q, XmlWriter w) {
        List<String> ids = q.list("RouteTableId");
        List<Filter> filters = q.filters();
        q.checkDryRun();
        List<TableView> all = server.call(r -> {
            ids.forEach(r.network()::routeTable);
            List<TableView> out = new ArrayList<>();
            for (RouteTable t : select(r.network().routeTables(), RouteTable::routeTableId, ids)) {
                out.add(TableView.of(r.network(), t.routeTableId()));
            }
            return out;
        });
        Map<String, Function<TableView, Collection<String>>> f = new LinkedHashMap<>();
        f.put("route-table-id", x -> List.of(x.table().routeTableId()));
        f.put("vpc-id", x -> List.of(x.table().vpcId()));
        f.put("association.route-table-association-id", x -> x.table().associations().stream().map(RouteTable.Association::routeTableAssociationId).toList());
        f.put("association.subnet-id", x -> x.table().associations().stream().map(RouteTable.Association::subnetId).filter(s -> s != null).toList());
        f.put("association.gateway-id", x -> x.table().associations().stream().map(RouteTable.Association::gatewayId).filter(s -> s != null).toList());
        // One value per association, as EC2 does: a table associated with nothing matches neither true nor false.
        f.put("association.main", x -> x.table().associations().stream().map(a -> Boolean.toString(a.main())).toList());
        f.put("route.destination-cidr-block", x -> x.routes().stream().map(RouteView::destinationCidrBlock).filter(s -> s != null).toList());
        f.put("route.destination-ipv6-cidr-block", x -> x.routes().stream().map(RouteView::destinationIpv6CidrBlock).filter(s -> s != null).toList());
        f.put("route.gateway-id", x -> x.routes().stream().map(RouteView::gatewayId).filter(s -> s != null).toList());
        f.put("route.network-interface-id", x -> x.routes().stream().map(RouteView::networkInterfaceId).filter(s -> s != null).toList());
        f.put("route.origin", x -> x.routes().stream().map(RouteView::origin).toList());
        f.put("route.state", x -> x.routes().stream().map(RouteView::state).toList());
        f.put("owner-id", x -> List.of(OWNER));
        Page<TableView> page = Page.of(Filters.apply(all, filters, f, x -> x.table().tags()), q, 1000, 5, 1000);
        w.list("routeTableSet", page.items(), VpcActions::writeTable);
        w.element("nextToken", page.nextToken());
    }

    static void writeTable(XmlWriter w, TableView v) {
        RouteTable t = v.table();
        w.element("routeTableId", t.routeTableId());
        w.element("vpcId", t.vpcId());
        w.element("ownerId", OWNER);
        w.list("routeSet", v.routes(), (x, r) -> {
            x.element("destinationCidrBlock", r.destinationCidrBlock());
            x.element("destinationIpv6CidrBlock", r.destinationIpv6CidrBlock());
            x.element("gatewayId", r.gatewayId());
            x.element("networkInterfaceId", r.networkInterfaceId());
            x.element("ipAddress", r.ipAddress());
            x.element("state", r.state());
            x.element("origin", r.origin());
        });
        w.list("associationSet", t.associations(), (x, a) -> {
            x.element("routeTableAssociationId", a.routeTableAssociationId());
            x.element("routeTableId", a.routeTableId());
            x.element("subnetId", a.subnetId());
            x.element("gatewayId", a.gatewayId());
            x.element("main", a.main());
            x.start("associationState").element("state", a.associationState()).end();
        });
        w.start("propagatingVgwSet").end();
        Tagging.write(w, t.tags());
    }

    private static String destination(QueryRequest q) {
        if (q.string("DestinationPrefixListId") != null) {
            throw new Ec2Exception("InvalidParameterValue", "Prefix lists (DestinationPrefixListId) are not modelled by"
                    + " vroute: give the destination as DestinationCidrBlock or DestinationIpv6CidrBlock");
        }
        String v4 = q.string("DestinationCidrBlock");
        String v6 = q.string("DestinationIpv6CidrBlock");
        if (v4 == null && v6 == null) {
            throw new Ec2Exception("MissingParameter", "The request must contain the parameter DestinationCidrBlock or"
                    + " DestinationIpv6CidrBlock");
        }
        if (v4 != null && v6 != null) {
            throw new Ec2Exception("InvalidParameterCombination", "give DestinationCidrBlock or DestinationIpv6CidrBlock, not both");
        }
        return v4 != null ? v4 : v6;
    }

    private void route(QueryRequest q, XmlWriter w, boolean replace) {
        String table = q.required("RouteTableId");
        String dest = destination(q);
        String gateway = q.string("GatewayId");
        String eni = q.string("NetworkInterfaceId");
        for (String unsupported : List.of("NatGatewayId", "TransitGatewayId", "VpcPeeringConnectionId", "InstanceId",
                "EgressOnlyInternetGatewayId", "CarrierGatewayId", "LocalGatewayId", "VpcEndpointId", "CoreNetworkArn",
                "OdbNetworkArn")) {
            if (q.string(unsupported) != null) {
                throw new Ec2Exception("InvalidParameterValue", unsupported + " targets are not modelled by vroute: route to a"
                        + " network interface (NetworkInterfaceId) or a gateway (GatewayId igw-... or local)");
            }
        }
        if (q.bool("LocalTarget", false)) {
            if (gateway != null && !gateway.equals("local") || eni != null) {
                throw new Ec2Exception("InvalidParameterCombination", "LocalTarget points the route back at 'local';"
                        + " give it without GatewayId or NetworkInterfaceId");
            }
            gateway = "local";
        }
        if (gateway == null && eni == null) {
            throw new Ec2Exception("MissingParameter", "The request must contain a target: GatewayId or NetworkInterfaceId");
        }
        if (gateway != null && eni != null) {
            throw new Ec2Exception("InvalidParameterCombination", "give one target: GatewayId or NetworkInterfaceId, not both");
        }
        String g = gateway;
        done(q, w, r -> {
            if (replace) r.network().replaceRoute(table, dest, g, eni);
            else r.network().createRoute(table, dest, g, eni);
        });
    }

    private void associateRouteTable(QueryRequest q, XmlWriter w) {
        String table = q.required("RouteTableId");
        String subnet = q.string("SubnetId");
        String gateway = q.string("GatewayId");
        if (subnet == null && gateway == null) {
            throw new Ec2Exception("MissingParameter", "The request must contain SubnetId (a subnet association) or"
                    + " GatewayId (an internet gateway's edge association)");
        }
        if (subnet != null && gateway != null) {
            throw new Ec2Exception("InvalidParameterCombination", "Give SubnetId or GatewayId, not both: a route table"
                    + " association is with one subnet or one internet gateway");
        }
        q.checkDryRun();
        RouteTable.Association a = server.call(r -> r.network().associateRouteTable(table, subnet, gateway));
        w.element("associationId", a.routeTableAssociationId());
        w.start("associationState").element("state", a.associationState()).end();
    }

    private void replaceAssociation(QueryRequest q, XmlWriter w) {
        String id = q.required("AssociationId");
        String table = q.required("RouteTableId");
        q.checkDryRun();
        RouteTable.Association a = server.call(r -> r.network().replaceRouteTableAssociation(id, table));
        w.element("newAssociationId", a.routeTableAssociationId());
        w.start("associationState").element("state", a.associationState()).end();
    }

    // ------------------------------------------------------------ helpers

    private static List<String> opt(String s) {
        return s == null ? List.of() : List.of(s);
    }

    private static <T> List<T> select(List<T> all, Function<T, String> id, List<String> ids) {
        if (ids.isEmpty()) return new ArrayList<>(all);
        Set<String> wanted = Set.copyOf(ids);
        List<T> out = new ArrayList<>();
        for (T t : all) if (wanted.contains(id.apply(t))) out.add(t);
        return out;
    }
}
