package io.vroute.api;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * A small EC2 Query client for vroute's own commands (the lab, the CLI views): form-encoded POSTs signed with SigV4
 * (service ec2), answers as DOM documents, EC2 errors as {@link Failure}. It speaks vroute's extension actions too,
 * which no AWS SDK knows.
 */
public final class QueryClient {
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final URI endpoint;
    private final String accessKeyId;
    private final String secret;
    private final String region;
    private final Clock clock = Clock.systemUTC();

    /** An error answer from the API: EC2's Code and Message, and the HTTP status. */
    public static final class Failure extends RuntimeException {
        private final String code;
        private final int status;

        Failure(int status, String code, String message) {
            super(code + ": " + message);
            this.code = code;
            this.status = status;
        }

        public String code() { return code; }
        public int status() { return status; }
    }

    public QueryClient(URI endpoint, String accessKeyId, String secret, String region) {
        this.endpoint = endpoint;
        this.accessKeyId = accessKeyId;
        this.secret = secret;
        this.region = region;
    }

    /** A client with the keys the daemon wrote to {@code <dataDir>/credentials} (profile vroute). */
    public static QueryClient forDataDir(URI endpoint, Path dataDir) throws IOException {
        if (!Files.exists(dataDir.resolve("credentials"))) {
            throw new IOException("no credentials in " + dataDir + ": start the daemon with --data-dir " + dataDir
                    + " first (it writes them), or point --data-dir at the daemon's directory");
        }
        Credentials c = Credentials.loadOrCreate(dataDir);
        return new QueryClient(endpoint, c.accessKeyId(), c.secretAccessKey(), "us-east-1");
    }

    public URI endpoint() { return endpoint; }

    /** Calls {@code action} with {@code parameters} (Query names: "BgpOptions.PeerAsn", "Filter.1.Name", ...). */
    public Document call(String action, Map<String, String> parameters) throws IOException {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("Action", action);
        all.put("Version", "2016-11-15");
        all.putAll(parameters);
        StringJoiner form = new StringJoiner("&");
        all.forEach((k, v) -> form.add(PercentEncoding.encodeStrict(k, false) + "=" + PercentEncoding.encodeStrict(v, false)));
        byte[] body = form.toString().getBytes(StandardCharsets.UTF_8);

        String amzDate = AMZ_DATE.format(clock.instant());
        String date = amzDate.substring(0, 8);
        String host = endpoint.getPort() < 0 ? endpoint.getHost() : endpoint.getHost() + ":" + endpoint.getPort();
        String contentType = "application/x-www-form-urlencoded; charset=utf-8";
        String bodyHash = SigV4Authenticator.sha256Hex(body);
        // AWS SigV4: canonical request, string to sign, signature (headers content-type, host, x-amz-date)
        TreeMap<String, String> headers = new TreeMap<>(Map.of("content-type", contentType, "host", host, "x-amz-date", amzDate));
        StringBuilder canonicalHeaders = new StringBuilder();
        headers.forEach((k, v) -> canonicalHeaders.append(k).append(':').append(v.trim()).append('\n'));
        String signedHeaders = String.join(";", headers.keySet());
        String path = endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty() ? "/" : endpoint.getRawPath();
        String canonical = "POST\n" + path + "\n\n" + canonicalHeaders + "\n" + signedHeaders + "\n" + bodyHash;
        String scope = date + "/" + region + "/ec2/aws4_request";
        String toSign = SigV4Authenticator.ALGORITHM + "\n" + amzDate + "\n" + scope + "\n"
                + SigV4Authenticator.sha256Hex(canonical.getBytes(StandardCharsets.UTF_8));
        String signature = HexFormat.of().formatHex(SigV4Authenticator.hmac(
                SigV4Authenticator.deriveKey(secret, date, region, "ec2"), toSign));
        String authorization = SigV4Authenticator.ALGORITHM + " Credential=" + accessKeyId + "/" + scope
                + ", SignedHeaders=" + signedHeaders + ", Signature=" + signature;

        // Synchronous, on the calling thread: the socket is made there, so a caller that entered a network namespace
        // (tests, the lab) reaches that namespace's API.
        HttpURLConnection c = (HttpURLConnection) endpoint.resolve(path).toURL().openConnection();
        int status;
        byte[] answer;
        try {
            c.setConnectTimeout(5_000);
            c.setReadTimeout(60_000);
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            c.setFixedLengthStreamingMode(body.length);
            c.setRequestProperty("Content-Type", contentType);
            c.setRequestProperty("X-Amz-Date", amzDate);
            c.setRequestProperty("Authorization", authorization);
            try (OutputStream out = c.getOutputStream()) {
                out.write(body);
            }
            status = c.getResponseCode();
            try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
                answer = in == null ? new byte[0] : in.readAllBytes();
            }
        } catch (ConnectException e) {
            throw new IOException("cannot reach the vroute API at " + endpoint + ": is `vroute serve` running there?"
                    + " (start it, or give --endpoint)", e);
        } finally {
            c.disconnect();
        }
        Document xml;
        try {
            xml = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(answer));
        } catch (Exception e) {
            throw new IOException("the API at " + endpoint + " answered HTTP " + status
                    + " with something that is not XML: is it vroute?", e);
        }
        if (status / 100 != 2) {
            throw new Failure(status, text(xml.getDocumentElement(), "Code"), text(xml.getDocumentElement(), "Message"));
        }
        return xml;
    }

    /** The text of the first element named {@code name} under {@code parent}, or null. */
    public static String text(Node parent, String name) {
        NodeList l = parent instanceof Document d ? d.getElementsByTagName(name) : ((Element) parent).getElementsByTagName(name);
        return l.getLength() == 0 ? null : l.item(0).getTextContent();
    }
}
