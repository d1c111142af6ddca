package io.vroute.vpc;

import java.util.Map;

/**
 * A network interface (ENI) as DescribeNetworkInterfaces shows it. Immutable.
 *
 * @param networkInterfaceId {@code eni-} and 17 hex digits
 * @param subnetId           its subnet
 * @param vpcId              its subnet's VPC
 * @param availabilityZone   its subnet's availability zone
 * @param description        free text, or null
 * @param interfaceType      "interface" for ordinary ones; route server endpoints use their own type
 * @param macAddress         a locally administered unicast MAC, e.g. 02:4f:...
 * @param privateIpAddress   its primary IPv4 address
 * @param ipv6Address        its IPv6 address, or null
 * @param sourceDestCheck    true unless turned off with ModifyNetworkInterfaceAttribute; an appliance that
 *                           forwards traffic for other addresses (a floating IP) needs it off
 * @param status             "available", or "in-use" for a requester-managed interface
 * @param requesterManaged   true when vroute itself created it (route server endpoints); users cannot delete it
 * @param tags               the interface's tags
 */
public record NetworkInterface(String networkInterfaceId, String subnetId, String vpcId, String availabilityZone,
                               String description, String interfaceType, String macAddress,
                               String privateIpAddress, String ipv6Address, boolean sourceDestCheck,
                               String status, boolean requesterManaged, Map<String, String> tags) {

    public NetworkInterface {
        tags = Tags.copy(tags);
    }

    NetworkInterface withTags(Map<String, String> newTags) {
        return new NetworkInterface(networkInterfaceId, subnetId, vpcId, availabilityZone, description, interfaceType,
                macAddress, privateIpAddress, ipv6Address, sourceDestCheck, status, requesterManaged, newTags);
    }

    NetworkInterface withSourceDestCheck(boolean check) {
        return new NetworkInterface(networkInterfaceId, subnetId, vpcId, availabilityZone, description, interfaceType,
                macAddress, privateIpAddress, ipv6Address, check, status, requesterManaged, tags);
    }

    NetworkInterface withDescription(String text) {
        return new NetworkInterface(networkInterfaceId, subnetId, vpcId, availabilityZone, text, interfaceType,
                macAddress, privateIpAddress, ipv6Address, sourceDestCheck, status, requesterManaged, tags);
    }

    /** The interface's address in the family of {@code destination}: IPv4 or IPv6 (which may be null). */
    String addressFor(boolean ipv6) {
        return ipv6 ? ipv6Address : privateIpAddress;
    }
}
