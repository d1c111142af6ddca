package io.vroute.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tags to put on a resource as it is created, from {@code TagSpecification.N.ResourceType} and
 * {@code TagSpecification.N.Tag.M.Key} / {@code .Value}. The resource type is null when the request gave none;
 * the tags keep the request's order.
 */
public record TagSpecification(String resourceType, Map<String, String> tags) {
    public TagSpecification {
        tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    }
}
