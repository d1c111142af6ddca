package io.vroute.vpc;

import java.util.Map;

/**
 * A subnet as DescribeSubnets shows it. Immutable: creating or deleting a network interface in the subnet
 * yields a new record with the new {@code availableIpAddressCount}.
 *
 * @param subnetId                   {@code subnet-} and 17 hex digits
 * @param vpcId                      the VPC it belongs to
 * @param cidrBlock                  IPv4 block inside the VPC's, /16 to /28
 * @param ipv6CidrBlock              an IPv6 /64 inside the VPC's /56, or null
 * @param ipv6CidrBlockAssociationId id of the IPv6 block's association ({@code subnet-cidr-assoc-...}), or null
 * @param availabilityZone           any name, e.g. "us-east-1a"
 * @param availableIpAddressCount    IPv4 addresses left: the block size minus the 5 that AWS reserves minus
 *                                   those held by network interfaces
 * @param state                      always "available"
 * @param tags                       the subnet's tags
 */
public record Subnet(String subnetId, String vpcId, String cidrBlock, String ipv6CidrBlock,
                     String ipv6CidrBlockAssociationId, String availabilityZone, int availableIpAddressCount,
                     String state, Map<String, String> tags) {

    public Subnet {
        tags = Tags.copy(tags);
    }

    Subnet withTags(Map<String, String> newTags) {
        return new Subnet(subnetId, vpcId, cidrBlock, ipv6CidrBlock, ipv6CidrBlockAssociationId, availabilityZone,
                availableIpAddressCount, state, newTags);
    }

    Subnet withAvailableIpAddressCount(int count) {
        return new Subnet(subnetId, vpcId, cidrBlock, ipv6CidrBlock, ipv6CidrBlockAssociationId, availabilityZone,
                count, state, tags);
    }

    Cidr cidr() {
        return Cidr.parse(cidrBlock);
    }

    Cidr ipv6Cidr() {
        return ipv6CidrBlock == null ? null : Cidr.parse(ipv6CidrBlock);
    }
}
