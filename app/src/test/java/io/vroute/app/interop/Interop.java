package io.vroute.app.interop;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Gating of the interop tests. They need root (network namespaces, TCP port 179), iproute2 and the real
 * daemons. {@code -Dvroute.interop=required} (CI) turns a missing prerequisite into a failure that names the
 * apt package; anything else ("auto", the default) skips the test with the same message.
 */
public final class Interop {
    private Interop() {
    }

    /** A program the test runs, and the Debian package that provides it. */
    public record Need(String program, String aptPackage) {
    }

    static final Need IP = new Need("ip", "iproute2");
    static final Need GOBGPD = new Need("gobgpd", "gobgpd");
    static final Need GOBGP = new Need("gobgp", "gobgpd");
    static final Need BIRD = new Need("bird", "bird2");
    static final Need BIRDC = new Need("birdc", "bird2");
    public static final Need ZEBRA = new Need("/usr/lib/frr/zebra", "frr");
    public static final Need BGPD = new Need("/usr/lib/frr/bgpd", "frr");
    public static final Need VTYSH = new Need("vtysh", "frr");

    static boolean required() {
        return "required".equalsIgnoreCase(System.getProperty("vroute.interop", "auto").trim());
    }

    /** Fails (required) or aborts (auto) the calling test unless we are root and every program is installed. */
    public static void require(Need... needs) {
        List<String> missing = new ArrayList<>();
        if (!isRoot()) missing.add("root (network namespaces and port 179; run the tests as root)");
        List<Need> all = new ArrayList<>();
        all.add(IP);
        all.addAll(List.of(needs));
        for (Need n : all) {
            if (locate(n.program()) == null) missing.add(n.program() + " (apt-get install " + n.aptPackage() + ")");
        }
        if (missing.isEmpty()) return;
        String why = "interop prerequisites missing: " + String.join(", ", missing);
        if (required()) fail(why + "  [-Dvroute.interop=required]");
        Assumptions.abort(why + "  (skipped; -Dvroute.interop=required makes this a failure)");
    }

    /** The absolute path of a program: as given when absolute, else searched on PATH and the sbin dirs. */
    static Path locate(String program) {
        if (program.startsWith("/")) {
            Path p = Path.of(program);
            return Files.isExecutable(p) ? p : null;
        }
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"));
        for (String d : dirs) {
            if (d.isEmpty()) continue;
            Path p = Path.of(d, program);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }

    static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) return line.split("\\s+")[2].equals("0"); // real, effective, ...
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    /** Milliseconds since a {@link System#nanoTime()} reading. */
    static long msSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    /** Thread.sleep for tests: an interrupt ends the test. */
    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
