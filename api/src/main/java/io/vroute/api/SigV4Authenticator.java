package io.vroute.api;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks AWS Signature Version 4 ({@code AWS4-HMAC-SHA256}), in the {@code Authorization} header as the AWS CLI
 * and SDKs send it, or in the query string of a presigned URL ({@code X-Amz-Signature}). Any region is accepted;
 * the service must be {@code ec2}. The request must be signed within 15 minutes of this server's clock.
 *
 * <p>The server recomputes the signature from the request as received: canonical request (method, path,
 * sorted query, the signed headers, SHA-256 of the body), string to sign, and the key derived from the secret
 * for the credential's date, region and service; then compares in constant time.
 */
public final class SigV4Authenticator implements Authenticator {
    static final String ALGORITHM = "AWS4-HMAC-SHA256";
    static final Duration ALLOWED_SKEW = Duration.ofMinutes(15);
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
    private static final int SIGNING_KEYS_KEPT = 1024;

    private final Map<String, String> secrets;
    private final String whereKeysLive;
    private final Clock clock;
    /** Derived keys by access key, date, region and service: one HMAC per request instead of five. */
    private final Map<String, byte[]> signingKeys = new ConcurrentHashMap<>();

    /** @param secretsByAccessKeyId secret access keys by access key id */
    public SigV4Authenticator(Map<String, String> secretsByAccessKeyId) {
        this(secretsByAccessKeyId, "<data-dir>/credentials (profile vroute)", Clock.systemUTC());
    }

    SigV4Authenticator(Map<String, String> secretsByAccessKeyId, String whereKeysLive, Clock clock) {
        this.secrets = Map.copyOf(secretsByAccessKeyId);
        this.whereKeysLive = whereKeysLive;
        this.clock = clock;
    }

    @Override
    public void verify(Request request) {
        Signature signature = signatureOf(request);
        String[] scope = signature.credential().split("/", -1);
        if (scope.length != 5 || !scope[4].equals("aws4_request")) {
            throw authFailure("The credential " + Ec2Exception.quote(signature.credential()) + " is not "
                    + "access-key/date/region/service/aws4_request; sign with AWS Signature Version 4.");
        }
        String accessKeyId = scope[0];
        String date = scope[1];
        String region = scope[2];
        String service = scope[3];
        if (!service.equals("ec2")) {
            throw authFailure("The credential is scoped to service " + Ec2Exception.quote(service)
                    + "; sign for service ec2, as the AWS CLI and SDKs do for EC2 calls.");
        }
        Instant signedAt = signedAt(signature.amzDate());
        if (!signature.amzDate().startsWith(date)) {
            throw authFailure("The credential date " + Ec2Exception.quote(date) + " is not the day of X-Amz-Date "
                    + Ec2Exception.quote(signature.amzDate()) + "; sign the request again.");
        }
        checkTime(signedAt, signature.expires());
        String secret = secrets.get(accessKeyId);
        if (secret == null) {
            throw authFailure("AWS was not able to validate the provided access credentials: the access key "
                    + Ec2Exception.quote(accessKeyId) + " is not known to this vroute. Use the key pair in "
                    + whereKeysLive + ".");
        }
        if (!signature.signedHeaders().contains("host")) {
            throw authFailure("The signature does not cover the Host header; sign it with AWS Signature Version 4, "
                    + "which always signs Host.");
        }
        String canonicalHeaders = canonicalHeaders(request, signature.signedHeaders());
        String canonicalQuery = canonicalQuery(request.rawQuery(), signature.presigned());
        String bodyHash = sha256Hex(request.body());
        List<String> payloadHashes = payloadHashes(request, bodyHash, signature.presigned());
        byte[] key = signingKey(accessKeyId, secret, date, region, service);
        byte[] given = signature.value().getBytes(StandardCharsets.US_ASCII);
        for (String payloadHash : payloadHashes) {
            // AWS SigV4, "Create a canonical request": six lines, the last without a newline.
            String canonicalRequest = request.method() + '\n'
                    + canonicalUri(request.rawPath()) + '\n'
                    + canonicalQuery + '\n'
                    + canonicalHeaders + '\n'
                    + String.join(";", signature.signedHeaders()) + '\n'
                    + payloadHash;
            String stringToSign = ALGORITHM + '\n'
                    + signature.amzDate() + '\n'
                    + date + '/' + region + '/' + service + "/aws4_request\n"
                    + sha256Hex(canonicalRequest.getBytes(StandardCharsets.UTF_8));
            byte[] expected = HexFormat.of().formatHex(hmac(key, stringToSign)).getBytes(StandardCharsets.US_ASCII);
            if (MessageDigest.isEqual(expected, given)) {
                return;
            }
        }
        throw authFailure("AWS was not able to validate the provided access credentials: the signature does not "
                + "match. Sign with the secret key that belongs to " + accessKeyId + " (in " + whereKeysLive
                + ") and send the request unchanged after signing.");
    }

