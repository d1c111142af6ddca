package io.vroute.bgp.session;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/** Who a session event is about: the configured peer, and the TCP endpoints of its current connection (may be null). */
public record PeerInfo(InetAddress address, long remoteAs, InetSocketAddress local, InetSocketAddress remote) {}
