package io.vroute.linux;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/**
 * The policy routing rules of one owner (a protocol number) in a {@link Netlink}'s namespace. Rules written carry
 * the owner's protocol (FRA_PROTOCOL, Linux 4.17 and later), and a delete names it too, so the kernel
 * ({@code rule_find} in {@code net/core/fib_rules.c}) only ever deletes the owner's rules.
 */
public final class Rules {
    static final int RTM_NEWRULE = 32;
    static final int RTM_DELRULE = 33;
    static final int RTM_GETRULE = 34;
    // <linux/fib_rules.h>
    static final int FRA_DST = 1;
    static final int FRA_SRC = 2;
    static final int FRA_IIFNAME = 3;
    static final int FRA_GOTO = 4;
    static final int FRA_PRIORITY = 6;
    static final int FRA_FWMARK = 10;
    static final int FRA_TUN_ID = 12;
    static final int FRA_TABLE = 15;
    static final int FRA_OIFNAME = 17;
    static final int FRA_L3MDEV = 19;
    static final int FRA_UID_RANGE = 20;
    static final int FRA_PROTOCOL = 21;
    static final int FRA_IP_PROTO = 22;
    static final int FRA_SPORT_RANGE = 23;
    static final int FRA_DPORT_RANGE = 24;
    static final int FR_ACT_TO_TBL = 1;
    static final int FIB_RULE_INVERT = 0x2;
    static final int FIB_RULE_HDR_SIZE = 12;

    private final Netlink netlink;
    private final int owner;

    Rules(Netlink netlink, int owner) {
        if (owner < 1 || owner > 255) throw new IllegalArgumentException("owner protocol " + owner + " is not in 1..255");
        this.netlink = netlink;
        this.owner = owner;
    }

    /** The protocol number this owner's rules carry. */
    public int owner() {
        return owner;
    }

    /**
     * Adds the rule (NLM_F_CREATE|NLM_F_EXCL). The input interface need not exist yet: the rule applies once a link
     * of that name appears.
     *
     * @throws NetlinkException         EEXIST when the same rule exists
     * @throws IllegalArgumentException when the rule is not the owner's
     */
    public void add(RuleSpec rule) throws IOException {
        checkOwner(rule);
        Message m = new Message(RTM_NEWRULE, Message.NLM_F_ACK | Message.NLM_F_CREATE | Message.NLM_F_EXCL);
        encode(m, rule);
        netlink.execute(Netlink.request(m, () -> "add rule " + rule + " in " + netlink.where(),
                errno -> errno == Native.EEXIST ? "the rule exists already; delete it first to change it" : null));
    }

    /**
     * Deletes the owner's rule with this priority, input interface and table.
     *
     * @throws NetlinkException ENOENT when the owner has no such rule (a rule of another owner is not deleted)
     */
    public void delete(RuleSpec rule) throws IOException {
        checkOwner(rule);
        Message m = new Message(RTM_DELRULE, Message.NLM_F_ACK);
        encode(m, rule);
        netlink.execute(Netlink.request(m, () -> "delete rule " + rule + " in " + netlink.where(),
                errno -> errno == Native.ENOENT ? "there is no such rule of protocol " + owner + ": it is gone already, "
                        + "or it belongs to another owner, whose rules vroute does not delete" : null));
    }

    /**
     * The rules of {@code version} that send packets to a table and select at most by input interface, every
     * owner's (the kernel's own {@code lookup local/main/default} included). Rules with other selectors (source,
     * destination, mark, ...) or other actions are left out: this module cannot represent them.
     */
    public List<RuleSpec> list(IpVersion version) throws IOException {
        Message m = new Message(RTM_GETRULE, Message.NLM_F_DUMP);
        m.u8(version.family()).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u32(0);
        return netlink.dump(Netlink.request(m, () -> "list " + version + " rules in " + netlink.where(), null),
                message -> parse(message, version));
    }

    /** This owner's rules of {@code version}. */
    public List<RuleSpec> listOwned(IpVersion version) throws IOException {
        return list(version).stream().filter(r -> r.protocol() == owner).toList();
    }

    private void checkOwner(RuleSpec rule) {
        if (rule.protocol() != owner) {
            throw new IllegalArgumentException("rule " + rule + ": its protocol " + rule.protocol() + " is not this "
                    + "owner's (" + owner + "): use Netlink.rules(" + rule.protocol() + ")");
        }
    }

    /** struct fib_rule_hdr, then FRA_TABLE, FRA_PRIORITY, FRA_IIFNAME, FRA_PROTOCOL. */
    private static void encode(Message m, RuleSpec rule) {
        m.u8(rule.version().family()).u8(0).u8(0).u8(0)                       // family, dst_len, src_len, tos
                .u8(rule.table() < 256 ? rule.table() : 0).u8(0).u8(0).u8(FR_ACT_TO_TBL)
                .u32(0);                                                        // flags
        m.attrU32(FRA_TABLE, rule.table());
        m.attrU32(FRA_PRIORITY, rule.priority());
        rule.inputInterface().ifPresent(i -> m.attrString(FRA_IIFNAME, i));
        m.attrU8(FRA_PROTOCOL, rule.protocol());
    }

    /** A rule from an RTM_NEWRULE message, or null when it is not one {@link RuleSpec} can represent. */
    static RuleSpec parse(ByteBuffer message, IpVersion version) {
        if (Short.toUnsignedInt(message.getShort(4)) != RTM_NEWRULE) return null;
        if (message.limit() < Message.HEADER + FIB_RULE_HDR_SIZE) return null;
        int at = Message.HEADER;
        if (Byte.toUnsignedInt(message.get(at)) != version.family()) return null;
        int dstLength = Byte.toUnsignedInt(message.get(at + 1));
        int srcLength = Byte.toUnsignedInt(message.get(at + 2));
        int tos = Byte.toUnsignedInt(message.get(at + 3));
        int headerTable = Byte.toUnsignedInt(message.get(at + 4));
        int action = Byte.toUnsignedInt(message.get(at + 7));
        int flags = message.getInt(at + 8);
        if (action != FR_ACT_TO_TBL || dstLength != 0 || srcLength != 0 || tos != 0 || (flags & FIB_RULE_INVERT) != 0) {
            return null;
        }
        Attributes a = Attributes.parse(message, at + FIB_RULE_HDR_SIZE, message.limit());
        for (int selector : new int[] {FRA_DST, FRA_SRC, FRA_GOTO, FRA_FWMARK, FRA_TUN_ID, FRA_OIFNAME, FRA_L3MDEV,
                FRA_UID_RANGE, FRA_IP_PROTO, FRA_SPORT_RANGE, FRA_DPORT_RANGE}) {
            if (a.has(selector)) return null;
        }
        int table = a.u32(FRA_TABLE, headerTable);
        if (table < 1) return null;
        return new RuleSpec(version, a.u32(FRA_PRIORITY, 0), Optional.ofNullable(a.string(FRA_IIFNAME)), table,
                a.u8(FRA_PROTOCOL, 0));
    }
}
