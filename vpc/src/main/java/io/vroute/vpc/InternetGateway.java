package io.vroute.vpc;

import java.util.List;
import java.util.Map;

/**
 * An internet gateway as DescribeInternetGateways shows it. Immutable.
 *
 * @param internetGatewayId {@code igw-} and 17 hex digits
 * @param attachments       empty, or the one VPC it is attached to
 * @param tags              the gateway's tags
 */
public record InternetGateway(String internetGatewayId, List<Attachment> attachments, Map<String, String> tags) {

    public InternetGateway {
        attachments = List.copyOf(attachments);
        tags = Tags.copy(tags);
    }

    /**
     * @param vpcId the VPC
     * @param state "available" while attached (what EC2 reports for internet gateways)
     */
    public record Attachment(String vpcId, String state) {
    }

    /** The VPC it is attached to, or null. */
    public String attachedVpcId() {
        return attachments.isEmpty() ? null : attachments.getFirst().vpcId();
    }

    InternetGateway withTags(Map<String, String> newTags) {
        return new InternetGateway(internetGatewayId, attachments, newTags);
    }

    InternetGateway withAttachments(List<Attachment> newAttachments) {
        return new InternetGateway(internetGatewayId, newAttachments, tags);
    }
}
