package io.vroute.server.dataplane;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * How the VPC model is named and numbered in the kernel: namespaces, links, routing tables, rule priorities and
 * metrics. Everything is derived from resource ids alone, so the same model always gives the same kernel names, across
 * restarts and machines.
 *
 * <p>Namespaces are global on a host, so their names carry {@link #prefix()}: a VPC's router is
 * {@code PREFIX + vpc-id} (e.g. {@code vroute-vpc-0a1b2c3d4e5f60718}), the outside world is {@code PREFIX + internet}.
 * Tests use a prefix of their own ({@code vrt-h-<pid>-}) and so never meet a running daemon's namespaces.
 *
 * <p>Links live inside those namespaces, and a Linux interface name has at most 15 bytes, so link names carry no
 * prefix; they are a kind and the last hex digits of an id: a subnet's bridge {@code br-} + 12 digits, a network
 * interface's router-side veth {@code en-} + 12, an internet gateway's router-side veth {@code igw-} + 11 and its far
 * end in the internet namespace {@code vpc-} + 11 (of the VPC's id). The far end of an interface's veth, in the
 * instance namespace, is {@code eth0}, {@code eth1}, ... ({@link #instanceLink(int)}).
 *
 * <p>A route table is the kernel table {@code 0x10000000 + (last 7 hex digits of its id)}: 268435456..536870911, far
 * from the kernel's own (0, 253 default, 254 main, 255 local) and from the small numbers people pick by hand.
 * Two tables of one VPC that share their last 7 digits are told apart by {@link KernelPlan} (the later one, in id
 * order, takes the next free number).
 *
 * @param prefix         what the names of vroute's namespaces start with: letters, digits, {@code . _ -}, at most 40
 * @param stateDirectory where vroute notes the instance namespaces it created (and so may delete); under /run, so it
 *                       goes with the namespaces at reboot
 */
public record KernelLayout(String prefix, Path stateDirectory) {

    /** The prefix of a daemon's namespaces. */
    public static final String DEFAULT_PREFIX = "vroute-";
    /** The tag whose value names the namespace a network interface's veth goes to. */
    public static final String NAMESPACE_TAG = "vroute:netns";
    /** Priority of the rules {@code iif <subnet bridge> lookup <table>}: after local (0), before main (32766). */
    public static final int SUBNET_RULE_PRIORITY = 1000;
    /** Priority of the rules {@code iif <gateway link> lookup <edge table>}. */
    public static final int GATEWAY_RULE_PRIORITY = 900;
    /** The main table, where an instance namespace's default route and the internet namespace's routes go. */
    public static final int MAIN_TABLE = 254;

    /**
     * vroute's routes carry one of two metrics. Changing a route's next hop adds the new route with the other metric,
     * then deletes the old one, both in one netlink send: the destination is never without a route, and no table dump
     * is needed to prove that the route replaced is vroute's own (an add never touches an existing route; a delete
     * names vroute's protocol).
     */
    public static final int FIRST_METRIC = 10;
    /** The other of the two metrics, see {@link #FIRST_METRIC}. */
    public static final int SECOND_METRIC = 11;

    static final int TABLE_BASE = 0x1000_0000;
    static final int TABLE_MASK = 0x0FFF_FFFF;

    /** The point-to-point /30 of every internet gateway link: the VPC side and the internet side. */
    static final InetAddress VPC_SIDE_V4 = literal(new byte[] {(byte) 169, (byte) 254, 0, 1});
    static final InetAddress INTERNET_SIDE_V4 = literal(new byte[] {(byte) 169, (byte) 254, 0, 2});
    static final int GATEWAY_LINK_PREFIX_V4 = 30;
    /** IPv6 next hops on a gateway link are link-local: fe80::1 (VPC side) and fe80::2 (internet side). */
    static final InetAddress VPC_SIDE_V6 = literal(linkLocal(1));
    static final InetAddress INTERNET_SIDE_V6 = literal(linkLocal(2));
    static final int LINK_LOCAL_PREFIX = 64;

    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_.-]{1,40}");
    private static final Pattern OWNED_LINK = Pattern.compile("(br|en)-[0-9a-f]{1,12}|(igw|vpc)-[0-9a-f]{1,11}");

    /**
     * @throws IllegalArgumentException for a prefix that cannot start namespace names, or no state directory
     */
    public KernelLayout {
        if (prefix == null || !PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("'" + prefix + "' cannot start namespace names: use 1 to 40 letters, "
                    + "digits, '.', '_' or '-', e.g. " + DEFAULT_PREFIX);
        }
        if (stateDirectory == null) {
            throw new IllegalArgumentException("give a state directory, e.g. /run/vroute");
        }
    }

    /** A daemon's layout: prefix {@value #DEFAULT_PREFIX}, state under /run/vroute. */
    public static KernelLayout defaults() {
        return withPrefix(DEFAULT_PREFIX);
    }

    /** A layout with its own prefix and the state directory /run/PREFIX (without a trailing '-'). */
    public static KernelLayout withPrefix(String prefix) {
        String base = prefix == null ? "" : prefix.replaceAll("[-_.]+$", "");
        return new KernelLayout(prefix, Path.of("/run", base.isEmpty() ? "vroute" : base));
    }

    /** The router namespace of a VPC: prefix + VPC id. */
    public String routerNamespace(String vpcId) {
        return prefix + vpcId;
    }

    /** The namespace that stands for the outside world, where every internet gateway leads. */
    public String internetNamespace() {
        return prefix + "internet";
    }

    /**
     * Whether vroute made the namespace itself by this layout (a router or the internet namespace), so that it may
     * delete it when the model no longer has it. Instance namespaces are vroute's only when it created them
     * ({@link #createdMarker}).
     */
    public boolean ownsNamespace(String name) {
        return name.equals(internetNamespace()) || name.startsWith(prefix + "vpc-");
    }

    /** The bridge of a subnet, in its VPC's router namespace. */
    public String bridge(String subnetId) {
        return "br-" + hexTail(subnetId, 12);
    }

    /** The router-side end of a network interface's veth, a port of its subnet's bridge. */
    public String interfaceLink(String networkInterfaceId) {
        return "en-" + hexTail(networkInterfaceId, 12);
    }

    /** The router-side end of an internet gateway's veth. */
    public String gatewayLink(String internetGatewayId) {
        return "igw-" + hexTail(internetGatewayId, 11);
    }

    /** The internet-side end of the veth of a VPC's internet gateway. */
    public String internetLink(String vpcId) {
        return "vpc-" + hexTail(vpcId, 11);
    }

    /** The name of the n-th vroute interface in an instance namespace: eth0, eth1, ... */
    public static String instanceLink(int index) {
        return "eth" + index;
    }

    /** Whether a link in a router or the internet namespace has a name vroute gives, so that vroute may delete it. */
    public static boolean ownedLink(String name) {
        return OWNED_LINK.matcher(name).matches();
    }

    /** The kernel routing table of a route table (see the class comment). */
    public int table(String routeTableId) {
        return TABLE_BASE + (int) (Long.parseLong(hexTail(routeTableId, 7), 16) & TABLE_MASK);
    }

    /** The file that records that vroute created an instance namespace. */
    public Path createdMarker(String namespace) {
        return stateDirectory.resolve("created-netns").resolve(namespace);
    }

    /**
     * The last {@code n} hex digits of an id such as {@code subnet-0a1b2c3d4e5f60718}.
     *
     * @throws IllegalArgumentException when the id does not end in hex digits
     */
    static String hexTail(String id, int n) {
        int dash = id.lastIndexOf('-');
        String hex = id.substring(dash + 1);
        if (hex.isEmpty() || !hex.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
            throw new IllegalArgumentException("'" + id + "' is not a resource id ending in hex digits, like "
                    + "subnet-0a1b2c3d4e5f60718");
        }
        return hex.length() <= n ? hex : hex.substring(hex.length() - n);
    }

    private static byte[] linkLocal(int last) {
        byte[] b = new byte[16];
        b[0] = (byte) 0xfe;
        b[1] = (byte) 0x80;
        b[15] = (byte) last;
        return b;
    }

    private static InetAddress literal(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
