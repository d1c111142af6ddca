package io.vroute.api;

import io.vroute.server.Region;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** TagSpecifications on create calls, and the {@code tagSet} every described resource carries. */
final class Tagging {
    private Tagging() {
    }

    /** The tag specifications of a create call, checked against the one resource type it creates. */
    static List<TagSpecification> specifications(QueryRequest q, String resourceType) {
        List<TagSpecification> out = new ArrayList<>();
        for (TagSpecification s : q.tagSpecifications()) {
            if (s.resourceType() != null && !s.resourceType().equals(resourceType)) {
                throw new Ec2Exception("InvalidParameterValue", "TagSpecification ResourceType '" + s.resourceType()
                        + "' does not match this call: use '" + resourceType + "'");
            }
            out.add(s);
        }
        return out;
    }

    static void apply(Region r, String id, List<TagSpecification> specs) {
        for (TagSpecification s : specs) {
            if (!s.tags().isEmpty()) r.createTags(List.of(id), s.tags());
        }
    }

    static void write(XmlWriter w, Map<String, String> tags) {
        if (tags.isEmpty()) return;
        w.list("tagSet", List.copyOf(tags.entrySet()), (x, e) -> {
            x.element("key", e.getKey());
            x.element("value", e.getValue());
        });
    }
}
