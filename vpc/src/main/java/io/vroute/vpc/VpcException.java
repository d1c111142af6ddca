package io.vroute.vpc;

/**
 * A request the VPC model refuses, with the EC2 error code an AWS client expects
 * ({@code InvalidVpcID.NotFound}, {@code DependencyViolation}, ...) and a message that says what is
 * wrong and what to do about it.
 */
public final class VpcException extends RuntimeException {
    private final String code;

    public VpcException(String code, String message) {
        super(message);
        this.code = code;
    }

    /** The EC2 error code, for example {@code InvalidSubnet.Conflict}. */
    public String code() {
        return code;
    }

    @Override
    public String toString() {
        return code + ": " + getMessage();
    }
}
