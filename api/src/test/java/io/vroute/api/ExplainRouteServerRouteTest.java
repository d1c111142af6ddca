package io.vroute.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vroute.server.Server;
import io.vroute.server.ServerConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * vroute's {@code ExplainRouteServerRoute} extension is not in any AWS SDK: a client calls it as a plain EC2 Query
 * POST, signed with SigV4 like every other action (here with the SDK's own signer).
 */
class ExplainRouteServerRouteTest {
    @TempDir
    Path dir;
    private Server server;
    private Ec2Api api;
    private String[] keys;

    @BeforeEach
    void start() throws Exception {
        server = Server.start(ServerConfig.defaults(dir).withBgpPort(0));
        api = Ec2Api.start(server, new InetSocketAddress("127.0.0.1", 0), dir, true);
        keys = new String[] {api.credentials().accessKeyId(), api.credentials().secretAccessKey()};
    }

    @AfterEach
    void stop() {
        if (api != null) api.close();
        if (server != null) server.close();
    }

    /** A signed Query POST to the API under test. */
    private SignedQuery.Answer call(String secret, Map<String, String> parameters) throws Exception {
        return SignedQuery.call(api.address().getPort(), keys[0], secret, parameters);
    }

    private SignedQuery.Answer explain(String routeServerId, String prefix) throws Exception {
        return call(keys[1], Map.of("Action", "ExplainRouteServerRoute", "RouteServerId", routeServerId, "Prefix", prefix));
    }

    private String routeServer() throws Exception {
        SignedQuery.Answer created = call(keys[1], Map.of("Action", "CreateRouteServer", "AmazonSideAsn", "65000"));
        assertEquals(200, created.status());
        return created.text("routeServerId");
    }

    @Test
    void prefixWithoutRoutesHasAnEmptyCandidateSet() throws Exception {
        String rs = routeServer();

        SignedQuery.Answer answer = explain(rs, "172.16.1.1/32");

        assertEquals(200, answer.status());
        assertEquals("ExplainRouteServerRouteResponse", answer.xml().getDocumentElement().getTagName());
        assertNotNull(answer.text("requestId"));
        assertEquals("172.16.1.1/32", answer.text("prefix"));
        Element candidates = (Element) answer.xml().getElementsByTagName("candidateSet").item(0);
        assertNotNull(candidates, "the candidate list is there even when empty");
        assertEquals(0, candidates.getElementsByTagName("item").getLength());
        assertNotNull(answer.text("explanation"));
        assertFalse(answer.text("explanation").isBlank(), "the explanation says something about the empty prefix");
    }

    @Test
    void badPrefixIsInvalidParameterValue() throws Exception {
        String rs = routeServer();

        for (String prefix : List.of("172.16.1.300/32", "172.16.1.0/33", "not-a-prefix")) {
            SignedQuery.Answer answer = explain(rs, prefix);
            assertEquals(400, answer.status(), prefix);
            assertEquals("InvalidParameterValue", answer.text("Code"), prefix);
            assertTrue(answer.text("Message").contains(prefix), answer.text("Message"));
        }
    }

    @Test
    void unknownRouteServerMissingPrefixAndWrongSecretAreRefused() throws Exception {
        String rs = routeServer();

        SignedQuery.Answer unknown = explain("rs-0123456789abcdef0", "10.0.0.0/8");
        assertEquals("InvalidRouteServerId.NotFound", unknown.text("Code"));

        SignedQuery.Answer missing = call(keys[1], Map.of("Action", "ExplainRouteServerRoute", "RouteServerId", rs));
        assertEquals(400, missing.status());
        assertEquals("MissingParameter", missing.text("Code"));

        SignedQuery.Answer forged = call("notTheSecret0000000000000000000000000000",
                Map.of("Action", "ExplainRouteServerRoute", "RouteServerId", rs, "Prefix", "10.0.0.0/8"));
        assertEquals(403, forged.status());
        assertEquals("AuthFailure", forged.text("Code"));
    }
}
