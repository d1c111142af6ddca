package io.vroute.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class FiltersTest {
    record Peer(String id, String state, List<String> asPath, Map<String, String> tags) {}

    static final Peer A = new Peer("rsp-a1", "available", List.of("65001"), Map.of("Name", "fw-a", "role", "primary"));
    static final Peer B = new Peer("rsp-b2", "pending", List.of("65002", "65010"), Map.of("Name", "fw-b"));
    static final Peer C = new Peer("rsp-c3", "available", List.of(), Map.of());
    static final List<Peer> PEERS = List.of(A, B, C);

    static final Map<String, Function<Peer, Collection<String>>> FIELDS = Map.of(
            "route-server-peer-id", p -> List.of(p.id()),
            "state", p -> List.of(p.state()),
            "as-path", Peer::asPath);

    private static List<Peer> apply(Filter... filters) {
        return Filters.apply(PEERS, List.of(filters), FIELDS, Peer::tags);
    }

    @Test
    void noFiltersKeepsEverything() {
        assertEquals(PEERS, apply());
    }

    @Test
    void valuesOfOneFilterAreAlternatives() {
        assertEquals(List.of(A, B), apply(new Filter("route-server-peer-id", List.of("rsp-a1", "rsp-b2"))));
    }

    @Test
    void separateFiltersMustAllHold() {
        assertEquals(List.of(A), apply(new Filter("state", List.of("available")), new Filter("tag-key", List.of("Name"))));
    }

    @Test
    void multiValuedFieldMatchesWhenAnyOfItsValuesMatches() {
        assertEquals(List.of(B), apply(new Filter("as-path", List.of("65010"))));
    }

    @Test
    void tagFiltersLookAtKeysValuesAndOneKeysValue() {
        assertEquals(List.of(A), apply(new Filter("tag:role", List.of("primary"))));
        assertEquals(List.of(A, B), apply(new Filter("tag:Name", List.of("fw-*"))));
        assertEquals(List.of(B), apply(new Filter("tag-value", List.of("fw-b"))));
    }

    @Test
    void wildcardsMatchRunsAndSingleCharacters() {
        assertTrue(Filters.matches("rsp-*", "rsp-"));
        assertTrue(Filters.matches("*-a?", "rsp-a1"));
        assertTrue(Filters.matches("a*b*c", "axxbyyc"));
        assertTrue(Filters.matches("*", ""));
        assertFalse(Filters.matches("?", ""));
        assertFalse(Filters.matches("rsp-?", "rsp-a1"));
        assertFalse(Filters.matches("a*b", "a-b-c"));
        assertFalse(Filters.matches("Fw-*", "fw-a"), "matching is case-sensitive");
    }

    @Test
    void escapedWildcardsAreLiteral() {
        assertTrue(Filters.matches("a\\*b", "a*b"));
        assertFalse(Filters.matches("a\\*b", "axb"));
        assertTrue(Filters.matches("what\\?", "what?"));
        assertTrue(Filters.matches("back\\\\slash", "back\\slash"));
    }

    @Test
    void pathologicalPatternStaysFast() {
        String text = "a".repeat(10_000);
        long started = System.nanoTime();

        assertFalse(Filters.matches("*a*a*a*a*a*a*a*a*b", text));
        assertTrue(System.nanoTime() - started < 2_000_000_000L, "backtracking must stay bounded");
    }

    @Test
    void unknownFilterNamesTheValidOnes() {
        Ec2Exception e = assertThrows(Ec2Exception.class, () -> apply(new Filter("colour", List.of("blue"))));

        assertEquals("InvalidParameterValue", e.code());
        assertEquals("The filter 'colour' is invalid; valid filters: as-path, route-server-peer-id, state, tag-key, "
                + "tag-value, tag:<key>", e.getMessage());
    }

    @Test
    void withoutTagsThereAreNoTagFilters() {
        Ec2Exception e = assertThrows(Ec2Exception.class, () -> Filters.apply(PEERS,
                List.of(new Filter("tag:Name", List.of("x"))), FIELDS, null));

        assertEquals("The filter 'tag:Name' is invalid; valid filters: as-path, route-server-peer-id, state",
                e.getMessage());
    }

    @Test
    void filterWithoutValuesIsRefused() {
        Ec2Exception e = assertThrows(Ec2Exception.class, () -> apply(new Filter("state", List.of())));

        assertEquals("InvalidParameterValue", e.code());
        assertTrue(e.getMessage().contains("at least one Value"), e.getMessage());
    }
}
