package io.vroute.app.lab;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ping -D -i 0.01} from a node (10 ms between echo requests needs root): the replies with their timestamps, as
 * ping prints them ({@code -D}: seconds since the epoch, microseconds). The outage of a failover is the longest gap
 * between two consecutive replies.
 */
final class FastPing implements AutoCloseable {
    private static final Pattern REPLY = Pattern.compile("^\\[(\\d+)\\.(\\d{6})\\] \\d+ bytes from .*icmp_seq=(\\d+)");
    private static final Pattern SUMMARY = Pattern.compile("(\\d+) packets transmitted, (\\d+) received");

    record Reply(Instant at, int seq) {
    }

    /** The longest silence in a window: between {@code before} and {@code after}, and the echo requests lost in it. */
    record Gap(Reply before, Reply after, long millis, int lost) {
    }

    private final Process process;
    private final List<Reply> replies = new ArrayList<>();
    private final Thread reader;
    private volatile String summary;
    private final int intervalMillis;

    FastPing(String namespace, String target, int intervalMillis) throws IOException {
        this.intervalMillis = intervalMillis;
        process = new ProcessBuilder("ip", "netns", "exec", namespace, "ping", "-n", "-D", "-i",
                String.format(java.util.Locale.ROOT, "%.3f", intervalMillis / 1000.0), "-W", "1", target)
                .redirectErrorStream(true).redirectInput(Redirect.from(new File("/dev/null"))).start();
        reader = Thread.ofPlatform().daemon().name("fast-ping").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    Matcher m = REPLY.matcher(line);
                    if (m.find()) {
                        Instant at = Instant.ofEpochSecond(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)) * 1000);
                        synchronized (replies) {
                            replies.add(new Reply(at, Integer.parseInt(m.group(3))));
                        }
                    } else if (SUMMARY.matcher(line).find()) {
                        summary = line.strip();
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        });
    }

    List<Reply> replies() {
        synchronized (replies) {
            return List.copyOf(replies);
        }
    }

    /** Replies received in [from, to). */
    int count(Instant from, Instant to) {
        int n = 0;
        for (Reply r : replies()) if (!r.at().isBefore(from) && r.at().isBefore(to)) n++;
        return n;
    }

    Reply firstAfter(Instant t) {
        for (Reply r : replies()) if (r.at().isAfter(t)) return r;
        return null;
    }

    /** The longest gap between consecutive replies received in [from, to]; null with fewer than two. */
    Gap longestGap(Instant from, Instant to) {
        Reply prev = null;
        Gap best = null;
        for (Reply r : replies()) {
            if (r.at().isBefore(from) || r.at().isAfter(to)) continue;
            if (prev != null) {
                long ms = Duration.between(prev.at(), r.at()).toMillis();
                if (best == null || ms > best.millis()) best = new Gap(prev, r, ms, Math.max(0, r.seq() - prev.seq() - 1));
            }
            prev = r;
        }
        return best;
    }

    int intervalMillis() {
        return intervalMillis;
    }

    /** Stops ping with SIGINT (it prints its statistics then); returns them ("N packets transmitted, M received, ..."). */
    String stop() {
        if (process.isAlive()) {
            Shell.signal(process.pid(), "INT");
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
                reader.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return summary;
    }

    @Override
    public void close() {
        stop();
    }
}
