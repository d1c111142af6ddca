/**
 * The route server's RIB: every route the appliances announce, one best route per prefix chosen by a
 * documented decision process that can explain itself, and batched best-path changes for the route tables.
 * {@link io.vroute.rib.Rib} is the way in; see docs/rib.md.
 */
package io.vroute.rib;
