package io.vroute.api;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@link ClientTokens} in memory, least recently used first out. */
final class RecentClientTokens implements ClientTokens {
    private final Map<String, Remembered> byKey;

    RecentClientTokens(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a client-token cache needs room for at least one token, not " + capacity);
        }
        this.byKey = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Remembered> eldest) {
                return size() > capacity;
            }
        };
    }

    @Override
    public synchronized Remembered find(String action, String clientToken) {
        return byKey.get(key(action, clientToken));
    }

    @Override
    public synchronized void remember(String action, String clientToken, Remembered response) {
        byKey.put(key(action, clientToken), response);
    }

    synchronized int size() {
        return byKey.size();
    }

    private static String key(String action, String clientToken) {
        return action + '\u0000' + clientToken;
    }
}
