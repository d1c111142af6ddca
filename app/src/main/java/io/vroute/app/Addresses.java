package io.vroute.app;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** Parsing of the address options of the command line, with messages that say what to type. */
final class Addresses {
    private Addresses() {
    }

    /** {@code 127.0.0.1:8179} or {@code [::1]:8179}. */
    static InetSocketAddress hostPort(String option, String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) throw new IllegalArgumentException(option + " wants ADDRESS:PORT, e.g. 127.0.0.1:8179; got '" + text + "'");
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) throw new IllegalArgumentException(option + ": '" + text.substring(colon + 1) + "' is not a port (0-65535)");
        if (!host.matches("[0-9a-fA-F.:]+")) throw new IllegalArgumentException(option + ": '" + host + "' is not an IP address");
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(option + ": '" + host + "' is not an IP address");
        }
    }
}
