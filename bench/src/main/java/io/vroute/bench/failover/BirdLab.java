package io.vroute.bench.failover;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Route server B: the lab's topology made with plain {@code ip} (as vroute's data plane makes it: forwarding on,
 * rp_filter off, no redirects, one bridge per subnet, a policy rule for the client's subnet) and BIRD 2 in the
 * router namespace: passive BGP to both appliances with {@code bfd on}, the same BFD timers, and a kernel protocol
 * exporting the best BGP route into table {@value #TABLE}.
 */
final class BirdLab extends Lab {
    static final int TABLE = 100;
    /** BIRD 2 with {@code debug all} on its BFD protocol: "bfd1: Session to 10.0.1.10 changed state from Up to Down". */
    private static final Pattern BFD_DOWN = Pattern.compile(
            "^(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d+) .*Session to (\\S+) changed state from Up to Down");
    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

    private final String router;
    private final String active;
    private final String standby;
    private final String client;
    private final Path socket;
    private final Path log;

    BirdLab(String prefix, Path dir, Liveness liveness) {
        super(prefix, dir, liveness);
        this.router = prefix + "router";
        this.active = prefix + "act";
        this.standby = prefix + "stb";
        this.client = prefix + "cli";
        this.socket = dir.resolve("rs-bird.ctl");
        this.log = dir.resolve("rs-bird.log");
    }

    @Override
    String name() {
        return "BIRD " + Shell.run("bird", "--version").output().replaceAll("(?s).*version\\s*", "").strip();
    }

    @Override
    void build() {
        for (String ns : List.of(router, active, standby, client)) Shell.check("ip", "netns", "add", ns);
        for (String s : List.of("net.ipv4.ip_forward=1", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0",
                "net.ipv4.conf.all.send_redirects=0", "net.ipv4.conf.default.send_redirects=0")) {
            Shell.check("ip", "netns", "exec", router, "sysctl", "-q", "-w", s);
        }
        Shell.check("ip", "-n", router, "link", "set", "lo", "up");
        bridge("br-a", "10.0.1.1/24", ROUTE_SERVER + "/24");
        bridge("br-c", "10.0.3.1/24");
        instance(active, "v-act", "br-a", ACTIVE, "10.0.1.1");
        instance(standby, "v-stb", "br-a", STANDBY, "10.0.1.1");
        instance(client, "v-cli", "br-c", CLIENT, "10.0.3.1");
        Shell.check("ip", "-n", router, "rule", "add", "iif", "br-c", "lookup", Integer.toString(TABLE), "priority", "1000");
        for (String ns : List.of(active, standby)) floatingOnLoopback(ns);

        StringBuilder c = new StringBuilder();
        c.append("log \"").append(log).append("\" all;\n");
        c.append("timeformat log \"%F %T.%6f\";\n");
        c.append("router id ").append(ROUTE_SERVER).append(";\n");
        c.append("protocol device { }\n");
        if (liveness.bfd()) {
            c.append("protocol bfd {\n  debug all;\n  interface \"*\" { min rx interval ").append(liveness.bfdIntervalMs())
                    .append(" ms; min tx interval ").append(liveness.bfdIntervalMs()).append(" ms; multiplier ")
                    .append(liveness.bfdMultiplier()).append("; };\n}\n");
        }
        c.append("protocol kernel {\n  kernel table ").append(TABLE).append(";\n  debug { states, routes };\n")
                .append("  ipv4 { import none; export where source = RTS_BGP; };\n}\n");
        c.append("template bgp appliance {\n  local ").append(ROUTE_SERVER).append(" as ").append(Appliance.ROUTE_SERVER_AS)
                .append(";\n  passive on;\n  error wait time 1, 10;\n  hold time ").append(liveness.holdTime()).append("; keepalive time ")
                .append(Math.max(1, liveness.holdTime() / 3)).append(";\n  debug { states };\n");
        if (liveness.bfd()) c.append("  bfd on;\n");
        c.append("  ipv4 { import all; export none; };\n}\n");
        c.append("protocol bgp act from appliance { neighbor ").append(ACTIVE).append(" as ").append(Appliance.AS).append("; }\n");
        c.append("protocol bgp stb from appliance { neighbor ").append(STANDBY).append(" as ").append(Appliance.AS).append("; }\n");
        Path conf = dir.resolve("rs-bird.conf");
        Shell.write(conf, c.toString());
        Process bird = Shell.spawnIn(router, dir.resolve("rs-bird.out"), "bird", "-f", "-c", conf.toString(), "-s",
                socket.toString());
        if (!Shell.await(10_000, () -> !bird.isAlive() || Files.exists(socket)) || !bird.isAlive()) {
            throw new IllegalStateException("the BIRD route server did not start:\n" + Shell.tail(dir.resolve("rs-bird.out"), 20));
        }
    }

    private void bridge(String name, String... addresses) {
        Shell.check("ip", "-n", router, "link", "add", name, "type", "bridge");
        for (String a : addresses) Shell.check("ip", "-n", router, "addr", "add", a, "dev", name);
        Shell.check("ip", "-n", router, "link", "set", name, "up");
    }

    /** A veth: {@code eth0} in {@code ns} with {@code address}/24 and a default route, the other end on the bridge. */
    private void instance(String ns, String port, String bridge, String address, String gateway) {
        Shell.check("ip", "link", "add", "eth0", "netns", ns, "type", "veth", "peer", "name", port, "netns", router);
        Shell.check("ip", "-n", router, "link", "set", port, "master", bridge, "up");
        Shell.check("ip", "-n", ns, "addr", "add", address + "/24", "dev", "eth0");
        Shell.check("ip", "-n", ns, "link", "set", "eth0", "up");
        Shell.check("ip", "-n", ns, "link", "set", "lo", "up");
        Shell.check("ip", "-n", ns, "route", "add", "default", "via", gateway);
    }

    @Override
    String router() {
        return router;
    }

    @Override
    int table() {
        return TABLE;
    }

    @Override
    String activeNamespace() {
        return active;
    }

    @Override
    String standbyNamespace() {
        return standby;
    }

    @Override
    String clientNamespace() {
        return client;
    }

    @Override
    Instant bfdDown(String peer, Instant after) {
        for (String line : Shell.read(log).split("\n")) {
            Matcher m = BFD_DOWN.matcher(line);
            if (!m.find() || !m.group(2).equals(peer)) continue;
            Instant t = LocalDateTime.parse(m.group(1), LOG_TIME).atZone(ZoneId.systemDefault()).toInstant();
            if (t.isAfter(after)) return t;
        }
        return null;
    }

    @Override
    boolean sessionsUp() {
        String out = Shell.run("birdc", "-s", socket.toString(), "show", "protocols").output();
        boolean up = out.lines().filter(l -> l.startsWith("act ") || l.startsWith("stb ")).filter(l -> l.contains("Established"))
                .count() == 2;
        if (!up || !liveness.bfd()) return up;
        String bfd = Shell.run("birdc", "-s", socket.toString(), "show", "bfd", "sessions").output();
        return bfd.lines().filter(l -> (l.contains(ACTIVE) || l.contains(STANDBY)) && l.contains(" Up ")).count() == 2;
    }

    @Override
    String logs() {
        return "---- BIRD route server ----\n" + Shell.tail(log, 40);
    }
}
