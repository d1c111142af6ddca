package io.vroute.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vroute.bgp.wire.AddressFamily;
import io.vroute.bgp.wire.AsPath;
import io.vroute.bgp.wire.Nlri;
import io.vroute.bgp.wire.Origin;
import io.vroute.bgp.wire.PathAttributes;
import io.vroute.bgp.wire.Prefix;
import io.vroute.bgp.wire.UpdateMessage;
import io.vroute.server.dataplane.Report;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What each hook counts: route batches, API requests, GC pauses (UPDATEs: MetricsEndpointTest, per peer). */
class MetricsHooksTest {

    @Test
    void aRouteBatchIsTimedFromItsReportAndAFailureIsCounted() {
        long before = VrouteMetrics.PROGRAMMING.count(), failedBefore = VrouteMetrics.PROGRAMMING_FAILURES.value();
        VrouteMetrics.routeBatch(new Report("routes", 0, 2, 0, 0, 0, List.of(), List.of(), Duration.ofMillis(3)), null);
        assertEquals(before + 1, VrouteMetrics.PROGRAMMING.count());
        assertEquals(failedBefore, VrouteMetrics.PROGRAMMING_FAILURES.value());
        VrouteMetrics.routeBatch(new Report("routes", 0, 1, 0, 0, 1, List.of(), List.of("x"), Duration.ofMillis(1)), null);
        VrouteMetrics.routeBatch(null, new IllegalStateException("netlink socket closed"));
        assertEquals(before + 2, VrouteMetrics.PROGRAMMING.count());
        assertEquals(failedBefore + 2, VrouteMetrics.PROGRAMMING_FAILURES.value());
        String text = TextFormat.write(List.of(VrouteMetrics.PROGRAMMING.collect()));
        assertTrue(text.contains("vroute_route_table_programming_duration_seconds_bucket{le=\"0.0025\"}"), text);
    }

    @Test
    void apiRequestsAreCountedByActionAndCodeWithUnknownForAnUndispatchedRequest() {
        long ok = VrouteMetrics.API_REQUESTS.value("DescribeThings", "OK");
        long denied = VrouteMetrics.API_REQUESTS.value("unknown", "AuthFailure");
        VrouteMetrics.apiRequest("DescribeThings", null, 2_000_000);
        VrouteMetrics.apiRequest("-", "AuthFailure", 1_000_000);
        assertEquals(ok + 1, VrouteMetrics.API_REQUESTS.value("DescribeThings", "OK"));
        assertEquals(denied + 1, VrouteMetrics.API_REQUESTS.value("unknown", "AuthFailure"));
        assertTrue(VrouteMetrics.API_DURATION.count("DescribeThings") >= 1);
    }

    @Test
    void concurrentCollectorWorkIsNotAPause() {
        assertTrue(JvmPauses.isPause("ZGC Major Pauses"));
        assertTrue(JvmPauses.isPause("ZGC Minor Pauses"));
        assertTrue(JvmPauses.isPause("G1 Young Generation"));
        assertTrue(JvmPauses.isPause("G1 Old Generation"));
        assertTrue(JvmPauses.isPause("Copy"));
        assertFalse(JvmPauses.isPause("ZGC Major Cycles"));
        assertFalse(JvmPauses.isPause("G1 Concurrent GC"));
        assertFalse(JvmPauses.isPause("Shenandoah Cycles"));
    }

    @Test
    void aCollectionsPausesReachTheHistogram() throws Exception {
        List<String> pausing = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(GarbageCollectorMXBean::getName).filter(JvmPauses::isPause).toList();
        assertFalse(pausing.isEmpty(), "no pausing collector among " + ManagementFactory.getGarbageCollectorMXBeans());
        long before = pausing.stream().mapToLong(n -> VrouteMetrics.JVM.pauses.count(n)).sum();
        System.gc();
        long end = System.nanoTime() + 10_000_000_000L;
        while (pausing.stream().mapToLong(n -> VrouteMetrics.JVM.pauses.count(n)).sum() == before) {
            if (System.nanoTime() > end) throw new AssertionError("no GC pause notification within 10 s of System.gc()");
            Thread.sleep(20);
        }
    }
}
