package io.vroute.app.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The product under test as a user runs it: {@code vroute bgp listen --json ...} in its own JVM (this test
 * JVM's class path, main class {@code io.vroute.app.Main}) inside the route server's namespace. Every stdout
 * line is parsed as JSON and kept, with the moment it arrived, for {@link #await}. stderr goes to a log file.
 */
final class VrouteListen {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One line of output, parsed (a line that is not JSON is kept as {@code {"event":"not-json","raw":...}}). */
    record Event(JsonNode json, long arrivedNanos, int index) {
        String event() {
            return json.path("event").asText();
        }

        String peer() {
            return json.path("peer").asText();
        }

        @Override
        public String toString() {
            return json.toString();
        }
    }

    private final Lab lab;
    private final String ns;
    private final String name;
    private final List<String> args;
    private final List<Event> events = new ArrayList<>();
    private Process process;

    /**
     * {@code --local-as localAs --listen each of listen --peer each of peers (ADDRESS=ASN) --json} and
     * {@code extra} options (e.g. "--hold-time", "9").
     */
    VrouteListen(Lab lab, String ns, String name, long localAs, List<String> listen, List<String> peers, String... extra) {
        this.lab = lab;
        this.ns = ns;
        this.name = name;
        List<String> a = new ArrayList<>(List.of("bgp", "listen", "--json", "--local-as", Long.toString(localAs)));
        for (String l : listen) a.addAll(List.of("--listen", l));
        for (String p : peers) a.addAll(List.of("--peer", p));
        a.addAll(List.of(extra));
        this.args = List.copyOf(a);
    }

    Path stderrLog() {
        return lab.dir().resolve(name + ".stderr.log");
    }

    List<String> command() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("io.vroute.app.Main");
        cmd.addAll(args);
        return cmd;
    }

    /** Starts it and waits for its {@code listening} line. */
    VrouteListen start() {
        process = lab.spawn(ns, command(), stderrLog(), true);
        Thread.ofPlatform().daemon().name("vroute-" + name + "-stdout").start(this::readLines);
        await("listening", e -> e.event().equals("listening"), Duration.ofSeconds(20));
        return this;
    }

    private void readLines() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                JsonNode json;
                try {
                    json = JSON.readTree(line);
                } catch (IOException e) {
                    json = JsonNodeFactory.instance.objectNode().put("event", "not-json").put("raw", line);
                }
                if (System.getProperty("vroute.interop.verbose") != null) System.out.println("[" + name + "] " + line);
                synchronized (events) {
                    events.add(new Event(json, System.nanoTime(), events.size()));
                    events.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process ended
        } finally {
            synchronized (events) {
                events.notifyAll();
            }
        }
    }

    /** The number of lines so far: pass it to {@link #awaitAfter} to look only at what comes next. */
    int mark() {
        synchronized (events) {
            return events.size();
        }
    }

    List<Event> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** The first line (from the start) matching {@code p}, waiting up to {@code timeout} for it. */
    Event await(String what, Predicate<Event> p, Duration timeout) {
        return awaitAfter(0, what, p, timeout);
    }

    /** The first line at or after index {@code from} matching {@code p}, waiting up to {@code timeout}. */
    Event awaitAfter(int from, String what, Predicate<Event> p, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int i = from;
        synchronized (events) {
            while (true) {
                for (; i < events.size(); i++) if (p.test(events.get(i))) return events.get(i);
                long left = deadline - System.nanoTime();
                if (left <= 0 || (process != null && !process.isAlive() && i >= events.size())) break;
                try {
                    events.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        throw new AssertionError("vroute (" + name + ") did not print " + what + " within " + timeout.toSeconds() + " s"
                + (process.isAlive() ? "" : " (it exited " + process.exitValue() + ")") + "\n" + describe());
    }

    /** Every line after index {@code from} matching {@code p} (no waiting). */
    List<Event> findAfter(int from, Predicate<Event> p) {
        return events().stream().filter(e -> e.index() >= from && p.test(e)).toList();
    }

    /** The last lines of stdout and stderr, for failure messages. */
    String describe() {
        List<Event> all = events();
        StringBuilder sb = new StringBuilder("---- vroute " + name + " stdout (last 30) ----\n");
        for (Event e : all.subList(Math.max(0, all.size() - 30), all.size())) sb.append(e).append('\n');
        sb.append("---- vroute ").append(name).append(" stderr (last 20) ----\n").append(Lab.tail(stderrLog(), 20));
        return sb.toString();
    }

    /** SIGTERM by PID (vroute sends Cease to its peers and exits 0), SIGKILL after 10 s; returns the status. */
    int stop() {
        return lab.stop(process, Duration.ofSeconds(10));
    }

    // ------------------------------------------------------------------ predicates

    static Predicate<Event> is(String event, String peer) {
        return e -> e.event().equals(event) && e.peer().equals(peer);
    }

    static Predicate<Event> route(String event, String peer, String prefix) {
        return is(event, peer).and(e -> e.json().path("prefix").asText().equals(prefix));
    }
}
