package io.vroute.server.dataplane;

import io.vroute.linux.Netlink;
import io.vroute.vpc.Cidr;
import java.net.InetAddress;

/**
 * One route as the kernel holds it in a route table's kernel table, whoever owns it: what
 * {@link LinuxDataplane#dump(String)} reads back for a "what is in the kernel" view.
 *
 * @param destination the destination
 * @param type        "unicast", "blackhole", ... (the kernel's route type, lower case)
 * @param gateway     the next hop's address, or null
 * @param device      the output link's name, or null
 * @param protocol    the owner's protocol number: {@link Netlink#VROUTE_PROTOCOL} for vroute's routes
 * @param metric      the route's metric
 */
public record DumpedRoute(Cidr destination, String type, InetAddress gateway, String device, int protocol, int metric) {

    /** Whether vroute wrote the route. */
    public boolean owned() {
        return protocol == Netlink.VROUTE_PROTOCOL;
    }

    /** Like {@code ip route}: {@code 172.16.1.1/32 via 10.0.1.10 dev br-... proto 249 metric 10}. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        if (!type.equals("unicast")) {
            s.append(type).append(' ');
        }
        s.append(destination);
        if (gateway != null) {
            s.append(" via ").append(Inet.text(gateway));
        }
        if (device != null) {
            s.append(" dev ").append(device);
        }
        return s.append(" proto ").append(protocol).append(" metric ").append(Integer.toUnsignedString(metric)).toString();
    }
}
