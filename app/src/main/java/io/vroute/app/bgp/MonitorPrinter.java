package io.vroute.app.bgp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vroute.bgp.session.PeerConfig;
import io.vroute.bgp.session.PeerInfo;
import io.vroute.bgp.session.SessionListener;
import io.vroute.bgp.wire.AddressFamily;
import io.vroute.bgp.wire.Capability;
import io.vroute.bgp.wire.Nlri;
import io.vroute.bgp.wire.NotificationMessage;
import io.vroute.bgp.wire.OpenMessage;
import io.vroute.bgp.wire.PathAttributes;
import io.vroute.bgp.wire.Prefix;
import io.vroute.bgp.wire.RouteRefreshMessage;
import io.vroute.bgp.wire.SessionContext;
import io.vroute.bgp.wire.UpdateMessage;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints session events and routes as `vroute bgp listen` shows them: text for people, or one JSON object
 * per line (--json) for scripts. Called from the sessions' I/O threads; each event is one line written whole.
 */
final class MonitorPrinter implements SessionListener {
    private static final DateTimeFormatter TEXT_TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
    private static final JsonFactory JSON = new JsonFactory();

    private final PrintStream out;
    private final boolean json;

    MonitorPrinter(PrintStream out, boolean json) {
        this.out = out;
        this.json = json;
    }

    /** Builds one JSON line: time, peer and event first, then what {@code body} writes. */
    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private void jsonLine(String peer, String event, Body body) {
        StringWriter w = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("time", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString());
            if (peer != null) g.writeStringField("peer", peer);
            g.writeStringField("event", event);
            body.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        synchronized (out) {
            out.println(w);
        }
    }

    private void textLine(String peer, String text) {
        String line = TEXT_TIME.format(Instant.now()) + "  " + (peer == null ? "" : peer + "  ") + text;
        synchronized (out) {
            out.println(line);
        }
    }

    private static String addr(InetAddress a) {
        return a == null ? null : Prefix.formatAddress(a);
    }

    private static String afi(AddressFamily f) {
        return f.afi() == AddressFamily.AFI_IPV4 ? "ipv4" : f.afi() == AddressFamily.AFI_IPV6 ? "ipv6" : "afi" + f.afi();
    }

    void listening(List<InetSocketAddress> addresses, long localAs, List<PeerConfig> peers) {
        List<String> where = addresses.stream().map(a -> addr(a.getAddress()) + ":" + a.getPort()).toList();
        List<String> who = peers.stream().map(p -> addr(p.address()) + "=" + p.remoteAs()).toList();
        if (json) {
            jsonLine(null, "listening", g -> {
                g.writeNumberField("local_as", localAs);
                stringArray(g, "addresses", where);
                stringArray(g, "peers", who);
            });
        } else {
            textLine(null, "listening on " + String.join(", ", where) + " as AS" + localAs + " for " + String.join(", ", who));
        }
    }

    void stopped() {
        if (json) jsonLine(null, "stopped", g -> { });
        else textLine(null, "stopped: Cease/Administrative Shutdown sent to every peer");
    }

    @Override
    public void established(PeerInfo peer, OpenMessage open, SessionContext negotiated, int holdTime) {
        List<String> caps = new ArrayList<>();
        for (Capability c : open.capabilities()) caps.add(capabilityName(c));
        String routerId = addr(ipv4(open.bgpIdentifier()));
        if (json) {
            jsonLine(addr(peer.address()), "established", g -> {
                g.writeNumberField("peer_as", open.asn());
                g.writeStringField("router_id", routerId);
                g.writeNumberField("hold_time", holdTime);
                stringArray(g, "capabilities", caps);
            });
        } else {
            textLine(addr(peer.address()), "ESTABLISHED  AS" + open.asn() + " router-id " + routerId + " hold " + holdTime + "s  "
                    + String.join(" ", caps));
        }
    }

