package io.vroute.api;

/**
 * What EC2's idempotent calls were answered, by action and {@code ClientToken}, so that a retried call gets the
 * same answer instead of creating a second resource. {@link ApiServer} consults it for every call that carries
 * a ClientToken: same token and same parameters replay the remembered response without calling the action;
 * same token with other parameters is {@code IdempotentParameterMismatch}. Only successful calls are remembered.
 *
 * <p>{@link #inMemory} forgets on restart; a store that must survive one implements this interface.
 * Implementations must be safe for concurrent use.
 */
public interface ClientTokens {
    /** The response remembered for this call, or null. */
    Remembered find(String action, String clientToken);

    void remember(String action, String clientToken, Remembered response);

    /**
     * @param parametersHash a digest of the call's other parameters
     * @param body           the action's response content, without the wrapper and request id
     */
    record Remembered(String parametersHash, String body) {}

    /** Keeps the most recently used {@code capacity} tokens in memory. */
    static ClientTokens inMemory(int capacity) {
        return new RecentClientTokens(capacity);
    }
}
