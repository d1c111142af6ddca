package io.vroute.bench.bfd;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * UDP's counters in this network namespace (the benchmark's own, so they count its packets only): from
 * {@code /proc/net/snmp} the datagrams the kernel delivered and those it dropped because a socket's receive buffer
 * was full (RcvbufErrors, the sign of a reader that fell behind), and from {@code /proc/net/udp} the drops of one
 * socket.
 */
record UdpCounters(long inDatagrams, long rcvbufErrors, long sndbufErrors, long inErrors, long socketDrops) {
    /** The namespace's counters, and the drops of the socket bound to {@code address:port}. */
    static UdpCounters read(InetAddress address, int port) throws IOException {
        List<String> snmp = Files.readAllLines(Path.of("/proc/net/snmp"));
        String[] names = null, values = null;
        for (String l : snmp) {
            if (!l.startsWith("Udp: ")) continue;
            if (names == null) names = l.split("\\s+");
            else values = l.split("\\s+");
        }
        if (names == null || values == null) throw new IOException("no Udp lines in /proc/net/snmp");
        return new UdpCounters(field(names, values, "InDatagrams"), field(names, values, "RcvbufErrors"), field(names, values, "SndbufErrors"),
                field(names, values, "InErrors"), socketDrops(address, port));
    }

    UdpCounters since(UdpCounters before) {
        return new UdpCounters(inDatagrams - before.inDatagrams, rcvbufErrors - before.rcvbufErrors, sndbufErrors - before.sndbufErrors,
                inErrors - before.inErrors, socketDrops - before.socketDrops);
    }

    private static long field(String[] names, String[] values, String name) {
        for (int i = 1; i < names.length && i < values.length; i++) if (names[i].equals(name)) return Long.parseLong(values[i]);
        return 0;
    }

    /** The drops column of /proc/net/udp for the socket bound to address:port (addresses in host byte order, x86). */
    private static long socketDrops(InetAddress address, int port) throws IOException {
        byte[] b = address.getAddress();
        int want = ((b[3] & 0xFF) << 24) | ((b[2] & 0xFF) << 16) | ((b[1] & 0xFF) << 8) | (b[0] & 0xFF);
        for (String l : Files.readAllLines(Path.of("/proc/net/udp"))) {
            String[] f = l.trim().split("\\s+");
            if (f.length < 13 || !f[1].contains(":")) continue;
            String[] local = f[1].split(":");
            try {
                if ((int) Long.parseLong(local[0], 16) == want && Integer.parseInt(local[1], 16) == port) return Long.parseLong(f[f.length - 1]);
            } catch (NumberFormatException e) {
                // the header line
            }
        }
        return 0;
    }
}