    @Override
    public void update(PeerInfo peer, UpdateMessage u) {
        String p = addr(peer.address());
        for (String e : u.errors()) {
            if (json) jsonLine(p, "malformed", g -> g.writeStringField("reason", e));
            else textLine(p, "MALFORMED  " + e);
        }
        for (Nlri n : u.withdrawn()) {
            for (int i = 0; i < n.size(); i++) withdraw(p, n, i);
        }
        PathAttributes a = u.attributes();
        for (Nlri n : u.announced()) {
            InetAddress nh = u.nextHop(n.family());
            for (int i = 0; i < n.size(); i++) announce(p, n, i, nh, a);
        }
    }

    private void withdraw(String peer, Nlri n, int i) {
        Prefix prefix = n.prefix(i);
        if (json) {
            jsonLine(peer, "withdraw", g -> {
                g.writeStringField("afi", afi(n.family()));
                g.writeStringField("prefix", prefix.toString());
                if (n.hasPathIds()) g.writeNumberField("path_id", Integer.toUnsignedLong(n.pathId(i)));
            });
        } else {
            textLine(peer, "WITHDRAW  " + prefix + (n.hasPathIds() ? " path-id " + Integer.toUnsignedString(n.pathId(i)) : ""));
        }
    }

    private void announce(String peer, Nlri n, int i, InetAddress nextHop, PathAttributes a) {
        Prefix prefix = n.prefix(i);
        if (json) {
            jsonLine(peer, "update", g -> {
                g.writeStringField("afi", afi(n.family()));
                g.writeStringField("prefix", prefix.toString());
                if (n.hasPathIds()) g.writeNumberField("path_id", Integer.toUnsignedLong(n.pathId(i)));
                if (nextHop != null) g.writeStringField("next_hop", addr(nextHop));
                g.writeArrayFieldStart("as_path");
                if (a.asPath() != null) for (long asn : a.asPath().flatten()) g.writeNumber(asn);
                g.writeEndArray();
                if (a.origin() != null) g.writeStringField("origin", a.origin().word());
                if (a.med() != null) g.writeNumberField("med", a.med());
                if (a.localPref() != null) g.writeNumberField("local_pref", a.localPref());
                stringArray(g, "communities", a.communityStrings());
                stringArray(g, "large_communities", a.largeCommunityStrings());
                long[] ext = a.extendedCommunities();
                if (ext.length > 0) {
                    List<String> hex = new ArrayList<>();
                    for (long e : ext) hex.add(String.format("%016x", e));
                    stringArray(g, "extended_communities", hex);
                }
                if (a.atomicAggregate()) g.writeBooleanField("atomic_aggregate", true);
                if (a.aggregator() != null) {
                    g.writeStringField("aggregator", a.aggregator().asn() + ":" + addr(a.aggregator().address()));
                }
            });
        } else {
            StringBuilder sb = new StringBuilder("UPDATE  ").append(prefix);
            if (n.hasPathIds()) sb.append(" path-id ").append(Integer.toUnsignedString(n.pathId(i)));
            if (nextHop != null) sb.append("  next-hop ").append(addr(nextHop));
            sb.append("  as-path [").append(a.asPath() == null ? "" : a.asPath().toString()).append(']');
            if (a.origin() != null) sb.append("  origin ").append(a.origin().word());
            if (a.med() != null) sb.append("  med ").append(a.med());
            if (a.localPref() != null) sb.append("  local-pref ").append(a.localPref());
            if (a.communityCount() > 0) sb.append("  communities ").append(String.join(" ", a.communityStrings()));
            List<String> large = a.largeCommunityStrings();
            if (!large.isEmpty()) sb.append("  large-communities ").append(String.join(" ", large));
            textLine(peer, sb.toString());
        }
    }

    @Override
    public void endOfRib(PeerInfo peer, AddressFamily family) {
        if (json) jsonLine(addr(peer.address()), "end-of-rib", g -> g.writeStringField("afi", afi(family)));
        else textLine(addr(peer.address()), "END-OF-RIB  " + family);
    }

