package io.vroute.vpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.function.Executable;

/** Asserts that a request is refused with an EC2 error code. */
final class Errors {
    private Errors() {
    }

    static VpcException refused(String code, Executable request) {
        VpcException e = assertThrows(VpcException.class, request);
        assertEquals(code, e.code(), () -> "message was: " + e.getMessage());
        return e;
    }
}
