package io.vroute.linux;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The routes of one owner (a protocol number, {@link Netlink#VROUTE_PROTOCOL} for vroute) in the kernel routing
 * tables of a {@link Netlink}'s namespace: add, replace, delete, one at a time or batched, and dump a table.
 *
 * <p><b>Ownership.</b> Every route written carries the owner's protocol number, and no route of another protocol is
 * ever deleted or replaced:
 * <ul>
 *   <li>delete sends the owner's protocol in the request; the kernel matches it (IPv4 {@code fib_table_delete},
 *       IPv6 {@code ip6_route_del}), so a route of another owner is left alone and the delete fails with ESRCH;</li>
 *   <li>replace cannot be guarded that way: the kernel's NLM_F_REPLACE takes whichever route has the key
 *       (destination and metric), whoever owns it. So replace first tries to <em>create</em> the route
 *       (NLM_F_CREATE|NLM_F_EXCL), which cannot touch an existing route. Only when that fails with EEXIST is the
 *       table dumped (once per batch and table), and the route replaced (NLM_F_REPLACE) if every route holding
 *       the key is the owner's; if any is another owner's, the replace fails with a {@link NetlinkException}
 *       naming that owner ({@link NetlinkException#foreignProtocol()}) and nothing is changed. A new route costs
 *       one request; an update costs two and a dump. Left open: a route of another owner that takes the key in
 *       the moment between the dump and the replace would be replaced; a daemon that races vroute for the same
 *       destination, metric and table is a configuration error that the next reconciliation reports.</li>
 * </ul>
 *
 * <p><b>Batches.</b> {@link #apply} sends many operations per {@code sendto} ({@link Netlink}) and reports each
 * refused one. Operations take effect in order: a batch that touches one route twice is cut into parts at the
 * repeat, each part sent after the previous one is done, so the replace probe above cannot reorder them.
 */
public final class Routes {
    static final int RTM_NEWROUTE = 24;
    static final int RTM_DELROUTE = 25;
    static final int RTM_GETROUTE = 26;
    // route attributes, <linux/rtnetlink.h>
    static final int RTA_DST = 1;
    static final int RTA_OIF = 4;
    static final int RTA_GATEWAY = 5;
    static final int RTA_PRIORITY = 6;
    static final int RTA_TABLE = 15;
    static final int RT_SCOPE_UNIVERSE = 0;
    static final int RT_SCOPE_LINK = 253;
    /** In a delete request: match any scope (iproute2 sends the same). */
    static final int RT_SCOPE_NOWHERE = 255;
    static final int RTM_F_CLONED = 0x200;
    static final int RTMSG_SIZE = 12;

    private final Netlink netlink;
    private final int owner;

    Routes(Netlink netlink, int owner) {
        if (owner < 1 || owner > 255) throw new IllegalArgumentException("owner protocol " + owner + " is not in 1..255");
        this.netlink = netlink;
        this.owner = owner;
    }

    /** The protocol number this owner's routes carry. */
    public int owner() {
        return owner;
    }

    /**
     * Adds a route (NLM_F_CREATE|NLM_F_EXCL): fails with EEXIST when the table holds a route with the key, whoever
     * owns it.
     *
     * @throws NetlinkException         when the kernel refuses (EEXIST: the route exists; use replace)
     * @throws IllegalArgumentException when the route is not the owner's or not writable ({@link #apply})
     * @throws IOException              when the socket fails
     */
    public void add(RouteSpec route) throws IOException {
        apply(List.of(RouteOperation.add(route))).throwIfAnyFailed();
    }

    /**
     * Creates the route, or replaces the owner's route with the same key (table, destination, metric); refuses to
     * replace a route of another owner (see the class comment for how).
     *
     * @throws NetlinkException when another owner holds the key ({@link NetlinkException#foreignProtocol()}) or the
     *                          kernel refuses
     * @throws IOException      when the socket fails
     */
    public void replace(RouteSpec route) throws IOException {
        apply(List.of(RouteOperation.replace(route))).throwIfAnyFailed();
    }

    /**
     * Deletes the owner's route with the route's key (table, destination and, when given, metric), whatever its
     * next hop. Without a metric an IPv4 delete takes the owner's route of any metric (the kernel's rule).
     *
     * @throws NetlinkException ESRCH when the owner has no such route (a route of another owner is not deleted)
     * @throws IOException      when the socket fails
     */
    public void delete(RouteSpec route) throws IOException {
        apply(List.of(RouteOperation.delete(route))).throwIfAnyFailed();
    }

    /**
     * Applies the operations in order, batched, and reports the ones refused. Each behaves like {@link #add},
     * {@link #replace} or {@link #delete}; a refusal does not stop the rest.
     *
     * @throws IllegalArgumentException before sending anything, when an operation's route is not the owner's
     *                                  (protocol), is of a type vroute does not write, or is a unicast route with
     *                                  neither gateway nor output interface
     * @throws IOException              when the socket fails; operations may then have been applied in part, and
     *                                  the caller reads the table back ({@link #dump(int)}) to know
     */
    public BatchResult apply(List<RouteOperation> operations) throws IOException {
        for (RouteOperation op : operations) check(op);
        List<BatchResult.Failure> failures = new ArrayList<>();
        int start = 0;
        while (start < operations.size()) {
            Set<Key> keys = new HashSet<>();
            int end = start;
            while (end < operations.size() && keys.add(Key.of(operations.get(end).route()))) end++;
            applyPart(operations, start, end, failures);
            start = end;
        }
        failures.sort(Comparator.comparingInt(BatchResult.Failure::index));
        return new BatchResult(operations.size(), failures);
    }

    /** Applies operations [start, end), which touch distinct keys, so the order among them does not matter. */
    private void applyPart(List<RouteOperation> operations, int start, int end, List<BatchResult.Failure> failures)
            throws IOException {
        List<Request> requests = new ArrayList<>(end - start);
        for (int i = start; i < end; i++) {
            RouteOperation op = operations.get(i);
            requests.add(op.kind() == RouteOperation.Kind.DELETE ? deleteRequest(op) : createRequest(op, false));
        }
        Netlink.Outcomes outcome = netlink.executeAll(requests);
        List<Integer> probedExisting = new ArrayList<>();
        for (int i = start; i < end; i++) {
            if (!outcome.failed(i - start)) continue;
            if (operations.get(i).kind() == RouteOperation.Kind.REPLACE && outcome.errno(i - start) == Native.EEXIST) {
                probedExisting.add(i);
            } else {
                failures.add(new BatchResult.Failure(i, operations.get(i), outcome.exception(i - start)));
            }
        }
        if (probedExisting.isEmpty()) return;

        // Some routes to replace exist: see who owns them, and replace only the owner's.
        Set<Integer> tables = new LinkedHashSet<>();
        for (int i : probedExisting) tables.add(operations.get(i).route().table());
        Map<Key, List<RouteSpec>> existing = new HashMap<>();
        for (int table : tables) {
            for (RouteSpec r : dump(table)) existing.computeIfAbsent(Key.of(r), k -> new ArrayList<>()).add(r);
        }
        List<Request> replaces = new ArrayList<>();
        List<Integer> replaceIndex = new ArrayList<>();
        for (int i : probedExisting) {
            RouteOperation op = operations.get(i);
            RouteSpec foreign = null;
            for (RouteSpec r : existing.getOrDefault(Key.of(op.route()), List.of())) {
                if (r.protocol() != owner) {
                    foreign = r;
                    break;
                }
            }
            if (foreign != null) {
                failures.add(new BatchResult.Failure(i, op, notOwned(op, foreign)));
            } else {
                // the owner's route, or (deleted meanwhile) none: NLM_F_CREATE|NLM_F_REPLACE handles both
                replaces.add(createRequest(op, true));
                replaceIndex.add(i);
            }
        }
        Netlink.Outcomes replaced = netlink.executeAll(replaces);
        for (int j = 0; j < replaces.size(); j++) {
            int i = replaceIndex.get(j);
            if (replaced.failed(j)) failures.add(new BatchResult.Failure(i, operations.get(i), replaced.exception(j)));
        }
    }

    private void check(RouteOperation op) {
        RouteSpec r = op.route();
        if (r.protocol() != owner) {
            throw new IllegalArgumentException(op + ": the route's protocol " + r.protocol() + " is not this owner's ("
                    + owner + "): build it with withProtocol(" + owner + ") or use Netlink.routes(" + r.protocol() + ")");
        }
        if (op.kind() == RouteOperation.Kind.DELETE) return;
        if (!r.type().writable()) {
            throw new IllegalArgumentException(op + ": vroute writes unicast, blackhole, unreachable and prohibit "
                    + "routes, not " + r.type());
        }
        boolean hasNextHop = r.gateway().isPresent() || r.outputInterface().isPresent();
        if (r.type() == RouteType.UNICAST && !hasNextHop) {
            throw new IllegalArgumentException(op + ": a unicast route needs a gateway or an output interface");
        }
        if (r.type() != RouteType.UNICAST && hasNextHop) {
            throw new IllegalArgumentException(op + ": a " + r.type() + " route has no next hop: drop the gateway "
                    + "and output interface");
        }
    }

    /** RTM_NEWROUTE: NLM_F_CREATE with NLM_F_EXCL (add, and the replace probe) or NLM_F_REPLACE. */
    private Request createRequest(RouteOperation op, boolean replace) {
        RouteSpec r = op.route();
        return Netlink.request(createMessage(r, replace), () -> (op.kind() == RouteOperation.Kind.ADD ? "add" : "replace")
                + " route " + r + " in " + netlink.where(), errno -> advice(op, errno));
    }

    /** The RTM_NEWROUTE message for {@code r}. A unicast route without gateway is scope link, like ip makes it. */
    static Message createMessage(RouteSpec r, boolean replace) {
        Message m = new Message(RTM_NEWROUTE, Message.NLM_F_ACK | Message.NLM_F_CREATE
                | (replace ? Message.NLM_F_REPLACE : Message.NLM_F_EXCL));
        int scope = r.type() == RouteType.UNICAST && r.gateway().isEmpty() ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
        rtmsg(m, r.destination(), r.table(), r.protocol(), scope, r.type().code());
        r.gateway().ifPresent(g -> m.attr(RTA_GATEWAY, g.getAddress()));
        r.outputInterface().ifPresent(i -> m.attrU32(RTA_OIF, i));
        r.metric().ifPresent(p -> m.attrU32(RTA_PRIORITY, p));
        return m;
    }

    private Request deleteRequest(RouteOperation op) {
        RouteSpec r = op.route();
        return Netlink.request(deleteMessage(r, owner), () -> "delete route " + r + " in " + netlink.where(),
                errno -> advice(op, errno));
    }

    /** RTM_DELROUTE with the owner's protocol, any scope and type (0), and the key: table, destination, metric. */
    static Message deleteMessage(RouteSpec r, int owner) {
        Message m = new Message(RTM_DELROUTE, Message.NLM_F_ACK);
        rtmsg(m, r.destination(), r.table(), owner, RT_SCOPE_NOWHERE, 0);
        int metric = r.effectiveMetric();
        if (metric != 0) m.attrU32(RTA_PRIORITY, metric);
        return m;
    }

    /** struct rtmsg, then RTA_TABLE and RTA_DST. Tables above 255 go only in RTA_TABLE (rtm_table 0), like ip. */
    private static void rtmsg(Message m, IpPrefix destination, int table, int protocol, int scope, int type) {
        m.u8(destination.family()).u8(destination.length()).u8(0).u8(0)      // family, dst_len, src_len, tos
                .u8(table < 256 ? table : 0).u8(protocol).u8(scope).u8(type)
                .u32(0);                                                      // rtm_flags
        m.attrU32(RTA_TABLE, table);
        if (destination.length() > 0) m.attr(RTA_DST, destination.address().getAddress());
    }

    private String advice(RouteOperation op, int errno) {
        RouteSpec r = op.route();
        return switch (errno) {
            case Native.EEXIST -> "the route exists; use replace";
            case Native.ESRCH -> op.kind() == RouteOperation.Kind.DELETE
                    ? "table " + r.table() + " has no route to " + r.destination() + " of protocol " + owner
                      + ": it is gone already, or it belongs to another owner, whose routes vroute does not delete"
                    : "no such route or table";
            case Native.ENETUNREACH -> "the gateway is on no network connected in " + netlink.where() + ": add an "
                    + "address covering it to the output interface first (and set the interface up)";
            case Native.ENODEV -> "the output interface does not exist in " + netlink.where() + ": look its index up "
                    + "again with Links.indexOf";
            case Native.ENETDOWN -> "the output interface is down: set it up first";
            case Native.EINVAL -> "the kernel refused the route's fields";
            default -> null;
        };
    }

    private NetlinkException notOwned(RouteOperation op, RouteSpec foreign) {
        String message = "replace route " + op.route() + " in " + netlink.where() + ": EEXIST: table "
                + foreign.table() + " holds " + foreign.destination() + " (metric "
                + Integer.toUnsignedString(foreign.effectiveMetric()) + ") of protocol " + protocolName(foreign.protocol())
                + ", not this owner's (" + owner + "); vroute never replaces a route it does not own: remove that "
                + "route, or give vroute's route another metric or table";
        return new NetlinkException(message, Native.EEXIST, null, foreign.protocol());
    }

    /** "4 (static)" for the protocol numbers {@code <linux/rtnetlink.h>} and FRR name; the number otherwise. */
    static String protocolName(int protocol) {
        String name = switch (protocol) {
            case 0 -> "unspec";
            case 1 -> "redirect";
            case 2 -> "kernel";
            case 3 -> "boot";
            case 4 -> "static";
            case 11 -> "zebra";
            case 12 -> "bird";
            case 16 -> "dhcp";
            case 18 -> "keepalived";
            case 42 -> "babel";
            case 186 -> "bgp";
            case 187 -> "isis";
            case 188 -> "ospf";
            case 189 -> "rip";
            case 196 -> "frr static";
            case Netlink.VROUTE_PROTOCOL -> "vroute";
            default -> null;
        };
        return name == null ? Integer.toString(protocol) : protocol + " (" + name + ")";
    }

    /** Every IPv4 and IPv6 route in {@code table}, whoever owns it. */
    public List<RouteSpec> dump(int table) throws IOException {
        return dump(table, -1);
    }

    /** This owner's IPv4 and IPv6 routes in {@code table}: what a reconciler compares with what it wants. */
    public List<RouteSpec> dumpOwned(int table) throws IOException {
        return dump(table, owner);
    }

    /**
     * The IPv4 and IPv6 routes in {@code table} of {@code protocol} (-1: any). Filtered by the kernel where it can
     * (NETLINK_GET_STRICT_CHK, Linux 4.20 and later) and again here. Cached clones (RTM_F_CLONED) are left out.
     * A multipath route comes back without gateway and output interface (this module does not write those).
     */
    public List<RouteSpec> dump(int table, int protocol) throws IOException {
        if (table < 1) throw new IllegalArgumentException("route table " + table + " is not in 1..2147483647");
        List<RouteSpec> all = new ArrayList<>();
        for (int family : new int[] {Native.AF_INET, Native.AF_INET6}) {
            // One dump per family: an AF_UNSPEC dump also walks MPLS, which refuses the RTA_TABLE filter.
            Message m = new Message(RTM_GETROUTE, Message.NLM_F_DUMP);
            m.u8(family).u8(0).u8(0).u8(0).u8(table < 256 ? table : 0).u8(Math.max(protocol, 0)).u8(0).u8(0).u32(0);
            m.attrU32(RTA_TABLE, table);
            all.addAll(netlink.dump(Netlink.request(m, () -> "dump routing table " + table + " in " + netlink.where(),
                    null), message -> parse(message, table, protocol)));
        }
        return all;
    }

    /** A route from an RTM_NEWROUTE message of a dump, or null when it is not one wanted. */
    static RouteSpec parse(ByteBuffer message, int table, int protocol) {
        if (Short.toUnsignedInt(message.getShort(4)) != RTM_NEWROUTE) return null;
        if (message.limit() < Message.HEADER + RTMSG_SIZE) return null;
        int at = Message.HEADER;
        int family = Byte.toUnsignedInt(message.get(at));
        int dstLength = Byte.toUnsignedInt(message.get(at + 1));
        int rtmTable = Byte.toUnsignedInt(message.get(at + 4));
        int proto = Byte.toUnsignedInt(message.get(at + 5));
        int type = Byte.toUnsignedInt(message.get(at + 7));
        int flags = message.getInt(at + 8);
        if (family != Native.AF_INET && family != Native.AF_INET6) return null;
        if ((flags & RTM_F_CLONED) != 0) return null;
        Attributes a = Attributes.parse(message, at + RTMSG_SIZE, message.limit());
        int routeTable = a.u32(RTA_TABLE, rtmTable);
        if (routeTable != table || (protocol >= 0 && proto != protocol)) return null;
        int size = family == Native.AF_INET ? 4 : 16;
        byte[] dst = a.bytes(RTA_DST);
        if (dst == null || dst.length != size) dst = new byte[size];
        if (dstLength > size * 8) return null;
        byte[] gw = a.bytes(RTA_GATEWAY);
        Optional<InetAddress> gateway = gw != null && gw.length == size ? Optional.of(IpPrefix.byAddress(gw)) : Optional.empty();
        int oif = a.u32(RTA_OIF, 0);
        OptionalInt metric = a.has(RTA_PRIORITY) ? OptionalInt.of(a.u32(RTA_PRIORITY, 0)) : OptionalInt.empty();
        return new RouteSpec(routeTable, IpPrefix.containing(IpPrefix.byAddress(dst), dstLength), gateway,
                oif > 0 ? OptionalInt.of(oif) : OptionalInt.empty(), proto, metric, RouteType.of(type));
    }

    /** The kernel's key of a route in a table: destination and metric (TOS is always 0 here). */
    private record Key(int table, IpPrefix destination, int metric) {
        static Key of(RouteSpec r) {
            return new Key(r.table(), r.destination(), r.effectiveMetric());
        }
    }
}