    @Override
    public void notification(PeerInfo peer, NotificationMessage n, boolean sentByUs) {
        String comm = n.shutdownCommunication();
        if (json) {
            jsonLine(addr(peer.address()), "notification", g -> {
                g.writeStringField("direction", sentByUs ? "sent" : "received");
                g.writeNumberField("code", n.code());
                g.writeNumberField("subcode", n.subcode());
                g.writeStringField("reason", n.describe());
                if (comm != null) g.writeStringField("message", comm);
            });
        } else {
            textLine(addr(peer.address()), "NOTIFICATION " + (sentByUs ? "sent" : "received") + "  " + n.describe());
        }
    }

    @Override
    public void down(PeerInfo peer, String reason, boolean routesKeptStale) {
        if (json) {
            jsonLine(addr(peer.address()), "down", g -> {
                g.writeStringField("reason", reason);
                if (routesKeptStale) g.writeBooleanField("routes_kept_stale", true);
            });
        } else {
            textLine(addr(peer.address()), "DOWN  " + reason + (routesKeptStale ? "  (graceful restart: routes kept as stale)" : ""));
        }
    }

    @Override
    public void staleRoutesExpired(PeerInfo peer, AddressFamily family) {
        if (json) jsonLine(addr(peer.address()), "stale-routes-flushed", g -> g.writeStringField("afi", afi(family)));
        else textLine(addr(peer.address()), "STALE ROUTES FLUSHED  " + family);
    }

    @Override
    public void routeRefresh(PeerInfo peer, RouteRefreshMessage m) {
        String kind = switch (m.subtype()) {
            case RouteRefreshMessage.BORR -> "begin";
            case RouteRefreshMessage.EORR -> "end";
            default -> "request";
        };
        if (json) {
            jsonLine(addr(peer.address()), "route-refresh", g -> {
                g.writeStringField("afi", afi(m.family()));
                g.writeStringField("kind", kind);
            });
        } else {
            textLine(addr(peer.address()), "ROUTE-REFRESH " + kind + "  " + m.family());
        }
    }

    @Override
    public void rejected(InetSocketAddress remote, String reason) {
        if (json) jsonLine(addr(remote.getAddress()), "rejected", g -> g.writeStringField("reason", reason));
        else textLine(addr(remote.getAddress()), "REJECTED  " + reason);
    }

    private static void stringArray(JsonGenerator g, String name, List<String> values) throws IOException {
        g.writeArrayFieldStart(name);
        for (String v : values) g.writeString(v);
        g.writeEndArray();
    }

    private static InetAddress ipv4(int v) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static String capabilityName(Capability c) {
        return switch (c) {
            case Capability.Multiprotocol m -> m.family().toString();
            case Capability.RouteRefresh r -> "route-refresh";
            case Capability.EnhancedRouteRefresh r -> "enhanced-route-refresh";
            case Capability.ExtendedMessage e -> "extended-message";
            case Capability.FourOctetAs f -> "4-octet-as";
            case Capability.GracefulRestart gr -> "graceful-restart(" + gr.restartTime() + "s"
                    + (gr.families().isEmpty() ? "" : " " + gr.families().stream().map(f -> f.family().toString()).toList()) + ")";
            case Capability.AddPath ap -> "add-path" + ap.families().stream()
                    .map(f -> f.family() + (f.send() && f.receive() ? ":send/receive" : f.send() ? ":send" : ":receive")).toList();
            case Capability.Unknown u -> switch (u.code()) {
                case 5 -> "extended-nexthop";       // RFC 8950
                case 9 -> "bgp-role";               // RFC 9234
                case 71 -> "long-lived-graceful-restart";
                case 73 -> "fqdn";
                case 128 -> "route-refresh-cisco";
                default -> "capability-" + u.code();
            };
        };
    }
}
