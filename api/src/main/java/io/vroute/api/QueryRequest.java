package io.vroute.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The decoded parameters of one EC2 Query call, with typed accessors that refuse bad input with EC2's error
 * codes and a message that says what to send instead.
 *
 * <p>The Query protocol flattens everything into names: a list member is {@code Name.1}, {@code Name.2}; a
 * structure member is {@code Parent.Child}; a list of structures is {@code Parent.1.Child}. {@link #struct} and
 * {@link #structList} give views of such a part, in which names are relative ({@code struct("BgpOptions")
 * .string("PeerAsn")} reads {@code BgpOptions.PeerAsn}) and error messages still name the full parameter.
 */
public final class QueryRequest {
    /** Parameters that carry authentication, bookkeeping or DryRun (never remembered) rather than the call itself. */
    private static final Set<String> BOOKKEEPING = Set.of("ClientToken", "Version", "AWSAccessKeyId", "Signature",
            "SignatureMethod", "SignatureVersion", "Timestamp", "Expires", "DryRun");

    private final NavigableMap<String, String> parameters;
    private final String prefix;

    private QueryRequest(NavigableMap<String, String> parameters, String prefix) {
        this.parameters = parameters;
        this.prefix = prefix;
    }

    /** A request with these (already decoded) parameters; handy for testing an action without HTTP. */
    public static QueryRequest of(Map<String, String> parameters) {
        return new QueryRequest(Collections.unmodifiableNavigableMap(new TreeMap<>(parameters)), "");
    }

    /** The {@code Action} parameter, whatever view this is. */
    public String action() {
        return parameters.get("Action");
    }

    /** The full parameter name of a member of this view, for messages: {@code BgpOptions.PeerAsn}. */
    public String name(String member) {
        return prefix + member;
    }

    /** The value as sent, or null when absent. */
    public String string(String name) {
        return parameters.get(prefix + name);
    }

    /** The value; absent or empty is {@code MissingParameter}. */
    public String required(String name) {
        String value = string(name);
        if (value == null || value.isEmpty()) {
            throw new Ec2Exception("MissingParameter", "The request must contain the parameter " + name(name));
        }
        return value;
    }

    /** A whole number from min to max inclusive, or null when absent. */
    public Long longValue(String name, long min, long max) {
        String value = string(name);
        return value == null ? null : parseLong(name, value, min, max);
    }

    /** A whole number from min to max inclusive that must be present. */
    public long requiredLong(String name, long min, long max) {
        return parseLong(name, required(name), min, max);
    }

    /** A whole number from min to max inclusive, or null when absent. */
    public Integer intValue(String name, int min, int max) {
        String value = string(name);
        return value == null ? null : (int) parseLong(name, value, min, max);
    }

    /** A whole number from min to max inclusive that must be present. */
    public int requiredInt(String name, int min, int max) {
        return (int) parseLong(name, required(name), min, max);
    }

    /** {@code true} or {@code false} (any case), or null when absent; anything else is refused. */
    public Boolean bool(String name) {
        return parseBool(name(name), string(name));
    }

    /** Like {@link #bool(String)}, with {@code whenAbsent} for a missing parameter. */
    public boolean bool(String name, boolean whenAbsent) {
        Boolean value = bool(name);
        return value == null ? whenAbsent : value;
    }

    /** One of the allowed values (case-sensitive, as EC2's enums are), or null when absent. */
    public String enumValue(String name, Set<String> allowed) {
        String value = string(name);
        if (value == null || allowed.contains(value)) {
            return value;
        }
        throw invalid(name(name), value, "Use one of: " + String.join(", ", new TreeSet<>(allowed)) + ".");
    }

    /** The values of {@code name.1}, {@code name.2}, ... in numeric order; numbers may have gaps. */
    public List<String> list(String name) {
        String head = prefix + name + ".";
        TreeMap<Long, String> byIndex = new TreeMap<>();
        for (Map.Entry<String, String> e : between(head).entrySet()) {
            String rest = e.getKey().substring(head.length());
            long index = index(rest);
            if (index >= 0) {
                byIndex.putIfAbsent(index, e.getValue());
            }
        }
        return List.copyOf(byIndex.values());
    }

    /** A view of the structure {@code prefix.*}. */
    public QueryRequest struct(String prefix) {
        return new QueryRequest(parameters, this.prefix + prefix + ".");
    }

    /** Views of {@code prefix.1.*}, {@code prefix.2.*}, ... in numeric order; numbers may have gaps. */
    public List<QueryRequest> structList(String prefix) {
        String head = this.prefix + prefix + ".";
        TreeMap<Long, String> byIndex = new TreeMap<>();
        for (String key : between(head).keySet()) {
            String rest = key.substring(head.length());
            int dot = rest.indexOf('.');
            if (dot > 0) {
                String number = rest.substring(0, dot);
                long index = index(number);
                if (index >= 0) {
                    byIndex.putIfAbsent(index, number);
                }
            }
        }
        List<QueryRequest> views = new ArrayList<>(byIndex.size());
        for (String number : byIndex.values()) {
            views.add(new QueryRequest(parameters, head + number + "."));
        }
        return views;
    }

    /** {@code Filter.N.Name} with its {@code Filter.N.Value.M}; see {@link Filters#apply}. */
    public List<Filter> filters() {
        List<Filter> filters = new ArrayList<>();
        for (QueryRequest f : structList("Filter")) {
            filters.add(new Filter(f.required("Name"), f.list("Value")));
        }
        return filters;
    }

