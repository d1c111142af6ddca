package io.vroute.bfd;

/** The four session states and their wire codes (RFC 5880 §4.1, "Sta"). */
public enum SessionState {
    ADMIN_DOWN(0), DOWN(1), INIT(2), UP(3);

    private static final SessionState[] BY_CODE = {ADMIN_DOWN, DOWN, INIT, UP};

    final int code;

    SessionState(int code) {
        this.code = code;
    }

    /** The state for a 2-bit wire code; never allocates. */
    static SessionState of(int code) {
        return BY_CODE[code & 3];
    }
}
