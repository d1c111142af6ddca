package io.vroute.server.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KernelLayoutTest {
    private final KernelLayout layout = KernelLayout.defaults();

    private static String id(String kind, SplittableRandom random) {
        StringBuilder s = new StringBuilder(kind).append('-');
        for (int i = 0; i < 17; i++) {
            s.append("0123456789abcdef".charAt(random.nextInt(16)));
        }
        return s.toString();
    }

    @Test
    void linkNamesFitLinuxInterfaceNamesAndAreVroutes() {
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 1000; i++) {
            for (String name : new String[] {layout.bridge(id("subnet", random)), layout.interfaceLink(id("eni", random)),
                    layout.gatewayLink(id("igw", random)), layout.internetLink(id("vpc", random))}) {
                assertTrue(name.getBytes(StandardCharsets.UTF_8).length <= 15, name + " is longer than IFNAMSIZ-1");
                assertTrue(KernelLayout.ownedLink(name), name + " is recognised as vroute's");
            }
        }
        assertFalse(KernelLayout.ownedLink(KernelLayout.instanceLink(0)), "eth0 in an instance namespace is not "
                + "deleted by name");
        assertFalse(KernelLayout.ownedLink("lo"));
        assertFalse(KernelLayout.ownedLink("br0"));
        assertFalse(KernelLayout.ownedLink("docker0"));
    }

    @Test
    void namesComeFromTheLastHexDigitsOfTheIds() {
        assertEquals("br-0a1b2c3d4e5f", layout.bridge("subnet-123450a1b2c3d4e5f"));
        assertEquals("en-0a1b2c3d4e5f", layout.interfaceLink("eni-123450a1b2c3d4e5f"));
        assertEquals("igw-a1b2c3d4e5f", layout.gatewayLink("igw-123450a1b2c3d4e5f"));
        assertEquals("vpc-a1b2c3d4e5f", layout.internetLink("vpc-123450a1b2c3d4e5f"));
        assertEquals("br-0a1b2c3d", layout.bridge("subnet-0a1b2c3d"), "an 8-digit id is used whole");
        assertThrows(IllegalArgumentException.class, () -> layout.bridge("subnet-XYZ"));
    }

    @Test
    void tableNumbersAreStableAndClearOfTheKernelsOwn() {
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 1000; i++) {
            String table = id("rtb", random);
            int number = layout.table(table);
            assertEquals(number, KernelLayout.withPrefix("other-").table(table), "the same in every layout");
            assertTrue(number >= 0x1000_0000 && number <= 0x1FFF_FFFF, table + " -> " + number);
        }
        assertEquals(0x1000_0000 + 0x9abcdef, layout.table("rtb-0123456789abcdef"), "the last 7 hex digits");
        assertNotEquals(layout.table("rtb-00000000000000001"), layout.table("rtb-00000000000000002"));
    }

    @Test
    void aLayoutOwnsOnlyItsRoutersAndItsInternet() {
        KernelLayout test = KernelLayout.withPrefix("vrt-h-42-");
        assertEquals("vrt-h-42-vpc-0123456789abcdef0", test.routerNamespace("vpc-0123456789abcdef0"));
        assertEquals("vrt-h-42-internet", test.internetNamespace());
        assertTrue(test.ownsNamespace("vrt-h-42-vpc-0123456789abcdef0"));
        assertTrue(test.ownsNamespace("vrt-h-42-internet"));
        assertFalse(test.ownsNamespace("vrt-h-42-a"), "instance namespaces are vroute's only by marker");
        assertFalse(test.ownsNamespace("vroute-vpc-0123456789abcdef0"), "a daemon's router is not the test's");
        assertFalse(layout.ownsNamespace("vrt-h-42-internet"));
        assertEquals(Path.of("/run/vrt-h-42"), test.stateDirectory());
        assertEquals(Path.of("/run/vroute/created-netns/inst-a"), layout.createdMarker("inst-a"));
    }

    @Test
    void prefixesThatCannotStartANamespaceNameAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> KernelLayout.withPrefix("a/b"));
        assertThrows(IllegalArgumentException.class, () -> KernelLayout.withPrefix(""));
        assertThrows(IllegalArgumentException.class, () -> KernelLayout.withPrefix("x".repeat(41)));
    }
}
