package io.vroute.bench.bfd;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Threads' scheduler accounting from {@code /proc/PID/task/TID/schedstat} (Linux, CONFIG_SCHED_INFO): time on a
 * CPU, time spent runnable but waiting for one (the run-queue delay: how much the other threads on the cores held it
 * up), and how many times it got a CPU. For a thread that sleeps between events, as BFD's does, {@code slices} is
 * about its number of wake-ups and {@code waitNanos / slices} how late it ran on average after each.
 */
record SchedStat(long runNanos, long waitNanos, long slices) {
    /** The schedstat files of the threads of process {@code pid} named (comm, 15 characters at most) {@code name}. */
    static List<Path> find(long pid, String name) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path t : tasks) {
                try {
                    if (Files.readString(t.resolve("comm")).strip().equals(name)) out.add(t.resolve("schedstat"));
                } catch (IOException e) {
                    // the thread ended while we looked: not one we want
                }
            }
        }
        if (out.isEmpty()) throw new IOException("no thread named " + name + " in process " + pid);
        return out;
    }

    /** The threads' accounting added up. */
    static SchedStat read(List<Path> schedstats) throws IOException {
        long run = 0, wait = 0, slices = 0;
        for (Path p : schedstats) {
            String[] f = Files.readString(p).strip().split("\\s+");
            run += Long.parseLong(f[0]);
            wait += Long.parseLong(f[1]);
            slices += Long.parseLong(f[2]);
        }
        return new SchedStat(run, wait, slices);
    }

    SchedStat since(SchedStat before) {
        return new SchedStat(runNanos - before.runNanos, waitNanos - before.waitNanos, slices - before.slices);
    }

    /** Mean wait for a CPU per time it got one, nanoseconds. */
    long meanWaitNanos() {
        return slices == 0 ? 0 : waitNanos / slices;
    }
}
