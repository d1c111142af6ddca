package io.vroute.api;

/**
 * An error that reaches the client as EC2's XML error body, with EC2's code (for example
 * {@code InvalidRouteServerId.NotFound}) and a message that tells the user what to do.
 *
 * <p>The HTTP status follows from the code the way EC2 chooses it: authentication and permission codes
 * are 403, {@code DryRunOperation} is 412, {@code InternalError} 500, throttling and unavailability
 * 503, everything else (including every {@code ...NotFound}) 400.
 */
public final class Ec2Exception extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String code;

    public Ec2Exception(String code, String message) {
        // No stack trace: these are answers to the client, not bugs; real failures keep theirs as the cause.
        super(message, null, false, false);
        this.code = requireCode(code);
    }

    Ec2Exception(String code, String message, Throwable cause) {
        super(message, cause, false, false);
        this.code = requireCode(code);
    }

    /** EC2's error code, for example {@code InvalidParameterValue}. */
    public String code() {
        return code;
    }

    /** The HTTP status EC2 answers this code with. */
    public int httpStatus() {
        return switch (code) {
            // 403 rather than 401 for a missing signature too: Java's HttpURLConnection cannot read a 401 answer
            // to a streamed POST, so the SDK's URL-connection client would see no error code at all.
            case "MissingAuthenticationToken", "AuthFailure", "UnauthorizedOperation", "SignatureDoesNotMatch", "OptInRequired", "Blocked" -> 403;
            case "MethodNotAllowed" -> 405;
            case "DryRunOperation" -> 412;
            case "RequestEntityTooLarge" -> 413;
            case "InternalError", "InternalFailure" -> 500;
            case "RequestLimitExceeded", "ServiceUnavailable", "Unavailable" -> 503;
            default -> 400;
        };
    }

    /** The user's input as shown in a message: quoted, and cut short when it is long. */
    static String quote(String value) {
        if (value == null) {
            return "(none)";
        }
        return "'" + (value.length() > 80 ? value.substring(0, 80) + "..." : value) + "'";
    }

    private static String requireCode(String code) {
        if (code == null || code.isBlank()) {
            throw new IllegalArgumentException("an EC2 error needs a code, for example InvalidParameterValue");
        }
        return code;
    }
}
