package io.vroute.server.dataplane;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * What the kernel tests need from the machine: root, {@code ip} and {@code ping} (used only to look at what the data
 * plane did and to send packets), and a sure clean-up of every namespace a test's layout could have made. With
 * {@code -Dvroute.interop=required} a missing prerequisite fails the test; otherwise it is skipped.
 */
final class Host {
    private Host() {
    }

    /** The layout of this test JVM: namespaces {@code vrt-h-<pid>-...}, state under {@code /run/vrt-h-<pid>}. */
    static KernelLayout layout() {
        return KernelLayout.withPrefix("vrt-h-" + ProcessHandle.current().pid() + "-");
    }

    /** An instance namespace name inside the test's prefix. */
    static String namespace(String tag) {
        return layout().prefix() + tag;
    }

    static void requireRoot() {
        List<String> missing = new ArrayList<>();
        if (!isRoot()) {
            missing.add("root (network namespaces; run the tests as root)");
        }
        for (String program : List.of("ip", "ping")) {
            if (Stream.of("/usr/sbin", "/usr/bin", "/sbin", "/bin").noneMatch(d -> Files.isExecutable(Path.of(d, program)))) {
                missing.add(program + " (apt-get install iproute2 iputils-ping)");
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        String why = "Linux data plane prerequisites missing: " + String.join(", ", missing);
        if ("required".equalsIgnoreCase(System.getProperty("vroute.interop", "auto").trim())) {
            fail(why + "  [-Dvroute.interop=required]");
        }
        Assumptions.abort(why + "  (skipped; -Dvroute.interop=required makes this a failure)");
    }

    private static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    record Result(int exit, String out, String err) {
        String both() {
            return out + err;
        }
    }

    static Result run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", command) + " did not finish within 60 s");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8),
                    new String(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + command, e);
        }
    }

    /** {@code ip -n NS ARGS}, failing the test when ip fails; its output. */
    static String ip(String namespace, String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "-n", namespace));
        command.addAll(List.of(args));
        Result result = run(command);
        if (result.exit() != 0) {
            fail(String.join(" ", command) + " exited " + result.exit() + ": " + result.both());
        }
        return result.out();
    }

    /** {@code ip netns exec NS COMMAND}, whatever its exit code. */
    static Result exec(String namespace, String... command) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        all.addAll(List.of(command));
        return run(all);
    }

    /** {@code ping -c COUNT} from the namespace (0.2 s apart, 2 s to wait for each answer). */
    static Result ping(String namespace, String... args) {
        List<String> command = new ArrayList<>(List.of("ping", "-i", "0.2", "-W", "2"));
        command.addAll(List.of(args));
        return exec(namespace, command.toArray(String[]::new));
    }

    /** A counter of the namespace's {@code /proc/net/snmp} (or snmp6), e.g. ("Icmp", "InEchos"). */
    static long counter(String namespace, String group, String name) {
        if (group.equals("Icmp6") || group.equals("Ip6")) {
            for (String line : exec(namespace, "cat", "/proc/net/snmp6").out().split("\n")) {
                String[] parts = line.trim().split("\\s+");
                if (parts.length == 2 && parts[0].equals(group + name)) {
                    return Long.parseLong(parts[1]);
                }
            }
            throw new AssertionError("no counter " + group + name + " in /proc/net/snmp6 of " + namespace);
        }
        String[] lines = exec(namespace, "cat", "/proc/net/snmp").out().split("\n");
        for (int i = 0; i + 1 < lines.length; i++) {
            if (lines[i].startsWith(group + ":") && lines[i + 1].startsWith(group + ":")) {
                List<String> names = List.of(lines[i].trim().split("\\s+"));
                String[] values = lines[i + 1].trim().split("\\s+");
                int at = names.indexOf(name);
                if (at > 0) {
                    return Long.parseLong(values[at]);
                }
            }
        }
        throw new AssertionError("no counter " + group + " " + name + " in /proc/net/snmp of " + namespace);
    }

    /** Whether the named namespace exists. */
    static boolean exists(String namespace) {
        return Files.exists(Path.of("/run/netns", namespace));
    }

    /**
     * Deletes every namespace of the test's prefix and the test's state directory, whatever the data plane left:
     * run after each test, failed or not.
     */
    static void sweep() {
        KernelLayout layout = layout();
        try (Stream<Path> names = Files.list(Path.of("/run/netns"))) {
            for (Path p : names.toList()) {
                if (p.getFileName().toString().startsWith(layout.prefix())) {
                    run(List.of("ip", "netns", "delete", p.getFileName().toString()));
                }
            }
        } catch (IOException e) {
            // no /run/netns: nothing to sweep
        }
        if (Files.isDirectory(layout.stateDirectory())) {
            try (Stream<Path> files = Files.walk(layout.stateDirectory())) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                throw new AssertionError("cannot delete " + layout.stateDirectory(), e);
            }
        }
    }
}
