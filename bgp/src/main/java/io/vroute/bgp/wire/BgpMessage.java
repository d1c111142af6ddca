package io.vroute.bgp.wire;

/**
 * A BGP message (RFC 4271 §4). Decoded by {@link MessageDecoder}, encoded by {@link MessageEncoder}.
 */
public sealed interface BgpMessage
        permits OpenMessage, UpdateMessage, NotificationMessage, KeepaliveMessage, RouteRefreshMessage {
    int TYPE_OPEN = 1;
    int TYPE_UPDATE = 2;
    int TYPE_NOTIFICATION = 3;
    int TYPE_KEEPALIVE = 4;
    int TYPE_ROUTE_REFRESH = 5; // RFC 2918 §3

    /** RFC 4271 §4.1: 16-octet marker, 2-octet length, 1-octet type. */
    int HEADER_LENGTH = 19;
    /** RFC 4271 §4: the largest message without the Extended Message capability. */
    int MAX_LENGTH = 4096;
    /** RFC 8654 §4: the largest message once Extended Message is negotiated. */
    int MAX_EXTENDED_LENGTH = 65535;

    int type();
}
