package io.vroute.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LinksTest {
    private final ScratchNamespaces scratch = new ScratchNamespaces();
    private String ns;
    private Netlink netlink;
    private Links links;

    @BeforeEach
    void namespace() throws IOException {
        Host.requireRoot();
        ns = scratch.create("links");
        netlink = Netlink.openIn(ns);
        links = netlink.links();
    }

    @AfterEach
    void cleanUp() {
        if (netlink != null) netlink.close();
        scratch.close();
    }

    /** The index ip gives the link, from {@code ip -o link show NAME}: "7: name: ...". */
    private static int ipIndex(String namespace, String name) {
        String line = Host.ipIn(namespace, "-o", "link", "show", name);
        return Integer.parseInt(line.substring(0, line.indexOf(':')));
    }

    @Test
    void bridgeIsCreatedSetUpGivenAnMtuAndDeleted() throws IOException {
        int index = links.createBridge("br0");
        assertEquals(ipIndex(ns, "br0"), index);
        String details = Host.ipIn(ns, "-d", "link", "show", "br0");
        assertTrue(details.contains("bridge "), details);
        assertFalse(details.contains(",UP"), "created down: " + details);

        links.setUp("br0");
        assertTrue(Host.ipIn(ns, "link", "show", "br0").contains(",UP"), "up");
        links.setMtu("br0", 1400);
        assertTrue(Host.ipIn(ns, "link", "show", "br0").contains(" mtu 1400 "), "mtu 1400");
        links.setDown("br0");
        assertFalse(Host.ipIn(ns, "link", "show", "br0").contains(",UP"), "down again");

        links.delete("br0");
        assertEquals(OptionalInt.empty(), links.indexOf("br0"));
        assertFalse(Host.ipIn(ns, "-o", "link", "show").contains("br0"));
    }

    @Test
    void vethPeerIsCreatedInTheOtherNamespaceUnderItsName() throws IOException {
        String peerNs = scratch.create("peer");
        int index = links.createVethPair("va", "vb", peerNs);
        assertEquals(ipIndex(ns, "va"), index);
        String peer = Host.ipIn(peerNs, "-d", "link", "show", "vb");
        assertTrue(peer.contains("veth"), peer);
        assertFalse(Host.ipIn(ns, "-o", "link", "show").contains("vb"), "the peer is not left here");

        // both ends up: carrier on both
        links.setUp("va");
        try (Netlink there = Netlink.openIn(peerNs)) {
            there.links().setUp("vb");
            LinkInfo vb = there.links().list().stream().filter(l -> l.name().equals("vb")).findFirst().orElseThrow();
            assertTrue(vb.up() && vb.kind().equals("veth"), vb.toString());
        }
        assertTrue(Host.ipIn(ns, "link", "show", "va").contains("LOWER_UP"), "carrier once both ends are up");

        // deleting one end deletes the pair
        links.delete("va");
        assertFalse(Host.ipIn(peerNs, "-o", "link", "show").contains("vb"));
    }

    @Test
    void vethPairInOneNamespace() throws IOException {
        links.createVethPair("va", "vb", null);
        assertTrue(Host.ipIn(ns, "-o", "link", "show").contains("vb@va"));
    }

    @Test
    void portsAttachToABridgeAndDetach() throws IOException {
        int bridge = links.createBridge("br0");
        links.createVethPair("va", "vb", null);
        links.setMaster("va", "br0");
        assertTrue(Host.ipIn(ns, "link", "show", "va").contains(" master br0 "));
        LinkInfo va = links.list().stream().filter(l -> l.name().equals("va")).findFirst().orElseThrow();
        assertEquals(OptionalInt.of(bridge), va.master());
        links.clearMaster("va");
        assertFalse(Host.ipIn(ns, "link", "show", "va").contains("master"));
    }

    @Test
    void listReportsEveryLinkWithKindAndState() throws IOException {
        links.createBridge("br0");
        links.setUp("br0");
        links.createVethPair("va", "vb", null);
        List<LinkInfo> all = links.list();
        assertEquals(List.of("lo", "br0", "va", "vb").stream().sorted().toList(),
                all.stream().map(LinkInfo::name).sorted().toList());
        LinkInfo lo = all.stream().filter(l -> l.name().equals("lo")).findFirst().orElseThrow();
        assertEquals(1, lo.index());
        assertTrue(lo.up());
        assertEquals(65536, lo.mtu());
        LinkInfo br = all.stream().filter(l -> l.name().equals("br0")).findFirst().orElseThrow();
        assertEquals("bridge", br.kind());
        assertTrue(br.up());
        for (LinkInfo l : all) assertEquals(ipIndex(ns, l.name()), l.index(), l.name());
    }

    @Test
    void linkMovesToAnotherNamespace() throws IOException {
        String other = scratch.create("other");
        links.createVethPair("va", "vb", null);
        links.moveToNamespace("vb", other);
        assertTrue(Host.ipIn(other, "-o", "link", "show").contains("vb"));
        assertFalse(links.indexOf("vb").isPresent());
    }

    @Test
    void creatingAnExistingLinkFailsWithEexist() throws IOException {
        links.createBridge("br0");
        NetlinkException e = assertThrows(NetlinkException.class, () -> links.createBridge("br0"));
        assertEquals(Native.EEXIST, e.errno());
        assertTrue(e.getMessage().contains("EEXIST: a link named br0 exists in namespace " + ns), e.getMessage());
    }

    @Test
    void changingAMissingLinkFailsWithEnodev() {
        NetlinkException e = assertThrows(NetlinkException.class, () -> links.setUp("nosuch0"));
        assertEquals(Native.ENODEV, e.errno());
        assertTrue(e.getMessage().contains("ENODEV: there is no link named nosuch0"), e.getMessage());
        assertThrows(NetlinkException.class, () -> links.delete("nosuch0"));
        assertEquals(OptionalInt.empty(), assertDoesNotThrow(() -> links.indexOf("nosuch0")));
    }

    @Test
    void badLinkNamesAreRefusedBeforeSending() {
        assertThrows(IllegalArgumentException.class, () -> links.createBridge("much-too-long-name"));
        assertThrows(IllegalArgumentException.class, () -> links.createBridge("a/b"));
        assertThrows(IllegalArgumentException.class, () -> links.createBridge(""));
    }

    @Test
    void aSocketOpenedInANamespaceSeesThatNamespaceOnly() throws IOException {
        links.createBridge("vrtbr9");
        try (Netlink host = Netlink.open()) {
            assertFalse(host.links().indexOf("vrtbr9").isPresent(), "the host does not see the namespace's bridge");
            assertTrue(host.links().indexOf("lo").isPresent());
        }
        assertTrue(links.indexOf("vrtbr9").isPresent());
    }

    @Test
    void addressesAreAddedListedAndDeleted() throws IOException {
        Addresses addresses = netlink.addresses();
        links.createBridge("br0");
        links.setUp("br0");
        InetAddress v4 = InetAddress.getByName("10.61.2.3");
        InetAddress v6 = InetAddress.getByName("2001:db8:61::3");
        addresses.add("br0", v4, 24);
        addresses.add("br0", v6, 64);
        String shown = Host.ipIn(ns, "addr", "show", "dev", "br0");
        assertTrue(shown.contains("inet 10.61.2.3/24 "), shown);
        assertTrue(shown.contains("inet6 2001:db8:61::3/64 "), shown);
        assertTrue(shown.lines().anyMatch(l -> l.contains("2001:db8:61::3/64") && !l.contains("tentative")),
                "IPv6 address usable at once (no DAD): " + shown);
        // the connected route comes with the address
        assertTrue(Host.ipIn(ns, "route", "show").contains("10.61.2.0/24 dev br0 proto kernel"));

        int index = links.requireIndex("br0");
        List<AddressInfo> listed = addresses.list("br0").stream().filter(a -> !a.address().isLinkLocalAddress()).toList();
        assertEquals(List.of(new AddressInfo(index, v4, 24), new AddressInfo(index, v6, 64)), listed);
        assertTrue(addresses.list().containsAll(listed));

        NetlinkException twice = assertThrows(NetlinkException.class, () -> addresses.add("br0", v4, 24));
        assertEquals(Native.EEXIST, twice.errno());
        assertTrue(twice.getMessage().contains("has address 10.61.2.3/24 already"), twice.getMessage());

        addresses.delete("br0", v4, 24);
        addresses.delete("br0", v6, 64);
        String after = Host.ipIn(ns, "addr", "show", "dev", "br0");
        assertFalse(after.contains("10.61.2.3"), after);
        assertFalse(after.contains("2001:db8:61::3"), after);
        NetlinkException gone = assertThrows(NetlinkException.class, () -> addresses.delete("br0", v4, 24));
        assertEquals(Native.EADDRNOTAVAIL, gone.errno());
        assertTrue(gone.getMessage().contains("has no address 10.61.2.3/24"), gone.getMessage());
    }

    private static <T> T assertDoesNotThrow(org.junit.jupiter.api.function.ThrowingSupplier<T> s) {
        return org.junit.jupiter.api.Assertions.assertDoesNotThrow(s);
    }
}
