package io.vroute.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The exposition format 0.0.4 as written: HELP/TYPE lines, labels and their escaping, numbers, histogram buckets. */
class MetricsTextFormatTest {

    @Test
    void counterWritesHelpTypeAndOneLinePerLabelSetInLabelOrder() {
        Counter c = new Counter("vroute_test_things_total", "Things seen.", "route_server", "peer");
        c.inc("rs-2", "rsp-b");
        c.add(41, "rs-1", "rsp-a");
        c.inc("rs-1", "rsp-a");
        assertEquals("""
                # HELP vroute_test_things_total Things seen.
                # TYPE vroute_test_things_total counter
                vroute_test_things_total{route_server="rs-1",peer="rsp-a"} 42
                vroute_test_things_total{route_server="rs-2",peer="rsp-b"} 1
                """, TextFormat.write(List.of(c.collect())));
    }

    @Test
    void labelValuesEscapeBackslashQuoteAndNewlineAndHelpEscapesBackslashAndNewline() {
        Family f = Family.gauge("vroute_test_gauge", "Line one\nback\\slash \"quoted\"", "v")
                .add(1, "a\\b\"c\nd").build();
        assertEquals("""
                # HELP vroute_test_gauge Line one\\nback\\\\slash "quoted"
                # TYPE vroute_test_gauge gauge
                vroute_test_gauge{v="a\\\\b\\"c\\nd"} 1
                """, TextFormat.write(List.of(f)));
    }

    @Test
    void numbersAreWrittenAsGoParsesThem() {
        assertEquals("0", TextFormat.number(0));
        assertEquals("-3", TextFormat.number(-3));
        assertEquals("0.25", TextFormat.number(0.25));
        assertEquals("1.0E-4", TextFormat.number(0.0001));
        assertEquals("+Inf", TextFormat.number(Double.POSITIVE_INFINITY));
        assertEquals("-Inf", TextFormat.number(Double.NEGATIVE_INFINITY));
        assertEquals("NaN", TextFormat.number(Double.NaN));
        assertEquals("1.0E15", TextFormat.number(1e15));
    }

    @Test
    void histogramBucketsAreCumulativeWithLeInclusiveAndCountEqualsInfBucket() {
        Histogram h = new Histogram("vroute_test_latency_seconds", "Latency.", new double[] {0.1, 1}, "table");
        h.observe(0.1, "rtb-1");    // on the bound: counts in le="0.1"
        h.observe(0.5, "rtb-1");
        h.observe(7, "rtb-1");
        assertEquals("""
                # HELP vroute_test_latency_seconds Latency.
                # TYPE vroute_test_latency_seconds histogram
                vroute_test_latency_seconds_bucket{table="rtb-1",le="0.1"} 1
                vroute_test_latency_seconds_bucket{table="rtb-1",le="1"} 2
                vroute_test_latency_seconds_bucket{table="rtb-1",le="+Inf"} 3
                vroute_test_latency_seconds_sum{table="rtb-1"} 7.6
                vroute_test_latency_seconds_count{table="rtb-1"} 3
                """, TextFormat.write(List.of(h.collect())));
        assertEquals(3, h.count("rtb-1"));
    }

    @Test
    void histogramWithoutObservationsWritesOnlyHelpAndType() {
        Histogram h = new Histogram("vroute_test_empty_seconds", "Nothing yet.", new double[] {1});
        assertEquals("# HELP vroute_test_empty_seconds Nothing yet.\n# TYPE vroute_test_empty_seconds histogram\n",
                TextFormat.write(List.of(h.collect())));
    }

    @Test
    void namesAndLabelsOutsideTheGrammarOrConventionsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Counter("vroute_things", "no _total"));
        assertThrows(IllegalArgumentException.class, () -> new Counter("vroute-things_total", "dash"));
        assertThrows(IllegalArgumentException.class, () -> new Counter("vroute_things_total", "bad label", "peer-id"));
        assertThrows(IllegalArgumentException.class, () -> new Counter("vroute_things_total", "reserved", "__name"));
        assertThrows(IllegalArgumentException.class,
                () -> new Histogram("vroute_h_seconds", "le taken", new double[] {1}, "le"));
        assertThrows(IllegalArgumentException.class,
                () -> new Histogram("vroute_h_seconds", "unordered", new double[] {1, 1}));
        assertThrows(IllegalArgumentException.class,
                () -> new Histogram("vroute_h_seconds", "explicit inf", new double[] {1, Double.POSITIVE_INFINITY}));
        Counter c = new Counter("vroute_things_total", "ok", "peer");
        assertThrows(IllegalArgumentException.class, () -> c.inc("a", "b"));
        assertThrows(IllegalArgumentException.class, () -> c.add(-1, "a"));
    }
}
