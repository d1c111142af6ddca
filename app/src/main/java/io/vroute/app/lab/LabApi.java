package io.vroute.app.lab;

import io.vroute.api.QueryClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The lab's way to vroute: the EC2 Query API, the same calls a user makes with the AWS CLI. Every resource a create call
 * makes is written down in the lab's state at once, so that {@link #teardown} can delete it again, newest first.
 */
final class LabApi {
    private final QueryClient client;
    private final LabState state;

    LabApi(QueryClient client, LabState state) {
        this.client = client;
        this.state = state;
    }

    QueryClient client() {
        return client;
    }

    Document call(String action, Map<String, String> parameters) throws IOException {
        return client.call(action, parameters);
    }

    Document call(String action, String... keysAndValues) throws IOException {
        return client.call(action, params(keysAndValues));
    }

    /**
     * Calls a create action, notes the resource ({@code kind} and its id, from element {@code idElement}) in the state,
     * and returns the id.
     */
    String create(String kind, String action, String idElement, Map<String, String> parameters) throws IOException {
        Document d = client.call(action, parameters);
        String id = QueryClient.text(d, idElement);
        if (id == null) throw new IOException(action + " answered without " + idElement + ": is the endpoint vroute?");
        note(kind + " " + id);
        return id;
    }

    /** Notes a relation the lab made (an attachment, association or propagation) for teardown. */
    void note(String resource) throws IOException {
        state.resources.add(resource);
        state.save();
    }

    /** Query parameters from pairs: "VpcId", "vpc-...", ... */
    static Map<String, String> params(String... keysAndValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keysAndValues.length; i += 2) m.put(keysAndValues[i], keysAndValues[i + 1]);
        return m;
    }

    /** {@code TagSpecification.1.*} for a create call: the resource type and its tags. */
    static Map<String, String> tags(Map<String, String> into, String resourceType, Map<String, String> tags) {
        into.put("TagSpecification.1.ResourceType", resourceType);
        int i = 1;
        for (Map.Entry<String, String> t : tags.entrySet()) {
            into.put("TagSpecification.1.Tag." + i + ".Key", t.getKey());
            into.put("TagSpecification.1.Tag." + i + ".Value", t.getValue());
            i++;
        }
        return into;
    }

    // ------------------------------------------------------------------------------------------ reading answers

    /** The direct child elements named {@code name} of every {@code item} under the first element {@code set}. */
    static List<Element> items(Node parent, String set) {
        List<Element> out = new ArrayList<>();
        NodeList sets = parent instanceof Document d ? d.getElementsByTagName(set) : ((Element) parent).getElementsByTagName(set);
        if (sets.getLength() == 0) return out;
        for (Node n = sets.item(0).getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals("item")) out.add(e);
        }
        return out;
    }

    /** The text of a direct child element, or null. */
    static String child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) return e.getTextContent();
        }
        return null;
    }

    /** The text of {@code path} ("bgpStatus/status") below {@code parent}, or null. */
    static String path(Element parent, String path) {
        Element at = parent;
        String[] steps = path.split("/");
        for (int i = 0; i < steps.length - 1 && at != null; i++) {
            Element next = null;
            for (Node n = at.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element e && e.getTagName().equals(steps[i])) {
                    next = e;
                    break;
                }
            }
            at = next;
        }
        return at == null ? null : child(at, steps[steps.length - 1]);
    }

    // ------------------------------------------------------------------------------------------ teardown

    /**
     * Deletes what the lab made, newest first: propagations, peers, endpoints, the route server's association and the
     * route server, interfaces, routes, associations, tables, the gateway, subnets, the VPC. What is already gone counts
     * as deleted. Returns the problems met (empty when everything went).
     */
    List<String> teardown(PrintWriter out) throws IOException {
        List<String> problems = new ArrayList<>();
        for (int i = state.resources.size() - 1; i >= 0; i--) {
            String resource = state.resources.get(i);
            String[] r = resource.split(" ");
            Map<String, String> p = switch (r[0]) {
                case "propagation" -> params("RouteServerId", r[1], "RouteTableId", r[2]);
                case "peer" -> params("RouteServerPeerId", r[1]);
                case "endpoint" -> params("RouteServerEndpointId", r[1]);
                case "rs-association" -> params("RouteServerId", r[1], "VpcId", r[2]);
                case "route-server" -> params("RouteServerId", r[1]);
                case "eni" -> params("NetworkInterfaceId", r[1]);
                case "route" -> params("RouteTableId", r[1], "DestinationCidrBlock", r[2]);
                case "association" -> params("AssociationId", r[1]);
                case "route-table" -> params("RouteTableId", r[1]);
                case "igw-attachment" -> params("InternetGatewayId", r[1], "VpcId", r[2]);
                case "igw" -> params("InternetGatewayId", r[1]);
                case "subnet" -> params("SubnetId", r[1]);
                case "vpc" -> params("VpcId", r[1]);
                default -> null;
            };
            if (p == null) {
                problems.add("unknown resource '" + resource + "' in the state file; delete it by hand");
                continue;
            }
            String action = switch (r[0]) {
                case "propagation" -> "DisableRouteServerPropagation";
                case "peer" -> "DeleteRouteServerPeer";
                case "endpoint" -> "DeleteRouteServerEndpoint";
                case "rs-association" -> "DisassociateRouteServer";
                case "route-server" -> "DeleteRouteServer";
                case "eni" -> "DeleteNetworkInterface";
                case "route" -> "DeleteRoute";
                case "association" -> "DisassociateRouteTable";
                case "route-table" -> "DeleteRouteTable";
                case "igw-attachment" -> "DetachInternetGateway";
                case "igw" -> "DeleteInternetGateway";
                case "subnet" -> "DeleteSubnet";
                default -> "DeleteVpc";
            };
            try {
                client.call(action, p);
                out.println("  " + action + " " + String.join(" ", List.of(r).subList(1, r.length)));
            } catch (QueryClient.Failure f) {
                if (!gone(f.code())) {
                    problems.add(action + " " + String.join(" ", List.of(r).subList(1, r.length)) + ": " + f.getMessage());
                    continue;
                }
            }
            state.resources.remove(i);
            state.save();
            out.flush();
        }
        return problems;
    }

    /** Error codes that mean "already gone", which is what a teardown wants. */
    private static boolean gone(String code) {
        return code != null && (code.endsWith(".NotFound") || code.equals("Gateway.NotAttached")
                || code.equals("InvalidRouteServerId.NotAssociated"));
    }
}
