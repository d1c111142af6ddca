package io.vroute.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class ClientTokensTest {
    private static ClientTokens.Remembered answer(String body) {
        return new ClientTokens.Remembered("hash", body);
    }

    @Test
    void tokenIsRememberedPerAction() {
        ClientTokens tokens = ClientTokens.inMemory(10);
        tokens.remember("CreateRouteServer", "t1", answer("<a/>"));

        assertEquals(answer("<a/>"), tokens.find("CreateRouteServer", "t1"));
        assertNull(tokens.find("CreateRouteServerPeer", "t1"));
    }

    @Test
    void beyondCapacityTheLeastRecentlyUsedTokenIsForgotten() {
        ClientTokens tokens = ClientTokens.inMemory(2);
        tokens.remember("CreateRouteServer", "old", answer("1"));
        tokens.remember("CreateRouteServer", "used", answer("2"));
        tokens.find("CreateRouteServer", "old"); // now "used" is the least recently used

        tokens.remember("CreateRouteServer", "new", answer("3"));

        assertNotNull(tokens.find("CreateRouteServer", "old"));
        assertNull(tokens.find("CreateRouteServer", "used"));
        assertNotNull(tokens.find("CreateRouteServer", "new"));
        assertEquals(2, ((RecentClientTokens) tokens).size());
    }
}
