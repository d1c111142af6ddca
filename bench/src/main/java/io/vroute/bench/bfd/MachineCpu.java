package io.vroute.bench.bfd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The whole machine's CPU accounting from the first line of {@code /proc/stat}, in clock ticks (USER_HZ, 100 a
 * second on Linux): all time, busy time, and "steal", the time the hypervisor gave to other guests. Busy time minus
 * what the benchmark's own processes used is what everything else on the machine took meanwhile: on a shared
 * machine, the competition the numbers were measured under.
 */
record MachineCpu(long total, long busy, long steal) {
    private static final long NANOS_PER_TICK = 10_000_000L;

    static MachineCpu read() throws IOException {
        // cpu  user nice system idle iowait irq softirq steal guest guest_nice (guest time is inside user)
        String[] f = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
        long[] v = new long[9];
        for (int i = 1; i < f.length && i <= 8; i++) v[i] = Long.parseLong(f[i]);
        long total = 0;
        for (int i = 1; i <= 8; i++) total += v[i];
        return new MachineCpu(total, total - v[4] - v[5], v[8]);
    }

    MachineCpu since(MachineCpu before) {
        return new MachineCpu(total - before.total, busy - before.busy, steal - before.steal);
    }

    double stealPercent() { return total <= 0 ? 0 : 100.0 * steal / total; }

    long busyNanos() { return busy * NANOS_PER_TICK; }
}
