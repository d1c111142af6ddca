package io.vroute.bfd;

/** Diagnostic codes: why the local session last changed state (RFC 5880 §4.1, "Diag"). */
public enum Diagnostic {
    NO_DIAGNOSTIC(0),
    CONTROL_DETECTION_TIME_EXPIRED(1),
    ECHO_FUNCTION_FAILED(2),
    NEIGHBOR_SIGNALED_SESSION_DOWN(3),
    FORWARDING_PLANE_RESET(4),
    PATH_DOWN(5),
    CONCATENATED_PATH_DOWN(6),
    ADMINISTRATIVELY_DOWN(7),
    REVERSE_CONCATENATED_PATH_DOWN(8);

    private static final Diagnostic[] BY_CODE = values();

    final int code;

    Diagnostic(int code) {
        this.code = code;
    }

    /** The diagnostic for a wire code, or null for the codes RFC 5880 reserves (9-31); never allocates. */
    static Diagnostic of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
