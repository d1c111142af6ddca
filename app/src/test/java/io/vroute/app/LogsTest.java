package io.vroute.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code serve --log-format/--log-level}: what a log collector and a person read on standard error. */
class LogsTest {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedErr;
    private Handler[] savedHandlers;
    private Level savedLevel;

    @BeforeEach
    void capture() {
        Logger root = Logger.getLogger("");
        savedHandlers = root.getHandlers();
        savedLevel = root.getLevel();
        savedErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setErr(savedErr);
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) root.removeHandler(h);
        for (Handler h : savedHandlers) root.addHandler(h);
        root.setLevel(savedLevel);
    }

    private List<String> lines() {
        for (Handler h : Logger.getLogger("").getHandlers()) h.flush();
        return err.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void jsonIsOneParsableObjectPerRecordWithLevelLoggerAndEscapedMessage() throws Exception {
        Logs.configure("json", "info");
        System.Logger log = System.getLogger("vroute.test");
        log.log(System.Logger.Level.WARNING, "peer {0} said \"bye\"\nand left", "rsp-1");
        log.log(System.Logger.Level.DEBUG, "not shown at info");
        log.log(System.Logger.Level.ERROR, "it broke", new IllegalStateException("boom"));
        List<String> lines = lines();
        assertEquals(2, lines.size(), "one line per record, DEBUG filtered out: " + lines);
        JsonNode first = new ObjectMapper().readTree(lines.get(0));
        assertEquals("WARNING", first.get("level").asText());
        assertEquals("vroute.test", first.get("logger").asText());
        assertEquals("peer rsp-1 said \"bye\"\nand left", first.get("message").asText());
        assertTrue(first.get("time").asText().endsWith("Z"), first.toString());
        JsonNode second = new ObjectMapper().readTree(lines.get(1));
        assertEquals("ERROR", second.get("level").asText());
        assertTrue(second.get("error").asText().contains("IllegalStateException: boom"), second.toString());
    }

    @Test
    void textShowsSystemLoggerLevelNamesAndDebugWhenAskedFor() {
        Logs.configure("text", "debug");
        System.getLogger("vroute.test").log(System.Logger.Level.DEBUG, "details");
        List<String> lines = lines();
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} DEBUG details"), lines.get(0));
        assertFalse(lines.get(0).contains("FINE"));
    }

    @Test
    void unknownFormatOrLevelIsRefusedWithTheChoices() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Logs.configure("xml", "info")).getMessage()
                .contains("text or json"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Logs.configure("text", "loud")).getMessage()
                .contains("error, warning, info, debug or trace"));
    }
}
