package io.vroute.bench.ingest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident set sizes from /proc. */
public final class ProcessMemory {
    private ProcessMemory() {}

    /** VmRSS of process {@code pid} in bytes. */
    public static long rss(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                String kb = line.substring(6).trim().split("\\s+")[0];
                return Long.parseLong(kb) * 1024;
            }
        }
        throw new IOException("no VmRSS in /proc/" + pid + "/status: has the process exited?");
    }
}
