package io.vroute.app.interop;

import io.vroute.app.InProcess;
import io.vroute.app.InProcess.Run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vroute.app.Main;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code vroute demo} and {@code vroute lab} as a user runs them, in-process through {@link Main#commandLine()}: each
 * run starts its own {@code vroute serve --dataplane linux} on a free loopback port, under a lab name of its own
 * ({@code --name}: state in /run/vroute-lab-NAME, namespaces vrlab-NAME-* and vroute-NAME-*), so that it meets neither
 * a user's lab nor another test. {@code lab down} runs in a finally, and the test checks that nothing is left.
 */
class DemoInteropTest {
    private static final Interop.Need PING = new Interop.Need("ping", "iputils-ping");
    /** A timeline line: "  11:32:23.770    +2406 ms  session down   ...". */
    private static final Pattern TIMELINE = Pattern.compile("^\\s+\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\s+([+-]\\d+) ms\\s+(\\S.*?\\S)\\s{2,}(.*)$");
    private static final Pattern OUTAGE = Pattern.compile("outage: (\\d+) ms without replies.*; (\\d+) echo requests lost");

    @Test
    @Timeout(400)
    void demoFailsOverWithinTheHoldTimeAndBackAndLeavesNothingBehind() throws Exception {
        Interop.require(Interop.GOBGPD, Interop.GOBGP, PING);
        String name = labName("k");
        Run run = runAndTakeDown(name, "demo", "--name", name, "--endpoint", endpoint());
        assertEquals(0, run.status(), "vroute demo exit status\n" + run.output());

        String out = run.output();
        assertTrue(out.contains("5/5 answered, by " + "instance-rs-az1"), "the first ping is answered by instance-rs-az1\n" + out);
        List<String> ribLines = out.lines().filter(l -> l.contains("172.16.1.1/32 via ")).limit(4).toList();
        assertEquals(4, ribLines.size(), "the four routes are shown\n" + out);
        assertEquals(1, ribLines.stream().filter(l -> l.contains("in-fib") && l.contains("via 10.0.1.10")).count(), out);

        Map<String, List<Long>> timeline = failoverTimeline(out);
        for (String event : List.of("failure injected", "session down", "routes withdrawn", "best path changed",
                "kernel table updated", "first reply from the standby")) {
            assertTrue(timeline.containsKey(event), "the timeline has '" + event + "'\n" + out);
        }
        assertEquals(List.of(0L), timeline.get("failure injected"));
        // bgp-keepalive: the lab's GoBGP asks for hold time 3 s, so a frozen instance is noticed 2 to 3 s after its
        // last keepalive, not earlier than the failure and not much later than 3 s.
        List<Long> downs = timeline.get("session down");
        assertEquals(2, downs.size(), "both sessions of instance-rs-az1 go down\n" + out);
        long lastDown = downs.stream().mapToLong(Long::longValue).max().orElseThrow();
        assertTrue(downs.stream().allMatch(ms -> ms >= 1000 && ms <= 4000), "sessions down " + downs + " ms after the freeze,"
                + " expected within the 3 s hold time\n" + out);
        long kernel = timeline.get("kernel table updated").get(0);
        long reply = timeline.get("first reply from the standby").get(0);
        assertTrue(kernel >= lastDown - 5 && kernel <= lastDown + 1000, "the kernel table changes right after the last session"
                + " went down (" + lastDown + " ms), not at " + kernel + " ms\n" + out);
        assertTrue(reply >= kernel - 5, "the standby answers only after the kernel table changed\n" + out);

        Matcher outage = OUTAGE.matcher(out);
        assertTrue(outage.find(), "the outage is measured\n" + out);
        long outageMs = Long.parseLong(outage.group(1));
        assertTrue(outageMs >= 1000 && outageMs <= 4500, "outage " + outageMs + " ms, expected about the hold time\n" + out);
        assertTrue(Long.parseLong(outage.group(2)) >= outageMs / 10 / 2, "echo requests lost during the outage\n" + out);
        assertTrue(out.contains("vroute offers 90 s, and a session takes the smaller"), "the outage is explained\n" + out);
        assertTrue(out.contains("ok: " + "instance-rs-az2 answers the pings now"), out);
        assertTrue(out.contains("ok: traffic failed back to instance-rs-az1"), out);
        assertTrue(out.contains("demo: every step worked"), out);
        assertNothingLeft(name);
    }

    @Test
    @Timeout(400)
    void demoWithBfdFailsOverInLessThanASecond() throws Exception {
        Interop.require(Interop.ZEBRA, Interop.BGPD, Interop.VTYSH, BfdInteropTest.BFDD, PING);
        String name = labName("b");
        Run run = runAndTakeDown(name, "demo", "--liveness", "bfd", "--name", name, "--endpoint", endpoint());
        assertEquals(0, run.status(), "vroute demo --liveness bfd exit status\n" + run.output());
        String out = run.output();
        Map<String, List<Long>> timeline = failoverTimeline(out);
        // Each session shows its BFD DOWN and its BGP DOWN; BFD at 100 ms x 3 notices within 300 ms of silence.
        List<Long> downs = timeline.get("session down");
        assertNotNull(downs, out);
        assertEquals(4, downs.size(), "BFD and BGP down of both sessions\n" + out);
        assertTrue(downs.stream().allMatch(ms -> ms >= 100 && ms <= 800), "sessions down " + downs + " ms after the freeze\n" + out);
        Matcher outage = OUTAGE.matcher(out);
        assertTrue(outage.find(), out);
        long outageMs = Long.parseLong(outage.group(1));
        assertTrue(outageMs >= 100 && outageMs <= 1000, "outage " + outageMs + " ms with BFD at 100 ms x 3\n" + out);
        assertTrue(out.contains("demo: every step worked"), out);
        assertNothingLeft(name);
    }

    @Test
    @Timeout(400)
    void labCommandsRunIngressInspectionThroughTheActiveFirewallAndFailOver() throws Exception {
        Interop.require(Interop.ZEBRA, Interop.BGPD, Interop.VTYSH, BfdInteropTest.BFDD, PING);
        String name = labName("i");
        try {
            Run up = run("lab", "up", "ingress-inspection", "--name", name, "--endpoint", endpoint());
            assertEquals(0, up.status(), "lab up ingress-inspection\n" + up.output());
            assertTrue(up.output().contains("3/3 answered, through firewall-az1"), up.output());

            assertEquals(0, run("lab", "exec", "--name", name, "internet-host", "--", "ping", "-c", "1", "-W", "2", "10.0.2.10")
                    .status(), "lab exec: the internet host reaches the application");

            Run fail = run("lab", "fail", "--name", name, "firewall-az1");
            assertEquals(0, fail.status(), fail.output());
            // The status shows the frozen node, its four sessions down, and the ping now passing the standby.
            Run status = waitForStatus(name, "(?s).*FROZEN  LINK DOWN.*10\\.0\\.1\\.10 -> 10\\.0\\.2\\.4\\s+bfd\\s+bgp down\\s+bfd down"
                    + ".*10\\.0\\.2\\.0/24 -> eni-\\S+ \\(10\\.0\\.1\\.11\\).*through firewall-az2.*");
            assertFalse(status.output().contains("through firewall-az1"), status.output());

            assertEquals(0, run("lab", "recover", "--name", name, "firewall-az1").status());
            waitForStatus(name, "(?s).*10\\.0\\.2\\.0/24 -> eni-\\S+ \\(10\\.0\\.1\\.10\\).*through firewall-az1.*");

            Run down = run("lab", "down", "--name", name);
            assertEquals(0, down.status(), down.output());
            assertTrue(down.output().contains("everything the lab made is gone"), down.output());
            Run again = run("lab", "down", "--name", name);
            assertEquals(0, again.status(), "a second lab down is harmless\n" + again.output());
            assertTrue(again.output().contains("nothing to remove"), again.output());
        } finally {
            run("lab", "down", "--name", name);
        }
        assertNothingLeft(name);
    }

    // ------------------------------------------------------------------------------------------ helpers


    /** A vroute command run in-process as a user types it (output also echoed to the test log). */
    private static Run run(String... args) {
        return InProcess.run(args);
    }

    /** Runs a command, then `lab down` in any case (harmless when the command took the lab down itself). */
    private static Run runAndTakeDown(String name, String... args) {
        try {
            return run(args);
        } finally {
            run("lab", "down", "--name", name);
        }
    }

    /** Runs `lab status` until its output matches {@code regex} (20 s at most). */
    private static Run waitForStatus(String name, String regex) throws InterruptedException {
        Run last = null;
        for (int i = 0; i < 40; i++) {
            last = run("lab", "status", "--name", name);
            if (last.output().matches(regex)) return last;
            Thread.sleep(500);
        }
        throw new AssertionError("lab status never matched " + regex + ":\n" + (last == null ? "" : last.output()));
    }

    /** Every failover timeline event and its offsets from the failure, in ms (an event may occur more than once). */
    private static Map<String, List<Long>> failoverTimeline(String out) {
        Map<String, List<Long>> events = new LinkedHashMap<>();
        boolean in = false;
        for (String line : out.lines().toList()) {
            if (line.startsWith("== ")) in = line.contains("failover timeline");
            if (!in) continue;
            Matcher m = TIMELINE.matcher(line);
            if (m.find()) events.computeIfAbsent(m.group(2).strip(), k -> new ArrayList<>()).add(Long.parseLong(m.group(1)));
        }
        return events;
    }

    /** A lab name of this run: a letter, the JVM's PID (at most 7 digits), and {@code tag}. */
    private static String labName(String tag) {
        return "t" + (ProcessHandle.current().pid() % 10_000_000) + tag;
    }

    /** A loopback port nothing listens on, for the lab's own vroute API. */
    private static String endpoint() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return "http://127.0.0.1:" + s.getLocalPort();
        }
    }

    private static void assertNothingLeft(String name) {
        String namespaces = Lab.run("ip", "netns", "list");
        for (String line : namespaces.lines().toList()) {
            assertFalse(line.startsWith("vrlab-" + name + "-") || line.startsWith("vroute-" + name + "-"),
                    "namespace left behind: " + line);
        }
        assertFalse(Files.exists(Path.of("/run/vroute-lab-" + name)), "the lab's directory is left behind");
        assertFalse(Files.exists(Path.of("/run/vroute-" + name)), "the lab daemon's state directory is left behind");
        try (var frr = Files.list(Path.of("/var/run/frr"))) {
            assertTrue(frr.noneMatch(p -> p.getFileName().toString().startsWith("vrlab-" + name + "-")), "FRR run directory left");
        } catch (IOException e) {
            // no /var/run/frr: nothing left there
        }
        List<String> daemons = ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.contains("vroute-lab-" + name + "/")).toList();
        assertEquals(List.of(), daemons, "processes of the lab still run");
    }
}
