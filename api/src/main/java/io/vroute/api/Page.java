package io.vroute.api;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One page of a Describe/Get result, cut by the request's {@code MaxResults} and {@code NextToken}.
 *
 * <pre>{@code
 * Page<Vpc> page = Page.of(Filters.apply(vpcs, r.filters(), FIELDS, Vpc::tags), r, 1000, 5, 1000);
 * w.list("vpcSet", page.items(), VpcXml::write).element("nextToken", page.nextToken());
 * }</pre>
 *
 * <p>A token is opaque to the client: the position of the next page, bound to the action and sealed with a key
 * this process made at start, so a token vroute did not issue (or issued before a restart, or for another
 * action) is refused rather than misread. The position is an offset into the full list: when items are created
 * or deleted between two pages, a page may repeat or skip one, as EC2 allows.
 *
 * @param items     the items of this page
 * @param nextToken the token for the next page, or null on the last page
 */
public record Page<T>(List<T> items, String nextToken) {
    private static final byte[] KEY = new byte[32];
    private static final int SEAL_BYTES = 12;

    static {
        new SecureRandom().nextBytes(KEY);
    }

    public Page {
        items = List.copyOf(items);
    }

    /**
     * The page the request asks for.
     *
     * @param defaultMax page size when the request has no MaxResults
     * @param min        smallest MaxResults the action accepts (EC2 sets it per action, often 5)
     * @param max        largest MaxResults the action accepts (often 1000)
     */
    public static <T> Page<T> of(List<T> all, QueryRequest request, int defaultMax, int min, int max) {
        Integer asked = request.intValue("MaxResults", min, max);
        int size = asked == null ? defaultMax : asked;
        String token = request.string("NextToken");
        int from = token == null || token.isEmpty() ? 0 : offset(token, request.action());
        if (from >= all.size()) {
            return new Page<>(List.of(), null);
        }
        int to = (int) Math.min((long) from + size, all.size());
        return new Page<>(all.subList(from, to), to < all.size() ? token(to, request.action()) : null);
    }

    /**
     * Where the requested page starts and how long it is, for sources that build only the page they are asked for
     * (a routing database of a million routes): fetch {@code size() + 1} items from {@code from()}, then
     * {@link #page} tells whether there is a next page.
     */
    public record Window(int from, int size, String action) {
        public <T> Page<T> page(List<T> fetched) {
            boolean more = fetched.size() > size;
            List<T> items = more ? fetched.subList(0, size) : fetched;
            return new Page<>(items, more ? token(from + size, action) : null);
        }
    }

    /** The window the request asks for (MaxResults and NextToken checked as in {@link #of}). */
    public static Window window(QueryRequest request, int defaultMax, int min, int max) {
        Integer asked = request.intValue("MaxResults", min, max);
        int size = asked == null ? defaultMax : asked;
        String token = request.string("NextToken");
        int from = token == null || token.isEmpty() ? 0 : offset(token, request.action());
        return new Window(from, size, request.action());
    }

    static String token(int offset, String action) {
        ByteBuffer b = ByteBuffer.allocate(4 + SEAL_BYTES);
        b.putInt(offset).put(seal(offset, action));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    static int offset(String token, String action) {
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            throw invalidToken();
        }
        if (raw.length != 4 + SEAL_BYTES) {
            throw invalidToken();
        }
        ByteBuffer b = ByteBuffer.wrap(raw);
        int offset = b.getInt();
        byte[] seal = Arrays.copyOfRange(raw, 4, raw.length);
        if (offset < 0 || !MessageDigest.isEqual(seal, seal(offset, action))) {
            throw invalidToken();
        }
        return offset;
    }

    private static byte[] seal(int offset, String action) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
            mac.update(ByteBuffer.allocate(4).putInt(offset).array());
            mac.update(String.valueOf(action).getBytes(StandardCharsets.UTF_8));
            return Arrays.copyOf(mac.doFinal(), SEAL_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no HmacSHA256", e);
        }
    }

    private static Ec2Exception invalidToken() {
        return new Ec2Exception("InvalidParameterValue", "Invalid NextToken: pass the nextToken of the previous "
                + "response unchanged (tokens do not survive a vroute restart), or leave NextToken out to start again.");
    }
}
