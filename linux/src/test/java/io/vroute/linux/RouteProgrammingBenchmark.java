package io.vroute.linux;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Programming N /32 routes (default 100,000) into a kernel routing table of a fresh network namespace: vroute's
 * batched netlink ({@link Routes#apply}) against {@code ip -n NS -batch FILE}, the baseline. Every route goes via
 * 10.255.0.2 on a veth whose peer is up, so the kernel resolves a real next hop for each. Measured per round, each
 * on an empty table: add, replace (every route exists: vroute's ownership check dumps the table), delete. The
 * namespace is deleted at the end (and on Ctrl-C).
 *
 * <p>Run as root, from the project root:
 * <pre>
 *   mvn -o -q -pl linux test-compile
 *   java --enable-native-access=ALL-UNNAMED -cp linux/target/classes:linux/target/test-classes \
 *       io.vroute.linux.RouteProgrammingBenchmark [routes] [rounds]
 * </pre>
 */
public final class RouteProgrammingBenchmark {
    private static final int VROUTE_TABLE = 1000;
    private static final int IP_TABLE = 1001;
    private static final String DEV = "bench0";

    private RouteProgrammingBenchmark() {}

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        String ns = "vrt-h-" + ProcessHandle.current().pid() + "-bench";
        Thread cleanup = new Thread(() -> deleteQuietly(ns));
        Runtime.getRuntime().addShutdownHook(cleanup);
        Path dir = Files.createTempDirectory("vrt-h-bench");
        try {
            Namespaces.create(ns);
            try (Netlink netlink = Netlink.openIn(ns)) {
                prepare(netlink);
                Routes routes = netlink.routes();
                InetAddress gw2 = IpPrefix.numericAddress("10.255.0.2");
                InetAddress gw3 = IpPrefix.numericAddress("10.255.0.3");
                int dev = netlink.links().requireIndex(DEV);
                List<RouteOperation> adds = operations(count, i -> RouteOperation.add(RouteSpec.via(VROUTE_TABLE, prefix(i), gw2, dev)));
                List<RouteOperation> replaces = operations(count, i -> RouteOperation.replace(RouteSpec.via(VROUTE_TABLE, prefix(i), gw3, dev)));
                List<RouteOperation> deletes = operations(count, i -> RouteOperation.delete(RouteSpec.blackhole(VROUTE_TABLE, prefix(i))));
                Path ipAdd = batchFile(dir, "add", count, "route add %s via 10.255.0.2 dev " + DEV + " table " + IP_TABLE + " proto 249");
                Path ipReplace = batchFile(dir, "replace", count, "route replace %s via 10.255.0.3 dev " + DEV + " table " + IP_TABLE + " proto 249");
                Path ipDelete = batchFile(dir, "delete", count, "route del %s table " + IP_TABLE + " proto 249");

                // warm-up: let the JIT see the encoder and the ack loop once
                List<RouteOperation> warm = operations(10_000, i -> RouteOperation.add(RouteSpec.via(999, prefix(i), gw2, dev)));
                check(routes.apply(warm));
                check(routes.apply(warm.stream().map(o -> RouteOperation.delete(o.route())).toList()));

                System.out.printf(Locale.ROOT, "%,d /32 routes into one table of namespace %s, %d rounds (routes per second)%n",
                        count, ns, rounds);
                System.out.printf(Locale.ROOT, "%-8s %-22s %12s %12s %12s%n", "round", "who", "add", "replace", "delete");
                double[][] best = new double[2][3];
                for (int round = 1; round <= rounds; round++) {
                    double[] v = new double[3];
                    v[0] = rate(count, () -> check(routes.apply(adds)));
                    expect(routes.dumpOwned(VROUTE_TABLE).size(), count, "vroute add");
                    v[1] = rate(count, () -> check(routes.apply(replaces)));
                    expect(routes.dumpOwned(VROUTE_TABLE).stream().filter(r -> r.gateway().orElseThrow().equals(gw3)).count(),
                            count, "vroute replace");
                    v[2] = rate(count, () -> check(routes.apply(deletes)));
                    expect(routes.dump(VROUTE_TABLE).size(), 0, "vroute delete");

                    double[] b = new double[3];
                    b[0] = rate(count, () -> ipBatch(ns, ipAdd));
                    expect(routes.dumpOwned(IP_TABLE).size(), count, "ip add");
                    b[1] = rate(count, () -> ipBatch(ns, ipReplace));
                    b[2] = rate(count, () -> ipBatch(ns, ipDelete));
                    expect(routes.dump(IP_TABLE).size(), 0, "ip delete");

                    print(Integer.toString(round), "vroute netlink batch", v);
                    print(Integer.toString(round), "ip -batch", b);
                    for (int k = 0; k < 3; k++) {
                        best[0][k] = Math.max(best[0][k], v[k]);
                        best[1][k] = Math.max(best[1][k], b[k]);
                    }
                }
                print("best", "vroute netlink batch", best[0]);
                print("best", "ip -batch", best[1]);
                System.out.printf(Locale.ROOT, "%-8s %-22s %11.1fx %11.1fx %11.1fx%n", "", "vroute / ip",
                        best[0][0] / best[1][0], best[0][1] / best[1][1], best[0][2] / best[1][2]);
            }
        } finally {
            deleteQuietly(ns);
            Runtime.getRuntime().removeShutdownHook(cleanup);
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) Files.delete(p);
            }
            Files.delete(dir);
        }
    }

    /** veth bench0 (10.255.0.1/24) / bench1, both up, so that 10.255.0.2 and .3 are on a connected network. */
    private static void prepare(Netlink netlink) throws IOException {
        Links links = netlink.links();
        links.createVethPair(DEV, "bench1", null);
        links.setUp(DEV);
        links.setUp("bench1");
        netlink.addresses().add(DEV, IpPrefix.numericAddress("10.255.0.1"), 24);
    }

    /** The i-th /32: 10.0.0.0 + i. */
    private static IpPrefix prefix(int i) {
        return new IpPrefix(IpPrefix.byAddress(new byte[] {10, (byte) (i >>> 16), (byte) (i >>> 8), (byte) i}), 32);
    }

    private static List<RouteOperation> operations(int count, IntFunction<RouteOperation> make) {
        List<RouteOperation> ops = new ArrayList<>(count);
        for (int i = 0; i < count; i++) ops.add(make.apply(i));
        return ops;
    }

    private static Path batchFile(Path dir, String name, int count, String format) throws IOException {
        StringBuilder s = new StringBuilder(count * 64);
        for (int i = 0; i < count; i++) s.append(String.format(Locale.ROOT, format, prefix(i))).append('\n');
        return Files.writeString(dir.resolve(name + ".batch"), s, StandardCharsets.US_ASCII);
    }

    private interface Timed {
        void run() throws Exception;
    }

    private static double rate(int count, Timed work) throws Exception {
        long start = System.nanoTime();
        work.run();
        return count / ((System.nanoTime() - start) / 1e9);
    }

    private static void check(BatchResult result) throws NetlinkException {
        result.throwIfAnyFailed();
    }

    private static void expect(long actual, long wanted, String what) {
        if (actual != wanted) throw new IllegalStateException(what + ": the table holds " + actual + " routes, not " + wanted);
    }

    private static void ipBatch(String ns, Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ip", "-n", ns, "-batch", file.toString()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("ip -batch " + file + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
    }

    private static void print(String round, String who, double[] rates) {
        System.out.printf(Locale.ROOT, "%-8s %-22s %,12.0f %,12.0f %,12.0f%n", round, who, rates[0], rates[1], rates[2]);
    }

    private static void deleteQuietly(String ns) {
        try {
            if (Namespaces.exists(ns)) Namespaces.delete(ns);
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete namespace " + ns + ": delete it with ip netns delete", e);
        }
    }
}
