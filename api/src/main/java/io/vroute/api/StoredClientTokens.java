package io.vroute.api;

import io.vroute.server.Store;

/**
 * Client tokens kept in the store, so that a create retried after a vroute restart still returns the first answer
 * instead of creating a second resource. The newest 10,000 are kept.
 */
final class StoredClientTokens implements ClientTokens {
    private static final int KEEP = 10_000;
    private final Store store;

    StoredClientTokens(Store store) {
        this.store = store;
    }

    @Override
    public Remembered find(String action, String clientToken) {
        Store.ClientTokenAnswer a = store.findClientToken(action, clientToken);
        return a == null ? null : new Remembered(a.parametersHash(), a.body());
    }

    @Override
    public void remember(String action, String clientToken, Remembered response) {
        store.rememberClientToken(action, clientToken, new Store.ClientTokenAnswer(response.parametersHash(), response.body()), KEEP);
    }
}
