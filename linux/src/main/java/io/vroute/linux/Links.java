package io.vroute.linux;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.OptionalInt;

/**
 * The network interfaces (links) of a {@link Netlink}'s namespace: create bridges and veth pairs, set them up or
 * down, change the MTU, attach them to a bridge, move them to another namespace, delete them, look them up.
 * Links are named by their interface name (at most 15 bytes); every change is one RTM_NEWLINK, RTM_SETLINK or
 * RTM_DELLINK request that names the link by IFLA_IFNAME, so no index lookup races with a rename.
 */
public final class Links {
    static final int RTM_NEWLINK = 16;
    static final int RTM_DELLINK = 17;
    static final int RTM_GETLINK = 18;
    static final int RTM_SETLINK = 19;
    // <linux/if_link.h>, <linux/veth.h>, <linux/if.h>
    static final int IFLA_IFNAME = 3;
    static final int IFLA_MTU = 4;
    static final int IFLA_MASTER = 10;
    static final int IFLA_LINKINFO = 18;
    static final int IFLA_NET_NS_FD = 28;
    static final int IFLA_INFO_KIND = 1;
    static final int IFLA_INFO_DATA = 2;
    static final int VETH_INFO_PEER = 1;
    static final int IFF_UP = 0x1;
    static final int IFF_LOWER_UP = 0x10000;
    static final int IFINFOMSG_SIZE = 16;
    /** IFNAMSIZ less the terminating NUL. */
    static final int MAX_NAME = 15;

    private final Netlink netlink;

    Links(Netlink netlink) {
        this.netlink = netlink;
    }

    /**
     * Creates a bridge, down, and returns its interface index.
     *
     * @throws NetlinkException EEXIST when a link of that name exists
     */
    public int createBridge(String name) throws IOException {
        checkName(name);
        Message m = new Message(RTM_NEWLINK, Message.NLM_F_ACK | Message.NLM_F_CREATE | Message.NLM_F_EXCL);
        ifinfomsg(m, 0, 0, 0);
        m.attrString(IFLA_IFNAME, name);
        int info = m.nest(IFLA_LINKINFO);
        m.attrString(IFLA_INFO_KIND, "bridge");
        m.end(info);
        netlink.execute(Netlink.request(m, () -> "create bridge " + name + " in " + netlink.where(),
                errno -> advice(name, errno)));
        return requireIndex(name);
    }

    /**
     * Creates a veth pair, both ends down: {@code name} in this namespace and {@code peerName} in
     * {@code peerNamespace} (a named namespace under /run/netns), or here too when that is null. The peer is created
     * directly in its namespace (IFLA_NET_NS_FD in the peer's attributes), so its name may be one that is taken in
     * this namespace. Returns the index of {@code name}.
     *
     * @throws NetlinkException EEXIST when either name is taken where its end goes
     * @throws IOException      when the peer namespace does not exist
     */
    public int createVethPair(String name, String peerName, String peerNamespace) throws IOException {
        checkName(name);
        checkName(peerName);
        int nsFd = peerNamespace == null ? -1 : Namespaces.openNamespaceFile(peerNamespace);
        try {
            Message m = new Message(RTM_NEWLINK, Message.NLM_F_ACK | Message.NLM_F_CREATE | Message.NLM_F_EXCL);
            ifinfomsg(m, 0, 0, 0);
            m.attrString(IFLA_IFNAME, name);
            int info = m.nest(IFLA_LINKINFO);
            m.attrString(IFLA_INFO_KIND, "veth");
            int data = m.nest(IFLA_INFO_DATA);
            int peer = m.nest(VETH_INFO_PEER);   // the peer's own ifinfomsg, then its attributes
            ifinfomsg(m, 0, 0, 0);
            m.attrString(IFLA_IFNAME, peerName);
            if (nsFd >= 0) m.attrU32(IFLA_NET_NS_FD, nsFd);
            m.end(peer);
            m.end(data);
            m.end(info);
            String peerWhere = peerNamespace == null ? "" : " in namespace " + peerNamespace;
            netlink.execute(Netlink.request(m, () -> "create veth pair " + name + " (in " + netlink.where() + ") and "
                    + peerName + peerWhere, errno -> errno == Native.EEXIST
                    ? "a link named " + name + " exists in " + netlink.where() + ", or " + peerName + " exists"
                      + (peerNamespace == null ? " here" : " in namespace " + peerNamespace) + ": delete it or pick "
                      + "another name"
                    : advice(name, errno)));
        } finally {
            if (nsFd >= 0) Native.close(nsFd);
        }
        return requireIndex(name);
    }

