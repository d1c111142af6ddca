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
 * The seed's appliances: two GoBGP 3.10 instances (AS 65001, configured like the seed's gobgpd.conf, the
 * standby prepending) peer with {@code vroute bgp listen} (AS 65000) from their own namespaces.
 */
class GoBgpScenarioInteropTest {

    private static Path config(Lab lab, String name, String local, String routeServer) throws Exception {
        Path f = lab.dir.resolve(name + ".toml");
        Files.writeString(f, """
                [global.config]
                  as = 65001
                  router-id = "%1$s"
                  local-address-list = ["%1$s"]
                [[neighbors]]
                  [neighbors.config]
                    neighbor-address = "%2$s"
                    peer-as = 65000
                  [neighbors.timers.config]
                    connect-retry = 1
                    hold-time = 9
                    keepalive-interval = 3
                  [[neighbors.afi-safis]]
                    [neighbors.afi-safis.config]
                      afi-safi-name = "ipv4-unicast"
                  [[neighbors.afi-safis]]
                    [neighbors.afi-safis.config]
                      afi-safi-name = "ipv6-unicast"
                """.formatted(local, routeServer));
        return f;
    }

    @Test
    void addPathReceivesEveryPathWithItsIdentifier() throws Exception {
        Lab.require("/usr/bin/gobgpd", "gobgpd", "/usr/bin/gobgp", "gobgpd");
        try (Lab lab = new Lab("gobgp-ap")) {
            String rs = lab.netns("rs"), app = lab.netns("app");
            lab.link(rs, "rs1", "10.0.1.230", "fd00:1::230", app, "eth0", "10.0.1.203", "fd00:1::203");
            Path conf = config(lab, "app", "10.0.1.203", "10.0.1.230");
            // RFC 7911: GoBGP sends up to 4 paths per prefix to a peer that can receive them.
            Files.writeString(conf, Files.readString(conf) + """
                      [neighbors.add-paths.config]
                        send-max = 4
                    """);
            try (ListenProcess vroute = new ListenProcess(lab, rs, "--local-as", "65000", "--listen", "10.0.1.230",
                    "--peer", "10.0.1.203=65001", "--add-path")) {
                gobgpd(lab, app, conf);
                JsonNode up = vroute.await("10.0.1.203", "established", 30_000);
                assertTrue(up.toString().contains("add-path"), "GoBGP offers ADD-PATH: " + up);
                gobgp(app, "global", "rib", "add", "10.50.0.0/16", "identifier", "1", "nexthop", "10.0.1.203");
                gobgp(app, "global", "rib", "add", "10.50.0.0/16", "identifier", "2", "nexthop", "10.0.1.204", "med", "50");
                JsonNode first = vroute.await(e -> e.path("prefix").asText().equals("10.50.0.0/16") && e.path("med").isMissingNode(), 10_000);
                JsonNode second = vroute.await(e -> e.path("prefix").asText().equals("10.50.0.0/16") && e.path("med").asLong() == 50, 10_000);
                assertTrue(first.has("path_id") && second.has("path_id"), first + " " + second);
                assertTrue(first.path("path_id").asLong() != second.path("path_id").asLong(), "two paths, two identifiers");
                assertEquals("10.0.1.204", second.path("next_hop").asText());
            }
        }
    }