    /** Where the request carries its signature, and what it says. */
    private record Signature(String credential, List<String> signedHeaders, String value, String amzDate,
            boolean presigned, Duration expires) {}

    private static Signature signatureOf(Request request) {
        String authorization = request.header("authorization");
        if (authorization != null) {
            return fromHeader(authorization, request);
        }
        Map<String, String> query = new LinkedHashMap<>();
        PercentEncoding.decodeForm(request.rawQuery(), query);
        if (query.containsKey("X-Amz-Signature")) {
            return fromQuery(query);
        }
        if (query.containsKey("Signature") || query.containsKey("AWSAccessKeyId")) {
            throw authFailure("vroute accepts only AWS Signature Version 4; use a current AWS CLI or SDK, which sign "
                    + "that way.");
        }
        throw new Ec2Exception("MissingAuthenticationToken", "The request is not signed. Sign it with AWS Signature "
                + "Version 4 using the key pair in vroute's credentials file (AWS_SHARED_CREDENTIALS_FILE="
                + "<data-dir>/credentials AWS_PROFILE=vroute), or start vroute with --auth none on a trusted host.");
    }

    /** {@code Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=a;b, Signature=hex}. */
    private static Signature fromHeader(String authorization, Request request) {
        if (!authorization.startsWith(ALGORITHM + " ")) {
            throw authFailure("vroute accepts only AWS Signature Version 4 (" + ALGORITHM + "); use a current AWS "
                    + "CLI or SDK, which sign that way.");
        }
        Map<String, String> parts = new LinkedHashMap<>();
        for (String part : authorization.substring(ALGORITHM.length() + 1).split(",")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                parts.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
            }
        }
        String credential = parts.get("Credential");
        String signedHeaders = parts.get("SignedHeaders");
        String value = parts.get("Signature");
        if (credential == null || signedHeaders == null || value == null) {
            throw authFailure("The Authorization header needs Credential, SignedHeaders and Signature; sign the "
                    + "request with AWS Signature Version 4.");
        }
        String amzDate = request.header("x-amz-date");
        if (amzDate == null) {
            throw authFailure("The request has no X-Amz-Date header; sign it with AWS Signature Version 4, which "
                    + "adds one.");
        }
        return new Signature(credential, List.of(signedHeaders.split(";")), value, amzDate, false, null);
    }

    /** A presigned URL: {@code X-Amz-Algorithm, -Credential, -Date, -Expires, -SignedHeaders, -Signature}. */
    private static Signature fromQuery(Map<String, String> query) {
        if (!ALGORITHM.equals(query.get("X-Amz-Algorithm"))) {
            throw authFailure("X-Amz-Algorithm must be " + ALGORITHM + "; presign with AWS Signature Version 4.");
        }
        String credential = query.get("X-Amz-Credential");
        String amzDate = query.get("X-Amz-Date");
        String signedHeaders = query.get("X-Amz-SignedHeaders");
        String expires = query.get("X-Amz-Expires");
        if (credential == null || amzDate == null || signedHeaders == null || expires == null) {
            throw authFailure("A presigned request needs X-Amz-Credential, X-Amz-Date, X-Amz-Expires and "
                    + "X-Amz-SignedHeaders; presign it with an AWS SDK.");
        }
        long seconds;
        try {
            seconds = Long.parseLong(expires);
        } catch (NumberFormatException e) {
            seconds = -1;
        }
        if (seconds < 1 || seconds > 604_800) {
            throw authFailure("X-Amz-Expires must be 1 to 604800 seconds; presign the request again.");
        }
        return new Signature(credential, List.of(signedHeaders.split(";")), query.get("X-Amz-Signature"), amzDate,
                true, Duration.ofSeconds(seconds));
    }

    private Instant signedAt(String amzDate) {
        try {
            return Instant.from(AMZ_DATE.parse(amzDate));
        } catch (DateTimeParseException e) {
            throw authFailure("X-Amz-Date " + Ec2Exception.quote(amzDate) + " is not yyyyMMddTHHmmssZ; sign the "
                    + "request with AWS Signature Version 4.");
        }
    }

    private void checkTime(Instant signedAt, Duration expires) {
        Instant now = clock.instant();
        if (expires != null) {
            if (now.isAfter(signedAt.plus(expires))) {
                throw new Ec2Exception("RequestExpired", "The presigned request expired at " + signedAt.plus(expires)
                        + " (it is now " + now + "); presign it again.");
            }
            if (signedAt.isAfter(now.plus(ALLOWED_SKEW))) {
                throw expired(signedAt, now);
            }
        } else if (Duration.between(signedAt, now).abs().compareTo(ALLOWED_SKEW) > 0) {
            throw expired(signedAt, now);
        }
    }

    private static Ec2Exception expired(Instant signedAt, Instant now) {
        return new Ec2Exception("RequestExpired", "The request was signed at " + signedAt + ", more than "
                + ALLOWED_SKEW.toMinutes() + " minutes from this server's time " + now
                + "; set the client's and the server's clocks right (NTP) and send it again.");
    }

    /** The signed headers, each {@code name:value} with values trimmed and inner runs of spaces cut to one. */
    private static String canonicalHeaders(Request request, List<String> signedHeaders) {
        StringBuilder out = new StringBuilder(256);
        for (String name : signedHeaders) {
            List<String> values = request.headers().get(name);
            if (values == null) {
                throw authFailure("The signed header " + Ec2Exception.quote(name) + " is not in the request; send "
                        + "every header that was signed.");
            }
            out.append(name).append(':');
            for (int i = 0; i < values.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(values.get(i).trim().replaceAll(" {2,}", " "));
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** Each name and value decoded, then encoded strictly, sorted by name and then value. */
    private static String canonicalQuery(String rawQuery, boolean presigned) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        List<String[]> pairs = new ArrayList<>();
        for (String part : rawQuery.split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            String name = PercentEncoding.decode(eq < 0 ? part : part.substring(0, eq));
            String value = eq < 0 ? "" : PercentEncoding.decode(part.substring(eq + 1));
            if (presigned && name.equals("X-Amz-Signature")) {
                continue;
            }
            pairs.add(new String[] {PercentEncoding.encodeStrict(name, false), PercentEncoding.encodeStrict(value, false)});
        }
        pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        StringBuilder out = new StringBuilder(rawQuery.length() + 16);
        for (String[] pair : pairs) {
            if (!out.isEmpty()) {
                out.append('&');
            }
            out.append(pair[0]).append('=').append(pair[1]);
        }
        return out.toString();
    }

    /** The raw path encoded once more (services other than S3 sign the path double-encoded); empty is "/". */
    private static String canonicalUri(String rawPath) {
        return rawPath == null || rawPath.isEmpty() ? "/" : PercentEncoding.encodeStrict(rawPath, true);
    }

    /**
     * The payload hashes the signature may have used. A client may declare the hash in x-amz-content-sha256; a
     * declared hash must be the body's. An unsigned payload is allowed only when there is no body to protect.
     */
    private static List<String> payloadHashes(Request request, String bodyHash, boolean presigned) {
        String declared = request.header("x-amz-content-sha256");
        boolean empty = request.body().length == 0;
        if (declared != null) {
            if (declared.equals(UNSIGNED_PAYLOAD) && empty) {
                return List.of(UNSIGNED_PAYLOAD);
            }
            if (!declared.equalsIgnoreCase(bodyHash)) {
                throw authFailure("x-amz-content-sha256 is not the SHA-256 of the body; sign the body as sent.");
            }
            return List.of(declared);
        }
        return presigned && empty ? List.of(bodyHash, UNSIGNED_PAYLOAD) : List.of(bodyHash);
    }

    /** AWS SigV4, "Derive a signing key": HMAC chain over date, region, service and "aws4_request". */
    private byte[] signingKey(String accessKeyId, String secret, String date, String region, String service) {
        String cacheKey = accessKeyId + '/' + date + '/' + region + '/' + service;
        byte[] key = signingKeys.get(cacheKey);
        if (key == null) {
            key = deriveKey(secret, date, region, service);
            if (signingKeys.size() >= SIGNING_KEYS_KEPT) {
                signingKeys.clear();
            }
            signingKeys.put(cacheKey, key);
        }
        return key;
    }

    /** AWS SigV4, "Derive a signing key" (uncached). */
    static byte[] deriveKey(String secret, String date, String region, String service) {
        byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(key, region);
        key = hmac(key, service);
        return hmac(key, "aws4_request");
    }

    static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no HmacSHA256", e);
        }
    }

    static String sha256Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }

    private static Ec2Exception authFailure(String message) {
        return new Ec2Exception("AuthFailure", message);
    }
}
