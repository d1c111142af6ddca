package io.vroute.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PageTest {
    static final List<Integer> TWELVE = IntStream.rangeClosed(1, 12).boxed().toList();

    private static QueryRequest request(String action, Integer maxResults, String nextToken) {
        Map<String, String> p = new java.util.HashMap<>();
        p.put("Action", action);
        if (maxResults != null) {
            p.put("MaxResults", maxResults.toString());
        }
        if (nextToken != null) {
            p.put("NextToken", nextToken);
        }
        return QueryRequest.of(p);
    }

    @Test
    void followingNextTokenVisitsEveryItemOnce() {
        List<Integer> seen = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            Page<Integer> page = Page.of(TWELVE, request("DescribeVpcs", 5, token), 1000, 5, 1000);
            seen.addAll(page.items());
            token = page.nextToken();
            pages++;
        } while (token != null);

        assertEquals(TWELVE, seen);
        assertEquals(3, pages);
    }

    @Test
    void withoutMaxResultsTheDefaultPageSizeApplies() {
        Page<Integer> page = Page.of(TWELVE, request("DescribeVpcs", null, null), 1000, 5, 1000);

        assertEquals(TWELVE, page.items());
        assertNull(page.nextToken());
    }

    @Test
    void lastPageHasNoNextToken() {
        Page<Integer> first = Page.of(TWELVE, request("DescribeVpcs", 6, null), 1000, 5, 1000);
        assertNotNull(first.nextToken());

        Page<Integer> second = Page.of(TWELVE, request("DescribeVpcs", 6, first.nextToken()), 1000, 5, 1000);

        assertEquals(TWELVE.subList(6, 12), second.items());
        assertNull(second.nextToken());
    }

    @Test
    void forgedOrAlteredTokenIsInvalidNextToken() {
        String real = Page.of(TWELVE, request("DescribeVpcs", 5, null), 1000, 5, 1000).nextToken();
        String altered = (real.charAt(0) == 'A' ? 'B' : 'A') + real.substring(1);

        for (String token : List.of("not a token", "AAAAAAAAAAAAAAAAAAAAAA", altered, Page.token(-1, "DescribeVpcs"))) {
            Ec2Exception e = assertThrows(Ec2Exception.class,
                    () -> Page.of(TWELVE, request("DescribeVpcs", 5, token), 1000, 5, 1000), token);
            assertEquals("InvalidParameterValue", e.code());
            assertTrue(e.getMessage().startsWith("Invalid NextToken"), e.getMessage());
        }
    }

    @Test
    void tokenOfAnotherActionIsRefused() {
        String subnets = Page.of(TWELVE, request("DescribeSubnets", 5, null), 1000, 5, 1000).nextToken();

        assertThrows(Ec2Exception.class, () -> Page.of(TWELVE, request("DescribeVpcs", 5, subnets), 1000, 5, 1000));
    }

    @Test
    void tokenPastAShrunkListGivesAnEmptyLastPage() {
        String token = Page.token(10, "DescribeVpcs");

        Page<Integer> page = Page.of(TWELVE.subList(0, 4), request("DescribeVpcs", 5, token), 1000, 5, 1000);

        assertEquals(List.of(), page.items());
        assertNull(page.nextToken());
    }

    @Test
    void maxResultsOutsideTheRangeNamesTheRange() {
        Ec2Exception e = assertThrows(Ec2Exception.class,
                () -> Page.of(TWELVE, request("GetRouteServerRoutingDatabase", 1001, null), 1000, 5, 1000));

        assertEquals("Value '1001' for parameter MaxResults is invalid. Use a whole number from 5 to 1000.",
                e.getMessage());
    }

    @Test
    void aWindowedSourceWalksTheSamePagesAsAList() {
        List<Integer> seen = new java.util.ArrayList<>();
        String token = null;
        int calls = 0;
        do {
            Page.Window w = Page.window(request("GetRouteServerRoutingDatabase", 5, token), 1000, 5, 1000);
            // The source builds only what it is asked for: size + 1 items from `from`.
            List<Integer> fetched = TWELVE.subList(Math.min(w.from(), 12), Math.min(w.from() + w.size() + 1, 12));
            Page<Integer> page = w.page(fetched);
            seen.addAll(page.items());
            token = page.nextToken();
            calls++;
        } while (token != null);
        org.junit.jupiter.api.Assertions.assertEquals(TWELVE, seen);
        org.junit.jupiter.api.Assertions.assertEquals(3, calls);
    }
}
