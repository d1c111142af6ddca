package io.vroute.bench.bfd;

import io.vroute.bench.ingest.Latencies;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stop-the-world pauses in a part of a HotSpot unified log written with
 * {@code -Xlog:gc*=info,safepoint=info:file=...}: the collector's own pause lines (G1 "Pause Young ... 3.456ms",
 * ZGC "Y: Pause Mark Start 0.016ms"), and every safepoint, whatever it was for, with its time to reach it ("Total"
 * includes it). A safepoint is what a Java thread waits for: BFD's thread, asleep in ppoll, is not stopped by one, but
 * if it wakes during one it cannot run Java code until the safepoint ends.
 *
 * @param gcPauses        pauses the collector reports, nanoseconds
 * @param safepoints      every safepoint's total time, nanoseconds
 * @param reaching        time to reach each safepoint, nanoseconds
 * @param longest         the name of the longest safepoint, or "-"
 * @param stalls          ZGC allocation stalls: one thread waiting for memory, not a pause of the others
 * @param stalledThreads  the threads that stalled, with how many times each
 * @param gcOver          collector pauses longer than 1, 10 and 100 ms
 * @param safepointsOver  safepoints longer than 1, 10 and 100 ms
 */
record PauseLog(Latencies gcPauses, Latencies safepoints, Latencies reaching, String longest, Latencies stalls,
                Map<String, Integer> stalledThreads, int[] gcOver, int[] safepointsOver) {
    private static final Pattern GC_PAUSE = Pattern.compile("GC\\(\\d+\\) (?:[YO]: )?Pause .*?(\\d+\\.\\d+)ms$");
    private static final Pattern SAFEPOINT = Pattern.compile(
            "Safepoint \"([^\"]+)\", Time since last: \\d+ ns, Reaching safepoint: (\\d+) ns, .*Total: (\\d+) ns");
    private static final Pattern STALL = Pattern.compile("Allocation Stall \\(([^)]*)\\) (\\d+\\.\\d+)ms");
    private static final long[] THRESHOLDS = {1_000_000, 10_000_000, 100_000_000};

    /** The log's length now: where the next part starts. 0 when there is no log (yet). */
    static long mark(Path log) throws IOException {
        return Files.exists(log) ? Files.size(log) : 0;
    }

    /** The pauses logged between the two marks (whole lines only). */
    static PauseLog read(Path log, long from, long to) throws IOException {
        byte[] bytes;
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long end = Math.min(to, f.length());
            bytes = new byte[(int) Math.max(0, end - from)];
            f.seek(from);
            f.readFully(bytes);
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        long[] gc = new long[64], sp = new long[64], reach = new long[64], stall = new long[16];
        int ngc = 0, nsp = 0, nstall = 0;
        Map<String, Integer> stalled = new TreeMap<>();
        long longestNanos = -1;
        String longest = "-";
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length - 1; i++) { // the last piece is empty or a line still being written
            String l = lines[i];
            if (l.contains("[gc,start")) continue;
            Matcher m = STALL.matcher(l);
            if (m.find()) {
                if (nstall == stall.length) stall = Arrays.copyOf(stall, nstall * 2);
                stall[nstall++] = Math.round(Double.parseDouble(m.group(2)) * 1e6);
                stalled.merge(m.group(1), 1, Integer::sum);
                continue;
            }
            m = GC_PAUSE.matcher(l);
            if (m.find()) {
                if (ngc == gc.length) gc = Arrays.copyOf(gc, ngc * 2);
                gc[ngc++] = Math.round(Double.parseDouble(m.group(1)) * 1e6);
                continue;
            }
            m = SAFEPOINT.matcher(l);
            if (m.find()) {
                if (nsp == sp.length) {
                    sp = Arrays.copyOf(sp, nsp * 2);
                    reach = Arrays.copyOf(reach, nsp * 2);
                }
                long total = Long.parseLong(m.group(3));
                reach[nsp] = Long.parseLong(m.group(2));
                sp[nsp++] = total;
                if (total > longestNanos) {
                    longestNanos = total;
                    longest = m.group(1);
                }
            }
        }
        return new PauseLog(Latencies.of(gc, 0, ngc), Latencies.of(sp, 0, nsp), Latencies.of(reach, 0, nsp), longest,
                Latencies.of(stall, 0, nstall), stalled, over(gc, ngc), over(sp, nsp));
    }

    /** The whole log. */
    static PauseLog read(Path log) throws IOException {
        return read(log, 0, mark(log));
    }

    private static int[] over(long[] samples, int n) {
        int[] out = new int[THRESHOLDS.length];
        for (int i = 0; i < n; i++) for (int k = 0; k < THRESHOLDS.length; k++) if (samples[i] > THRESHOLDS[k]) out[k]++;
        return out;
    }
}
