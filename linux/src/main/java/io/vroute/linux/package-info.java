/**
 * vroute's Linux data plane foundation: rtnetlink and network namespaces through java.lang.foreign, with no JNI
 * and no {@code ip} on any path a change travels.
 *
 * <ul>
 *   <li>{@link io.vroute.linux.Netlink}: an rtnetlink socket in the host or a named namespace, with
 *       {@link io.vroute.linux.Links links}, {@link io.vroute.linux.Addresses addresses},
 *       {@link io.vroute.linux.Routes routes} (batched, per table, owned by
 *       {@link io.vroute.linux.Netlink#VROUTE_PROTOCOL}) and {@link io.vroute.linux.Rules policy rules};</li>
 *   <li>{@link io.vroute.linux.Namespaces}: named namespaces as {@code ip netns} keeps them, and work (sockets
 *       included) done inside one on a dedicated thread while the daemon's threads stay in the host namespace.</li>
 * </ul>
 *
 * <p>Refusals from the kernel are {@link io.vroute.linux.NetlinkException}s that carry the errno and say what to do.
 * Everything here needs Linux, glibc and, to change anything, root (CAP_NET_ADMIN, CAP_SYS_ADMIN for namespaces).
 */
package io.vroute.linux;
