package io.vroute.api;

import java.util.List;

/**
 * One filter of a Describe call, from {@code Filter.N.Name} and {@code Filter.N.Value.M}: an item passes when
 * the named field matches any of the values. See {@link Filters#apply}.
 */
public record Filter(String name, List<String> values) {
    public Filter {
        values = List.copyOf(values);
    }
}
