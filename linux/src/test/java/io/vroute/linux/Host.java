package io.vroute.linux;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * What the tests need from the machine: root, and {@code ip} to check what the code under test did. With
 * {@code -Dvroute.interop=required} (CI) a missing prerequisite fails the test; otherwise it is skipped.
 */
final class Host {
    private Host() {}

    /** Fails (required) or aborts (auto) the calling test unless we are root with iproute2, ping and ss. */
    static void requireRoot() {
        List<String> missing = new ArrayList<>();
        if (!isRoot()) missing.add("root (network namespaces; run the tests as root)");
        for (String program : List.of("ip", "ping", "ss")) {
            if (locate(program) == null) missing.add(program + " (apt-get install iproute2 iputils-ping)");
        }
        if (missing.isEmpty()) return;
        String why = "Linux data plane test prerequisites missing: " + String.join(", ", missing);
        if ("required".equalsIgnoreCase(System.getProperty("vroute.interop", "auto").trim())) {
            fail(why + "  [-Dvroute.interop=required]");
        }
        Assumptions.abort(why + "  (skipped; -Dvroute.interop=required makes this a failure)");
    }

    static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) return line.split("\\s+")[2].equals("0");
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    static Path locate(String program) {
        for (String dir : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin", "/usr/local/bin")) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }

    /** The outcome of a command. */
    record Result(int exit, String out, String err) {
        /** The output, after failing the test when the command failed. */
        String ok(List<String> command) {
            if (exit != 0) fail(String.join(" ", command) + " exited " + exit + ": " + err + out);
            return out;
        }
    }

    /** Runs a command and waits (at most 60 s). */
    static Result run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).start();
            p.getOutputStream().close();
            var out = p.getInputStream().readAllBytes();
            var err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", command) + " did not finish within 60 s");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + command, e);
        }
    }

    /** {@code ip ARGS}: its output; fails the test when ip fails. */
    static String ip(String... args) {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        return run(command).ok(command);
    }

    /** {@code ip -n NS ARGS}: its output; fails the test when ip fails. */
    static String ipIn(String namespace, String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "-n", namespace));
        command.addAll(List.of(args));
        return run(command).ok(command);
    }

    /** {@code ip netns exec NS COMMAND}: the result, whatever the exit code. */
    static Result execIn(String namespace, String... command) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        all.addAll(List.of(command));
        return run(all);
    }
}
