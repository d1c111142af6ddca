package io.vroute.api;

import io.vroute.server.Region;
import io.vroute.server.Server;
import io.vroute.server.TagSet;
import io.vroute.vpc.Network;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** CreateTags, DeleteTags and DescribeTags, for every resource vroute has. */
final class TagActions {
    private final Server server;

    TagActions(Server server) {
        this.server = server;
    }

    void register(Map<String, Action> actions) {
        actions.put("CreateTags", this::createTags);
        actions.put("DeleteTags", this::deleteTags);
        actions.put("DescribeTags", this::describeTags);
    }

    private void createTags(QueryRequest q, XmlWriter w) {
        List<String> ids = q.list("ResourceId");
        if (ids.isEmpty()) throw new Ec2Exception("MissingParameter", "The request must contain the parameter ResourceId.1");
        Map<String, String> tags = q.tags("Tag");
        if (tags.isEmpty()) throw new Ec2Exception("MissingParameter", "The request must contain the parameter Tag.1.Key");
        q.checkDryRun();
        server.call(r -> {
            requireVpcResources(r, ids);
            for (String id : ids) {
                Set<String> keys = new HashSet<>(r.tagsOf(id).keySet());
                keys.addAll(tags.keySet());
                Tagging.checkLimit(id, keys.size());
            }
            r.createTags(ids, tags);
            return null;
        });
        w.element("return", true);
    }

    private void deleteTags(QueryRequest q, XmlWriter w) {
        List<String> ids = q.list("ResourceId");
        if (ids.isEmpty()) throw new Ec2Exception("MissingParameter", "The request must contain the parameter ResourceId.1");
        // Tag.N.Key with no Tag.N.Value deletes the key whatever its value.
        Map<String, String> tags = new LinkedHashMap<>();
        for (QueryRequest t : q.structList("Tag")) {
            String key = t.string("Key");
            if (key != null) tags.put(key, t.string("Value"));
        }
        q.checkDryRun();
        server.call(r -> {
            requireVpcResources(r, ids);
            r.deleteTags(ids, tags);
            return null;
        });
        w.element("return", true);
    }

    record Row(String resourceId, String resourceType, String key, String value) {}

    private void describeTags(QueryRequest q, XmlWriter w) {
        List<Filter> filters = q.filters();
        q.checkDryRun();
        List<Row> rows = server.call(r -> {
            List<Row> out = new ArrayList<>();
            for (TagSet t : r.allTags()) {
                t.tags().forEach((k, v) -> out.add(new Row(t.resourceId(), resourceType(t.resourceId()), k, v)));
            }
            return out;
        });
        Map<String, Function<Row, Collection<String>>> fields = Map.of(
                "key", x -> List.of(x.key()),
                "value", x -> List.of(x.value()),
                "resource-id", x -> List.of(x.resourceId()),
                "resource-type", x -> List.of(x.resourceType()));
        Page<Row> page = Page.of(Filters.apply(rows, filters, fields, x -> Map.of()), q, 1000, 5, 1000);
        w.list("tagSet", page.items(), (x, row) -> {
            x.element("resourceId", row.resourceId());
            x.element("resourceType", row.resourceType());
            x.element("key", row.key());
            x.element("value", row.value());
        });
        w.element("nextToken", page.nextToken());
    }

    /**
     * A VPC resource id that names nothing gets its kind's own error, as EC2 answers it
     * ({@code InvalidSubnetID.NotFound}, {@code InvalidVpcID.Malformed}, ...), rather than a generic one.
     */
    private static void requireVpcResources(Region r, List<String> ids) {
        Network n = r.network();
        for (String id : ids) {
            switch (resourceType(id)) {
                case "vpc" -> n.vpc(id);
                case "subnet" -> n.subnet(id);
                case "network-interface" -> n.networkInterface(id);
                case "internet-gateway" -> n.internetGateway(id);
                case "route-table" -> n.routeTable(id);
                default -> { }
            }
        }
    }

    static String resourceType(String id) {
        int dash = id.indexOf('-');
        String prefix = dash < 0 ? id : id.substring(0, dash);
        return switch (prefix) {
            case "rs" -> "route-server";
            case "rse" -> "route-server-endpoint";
            case "rsp" -> "route-server-peer";
            case "vpc" -> "vpc";
            case "subnet" -> "subnet";
            case "eni" -> "network-interface";
            case "igw" -> "internet-gateway";
            case "rtb" -> "route-table";
            default -> prefix;
        };
    }
}