    /** Sets the link administratively up. */
    public void setUp(String name) throws IOException {
        setFlags(name, IFF_UP, "set link " + name + " up");
    }

    /** Sets the link administratively down. */
    public void setDown(String name) throws IOException {
        setFlags(name, 0, "set link " + name + " down");
    }

    private void setFlags(String name, int flags, String what) throws IOException {
        checkName(name);
        Message m = new Message(RTM_SETLINK, Message.NLM_F_ACK);
        ifinfomsg(m, 0, flags, IFF_UP);
        m.attrString(IFLA_IFNAME, name);
        netlink.execute(Netlink.request(m, () -> what + " in " + netlink.where(), errno -> advice(name, errno)));
    }

    /**
     * Sets the link's MTU.
     *
     * @throws NetlinkException EINVAL when the link's kind does not allow that MTU
     */
    public void setMtu(String name, int mtu) throws IOException {
        checkName(name);
        if (mtu < 68) throw new IllegalArgumentException("MTU " + mtu + " is below 68, the IPv4 minimum");
        Message m = new Message(RTM_SETLINK, Message.NLM_F_ACK);
        ifinfomsg(m, 0, 0, 0);
        m.attrString(IFLA_IFNAME, name);
        m.attrU32(IFLA_MTU, mtu);
        netlink.execute(Netlink.request(m, () -> "set MTU " + mtu + " on link " + name + " in " + netlink.where(),
                errno -> errno == Native.EINVAL ? "the link does not take MTU " + mtu + ": pick one within its range "
                        + "(ip -d link show " + name + " tells minmtu and maxmtu)" : advice(name, errno)));
    }

    /** Makes the link a port of {@code bridge} (IFLA_MASTER). */
    public void setMaster(String name, String bridge) throws IOException {
        checkName(name);
        int master = requireIndex(bridge);
        Message m = new Message(RTM_SETLINK, Message.NLM_F_ACK);
        ifinfomsg(m, 0, 0, 0);
        m.attrString(IFLA_IFNAME, name);
        m.attrU32(IFLA_MASTER, master);
        netlink.execute(Netlink.request(m, () -> "attach link " + name + " to bridge " + bridge + " in " + netlink.where(),
                errno -> errno == Native.EOPNOTSUPP || errno == Native.EINVAL
                        ? bridge + " cannot take ports (is it a bridge?), or " + name + " cannot be one"
                        : advice(name, errno)));
    }

    /** Detaches the link from its bridge, if it has one. */
    public void clearMaster(String name) throws IOException {
        checkName(name);
        Message m = new Message(RTM_SETLINK, Message.NLM_F_ACK);
        ifinfomsg(m, 0, 0, 0);
        m.attrString(IFLA_IFNAME, name);
        m.attrU32(IFLA_MASTER, 0);
        netlink.execute(Netlink.request(m, () -> "detach link " + name + " from its bridge in " + netlink.where(),
                errno -> advice(name, errno)));
    }

    /**
     * Moves the link into the named namespace (it goes down there, and loses its addresses and routes).
     *
     * @throws NetlinkException EEXIST when the namespace has a link of that name
     */
    public void moveToNamespace(String name, String namespace) throws IOException {
        checkName(name);
        int nsFd = Namespaces.openNamespaceFile(namespace);
        try {
            Message m = new Message(RTM_SETLINK, Message.NLM_F_ACK);
            ifinfomsg(m, 0, 0, 0);
            m.attrString(IFLA_IFNAME, name);
            m.attrU32(IFLA_NET_NS_FD, nsFd);
            netlink.execute(Netlink.request(m, () -> "move link " + name + " from " + netlink.where() + " to namespace "
                    + namespace, errno -> errno == Native.EEXIST
                    ? "namespace " + namespace + " has a link named " + name + ": rename or delete one"
                    : errno == Native.EINVAL ? "this kind of link cannot change namespace (loopback, bridge ports "
                      + "must be detached first)" : advice(name, errno)));
        } finally {
            Native.close(nsFd);
        }
    }