    @Test
    void md5AndGtsmSessionEstablishesAndAWrongPasswordDoesNot() throws Exception {
        Lab.require("/usr/bin/gobgpd", "gobgpd", "/usr/bin/gobgp", "gobgpd");
        try (Lab lab = new Lab("gobgp-md5")) {
            String rs = lab.netns("rs"), a = lab.netns("a"), b = lab.netns("b");
            lab.link(rs, "rs1", "10.0.1.230", "fd00:1::230", a, "eth0", "10.0.1.203", "fd00:1::203");
            lab.link(rs, "rs2", "10.0.2.230", "fd00:2::230", b, "eth0", "10.0.2.204", "fd00:2::204");
            Path good = config(lab, "a", "10.0.1.203", "10.0.1.230");
            Path bad = config(lab, "b", "10.0.2.204", "10.0.2.230");
            // GoBGP: TCP-MD5 with auth-password, GTSM with ttl-security.
            String extra = """
                      [neighbors.ttl-security.config]
                        enabled = true
                        ttl-min = 254
                    """;
            Files.writeString(good, Files.readString(good).replace("    peer-as = 65000\n", "    peer-as = 65000\n    auth-password = \"s3cret-a\"\n") + extra);
            Files.writeString(bad, Files.readString(bad).replace("    peer-as = 65000\n", "    peer-as = 65000\n    auth-password = \"guess\"\n") + extra);
            try (ListenProcess vroute = new ListenProcess(lab, rs, "--local-as", "65000", "--listen", "10.0.1.230",
                    "--listen", "10.0.2.230", "--peer", "10.0.1.203=65001", "--peer", "10.0.2.204=65001",
                    "--md5", "10.0.1.203=s3cret-a", "--md5", "10.0.2.204=s3cret-b", "--gtsm")) {
                gobgpd(lab, a, good);
                gobgpd(lab, b, bad);
                vroute.await("10.0.1.203", "established", 30_000);
                Thread.sleep(5_000);
                assertEquals(0, vroute.count("10.0.2.204", "established"), "a wrong TCP-MD5 password gets no session");
                assertTrue(vroute.events.stream().noneMatch(e -> e.toString().contains("s3cret")), "the password is never printed");
            }
            String log = Files.readString(lab.dir.resolve("vroute-" + rs + ".log"));
            assertTrue(!log.contains("s3cret"), "the password is never logged");
        }
    }

    private static Process gobgpd(Lab lab, String ns, Path config) throws Exception {
        return lab.start(ns, lab.dir.resolve(ns + "-gobgpd.log"), "/usr/bin/gobgpd", "-f", config.toString(), "-t", "toml", "-l", "info");
    }

    private static String gobgp(String ns, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/gobgp"));
        cmd.addAll(List.of(args));
        // The gRPC API answers a moment after gobgpd starts.
        for (int i = 0; ; i++) {
            try {
                return Lab.nsExec(ns, cmd.toArray(new String[0]));
            } catch (java.io.IOException e) {
                if (i > 40) throw e;
                Thread.sleep(250);
            }
        }
    }

