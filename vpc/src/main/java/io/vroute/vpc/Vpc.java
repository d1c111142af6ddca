package io.vroute.vpc;

import java.util.Map;

/**
 * A VPC as DescribeVpcs shows it. Immutable: every change to a VPC yields a new record.
 *
 * @param vpcId                      {@code vpc-} and 17 hex digits
 * @param cidrBlock                  the primary IPv4 block, /16 to /28
 * @param cidrBlockAssociationId     id of that block's association ({@code vpc-cidr-assoc-...})
 * @param ipv6CidrBlock              the IPv6 /56, or null
 * @param ipv6CidrBlockAssociationId id of the IPv6 block's association, or null
 * @param ipv6Pool                   "Amazon" when the block was allocated by vroute, null when given or absent
 * @param state                      always "available"
 * @param isDefault                  always false
 * @param dhcpOptionsId              always "default"
 * @param instanceTenancy            "default" or "dedicated"
 * @param tags                       the VPC's tags
 */
public record Vpc(String vpcId, String cidrBlock, String cidrBlockAssociationId, String ipv6CidrBlock,
                  String ipv6CidrBlockAssociationId, String ipv6Pool, String state, boolean isDefault,
                  String dhcpOptionsId, String instanceTenancy, Map<String, String> tags) {

    public Vpc {
        tags = Tags.copy(tags);
    }

    Vpc withTags(Map<String, String> newTags) {
        return new Vpc(vpcId, cidrBlock, cidrBlockAssociationId, ipv6CidrBlock, ipv6CidrBlockAssociationId, ipv6Pool,
                state, isDefault, dhcpOptionsId, instanceTenancy, newTags);
    }

    Cidr cidr() {
        return Cidr.parse(cidrBlock);
    }

    Cidr ipv6Cidr() {
        return ipv6CidrBlock == null ? null : Cidr.parse(ipv6CidrBlock);
    }

    /** True when {@code destination} equals or is more specific than one of the VPC's blocks. */
    boolean covers(Cidr destination) {
        Cidr block = destination.isIpv6() ? ipv6Cidr() : cidr();
        return block != null && block.contains(destination);
    }

    /** The VPC block equal to {@code destination}, or null: such a destination is the local route's. */
    boolean isLocal(Cidr destination) {
        Cidr block = destination.isIpv6() ? ipv6Cidr() : cidr();
        return destination.equals(block);
    }
}
