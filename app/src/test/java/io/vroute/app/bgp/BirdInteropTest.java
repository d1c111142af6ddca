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
 * BIRD 2 as the appliance: static IPv4 and IPv6 routes exported with communities, large communities, MED and a
 * prepended path, a withdrawal, a freeze and an administrative shutdown with a message.
 */
class BirdInteropTest {

    @Test
    void birdRoutesArriveIntactWithdrawFreezeAndShutDown() throws Exception {
        Lab.require("/usr/sbin/bird", "bird2", "/usr/sbin/birdc", "bird2");
        try (Lab lab = new Lab("bird")) {
            String rs = lab.netns("rs"), app = lab.netns("app");
            lab.link(rs, "rs1", "10.0.1.230", "fd00:1::230", app, "eth0", "10.0.1.203", "fd00:1::203");
            Path conf = lab.dir.resolve("bird.conf");
            Path ctl = lab.dir.resolve("bird.ctl");
            Path pid = lab.dir.resolve("bird.pid");
            Files.writeString(conf, """
                    log "%1$s/bird.log" all;
                    router id 10.0.1.203;
                    protocol device { }
                    protocol static st4 {
                      ipv4;
                      route 172.16.1.1/32 blackhole;
                      route 10.30.0.0/16 blackhole;
                    }
                    protocol static st6 {
                      ipv6;
                      route 2001:db8:300::/48 blackhole;
                    }
                    filter to_rs {
                      bgp_path.prepend(65001);
                      bgp_med = 20;
                      bgp_community.add((65001, 300));
                      bgp_large_community.add((65001, 3, 4));
                      accept;
                    }
                    protocol bgp vroute {
                      local 10.0.1.203 as 65001;
                      neighbor 10.0.1.230 as 65000;
                      hold time 9;
                      connect retry time 1;
                      error wait time 1, 10;
                      ipv4 { import none; export filter to_rs; };
                      ipv6 { import none; export filter to_rs; next hop address fd00:1::203; };
                    }
                    """.formatted(lab.dir));
            try (ListenProcess vroute = new ListenProcess(lab, rs, "--local-as", "65000", "--listen", "10.0.1.230",
                    "--peer", "10.0.1.203=65001", "--hold-time", "9")) {
                Lab.nsExec(app, "/usr/sbin/bird", "-c", conf.toString(), "-s", ctl.toString(), "-P", pid.toString());
                lab.own(Long.parseLong(Files.readString(pid).strip()));

                JsonNode up = vroute.await("10.0.1.203", "established", 30_000);
                assertEquals(65001, up.path("peer_as").asLong());
                JsonNode r = vroute.route("10.0.1.203", "172.16.1.1/32", 10_000);
                assertEquals("10.0.1.203", r.path("next_hop").asText());
                assertEquals(List.of(65001L, 65001L), ListenProcess.longs(r.path("as_path")), "BIRD prepends once, then adds its AS");
                assertEquals(20, r.path("med").asLong());
                assertEquals(List.of("65001:300"), ListenProcess.strings(r.path("communities")));
                assertEquals(List.of("65001:3:4"), ListenProcess.strings(r.path("large_communities")));
                assertEquals("igp", r.path("origin").asText());
                JsonNode v6 = vroute.route("10.0.1.203", "2001:db8:300::/48", 10_000);
                assertEquals("ipv6", v6.path("afi").asText());
                assertEquals("fd00:1::203", v6.path("next_hop").asText());
                assertEquals(List.of("65001:3:4"), ListenProcess.strings(v6.path("large_communities")));
                vroute.await(e -> e.path("event").asText().equals("end-of-rib") && e.path("afi").asText().equals("ipv6"), 10_000);

                // A withdrawal: BIRD drops the static route on reconfigure without it.
                Files.writeString(conf, Files.readString(conf).replace("  route 10.30.0.0/16 blackhole;\n", ""));
                Lab.nsExec(app, "/usr/sbin/birdc", "-s", ctl.toString(), "configure");
                vroute.await(e -> e.path("event").asText().equals("withdraw") && e.path("prefix").asText().equals("10.30.0.0/16"), 10_000);

                // Freeze BIRD: vroute's hold timer expires.
                long birdPid = Long.parseLong(Files.readString(pid).strip());
                long frozenAt = System.nanoTime();
                lab.freeze(birdPid);
                JsonNode down = vroute.await("10.0.1.203", "down", 15_000);
                long ms = (System.nanoTime() - frozenAt) / 1_000_000;
                System.out.println("BIRD frozen: session down after " + ms + " ms (hold time 9 s)");
                assertTrue(down.path("reason").asText().contains("hold timer expired"), down.toString());
                lab.thaw(birdPid);
                vroute.await(e -> e.path("peer").asText().equals("10.0.1.203") && e.path("event").asText().equals("established")
                        && vroute.count("10.0.1.203", "established") >= 2, 30_000);

                // Administrative shutdown with a message (RFC 9003).
                Lab.nsExec(app, "/usr/sbin/birdc", "-s", ctl.toString(), "disable", "vroute", "\"bird maintenance window\"");
                JsonNode n = vroute.await(e -> e.path("event").asText().equals("notification")
                        && e.path("direction").asText().equals("received"), 10_000);
                assertEquals(6, n.path("code").asInt());
                assertEquals(2, n.path("subcode").asInt());
                assertEquals("bird maintenance window", n.path("message").asText(), n.toString());
            }
        }
    }
}