    /**
     * Deletes the link (for a veth, both ends).
     *
     * @throws NetlinkException ENODEV when there is no such link
     */
    public void delete(String name) throws IOException {
        checkName(name);
        Message m = new Message(RTM_DELLINK, Message.NLM_F_ACK);
        ifinfomsg(m, 0, 0, 0);
        m.attrString(IFLA_IFNAME, name);
        netlink.execute(Netlink.request(m, () -> "delete link " + name + " in " + netlink.where(),
                errno -> errno == Native.EOPNOTSUPP ? name + " cannot be deleted (loopback, or a device a driver owns)"
                        : advice(name, errno)));
    }

    /** The interface index of the link, or empty when there is none of that name. */
    public OptionalInt indexOf(String name) throws IOException {
        checkName(name);
        Message m = new Message(RTM_GETLINK, 0);
        ifinfomsg(m, 0, 0, 0);
        m.attrString(IFLA_IFNAME, name);
        try {
            LinkInfo link = parse(netlink.query(Netlink.request(m, () -> "look up link " + name + " in " + netlink.where(),
                    errno -> advice(name, errno))));
            return link == null ? OptionalInt.empty() : OptionalInt.of(link.index());
        } catch (NetlinkException e) {
            if (e.errno() == Native.ENODEV) return OptionalInt.empty();
            throw e;
        }
    }

    /**
     * The interface index of the link.
     *
     * @throws NetlinkException ENODEV when there is none of that name
     */
    public int requireIndex(String name) throws IOException {
        OptionalInt index = indexOf(name);
        if (index.isPresent()) return index.getAsInt();
        throw new NetlinkException("look up link " + name + " in " + netlink.where() + ": ENODEV: " + advice(name, Native.ENODEV),
                Native.ENODEV, null, -1);
    }

    /** Every link of the namespace, in the kernel's order (by index). */
    public List<LinkInfo> list() throws IOException {
        Message m = new Message(RTM_GETLINK, Message.NLM_F_DUMP);
        ifinfomsg(m, 0, 0, 0);
        return netlink.dump(Netlink.request(m, () -> "list links in " + netlink.where(), null), Links::parse);
    }

    /** struct ifinfomsg: family AF_UNSPEC, type 0, index, flags, change mask. */
    private static void ifinfomsg(Message m, int index, int flags, int change) {
        m.u8(Native.AF_UNSPEC).u8(0).u16(0).u32(index).u32(flags).u32(change);
    }

    /** A link from an RTM_NEWLINK message, or null for another message. */
    static LinkInfo parse(ByteBuffer message) {
        if (Short.toUnsignedInt(message.getShort(4)) != RTM_NEWLINK) return null;
        if (message.limit() < Message.HEADER + IFINFOMSG_SIZE) return null;
        int index = message.getInt(Message.HEADER + 4);
        int flags = message.getInt(Message.HEADER + 8);
        Attributes a = Attributes.parse(message, Message.HEADER + IFINFOMSG_SIZE, message.limit());
        Attributes info = a.nested(IFLA_LINKINFO);
        String kind = info == null ? null : info.string(IFLA_INFO_KIND);
        int master = a.u32(IFLA_MASTER, 0);
        String name = a.string(IFLA_IFNAME);
        return new LinkInfo(index, name == null ? "" : name, kind == null ? "" : kind, (flags & IFF_UP) != 0,
                (flags & IFF_LOWER_UP) != 0, a.u32(IFLA_MTU, 0), master == 0 ? OptionalInt.empty() : OptionalInt.of(master));
    }

    private String advice(String name, int errno) {
        return switch (errno) {
            case Native.EEXIST -> "a link named " + name + " exists in " + netlink.where() + ": delete it or pick another name";
            case Native.ENODEV -> "there is no link named " + name + " in " + netlink.where()
                    + ": check the name (ip -n NAMESPACE link lists them)";
            case Native.EBUSY -> name + " is busy: detach it from its bridge or stop what holds it";
            default -> null;
        };
    }

    /** @throws IllegalArgumentException for a name the kernel cannot take */
    static void checkName(String name) {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("a link needs a name");
        int bytes = name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (bytes > MAX_NAME) {
            throw new IllegalArgumentException("link name '" + name + "' is " + bytes + " bytes; Linux allows at most "
                    + MAX_NAME + ": shorten it");
        }
        if (name.equals(".") || name.equals("..") || name.chars().anyMatch(c -> c == '/' || c == ':' || Character.isWhitespace(c))) {
            throw new IllegalArgumentException("link name '" + name + "' may not be . or .. nor contain '/', ':' or spaces");
        }
    }
}
