package io.vroute.app.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** The harness itself: gating, namespaces and addresses, and that close() and the stale cleanup leave nothing. */
class LabSelfTest {

    @Test
    void missingPrerequisiteFailsWhenRequiredAndSkipsOtherwise() {
        String before = System.getProperty("vroute.interop");
        Interop.Need ghost = new Interop.Need("vroute-no-such-daemon", "vroute-ghost-package");
        try {
            System.setProperty("vroute.interop", "required");
            AssertionFailedError f = assertThrows(AssertionFailedError.class, () -> Interop.require(ghost));
            assertTrue(f.getMessage().contains("apt-get install vroute-ghost-package"), f.getMessage());
            System.setProperty("vroute.interop", "auto");
            TestAbortedException a = assertThrows(TestAbortedException.class, () -> Interop.require(ghost));
            assertTrue(a.getMessage().contains("apt-get install vroute-ghost-package"), a.getMessage());
        } finally {
            if (before == null) System.clearProperty("vroute.interop");
            else System.setProperty("vroute.interop", before);
        }
    }

    @Test
    @Timeout(30)
    void namespacesGetTheirAddressesAndCloseRemovesEverything() throws Exception {
        Interop.require();
        String rootAddresses = Lab.run("ip", "-o", "addr");
        List<String> names;
        Process sleeper;
        Path dir;
        try (Lab lab = Lab.create("st")) {
            String rs = lab.routeServer("rs", "10.0.1.230/24", "fd00:1::230/64");
            String ap = lab.host("ap", rs, "10.0.1.203/24", "fd00:1::203/64");
            names = List.of(rs, ap);
            assertTrue(rs.startsWith(Lab.PREFIX + ProcessHandle.current().pid() + "-st-"), rs);
            String a = Lab.run("ip", "-n", ap, "-o", "addr", "show", "dev", "eth0");
            assertTrue(a.contains("10.0.1.203/24") && a.contains("fd00:1::203/64"), a);
            assertTrue(Lab.run("ip", "-n", rs, "-o", "link", "show", "master", "br0").contains("v1"));
            // The segment works: a TCP connection from ap to rs (bash's /dev/tcp; nothing listens: refused, not unreachable).
            Lab.Result r = Lab.runQuietly(Duration.ofSeconds(5), "ip", "netns", "exec", ap, "bash", "-c",
                    "exec 3<>/dev/tcp/10.0.1.230/9 2>&1; echo connected", "x");
            assertTrue(r.output().contains("refused") || r.output().contains("connected"), r.output());
            sleeper = lab.spawn(ap, List.of("sleep", "600"), lab.dir().resolve("sleep.log"), false);
            lab.freeze(sleeper);
            dir = lab.dir();
        }
        assertFalse(sleeper.isAlive(), "a frozen process survived close()");
        String left = Lab.run("ip", "netns", "list");
        for (String n : names) assertFalse(left.contains(n), n + " survived close()");
        assertFalse(Files.exists(dir), dir + " survived close()");
        assertEquals(rootAddresses, Lab.run("ip", "-o", "addr"), "the root namespace's addresses changed");
    }

    @Test
    @Timeout(30)
    void staleNamespacesOfADeadRunAreRemoved() {
        Interop.require();
        // PID 4194305 is above Linux's largest pid_max: no such JVM can run.
        String stale = Lab.PREFIX + "4194305-zz-a";
        Lab.run("ip", "netns", "add", stale);
        Lab.removeStaleNow();
        assertFalse(Lab.run("ip", "netns", "list").contains(stale), "stale namespace left");
    }
}
