/**
 * The VPC model of vroute: VPCs, subnets, network interfaces, internet gateways and route tables with the
 * rules EC2 applies to them, the routes route servers propagate into route tables, longest-prefix lookup
 * and path trace. Pure Java, no dependencies; it knows nothing of BGP.
 *
 * <p>{@link io.vroute.vpc.Network} is the way in. Resources are immutable records ({@link io.vroute.vpc.Vpc},
 * {@link io.vroute.vpc.Subnet}, {@link io.vroute.vpc.NetworkInterface}, {@link io.vroute.vpc.InternetGateway},
 * {@link io.vroute.vpc.RouteTable}); refusals are {@link io.vroute.vpc.VpcException}s carrying EC2's error
 * codes. {@link io.vroute.vpc.Dataplane} is what a data plane (the Linux kernel) implements.
 */
package io.vroute.vpc;
