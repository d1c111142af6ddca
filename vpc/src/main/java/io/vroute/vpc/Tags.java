package io.vroute.vpc;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Resource tags: an unmodifiable map that keeps the order in which keys were first set. */
final class Tags {
    private Tags() {
    }

    static Map<String, String> copy(Map<String, String> tags) {
        if (tags == null || tags.isEmpty()) {
            return Map.of();
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    }

    static Map<String, String> with(Map<String, String> tags, Map<String, String> added) {
        LinkedHashMap<String, String> merged = new LinkedHashMap<>(tags);
        added.forEach((key, value) -> merged.put(key, value == null ? "" : value));
        return Collections.unmodifiableMap(merged);
    }

    /** Removes each key; a non-null value removes the key only while it still has that value (as DeleteTags). */
    static Map<String, String> without(Map<String, String> tags, Map<String, String> removed) {
        LinkedHashMap<String, String> left = new LinkedHashMap<>(tags);
        removed.forEach((key, value) -> {
            if (value == null || value.equals(left.get(key))) {
                left.remove(key);
            }
        });
        return Collections.unmodifiableMap(left);
    }
}
