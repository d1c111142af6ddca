package io.vroute.app.bgp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * FRR 8.4 bgpd as the appliance (without zebra: -Z), advertising IPv4 and IPv6 networks through a route-map that
 * sets communities, large communities, MED and a prepended path.
 */
class FrrInteropTest {

    @Test
    void frrRoutesArriveIntactWithdrawFreezeAndShutDown() throws Exception {
        Lab.require("/usr/lib/frr/bgpd", "frr", "/usr/bin/vtysh", "frr");
        try (Lab lab = new Lab("frr")) {
            String rs = lab.netns("rs"), app = lab.netns("app");
            lab.link(rs, "rs1", "10.0.1.230", "fd00:1::230", app, "eth0", "10.0.1.203", "fd00:1::203");
            String pathspace = lab.tag + "-app";
            Path run = Path.of("/var/run/frr", pathspace);
            Files.createDirectories(run);
            Lab.sh("chown", "-R", "frr:frr", run.toString(), lab.dir.toString());
            Path conf = lab.dir.resolve("bgpd.conf");
            Files.writeString(conf, """
                    frr defaults traditional
                    log file %1$s/bgpd.log
                    !
                    route-map TO-RS permit 10
                     set community 65001:400
                     set large-community 65001:4:5
                     set metric 30
                     set as-path prepend 65001
                     set ipv6 next-hop global fd00:1::203
                    exit
                    !
                    router bgp 65001
                     bgp router-id 10.0.1.203
                     no bgp ebgp-requires-policy
                     no bgp network import-check
                     neighbor 10.0.1.230 remote-as 65000
                     neighbor 10.0.1.230 timers connect 1
                     neighbor 10.0.1.230 timers 3 9
                     address-family ipv4 unicast
                      network 172.16.1.1/32
                      network 10.40.0.0/16
                      neighbor 10.0.1.230 route-map TO-RS out
                     exit-address-family
                     address-family ipv6 unicast
                      network 2001:db8:400::/48
                      neighbor 10.0.1.230 activate
                      neighbor 10.0.1.230 route-map TO-RS out
                     exit-address-family
                    exit
                    """.formatted(lab.dir));
            Lab.sh("chown", "frr:frr", conf.toString());
            Path pid = run.resolve("bgpd.pid");
            try (ListenProcess vroute = new ListenProcess(lab, rs, "--local-as", "65000", "--listen", "10.0.1.230",
                    "--peer", "10.0.1.203=65001", "--hold-time", "9")) {
                Lab.nsExec(app, "/usr/lib/frr/bgpd", "-d", "-Z", "-N", pathspace, "-f", conf.toString(), "-i", pid.toString());
                long bgpd = awaitPid(pid);
                lab.own(bgpd);
                try {
                    JsonNode up = vroute.await("10.0.1.203", "established", 30_000);
                    assertEquals(65001, up.path("peer_as").asLong());
                    JsonNode r = vroute.route("10.0.1.203", "172.16.1.1/32", 15_000);
                    assertEquals("10.0.1.203", r.path("next_hop").asText());
                    assertEquals(List.of(65001L, 65001L), ListenProcess.longs(r.path("as_path")));
                    assertEquals(30, r.path("med").asLong());
                    assertEquals(List.of("65001:400"), ListenProcess.strings(r.path("communities")));
                    assertEquals(List.of("65001:4:5"), ListenProcess.strings(r.path("large_communities")));
                    JsonNode v6 = vroute.route("10.0.1.203", "2001:db8:400::/48", 15_000);
                    assertEquals("ipv6", v6.path("afi").asText());
                    assertEquals("fd00:1::203", v6.path("next_hop").asText());
                    assertEquals(List.of("65001:4:5"), ListenProcess.strings(v6.path("large_communities")));

                    vtysh(pathspace, "conf t", "router bgp 65001", "address-family ipv4 unicast", "no network 10.40.0.0/16");
                    vroute.await(e -> e.path("event").asText().equals("withdraw") && e.path("prefix").asText().equals("10.40.0.0/16"), 10_000);

                    long frozenAt = System.nanoTime();
                    lab.freeze(bgpd);
                    JsonNode down = vroute.await("10.0.1.203", "down", 15_000);
                    long ms = (System.nanoTime() - frozenAt) / 1_000_000;
                    System.out.println("FRR frozen: session down after " + ms + " ms (hold time 9 s)");
                    assertTrue(down.path("reason").asText().contains("hold timer expired"), down.toString());
                    lab.thaw(bgpd);
                    vroute.await(e -> e.path("peer").asText().equals("10.0.1.203") && e.path("event").asText().equals("established")
                            && vroute.count("10.0.1.203", "established") >= 2, 30_000);

                    vtysh(pathspace, "conf t", "router bgp 65001", "neighbor 10.0.1.230 shutdown message frr maintenance window");
                    JsonNode n = vroute.await(e -> e.path("event").asText().equals("notification")
                            && e.path("direction").asText().equals("received"), 10_000);
                    assertEquals(6, n.path("code").asInt(), n.toString());
                    assertTrue(n.path("subcode").asInt() == 2 || n.path("subcode").asInt() == 9, n.toString());
                    // FRR 8.4 wraps it in a Hard Reset (RFC 8538 §3); the message is shown either way.
                    assertEquals("frr maintenance window", n.path("message").asText(), n.toString());
                } finally {
                    Lab.sh("rm", "-rf", run.toString());
                }
            }
        }
    }

    private static long awaitPid(Path pid) throws Exception {
        for (int i = 0; i < 100; i++) {
            if (Files.exists(pid) && !Files.readString(pid).isBlank()) return Long.parseLong(Files.readString(pid).strip());
            Thread.sleep(100);
        }
        throw new AssertionError("bgpd wrote no PID file " + pid);
    }

    private static void vtysh(String pathspace, String... commands) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/vtysh", "-N", pathspace));
        for (String c : commands) {
            cmd.add("-c");
            cmd.add(c);
        }
        Lab.sh(cmd.toArray(new String[0]));
    }
}
