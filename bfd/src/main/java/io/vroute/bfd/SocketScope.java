package io.vroute.bfd;

import java.io.IOException;

/**
 * Where a session's sockets are created: in the host's network namespace, or in another one (a socket keeps the
 * namespace it was created in, so the BFD thread can serve sessions of several namespaces without ever entering
 * one). Two sessions with the same local address in different scopes are different sessions.
 */
public interface SocketScope {
    /** The sockets of the calling thread's namespace. */
    SocketScope HOST = new SocketScope() {
        @Override public String name() { return ""; }
        @Override public UdpSocket open(Opener opener) throws IOException { return opener.open(); }
    };

    /** Tells scopes apart: "" for the host, else e.g. the namespace's name. */
    String name();

    /** Runs {@code opener} so that the socket it creates belongs to this scope. */
    UdpSocket open(Opener opener) throws IOException;

    @FunctionalInterface
    interface Opener {
        UdpSocket open() throws IOException;
    }
}
