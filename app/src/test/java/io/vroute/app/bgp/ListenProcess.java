package io.vroute.app.bgp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code vroute bgp listen --json} as a user runs it: a real process (the test class path, main class
 * io.vroute.app.Main) inside a network namespace; its JSON lines are parsed as they come.
 */
final class ListenProcess implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    final List<JsonNode> events = new CopyOnWriteArrayList<>();
    private final Process process;
    private final Thread reader;

    ListenProcess(Lab lab, String ns, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "io.vroute.app.Main", "bgp", "listen", "--json"));
        cmd.addAll(List.of(args));
        process = new ProcessBuilder(cmd).redirectError(lab.dir.resolve("vroute-" + ns + ".log").toFile()).start();
        reader = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    try {
                        events.add(JSON.readTree(line));
                    } catch (IOException e) {
                        events.add(JSON.createObjectNode().put("event", "unparsable").put("line", line));
                    }
                }
            } catch (IOException ignored) {
                // process ended
            }
        });
        await(e -> e.path("event").asText().equals("listening"), 30_000);
    }

    JsonNode await(Predicate<JsonNode> p, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < deadline) {
            for (JsonNode e : events) if (p.test(e)) return e;
            if (!process.isAlive() && events.stream().noneMatch(p)) {
                throw new AssertionError("vroute bgp listen exited (" + process.exitValue() + "); events: " + events);
            }
            Thread.sleep(25);
        }
        throw new AssertionError("no matching event within " + millis + " ms; events:\n" + String.join("\n",
                events.stream().map(JsonNode::toString).toList()));
    }

    JsonNode await(String peer, String event, long millis) throws InterruptedException {
        return await(e -> e.path("peer").asText().equals(peer) && e.path("event").asText().equals(event), millis);
    }

    /** The update event for {@code prefix} from {@code peer}. */
    JsonNode route(String peer, String prefix, long millis) throws InterruptedException {
        return await(e -> e.path("peer").asText().equals(peer) && e.path("event").asText().equals("update")
                && e.path("prefix").asText().equals(prefix), millis);
    }

    long count(String peer, String event) {
        return events.stream().filter(e -> e.path("peer").asText().equals(peer) && e.path("event").asText().equals(event)).count();
    }

    /** SIGTERM, as Ctrl-C would; returns the exit code. */
    int stop() throws Exception {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        reader.join(2000);
        return process.exitValue();
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) stop();
    }

    /** A JSON array of numbers (an as_path). */
    static List<Long> longs(JsonNode array) {
        List<Long> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asLong()));
        return out;
    }

    /** A JSON array of strings (communities, large_communities). */
    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
