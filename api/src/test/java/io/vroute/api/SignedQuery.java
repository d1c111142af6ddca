package io.vroute.api;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Node;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * vroute's extension actions are in no AWS SDK: a client sends them as plain EC2 Query POSTs, signed with SigV4 like
 * every other action (here with the SDK's own signer).
 */
final class SignedQuery {
    private static final Set<String> UNSIGNABLE = Set.of("host", "content-length");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    record Answer(int status, Document xml) {
        String text(String element) {
            Node n = xml.getElementsByTagName(element).item(0);
            return n == null ? null : n.getTextContent();
        }
    }

    private SignedQuery() {}

    /** A form-encoded EC2 Query POST of {@code parameters} to 127.0.0.1:port, signed for service ec2 in us-east-1. */
    static Answer call(int port, String accessKey, String secret, Map<String, String> parameters) throws Exception {
        StringJoiner form = new StringJoiner("&");
        form.add("Version=2016-11-15");
        parameters.forEach((k, v) -> form.add(PercentEncoding.encodeStrict(k, false) + "=" + PercentEncoding.encodeStrict(v, false)));
        String body = form.toString();
        SdkHttpRequest unsigned = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(URI.create("http://127.0.0.1:" + port + "/"))
                .putHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .build();
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsCredentialsIdentity.create(accessKey, secret))
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
        HttpResponse<byte[]> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(response.body()));
        return new Answer(response.statusCode(), xml);
    }
}
