package io.vroute.app.show;

import io.vroute.api.QueryClient;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** Reading the API's XML answers: direct children, item lists, every page of a paged action; and times as people read them. */
final class Answers {
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxxx");

    private Answers() {}

    /** The first direct child of {@code parent} named {@code name}, or null. */
    static Element child(Element parent, String name) {
        if (parent == null) return null;
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && name.equals(e.getTagName())) return e;
        }
        return null;
    }

    /** The text of a direct child, or of a path of children ("bgpStatus/status"), or null. */
    static String text(Element parent, String path) {
        Element e = parent;
        for (String name : path.split("/")) e = child(e, name);
        return e == null ? null : e.getTextContent();
    }

    /** The {@code <item>}s of the direct child list {@code setName} (none when the list is absent). */
    static List<Element> items(Element parent, String setName) {
        List<Element> out = new ArrayList<>();
        Element set = child(parent, setName);
        if (set == null) return out;
        for (Node n = set.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && "item".equals(e.getTagName())) out.add(e);
        }
        return out;
    }

    /** The texts of the items of a list of plain values, e.g. {@code asPathSet}. */
    static List<String> values(Element parent, String setName) {
        return items(parent, setName).stream().map(Node::getTextContent).toList();
    }

    /** Every item of {@code setName} over all pages of {@code action} (following nextToken). */
    static List<Element> allPages(QueryClient client, String action, Map<String, String> parameters, String setName)
            throws IOException {
        List<Element> out = new ArrayList<>();
        String token = null;
        do {
            Map<String, String> p = new LinkedHashMap<>(parameters);
            if (token != null) p.put("NextToken", token);
            Document d = client.call(action, p);
            out.addAll(items(d.getDocumentElement(), setName));
            token = text(d.getDocumentElement(), "nextToken");
        } while (token != null && !token.isEmpty());
        return out;
    }

    static Element call(QueryClient client, String action, Map<String, String> parameters) throws IOException {
        return client.call(action, parameters).getDocumentElement();
    }

    /** An API time (ISO-8601 instant) in the local zone, e.g. 2026-11-29T12:02:03.120+01:00; null stays null. */
    static String localTime(String instant) {
        if (instant == null) return null;
        try {
            return LOCAL.format(Instant.parse(instant).atZone(ZoneId.systemDefault()));
        } catch (DateTimeParseException e) {
            return instant;
        }
    }

    /** How long since {@code instant}, as gobgp shows up/down time: 00:02:13, or 3d04h05m beyond a day. */
    static String since(Instant instant, Instant now) {
        if (instant == null) return null;
        long s = Math.max(0, Duration.between(instant, now).toSeconds());
        if (s >= 86_400) return String.format("%dd%02dh%02dm", s / 86_400, s % 86_400 / 3600, s % 3600 / 60);
        return String.format("%02d:%02d:%02d", s / 3600, s % 3600 / 60, s % 60);
    }

    /** Query parameters from name/value pairs. */
    static Map<String, String> params(String... nameValue) {
        Map<String, String> p = new LinkedHashMap<>();
        for (int i = 0; i + 1 < nameValue.length; i += 2) p.put(nameValue[i], nameValue[i + 1]);
        return p;
    }

    /** A JSON object from name/value pairs, keeping their order. */
    static Map<String, Object> object(Object... nameValue) {
        Map<String, Object> o = new LinkedHashMap<>();
        for (int i = 0; i + 1 < nameValue.length; i += 2) o.put((String) nameValue[i], nameValue[i + 1]);
        return o;
    }

    static Long number(String text) {
        if (text == null || text.isEmpty()) return null;
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
