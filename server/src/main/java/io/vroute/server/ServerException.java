package io.vroute.server;

/**
 * An error a user caused, carrying EC2's error code (e.g. {@code IncorrectState}, {@code InvalidRouteServerId.NotFound})
 * and a message that says what is wrong and what to do.
 */
public final class ServerException extends RuntimeException {
    private final String code;

    public ServerException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public String code() { return code; }
}
