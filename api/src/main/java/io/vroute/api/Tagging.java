package io.vroute.api;

import io.vroute.server.Region;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** TagSpecifications on create calls, and the {@code tagSet} every described resource carries. */
final class Tagging {
    /** EC2 lets a resource hold this many tags. */
    static final int MAX_TAGS = 50;

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
        Set<String> keys = new HashSet<>();
        out.forEach(s -> keys.addAll(s.tags().keySet()));
        checkLimit("The new " + resourceType, keys.size());
        return out;
    }

    /** TagLimitExceeded when a resource would end up with more than {@link #MAX_TAGS} tags. */
    static void checkLimit(String resource, int tags) {
        if (tags > MAX_TAGS) {
            throw new Ec2Exception("TagLimitExceeded", resource + " would have " + tags + " tags but a resource holds at"
                    + " most " + MAX_TAGS + "; delete some with DeleteTags or give fewer");
        }
    }

    static void apply(Region r, String id, List<TagSpecification> specs) {
        for (TagSpecification s : specs) {
            if (!s.tags().isEmpty()) r.createTags(List.of(id), s.tags());
        }
    }

    static void write(XmlWriter w, Map<String, String> tags) {
        if (!tags.isEmpty()) w.tags("tagSet", tags);
    }
}