    @Test
    void seedScenarioAppliancesAdvertiseWithdrawFreezeAndShutDown() throws Exception {
        Lab.require("/usr/bin/gobgpd", "gobgpd", "/usr/bin/gobgp", "gobgpd");
        try (Lab lab = new Lab("gobgp")) {
            String rs = lab.netns("rs"), az1 = lab.netns("az1"), az2 = lab.netns("az2");
            lab.link(rs, "rs1", "10.0.1.230", "fd00:1::230", az1, "eth0", "10.0.1.203", "fd00:1::203");
            lab.link(rs, "rs2", "10.0.2.230", "fd00:2::230", az2, "eth0", "10.0.2.204", "fd00:2::204");
            String other = lab.netns("other");
            lab.link(rs, "rs3", "10.0.3.230", "fd00:3::230", other, "eth0", "10.0.3.205", "fd00:3::205");
            try (ListenProcess vroute = new ListenProcess(lab, rs, "--local-as", "65000", "--listen", "10.0.1.230",
                    "--listen", "10.0.2.230", "--listen", "10.0.3.230", "--peer", "10.0.1.203=65001", "--peer", "10.0.2.204=65001", "--hold-time", "9")) {
                gobgpd(lab, az1, config(lab, "az1", "10.0.1.203", "10.0.1.230"));
                Process standby = gobgpd(lab, az2, config(lab, "az2", "10.0.2.204", "10.0.2.230"));
                JsonNode up = vroute.await("10.0.1.203", "established", 30_000);
                assertEquals(65001, up.path("peer_as").asLong());
                assertEquals(9, up.path("hold_time").asInt());
                vroute.await("10.0.2.204", "established", 30_000);

                // A BGP speaker that is not a configured peer is refused (Cease / Connection Rejected).
                gobgpd(lab, other, config(lab, "other", "10.0.3.205", "10.0.3.230"));
                vroute.await("10.0.3.205", "rejected", 30_000);
                assertTrue(!gobgp(other, "neighbor").contains("Establ"), "the stranger never gets a session");

                // The floating IP from both instances; the standby prepends and sends a higher MED.
                gobgp(az1, "global", "rib", "add", "172.16.1.1/32", "origin", "igp", "community", "65001:100",
                        "large-community", "65001:1:2", "med", "0");
                gobgp(az2, "global", "rib", "add", "172.16.1.1/32", "origin", "igp", "aspath", "65001,65001",
                        "community", "65001:200", "med", "10");
                gobgp(az1, "global", "rib", "-a", "ipv6", "add", "2001:db8:100::/48", "nexthop", "fd00:1::203",
                        "community", "65001:100", "large-community", "4200000000:7:8");
                gobgp(az1, "global", "rib", "add", "10.20.0.0/16", "origin", "egp");

                JsonNode active = vroute.route("10.0.1.203", "172.16.1.1/32", 10_000);
                assertEquals("ipv4", active.path("afi").asText());
                assertEquals("10.0.1.203", active.path("next_hop").asText());
                assertEquals(List.of(65001L), ListenProcess.longs(active.path("as_path")));
                assertEquals("igp", active.path("origin").asText());
                assertEquals(0, active.path("med").asLong());
                assertEquals(List.of("65001:100"), ListenProcess.strings(active.path("communities")));
                assertEquals(List.of("65001:1:2"), ListenProcess.strings(active.path("large_communities")));

                JsonNode backup = vroute.route("10.0.2.204", "172.16.1.1/32", 10_000);
                assertEquals("10.0.2.204", backup.path("next_hop").asText());
                assertEquals(List.of(65001L, 65001L, 65001L), ListenProcess.longs(backup.path("as_path")), "the standby's path is longer");
                assertEquals(10, backup.path("med").asLong());
                assertEquals(List.of("65001:200"), ListenProcess.strings(backup.path("communities")));

                JsonNode v6 = vroute.route("10.0.1.203", "2001:db8:100::/48", 10_000);
                assertEquals("ipv6", v6.path("afi").asText());
                assertEquals("fd00:1::203", v6.path("next_hop").asText());
                assertEquals(List.of("4200000000:7:8"), ListenProcess.strings(v6.path("large_communities")));
                assertEquals("egp", vroute.route("10.0.1.203", "10.20.0.0/16", 10_000).path("origin").asText());

                gobgp(az1, "global", "rib", "del", "10.20.0.0/16");
                vroute.await(e -> e.path("event").asText().equals("withdraw") && e.path("prefix").asText().equals("10.20.0.0/16"), 10_000);
                gobgp(az1, "global", "rib", "-a", "ipv6", "del", "2001:db8:100::/48");
                vroute.await(e -> e.path("event").asText().equals("withdraw") && e.path("prefix").asText().equals("2001:db8:100::/48")
                        && e.path("afi").asText().equals("ipv6"), 10_000);

                // Freeze the standby: no keepalives, so vroute's hold timer (9 s) expires.
                long frozenAt = System.nanoTime();
                lab.freeze(standby.pid());
                JsonNode down = vroute.await("10.0.2.204", "down", 15_000);
                long ms = (System.nanoTime() - frozenAt) / 1_000_000;
                System.out.println("GoBGP frozen: session down after " + ms + " ms (hold time 9 s)");
                assertTrue(down.path("reason").asText().toLowerCase().contains("hold timer expired"), down.toString());
                assertTrue(ms >= 6_000 && ms <= 11_000, "down " + ms + " ms after the freeze, hold time 9 s");
                vroute.await(e -> e.path("peer").asText().equals("10.0.2.204") && e.path("event").asText().equals("notification")
                        && e.path("direction").asText().equals("sent") && e.path("code").asInt() == 4, 2_000);
                lab.thaw(standby.pid());
                vroute.await(e -> e.path("peer").asText().equals("10.0.2.204") && e.path("event").asText().equals("established")
                        && vroute.count("10.0.2.204", "established") >= 2, 30_000);

                // An administrative shutdown with a message (RFC 9003) is decoded and shown.
                // GoBGP 3.10 puts the communication in its NOTIFICATION only with the deprecated "shutdown"
                // command; "disable --reason" sends Administrative Shutdown without it.
                gobgp(az1, "neighbor", "10.0.1.230", "shutdown", "--reason", "az1 maintenance: back at 14:00");
                JsonNode n = vroute.await("10.0.1.203", "notification", 10_000);
                assertEquals("received", n.path("direction").asText());
                assertEquals(6, n.path("code").asInt());
                assertEquals(2, n.path("subcode").asInt());
                assertEquals("az1 maintenance: back at 14:00", n.path("message").asText(), n.toString());
                assertTrue(vroute.await("10.0.1.203", "down", 5_000).path("reason").asText().contains("az1 maintenance"));

                assertEquals(0, vroute.stop(), "a clean stop exits 0");
            }
        }
    }
}
