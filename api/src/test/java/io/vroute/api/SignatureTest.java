package io.vroute.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Requests signed by the AWS SDK's own SigV4 signer and sent as raw HTTP, so that a test can change what was
 * signed, sign at another time or for another service, or presign a URL.
 */
class SignatureTest {
    private static final String FORM = "Action=DescribeVpcs&Version=2016-11-15&Filter.1.Name=tag%3AName&Filter.1.Value.1=web+1";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private ApiUnderTest api;

    @BeforeEach
    void start() {
        Action describe = (r, w) -> w.list("vpcSet", r.filters(), (x, f) -> x.element("vpcId", f.values().getFirst()));
        api = new ApiUnderTest(Map.of("DescribeVpcs", describe));
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void requestSignedForAnyRegionIsServed() throws Exception {
        HttpResponse<String> response = post(sign(FORM, "eu-central-1", "ec2", Clock.systemUTC()), FORM);

        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().contains("<vpcId>web 1</vpcId>"), response.body());
    }

    @Test
    void bodyChangedAfterSigningIsAuthFailure() throws Exception {
        SdkHttpRequest signed = sign(FORM, "us-east-1", "ec2", Clock.systemUTC());

        HttpResponse<String> response = post(signed, FORM.replace("web+1", "web+2"));

        assertEquals(403, response.statusCode());
        assertTrue(response.body().contains("<Code>AuthFailure</Code>"), response.body());
    }

    @Test
    void requestSignedTwentyMinutesAgoIsRequestExpired() throws Exception {
        Clock twentyMinutesAgo = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-20));

        HttpResponse<String> response = post(sign(FORM, "us-east-1", "ec2", twentyMinutesAgo), FORM);

        assertEquals(400, response.statusCode());
        assertTrue(response.body().contains("<Code>RequestExpired</Code>"), response.body());
    }

    @Test
    void requestSignedTenMinutesAgoIsStillServed() throws Exception {
        Clock tenMinutesAgo = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-10));

        assertEquals(200, post(sign(FORM, "us-east-1", "ec2", tenMinutesAgo), FORM).statusCode());
    }

    @Test
    void signatureForAnotherServiceIsAuthFailure() throws Exception {
        HttpResponse<String> response = post(sign(FORM, "us-east-1", "s3", Clock.systemUTC()), FORM);

        assertEquals(403, response.statusCode());
        assertTrue(response.body().contains("<Code>AuthFailure</Code>"), response.body());
        assertTrue(response.body().contains("sign for service ec2"), response.body());
    }

    @Test
    void presignedUrlIsServed() throws Exception {
        SdkHttpRequest presigned = presign(Clock.systemUTC(), Duration.ofMinutes(5));

        HttpResponse<String> response = get(presigned);

        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().contains("<vpcId>web 1</vpcId>"), response.body());
    }

    @Test
    void presignedUrlPastItsExpiryIsRequestExpired() throws Exception {
        SdkHttpRequest presigned = presign(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-10)), Duration.ofMinutes(5));

        HttpResponse<String> response = get(presigned);

        assertEquals(400, response.statusCode());
        assertTrue(response.body().contains("<Code>RequestExpired</Code>"), response.body());
    }

    @Test
    void errorBodyIsExactlyEc2s() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(api.server.endpoint() + "/"))
                .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(FORM)).build(), HttpResponse.BodyHandlers.ofString());

        String requestId = response.headers().firstValue("x-amzn-RequestId").orElseThrow();
        assertEquals("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error>"
                + "<Code>MissingAuthenticationToken</Code><Message>The request is not signed. Sign it with AWS Signature "
                + "Version 4 using the key pair in vroute&apos;s credentials file (AWS_SHARED_CREDENTIALS_FILE="
                + "&lt;data-dir&gt;/credentials AWS_PROFILE=vroute), or start vroute with --auth none on a trusted host."
                + "</Message></Error></Errors><RequestID>" + requestId + "</RequestID></Response>", response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("text/xml"));
    }

    private SdkHttpRequest sign(String form, String region, String service, Clock clock) {
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(URI.create(api.server.endpoint() + "/"))
                .putHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .build();
        return AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsCredentialsIdentity.create(ApiUnderTest.KEY_ID, ApiUnderTest.SECRET))
                .request(request)
                .payload(ContentStreamProvider.fromUtf8String(form))
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(HttpSigner.SIGNING_CLOCK, clock)).request();
    }

    private SdkHttpRequest presign(Clock clock, Duration expiry) {
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.GET)
                .uri(URI.create(api.server.endpoint() + "/"))
                .putRawQueryParameter("Action", "DescribeVpcs")
                .putRawQueryParameter("Version", "2016-11-15")
                .putRawQueryParameter("Filter.1.Name", "tag:Name")
                .putRawQueryParameter("Filter.1.Value.1", "web 1")
                .build();
        return AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsCredentialsIdentity.create(ApiUnderTest.KEY_ID, ApiUnderTest.SECRET))
                .request(request)
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "ec2")
                .putProperty(AwsV4FamilyHttpSigner.AUTH_LOCATION, AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
                .putProperty(AwsV4FamilyHttpSigner.EXPIRATION_DURATION, expiry)
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(clock.instant(), ZoneOffset.UTC))).request();
    }

    /** Java's HTTP client sets Host and Content-Length itself; everything else is copied from the signed request. */
    private static final Set<String> SET_BY_CLIENT = Set.of("host", "content-length");

    private static HttpResponse<String> post(SdkHttpRequest signed, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(signed.getUri())
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        copyHeaders(signed, b);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(SdkHttpRequest signed) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(signed.getUri()).GET();
        copyHeaders(signed, b);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void copyHeaders(SdkHttpRequest signed, HttpRequest.Builder b) {
        for (Map.Entry<String, List<String>> h : signed.headers().entrySet()) {
            if (!SET_BY_CLIENT.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                h.getValue().forEach(v -> b.header(h.getKey(), v));
            }
        }
    }
}
