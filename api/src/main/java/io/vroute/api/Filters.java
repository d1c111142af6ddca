package io.vroute.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * EC2's Describe filters: an item is kept when it passes every filter (AND), and it passes a filter when the
 * filter's field has a value matching any of the filter's values (OR). Values may use {@code *} (any run of
 * characters, also none) and {@code ?} (exactly one character); {@code \*}, {@code \?} and {@code \\} stand for
 * the characters themselves. Matching is case-sensitive.
 *
 * <p>Besides the action's own fields, every action whose items have tags gets {@code tag:<key>} (the tag's
 * value), {@code tag-key} and {@code tag-value}.
 */
public final class Filters {
    private Filters() {}

    /**
     * The items that pass all filters, in their order.
     *
     * @param fields for each filter name this action supports, the field's values in an item (a single-valued
     *               field gives a one-element collection; an unset one an empty collection or null)
     * @param tagsOf an item's tags, or null when the items have none
     * @throws Ec2Exception {@code InvalidParameterValue} for a filter name the action does not know or a filter
     *                      without values
     */
    public static <T> List<T> apply(List<T> items, List<Filter> filters,
            Map<String, Function<T, Collection<String>>> fields, Function<T, Map<String, String>> tagsOf) {
        if (filters.isEmpty()) {
            return items;
        }
        List<Test<T>> tests = new ArrayList<>(filters.size());
        for (Filter filter : filters) {
            tests.add(test(filter, fields, tagsOf));
        }
        List<T> kept = new ArrayList<>();
        for (T item : items) {
            if (tests.stream().allMatch(t -> t.passes(item))) {
                kept.add(item);
            }
        }
        return kept;
    }

    /** Does {@code text} match an EC2 filter value with its wildcards? */
    static boolean matches(String pattern, String text) {
        return Pattern.of(pattern).matches(text);
    }

    private interface Test<T> {
        boolean passes(T item);
    }

    private static <T> Test<T> test(Filter filter, Map<String, Function<T, Collection<String>>> fields,
            Function<T, Map<String, String>> tagsOfItem) {
        String name = filter.name();
        Function<T, Collection<String>> field = fields.get(name);
        if (field == null && tagsOfItem != null) {
            Function<T, Map<String, String>> tagsOf = item -> {
                Map<String, String> tags = tagsOfItem.apply(item);
                return tags == null ? Map.of() : tags;
            };
            if (name.startsWith("tag:") && name.length() > 4) {
                String key = name.substring(4);
                field = item -> {
                    String value = tagsOf.apply(item).get(key);
                    return value == null ? List.of() : List.of(value);
                };
            } else if (name.equals("tag-key")) {
                field = item -> tagsOf.apply(item).keySet();
            } else if (name.equals("tag-value")) {
                field = item -> tagsOf.apply(item).values();
            }
        }
        if (field == null) {
            TreeSet<String> valid = new TreeSet<>(fields.keySet());
            if (tagsOfItem != null) {
                valid.addAll(List.of("tag:<key>", "tag-key", "tag-value"));
            }
            throw new Ec2Exception("InvalidParameterValue",
                    "The filter " + Ec2Exception.quote(name) + " is invalid; valid filters: " + String.join(", ", valid));
        }
        if (filter.values().isEmpty()) {
            throw new Ec2Exception("InvalidParameterValue",
                    "The filter " + Ec2Exception.quote(name) + " has no values; give it at least one Value.");
        }
        List<Pattern> patterns = filter.values().stream().map(Pattern::of).toList();
        Function<T, Collection<String>> values = field;
        return item -> {
            Collection<String> have = values.apply(item);
            if (have == null) {
                return false;
            }
            for (String value : have) {
                if (value == null) {
                    continue;
                }
                for (Pattern p : patterns) {
                    if (p.matches(value)) {
                        return true;
                    }
                }
            }
            return false;
        };
    }

    /** A filter value parsed once: literal code units, with {@link #ANY_RUN} and {@link #ANY_ONE} for wildcards. */
    private record Pattern(int[] units) {
        static final int ANY_RUN = -1;
        static final int ANY_ONE = -2;

        static Pattern of(String value) {
            int[] units = new int[value.length()];
            int n = 0;
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == '\\' && i + 1 < value.length()) {
                    units[n++] = value.charAt(++i);
                } else if (c == '*') {
                    units[n++] = ANY_RUN;
                } else if (c == '?') {
                    units[n++] = ANY_ONE;
                } else {
                    units[n++] = c;
                }
            }
            return new Pattern(Arrays.copyOf(units, n));
        }

        /** Greedy match that backtracks only to the last {@code *}: linear in practice, never exponential. */
        boolean matches(String text) {
            int p = 0;
            int t = 0;
            int starAt = -1;
            int resumeAt = 0;
            while (t < text.length()) {
                if (p < units.length && (units[p] == ANY_ONE || units[p] == text.charAt(t))) {
                    p++;
                    t++;
                } else if (p < units.length && units[p] == ANY_RUN) {
                    starAt = p++;
                    resumeAt = t;
                } else if (starAt >= 0) {
                    p = starAt + 1;
                    t = ++resumeAt;
                } else {
                    return false;
                }
            }
            while (p < units.length && units[p] == ANY_RUN) {
                p++;
            }
            return p == units.length;
        }
    }
}
