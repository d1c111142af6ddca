package io.vroute.api;

import java.util.List;
import java.util.Map;

/**
 * Decides whether a request may reach an action. {@link SigV4Authenticator} checks AWS Signature Version 4, as
 * every AWS CLI and SDK signs; {@link #none()} lets everything through (for a lab on loopback only).
 */
@FunctionalInterface
public interface Authenticator {
    /** Returns normally when the request is authentic; otherwise throws the EC2 error to answer with. */
    void verify(Request request) throws Ec2Exception;

    /** Accepts every request, signed or not. */
    static Authenticator none() {
        return request -> {};
    }

    /**
     * A request as it arrived, before any decoding: what a signature covers.
     *
     * @param method   {@code POST} or {@code GET}
     * @param rawPath  the path as sent, still percent-encoded
     * @param rawQuery the query string as sent (without {@code ?}), or the empty string
     * @param headers  header values by lower-case name
     * @param body     the body bytes (empty for GET)
     */
    record Request(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body) {
        /** The header's values joined by commas, or null when absent. */
        public String header(String lowerCaseName) {
            List<String> values = headers.get(lowerCaseName);
            return values == null || values.isEmpty() ? null : String.join(",", values);
        }
    }
}
