package io.vroute.server;

import java.util.LinkedHashMap;
import java.util.Map;

/** The tags of one resource, in the order they were set. Immutable: a change replaces the set. */
public record TagSet(String resourceId, Map<String, String> tags) {
    public TagSet {
        tags = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    }
}
