package io.vroute.linux;

import java.util.Optional;

/**
 * A policy routing rule that sends packets to a routing table: {@code [iif NAME] lookup TABLE} at a priority, for
 * IPv4 or IPv6 (the kernel keeps the two rule lists apart). vroute uses one per subnet association: packets
 * arriving on a subnet's bridge are routed by that subnet's route table.
 *
 * @param version        IPv4 or IPv6
 * @param priority       the rule's priority (FRA_PRIORITY), 0..2^32-1 as unsigned: lower is tried first
 * @param inputInterface the interface packets must arrive on (FRA_IIFNAME); empty for every interface
 * @param table          the table to look up (FRA_TABLE)
 * @param protocol       who owns the rule (FRA_PROTOCOL, 0..255); {@link Netlink#VROUTE_PROTOCOL} for vroute's
 */
public record RuleSpec(IpVersion version, int priority, Optional<String> inputInterface, int table, int protocol) {

    /**
     * Checks the rule; a null input interface is taken as empty.
     *
     * @throws IllegalArgumentException for a bad interface name, table or protocol
     */
    public RuleSpec {
        if (version == null) throw new IllegalArgumentException("a rule needs an IP version");
        if (inputInterface == null) inputInterface = Optional.empty();
        inputInterface.ifPresent(Links::checkName);
        if (table < 1) throw new IllegalArgumentException("rule table " + table + " is not in 1..2147483647");
        if (protocol < 0 || protocol > 255) throw new IllegalArgumentException("rule protocol " + protocol + " is not in 0..255");
    }

    /** vroute's rule {@code iif inputInterface lookup table} at {@code priority}. */
    public static RuleSpec lookup(IpVersion version, String inputInterface, int table, int priority) {
        return new RuleSpec(version, priority, Optional.of(inputInterface), table, Netlink.VROUTE_PROTOCOL);
    }

    /** Like {@code ip rule}: {@code 100: iif br0 lookup 1000 proto 249}. */
    @Override
    public String toString() {
        return Integer.toUnsignedString(priority) + ": " + (version == IpVersion.V6 ? "(IPv6) " : "")
                + inputInterface.map(i -> "iif " + i + " ").orElse("") + "lookup " + table + " proto " + protocol;
    }
}
