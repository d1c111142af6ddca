package io.vroute.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NamespacesTest {
    private final ScratchNamespaces scratch = new ScratchNamespaces();

    @BeforeEach
    void root() {
        Host.requireRoot();
    }

    @AfterEach
    void cleanUp() {
        scratch.close();
    }

    @Test
    void createdNamespaceIsOneIpSeesWithLoopbackUp() throws IOException {
        String ns = scratch.create("a");
        assertTrue(Namespaces.exists(ns));
        assertTrue(Host.ip("netns", "list").lines().anyMatch(l -> l.split(" ")[0].equals(ns)), "ip netns list shows " + ns);
        assertTrue(Namespaces.list().contains(ns));
        String lo = Host.ipIn(ns, "link", "show", "lo");
        assertTrue(lo.contains("<LOOPBACK,UP,LOWER_UP>"), lo);
        // nothing but loopback in a fresh namespace
        assertEquals(1, Host.ipIn(ns, "-o", "link", "show").lines().count());
    }

    @Test
    void deleteRemovesTheNamespace() throws IOException {
        String ns = scratch.create("a");
        Namespaces.delete(ns);
        assertFalse(Namespaces.exists(ns));
        assertFalse(Host.ip("netns", "list").lines().anyMatch(l -> l.split(" ")[0].equals(ns)));
        IOException e = assertThrows(IOException.class, () -> Namespaces.delete(ns));
        assertTrue(e.getMessage().contains("no network namespace"), e.getMessage());
    }

    @Test
    void creatingAnExistingNamespaceFailsAndSaysWhatToDo() throws IOException {
        String ns = scratch.create("a");
        IOException e = assertThrows(IOException.class, () -> Namespaces.create(ns));
        assertTrue(e.getMessage().contains("exists already") && e.getMessage().contains("delete it first"), e.getMessage());
        assertTrue(Namespaces.exists(ns), "the existing namespace is left alone");
        assertEquals(1, Host.ipIn(ns, "-o", "link", "show").lines().count());
    }

    @Test
    void callRunsInsideTheNamespaceWhileTheCallerStaysOutside() throws Exception {
        String ns = scratch.create("a");
        Path self = Path.of("/proc/thread-self/ns/net");
        String before = Files.readSymbolicLink(self).toString();
        Object inode = Files.getAttribute(Namespaces.RUN_NETNS.resolve(ns), "unix:ino");
        String inside = Namespaces.call(ns, () -> Files.readSymbolicLink(self).toString());
        assertEquals("net:[" + inode + "]", inside);
        assertNotEquals(before, inside);
        assertEquals(before, Files.readSymbolicLink(self).toString(), "the calling thread did not move");
    }

    @Test
    void aServerSocketCreatedInACallListensInsideTheNamespace() throws Exception {
        String ns = scratch.create("a");
        try (ServerSocket server = Namespaces.call(ns, () -> {
            ServerSocket s = new ServerSocket();
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s;
        })) {
            int port = server.getLocalPort();
            String inside = Host.execIn(ns, "ss", "-ltnH").out();
            // Java's sockets are dual-stack, so ss may write the address as [::ffff:127.0.0.1]
            assertTrue(inside.lines().anyMatch(l -> l.contains("127.0.0.1") && l.contains(":" + port + " ")),
                    "ss in " + ns + " lists the listener: " + inside);
            String outside = Host.run(java.util.List.of("ss", "-ltnH", "sport = :" + port)).out();
            assertFalse(outside.contains(":" + port), "the host has no such listener: " + outside);
            // a connection from inside the namespace reaches it; from the host it cannot
            try (Socket client = Namespaces.call(ns, () -> new Socket(InetAddress.getLoopbackAddress(), port));
                 Socket accepted = server.accept()) {
                assertTrue(client.isConnected() && accepted.isConnected());
            }
            assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close());
        }
    }

    @Test
    void forwardingIsSetInTheNamespaceOnly() throws IOException {
        String ns = scratch.create("a");
        String other = scratch.create("b");
        String hostBefore = Files.readString(Path.of("/proc/sys/net/ipv4/ip_forward")).strip();
        assertEquals("0", Namespaces.readSysctl(ns, "net.ipv4.ip_forward"), "a new namespace does not forward");
        Namespaces.enableForwarding(ns);
        assertEquals("1", Host.execIn(ns, "cat", "/proc/sys/net/ipv4/ip_forward").out().strip());
        assertEquals("1", Host.execIn(ns, "cat", "/proc/sys/net/ipv6/conf/all/forwarding").out().strip());
        assertEquals("1", Namespaces.readSysctl(ns, "net.ipv4.ip_forward"));
        assertEquals("0", Host.execIn(other, "cat", "/proc/sys/net/ipv4/ip_forward").out().strip());
        assertEquals(hostBefore, Files.readString(Path.of("/proc/sys/net/ipv4/ip_forward")).strip(), "host unchanged");
    }

    @Test
    void onlyPerNamespaceSettingsCanBeWritten() {
        assertThrows(IllegalArgumentException.class, () -> Namespaces.writeSysctl("x", "kernel.hostname", "y"));
        assertThrows(IllegalArgumentException.class, () -> Namespaces.writeSysctl("x", "net/../kernel/hostname", "y"));
    }

    @Test
    void callingIntoAMissingNamespaceFailsAndSaysWhatToDo() {
        String ns = scratch.name("missing");
        IOException e = assertThrows(IOException.class, () -> Namespaces.call(ns, () -> 1));
        assertTrue(e.getMessage().contains("create it first"), e.getMessage());
        IOException open = assertThrows(IOException.class, () -> Netlink.openIn(ns));
        assertTrue(open.getMessage().contains("no network namespace " + ns), open.getMessage());
    }

    @Test
    void whatTheTaskThrowsComesOutUnchanged() throws IOException {
        String ns = scratch.create("a");
        Exception mine = new Exception("from the task");
        Exception thrown = assertThrows(Exception.class, () -> Namespaces.call(ns, () -> {
            throw mine;
        }));
        assertSame(mine, thrown);
        IllegalStateException unchecked = new IllegalStateException("unchecked");
        assertSame(unchecked, assertThrows(IllegalStateException.class, () -> Namespaces.call(ns, () -> {
            throw unchecked;
        })));
    }

    @Test
    void badNamesAreRefusedBeforeTouchingAnything() {
        for (String bad : new String[] {"", ".", "..", "a/b", "a b", "x".repeat(65)}) {
            assertThrows(IllegalArgumentException.class, () -> Namespaces.create(bad), bad);
        }
    }
}
