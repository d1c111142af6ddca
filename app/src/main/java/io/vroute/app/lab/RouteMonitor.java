package io.vroute.app.lab;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ip -ts monitor route} in the VPC's router namespace: every change of a kernel routing table as the kernel
 * announces it, with iproute2's timestamp (local time, microseconds). This is when the data plane's change took effect
 * for packets, observed rather than polled.
 */
final class RouteMonitor implements AutoCloseable {
    private static final Pattern STAMP = Pattern.compile("^\\[(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d+)\\] (.*)$");

    record Event(Instant at, String line) {
        boolean added() {
            return !line.startsWith("Deleted");
        }
    }

    private final Process process;
    private final List<Event> events = new ArrayList<>();
    private final Thread reader;

    RouteMonitor(String namespace, String mustContain) throws IOException {
        process = new ProcessBuilder("ip", "-n", namespace, "-ts", "monitor", "route").redirectErrorStream(true)
                .redirectInput(Redirect.from(new File("/dev/null"))).start();
        reader = Thread.ofPlatform().daemon().name("route-monitor").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    Instant read = Instant.now();
                    Matcher m = STAMP.matcher(line);
                    Instant at = read;
                    String text = line.strip();
                    if (m.find()) {
                        text = m.group(2).strip();
                        try {
                            at = LocalDateTime.parse(m.group(1)).atZone(ZoneId.systemDefault()).toInstant();
                        } catch (RuntimeException e) {
                            at = read;
                        }
                    }
                    if (text.contains(mustContain)) {
                        synchronized (events) {
                            events.add(new Event(at, text));
                        }
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        });
    }

    Event first(Instant after, Predicate<Event> test) {
        synchronized (events) {
            for (Event e : events) if (e.at().isAfter(after) && test.test(e)) return e;
        }
        return null;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(3, TimeUnit.SECONDS)) process.destroyForcibly();
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
