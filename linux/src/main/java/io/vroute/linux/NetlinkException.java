package io.vroute.linux;

import java.io.IOException;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The kernel refused a netlink request, or vroute refused to send it because it would change something vroute does
 * not own. The message names the operation, the errno and what to do about it, e.g. {@code add route 10.0.0.0/24
 * table 100: EEXIST: the route exists; use replace}, followed by the kernel's own explanation when it gave one
 * (extended ack, {@code NETLINK_EXT_ACK}).
 */
public final class NetlinkException extends IOException {
    /** Version of the serialized form. */
    private static final long serialVersionUID = 1L;

    /** The positive errno. */
    private final int errno;
    /** The kernel's extended-ack text, or null. */
    private final String kernelMessage;
    /** The protocol of the route of another owner that blocked the request, or -1. */
    private final int foreignProtocol;

    /**
     * @param message         the whole message: operation, errno name, advice (and kernel message, if any)
     * @param errno           the positive errno the kernel answered with
     * @param kernelMessage   the kernel's extended-ack text, or null when it gave none
     * @param foreignProtocol the protocol number of a route or rule that blocked the request because another owner
     *                        holds it, or -1
     */
    NetlinkException(String message, int errno, String kernelMessage, int foreignProtocol) {
        super(message);
        this.errno = errno;
        this.kernelMessage = kernelMessage;
        this.foreignProtocol = foreignProtocol;
    }

    /** The positive errno, e.g. 17 for EEXIST. */
    public int errno() {
        return errno;
    }

    /** The errno's symbolic name, e.g. "EEXIST". */
    public String errnoName() {
        return Native.errnoName(errno);
    }

    /** The text the kernel attached to its answer (extended ack), when it gave one. */
    public Optional<String> kernelMessage() {
        return Optional.ofNullable(kernelMessage);
    }

    /**
     * The protocol number of the route that made vroute refuse the request because it belongs to another owner
     * (see {@link Routes#replace}); empty for every other failure.
     */
    public OptionalInt foreignProtocol() {
        return foreignProtocol < 0 ? OptionalInt.empty() : OptionalInt.of(foreignProtocol);
    }
}
