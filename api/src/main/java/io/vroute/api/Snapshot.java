package io.vroute.api;

import io.vroute.server.Region;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Resources and their tags copied on the control thread, so that a Describe filters and pages them afterwards
 * without holding up routing. {@code ids}, when not empty, keeps only those resources.
 */
record Snapshot<T>(List<T> items, Map<String, Map<String, String>> tagsById) {
    static <T> Snapshot<T> of(Region r, Collection<T> all, Function<T, String> id, List<String> ids) {
        Set<String> wanted = Set.copyOf(ids);
        List<T> items = new ArrayList<>();
        Map<String, Map<String, String>> tags = new HashMap<>();
        for (T t : all) {
            String i = id.apply(t);
            if (!wanted.isEmpty() && !wanted.contains(i)) continue;
            items.add(t);
            tags.put(i, r.tagsOf(i));
        }
        return new Snapshot<>(items, tags);
    }

    Map<String, String> tags(String id) {
        return tagsById.getOrDefault(id, Map.of());
    }
}
