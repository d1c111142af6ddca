package io.vroute.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RulesTest {
    private final ScratchNamespaces scratch = new ScratchNamespaces();
    private String ns;
    private Netlink netlink;
    private Rules rules;

    @BeforeEach
    void namespace() throws IOException {
        Host.requireRoot();
        ns = scratch.create("rules");
        netlink = Netlink.openIn(ns);
        rules = netlink.rules();
    }

    @AfterEach
    void cleanUp() {
        if (netlink != null) netlink.close();
        scratch.close();
    }

    @Test
    void iifRulesAreAddedForIpv4AndIpv6ListedAndDeleted() throws IOException {
        RuleSpec v4 = RuleSpec.lookup(IpVersion.V4, "br0", 1000, 100);
        RuleSpec v6 = RuleSpec.lookup(IpVersion.V6, "br0", 100000, 101);
        rules.add(v4);
        rules.add(v6);
        String shown = Host.ipIn(ns, "rule", "show");
        assertTrue(shown.contains("100:\tfrom all iif br0 [detached] lookup 1000 proto 249"), shown);
        String shown6 = Host.ipIn(ns, "-6", "rule", "show");
        assertTrue(shown6.contains("101:\tfrom all iif br0 [detached] lookup 100000 proto 249"), shown6);

        assertEquals(List.of(v4), rules.listOwned(IpVersion.V4));
        assertEquals(List.of(v6), rules.listOwned(IpVersion.V6));
        List<RuleSpec> all = rules.list(IpVersion.V4);
        assertEquals(List.of(0, 100, 32766, 32767), all.stream().map(RuleSpec::priority).toList());
        assertEquals(new RuleSpec(IpVersion.V4, 32766, Optional.empty(), 254, 2), all.get(2), "lookup main, proto kernel");

        rules.delete(v4);
        rules.delete(v6);
        assertFalse(Host.ipIn(ns, "rule", "show").contains("br0"));
        assertFalse(Host.ipIn(ns, "-6", "rule", "show").contains("br0"));
    }

    @Test
    void addingARuleTwiceFailsWithEexist() throws IOException {
        RuleSpec r = RuleSpec.lookup(IpVersion.V4, "br0", 1000, 100);
        rules.add(r);
        NetlinkException e = assertThrows(NetlinkException.class, () -> rules.add(r));
        assertEquals(Native.EEXIST, e.errno());
        assertTrue(e.getMessage().contains("EEXIST: the rule exists already"), e.getMessage());
    }

    @Test
    void aRuleOfAnotherOwnerIsNotDeleted() throws IOException {
        Host.ipIn(ns, "rule", "add", "iif", "br0", "lookup", "1000", "pref", "100", "proto", "static");
        NetlinkException e = assertThrows(NetlinkException.class,
                () -> rules.delete(RuleSpec.lookup(IpVersion.V4, "br0", 1000, 100)));
        assertEquals(Native.ENOENT, e.errno());
        assertTrue(e.getMessage().contains("belongs to another owner"), e.getMessage());
        assertTrue(Host.ipIn(ns, "rule", "show").contains("100:\tfrom all iif br0 [detached] lookup 1000 proto static"));
        assertEquals(List.of(), rules.listOwned(IpVersion.V4));
    }

    @Test
    void ruleOfAnotherProtocolIsRefusedBeforeSending() {
        RuleSpec foreign = new RuleSpec(IpVersion.V4, 100, Optional.of("br0"), 1000, 4);
        assertThrows(IllegalArgumentException.class, () -> rules.add(foreign));
    }
}
