package io.vroute.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vroute.server.Server;
import io.vroute.server.ServerConfig;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * vroute's {@code ExplainRouteServerRoute} extension is not in any AWS SDK: a client calls it as a plain EC2 Query
 * POST, signed with SigV4 like every other action (here with the SDK's own signer).
 */
class ExplainRouteServerRouteTest {
    private static final Set<String> UNSIGNABLE = Set.of("host", "content-length");

    @TempDir
    Path dir;
    private Server server;
    private Ec2Api api;
    private String[] keys;
    private final HttpClient http = HttpClient.newHttpClient();

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

    record Answer(int status, Document xml) {
        String text(String element) {
            Node n = xml.getElementsByTagName(element).item(0);
            return n == null ? null : n.getTextContent();
        }
    }

    /** A form-encoded EC2 Query POST of {@code parameters}, signed for service ec2 in us-east-1. */
    private Answer call(String secret, Map<String, String> parameters) throws Exception {
        StringJoiner form = new StringJoiner("&");
        form.add("Version=2016-11-15");
        parameters.forEach((k, v) -> form.add(PercentEncoding.encodeStrict(k, false) + "=" + PercentEncoding.encodeStrict(v, false)));
        String body = form.toString();
        SdkHttpRequest unsigned = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(URI.create("http://127.0.0.1:" + api.address().getPort() + "/"))
                .putHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .build();
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsCredentialsIdentity.create(keys[0], secret))
                .request(unsigned)
                .payload(ContentStreamProvider.fromUtf8String(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "ec2")
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1"));

        HttpRequest.Builder request = HttpRequest.newBuilder(signed.request().getUri())
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        // The HTTP client sets Host and Content-Length itself, to the values the signer saw.
        signed.request().forEachHeader((name, values) -> {
            if (!UNSIGNABLE.contains(name.toLowerCase())) values.forEach(v -> request.header(name, v));
        });
        HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(response.body()));
        return new Answer(response.statusCode(), xml);
    }

    private Answer explain(String routeServerId, String prefix) throws Exception {
        return call(keys[1], Map.of("Action", "ExplainRouteServerRoute", "RouteServerId", routeServerId, "Prefix", prefix));
    }

    private String routeServer() throws Exception {
        Answer created = call(keys[1], Map.of("Action", "CreateRouteServer", "AmazonSideAsn", "65000"));
        assertEquals(200, created.status());
        return created.text("routeServerId");
    }

    @Test
    void prefixWithoutRoutesHasAnEmptyCandidateSet() throws Exception {
        String rs = routeServer();

        Answer answer = explain(rs, "172.16.1.1/32");

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
            Answer answer = explain(rs, prefix);
            assertEquals(400, answer.status(), prefix);
            assertEquals("InvalidParameterValue", answer.text("Code"), prefix);
            assertTrue(answer.text("Message").contains(prefix), answer.text("Message"));
        }
    }

    @Test
    void unknownRouteServerMissingPrefixAndWrongSecretAreRefused() throws Exception {
        String rs = routeServer();

        Answer unknown = explain("rs-0123456789abcdef0", "10.0.0.0/8");
        assertEquals("InvalidRouteServerId.NotFound", unknown.text("Code"));

        Answer missing = call(keys[1], Map.of("Action", "ExplainRouteServerRoute", "RouteServerId", rs));
        assertEquals(400, missing.status());
        assertEquals("MissingParameter", missing.text("Code"));

        Answer forged = call("notTheSecret0000000000000000000000000000",
                Map.of("Action", "ExplainRouteServerRoute", "RouteServerId", rs, "Prefix", "10.0.0.0/8"));
        assertEquals(403, forged.status());
        assertEquals("AuthFailure", forged.text("Code"));
    }
}
