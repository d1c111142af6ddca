/**
 * The Linux data plane: the VPC model ({@link io.vroute.vpc.Network}) made real in the kernel through
 * {@code io.vroute.linux} (rtnetlink and network namespaces), so that packets follow the route tables.
 *
 * <p>The way in is {@link io.vroute.server.dataplane.LinuxDataplane}: the control thread computes values from the
 * network ({@link io.vroute.server.dataplane.KernelPlan} for everything, {@link io.vroute.server.dataplane.RouteBatch}
 * for one table's route changes) and hands them over; the data plane's own thread does the kernel work and answers
 * with a {@link io.vroute.server.dataplane.Report}. Names and numbers come from
 * {@link io.vroute.server.dataplane.KernelLayout}.
 *
 * <p>The shape in the kernel:
 * <pre>
 *  instance ns "a"         router ns PREFIX+vpc-...                               ns PREFIX+internet
 *  eth0 10.0.1.10/24 ── en-... ─┐                                           ┌─ igw-... 169.254.0.1/30 ── vpc-... 169.254.0.2/30
 *  default via 10.0.1.1         br-... 10.0.1.1/24 (+ endpoint addresses)   │   (10.0.0.0/16 via 169.254.0.1)
 *                               br-... 10.0.2.1/24 ...                      │
 *         rules: iif br-... lookup TABLE(subnet's route table), iif igw-... lookup TABLE(edge table)
 *         tables: one per route table, e.g. 172.16.1.1/32 via 10.0.1.10 dev br-... proto 249 metric 10
 * </pre>
 */
package io.vroute.server.dataplane;