    /** {@code TagSpecification.N.ResourceType} with its {@code TagSpecification.N.Tag.M.Key/Value}. */
    public List<TagSpecification> tagSpecifications() {
        List<TagSpecification> specs = new ArrayList<>();
        for (QueryRequest spec : structList("TagSpecification")) {
            specs.add(new TagSpecification(spec.string("ResourceType"), spec.tags("Tag")));
        }
        return specs;
    }

    /**
     * The tags the TagSpecifications ask to put on the new resource of a Create action, checked the way EC2
     * checks them: each specification must name {@code resourceType} (for example {@code route-server}), once.
     */
    public Map<String, String> creationTags(String resourceType) {
        Map<String, String> tags = new LinkedHashMap<>();
        boolean seen = false;
        for (QueryRequest spec : structList("TagSpecification")) {
            String type = spec.required("ResourceType");
            if (!type.equals(resourceType)) {
                throw invalid(spec.name("ResourceType"), type, "This action creates a " + resourceType
                        + "; use ResourceType " + resourceType + ".");
            }
            if (seen) {
                throw new Ec2Exception("InvalidParameterValue", "The resource type " + resourceType
                        + " appears in more than one TagSpecification; put all its tags in one.");
            }
            seen = true;
            tags.putAll(spec.tags("Tag"));
        }
        return tags;
    }

    /**
     * {@code prefix.N.Key} and {@code prefix.N.Value} as a map in request order; a missing value is the empty
     * string (an EC2 tag may have no value). Keys must be unique, at most 127 characters and not start with
     * {@code aws:}; values at most 256 characters.
     */
    public Map<String, String> tags(String prefix) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (QueryRequest tag : structList(prefix)) {
            String key = tag.required("Key");
            String value = tag.string("Value");
            if (value == null) {
                value = "";
            }
            if (key.codePointCount(0, key.length()) > 127) {
                throw invalid(tag.name("Key"), key, "Use a tag key of at most 127 characters.");
            }
            if (key.regionMatches(true, 0, "aws:", 0, 4)) {
                throw invalid(tag.name("Key"), key, "Keys starting with aws: are reserved; choose another key.");
            }
            if (value.codePointCount(0, value.length()) > 256) {
                throw invalid(tag.name("Value"), value, "Use a tag value of at most 256 characters.");
            }
            if (tags.putIfAbsent(key, value) != null) {
                throw invalid(tag.name("Key"), key, "This key is given twice; give each tag key once.");
            }
        }
        return tags;
    }

    /** The {@code DryRun} flag, false when absent. */
    public boolean dryRun() {
        return Boolean.TRUE.equals(parseBool("DryRun", parameters.get("DryRun")));
    }

    /**
     * Call once the request has been checked and before anything changes: with {@code DryRun=true} the call
     * stops here with {@code DryRunOperation}, which is how EC2 says "this would have worked".
     */
    public void checkDryRun() {
        if (dryRun()) {
            throw new Ec2Exception("DryRunOperation", "Request would have succeeded, but DryRun flag is set.");
        }
    }

    /** The {@code ClientToken} of an idempotent Create call, or null. {@link ApiServer} replays for it. */
    public String clientToken() {
        return parameters.get("ClientToken");
    }

    /** Every parameter of the whole request (not just this view), decoded, sorted by name. */
    Map<String, String> all() {
        return parameters;
    }

    /**
     * A digest of what the call asks for: every parameter except the client token and authentication, so a
     * retry with the same token can be told apart from a different call that reuses it.
     */
    String fingerprint() {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
        for (Map.Entry<String, String> e : parameters.entrySet()) {
            String key = e.getKey();
            if (BOOKKEEPING.contains(key) || key.startsWith("X-Amz-")) {
                continue;
            }
            sha.update(key.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(e.getValue().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private NavigableMap<String, String> between(String head) {
        // Every key that starts with head: head ends with '.', and '/' is the character after '.'.
        return parameters.subMap(head, true, head.substring(0, head.length() - 1) + "/", false);
    }

    /** The list index in {@code rest} when it is a plain decimal number, else -1. */
    private static long index(String rest) {
        if (rest.isEmpty() || rest.length() > 9) {
            return -1;
        }
        for (int i = 0; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
        }
        return Long.parseLong(rest);
    }

    private long parseLong(String name, String value, long min, long max) {
        String range = "Use a whole number from " + min + " to " + max + ".";
        long parsed;
        try {
            parsed = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw invalid(name(name), value, range);
        }
        if (parsed < min || parsed > max) {
            throw invalid(name(name), value, range);
        }
        return parsed;
    }

    private static Boolean parseBool(String fullName, String value) {
        if (value == null) {
            return null;
        }
        if (value.equalsIgnoreCase("true")) {
            return Boolean.TRUE;
        }
        if (value.equalsIgnoreCase("false")) {
            return Boolean.FALSE;
        }
        throw invalid(fullName, value, "Use true or false.");
    }

    private static Ec2Exception invalid(String fullName, String value, String whatToDo) {
        return new Ec2Exception("InvalidParameterValue",
                "Value " + Ec2Exception.quote(value) + " for parameter " + fullName + " is invalid. " + whatToDo);
    }
}
