package io.vroute.linux;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The IPv4 and IPv6 addresses on the links of a {@link Netlink}'s namespace. Adding an address with a prefix
 * length also gives the namespace the connected route for that prefix (the kernel adds it to table main).
 *
 * <p>IPv6 addresses are added without duplicate address detection (IFA_F_NODAD), so they are usable at once
 * instead of tentative for a second or more: vroute assigns the addresses of the namespaces it builds, so a
 * duplicate is its own configuration error, which DAD would only turn into a silently unusable address.
 */
public final class Addresses {
    static final int RTM_NEWADDR = 20;
    static final int RTM_DELADDR = 21;
    static final int RTM_GETADDR = 22;
    // <linux/if_addr.h>
    static final int IFA_ADDRESS = 1;
    static final int IFA_LOCAL = 2;
    static final int IFA_FLAGS = 8;
    static final int IFA_F_NODAD = 0x02;
    static final int IFADDRMSG_SIZE = 8;

    private final Netlink netlink;

    Addresses(Netlink netlink) {
        this.netlink = netlink;
    }

    /**
     * Adds {@code address/prefixLength} to the link.
     *
     * @throws NetlinkException EEXIST when the link has that address already, ENODEV when there is no such link
     */
    public void add(String link, InetAddress address, int prefixLength) throws IOException {
        check(address, prefixLength);
        int index = netlink.links().requireIndex(link);
        boolean v6 = address instanceof Inet6Address;
        Message m = new Message(RTM_NEWADDR, Message.NLM_F_ACK | Message.NLM_F_CREATE | Message.NLM_F_EXCL);
        ifaddrmsg(m, address, prefixLength, v6 ? IFA_F_NODAD : 0, index);
        m.attr(IFA_LOCAL, address.getAddress());
        m.attr(IFA_ADDRESS, address.getAddress());
        if (v6) m.attrU32(IFA_FLAGS, IFA_F_NODAD);
        String what = address.getHostAddress() + "/" + prefixLength;
        netlink.execute(Netlink.request(m, () -> "add address " + what + " to link " + link + " in " + netlink.where(),
                errno -> switch (errno) {
                    case Native.EEXIST -> "link " + link + " has address " + what + " already";
                    case Native.EACCES, Native.EPERM -> "not permitted: IPv6 may be disabled on " + link
                            + " (net.ipv6.conf." + link + ".disable_ipv6), or run as root";
                    default -> null;
                }));
    }

    /**
     * Removes {@code address/prefixLength} from the link.
     *
     * @throws NetlinkException EADDRNOTAVAIL when the link has no such address
     */
    public void delete(String link, InetAddress address, int prefixLength) throws IOException {
        check(address, prefixLength);
        int index = netlink.links().requireIndex(link);
        Message m = new Message(RTM_DELADDR, Message.NLM_F_ACK);
        ifaddrmsg(m, address, prefixLength, 0, index);
        m.attr(IFA_LOCAL, address.getAddress());
        m.attr(IFA_ADDRESS, address.getAddress());
        String what = address.getHostAddress() + "/" + prefixLength;
        netlink.execute(Netlink.request(m, () -> "delete address " + what + " from link " + link + " in " + netlink.where(),
                errno -> errno == Native.EADDRNOTAVAIL || errno == Native.ENOENT
                        ? "link " + link + " has no address " + what + ": it is gone already, or the prefix length differs"
                        : null));
    }

    /** Every IPv4 and IPv6 address in the namespace. */
    public List<AddressInfo> list() throws IOException {
        return list(0);
    }

    /** The IPv4 and IPv6 addresses on the link. */
    public List<AddressInfo> list(String link) throws IOException {
        return list(netlink.links().requireIndex(link));
    }

    private List<AddressInfo> list(int index) throws IOException {
        List<AddressInfo> all = new ArrayList<>();
        for (int family : new int[] {Native.AF_INET, Native.AF_INET6}) {
            Message m = new Message(RTM_GETADDR, Message.NLM_F_DUMP);
            m.u8(family).u8(0).u8(0).u8(0).u32(index);   // with strict checking the index filters in the kernel
            List<AddressInfo> some = netlink.dump(Netlink.request(m, () -> "list addresses in " + netlink.where(), null),
                    Addresses::parse);
            for (AddressInfo a : some) {
                if (index == 0 || a.linkIndex() == index) all.add(a);
            }
        }
        return all;
    }

    /** struct ifaddrmsg: family, prefix length, flags, scope (universe), interface index. */
    private static void ifaddrmsg(Message m, InetAddress address, int prefixLength, int flags, int index) {
        m.u8(address instanceof Inet6Address ? Native.AF_INET6 : Native.AF_INET).u8(prefixLength).u8(flags).u8(0).u32(index);
    }

    /** An address from an RTM_NEWADDR message, or null for another message. */
    static AddressInfo parse(ByteBuffer message) {
        if (Short.toUnsignedInt(message.getShort(4)) != RTM_NEWADDR) return null;
        if (message.limit() < Message.HEADER + IFADDRMSG_SIZE) return null;
        int family = Byte.toUnsignedInt(message.get(Message.HEADER));
        if (family != Native.AF_INET && family != Native.AF_INET6) return null;
        int prefixLength = Byte.toUnsignedInt(message.get(Message.HEADER + 1));
        int index = message.getInt(Message.HEADER + 4);
        Attributes a = Attributes.parse(message, Message.HEADER + IFADDRMSG_SIZE, message.limit());
        byte[] raw = a.bytes(IFA_LOCAL);          // IPv4: the local address (IFA_ADDRESS is the peer's on p2p)
        if (raw == null) raw = a.bytes(IFA_ADDRESS);
        if (raw == null || raw.length != (family == Native.AF_INET ? 4 : 16)) return null;
        return new AddressInfo(index, IpPrefix.byAddress(raw), prefixLength);
    }

    private static void check(InetAddress address, int prefixLength) {
        if (address == null) throw new IllegalArgumentException("no address given");
        int bits = address.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is not in 0.." + bits + " for "
                    + address.getHostAddress());
        }
    }
}
