package io.vroute.app.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A node's IP and ICMP counters from {@code /proc/net/snmp} of its namespace: {@code Icmp: InEchos} (echo requests that
 * reached it: which of two holders of a floating IP answers) and {@code Ip: ForwDatagrams} (packets it forwarded: which
 * firewall is in the path). Read through {@code /proc/PID/net/snmp} of a process in the namespace when the node runs
 * one (cheap enough to poll every millisecond), else with {@code ip netns exec}.
 */
record Counters(long inEchos, long forwarded) {
    static final Counters UNKNOWN = new Counters(-1, -1);

    static Counters read(LabState.Node node) {
        long pid = node.anyLivePid();
        String text;
        if (pid > 0) {
            try {
                text = Files.readString(Path.of("/proc/" + pid + "/net/snmp"));
            } catch (IOException e) {
                text = null;
            }
        } else {
            text = null;
        }
        if (text == null) {
            Shell.Result r = Shell.inNamespace(node.namespace, "cat", "/proc/net/snmp");
            if (!r.ok()) return UNKNOWN;
            text = r.output();
        }
        return parse(text);
    }

    /** Reads the counters from the text of /proc/net/snmp: per protocol a header line and a value line. */
    static Counters parse(String snmp) {
        long echos = field(snmp, "Icmp:", "InEchos");
        long forwarded = field(snmp, "Ip:", "ForwDatagrams");
        return new Counters(echos, forwarded);
    }

    private static long field(String snmp, String protocol, String name) {
        List<String> lines = snmp.lines().filter(l -> l.startsWith(protocol + " ")).toList();
        if (lines.size() < 2) return -1;
        String[] names = lines.get(0).trim().split("\\s+");
        String[] values = lines.get(1).trim().split("\\s+");
        for (int i = 1; i < names.length && i < values.length; i++) {
            if (names[i].equals(name)) return Long.parseLong(values[i]);
        }
        return -1;
    }
}
