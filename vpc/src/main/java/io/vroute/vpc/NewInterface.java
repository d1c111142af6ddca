package io.vroute.vpc;

/**
 * What CreateNetworkInterface asks for. Start with {@link #in(String)} and add what is given:
 * {@code NewInterface.in(subnetId).withPrivateIpAddress("10.0.1.10").withDescription("web")}.
 *
 * @param subnetId          the subnet
 * @param privateIpAddress  the IPv4 address to take, or null to take the lowest free one
 * @param ipv6Address       the IPv6 address to take, or null
 * @param assignIpv6Address true to take the lowest free IPv6 address of the subnet (when none is given)
 * @param description       free text, or null
 * @param interfaceType     "interface" unless the server creates its own kind (route server endpoints)
 * @param requesterManaged  true for interfaces vroute manages itself; users cannot delete them
 */
public record NewInterface(String subnetId, String privateIpAddress, String ipv6Address, boolean assignIpv6Address,
                           String description, String interfaceType, boolean requesterManaged) {

    public static NewInterface in(String subnetId) {
        return new NewInterface(subnetId, null, null, false, null, "interface", false);
    }

    public NewInterface withPrivateIpAddress(String address) {
        return new NewInterface(subnetId, address, ipv6Address, assignIpv6Address, description, interfaceType,
                requesterManaged);
    }

    public NewInterface withIpv6Address(String address) {
        return new NewInterface(subnetId, privateIpAddress, address, assignIpv6Address, description, interfaceType,
                requesterManaged);
    }

    /** Take the lowest free IPv6 address of the subnet (as Ipv6AddressCount=1). */
    public NewInterface withIpv6AddressAssigned() {
        return new NewInterface(subnetId, privateIpAddress, ipv6Address, true, description, interfaceType,
                requesterManaged);
    }

    public NewInterface withDescription(String text) {
        return new NewInterface(subnetId, privateIpAddress, ipv6Address, assignIpv6Address, text, interfaceType,
                requesterManaged);
    }

    /**
     * An interface vroute manages for itself, e.g. {@code managedAs("route_server_endpoint",
     * "Route server endpoint rse-...")}: status in-use, and DeleteNetworkInterface refuses it.
     */
    public NewInterface managedAs(String type, String text) {
        return new NewInterface(subnetId, privateIpAddress, ipv6Address, assignIpv6Address, text, type, true);
    }
}
