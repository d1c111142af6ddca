/**
 * Prometheus metrics for vroute, without dependencies: counters and fixed-bucket histograms updated where things
 * happen, gauges read at scrape time, and the text exposition format 0.0.4. {@link io.vroute.server.metrics.VrouteMetrics}
 * is the one way in; docs/metrics.md lists every metric.
 */
package io.vroute.server.metrics;
