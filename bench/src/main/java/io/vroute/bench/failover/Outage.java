package io.vroute.bench.failover;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the client's {@code ping -D -i 0.01} saw around one failure: the longest time between two consecutive replies,
 * and the requests that got no reply (sequence numbers missing between the first and the last reply).
 *
 * @param longestGapMs the longest gap between replies, ms
 * @param gapStartMs   when that gap began, ms after the failure (negative: before it)
 * @param lost         requests without a reply
 * @param paceMs       ping's real pace (it was asked for 10 ms): the resolution of the gap
 */
record Outage(double longestGapMs, double gapStartMs, int lost, double paceMs) {
    private static final Pattern REPLY = Pattern.compile("^\\[(\\d+\\.\\d+)] \\d+ bytes from .*icmp_seq=(\\d+)");

    /** null when ping saw fewer than two replies (a broken lab, not an outage). */
    static Outage of(String pingOutput, Instant failure) {
        double failureMs = failure.getEpochSecond() * 1000.0 + failure.getNano() / 1e6;
        List<double[]> replies = new ArrayList<>();
        for (String line : pingOutput.split("\n")) {
            Matcher m = REPLY.matcher(line.trim());
            if (m.find()) replies.add(new double[] {Double.parseDouble(m.group(1)) * 1000, Integer.parseInt(m.group(2))});
        }
        if (replies.size() < 2) return null;
        double longest = 0, start = 0;
        for (int i = 1; i < replies.size(); i++) {
            double gap = replies.get(i)[0] - replies.get(i - 1)[0];
            if (gap > longest) {
                longest = gap;
                start = replies.get(i - 1)[0] - failureMs;
            }
        }
        int first = (int) replies.getFirst()[1], last = (int) replies.getLast()[1];
        int lost = (last - first + 1) - replies.size();
        double pace = (replies.getLast()[0] - replies.getFirst()[0]) / Math.max(1, last - first);
        return new Outage(longest, start, lost, pace);
    }
}
