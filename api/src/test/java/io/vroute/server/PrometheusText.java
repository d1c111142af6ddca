package io.vroute.server;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A strict reader of the Prometheus text format 0.0.4, for tests: it refuses anything a Prometheus server would
 * refuse and, beyond that, what vroute never writes (blank lines, comments other than HELP/TYPE, timestamps, samples
 * without a TYPE). Checks HELP/TYPE consistency, contiguous families, unique series, and for histograms the
 * _bucket/_sum/_count set, increasing le ending in +Inf, cumulative counts and _count equal to the +Inf bucket.
 */
final class PrometheusText {
    record Series(String name, Map<String, String> labels, double value) {}

    final Map<String, String> types = new LinkedHashMap<>();
    final Map<String, String> helps = new HashMap<>();
    final List<Series> series = new ArrayList<>();

    static PrometheusText parse(String text) {
        PrometheusText p = new PrometheusText();
        p.read(text);
        p.checkHistograms();
        return p;
    }

    /** The value of the series with exactly these labels (pairs of name, value), or null when absent. */
    Double value(String name, String... labels) {
        Map<String, String> want = new TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) want.put(labels[i], labels[i + 1]);
        for (Series s : series) if (s.name().equals(name) && new TreeMap<>(s.labels()).equals(want)) return s.value();
        return null;
    }

    private void read(String text) {
        if (!text.isEmpty() && !text.endsWith("\n")) throw fail(0, "the last line has no line feed");
        String[] lines = text.split("\n", -1);
        Set<String> finished = new HashSet<>();
        Set<String> seen = new HashSet<>();
        Set<String> keys = new HashSet<>();
        String current = null;
        for (int i = 0; i < lines.length - 1; i++) {
            String line = lines[i];
            int n = i + 1;
            if (line.isEmpty()) throw fail(n, "blank line");
            if (line.startsWith("#")) {
                String[] parts = line.split(" ", 4);
                if (parts.length < 3 || !parts[0].equals("#")) throw fail(n, "a comment other than HELP or TYPE: " + line);
                String name = parts[2];
                checkMetricName(n, name);
                if (!name.equals(current)) {
                    if (current != null) finished.add(current);
                    if (finished.contains(name)) throw fail(n, "family " + name + " appears again after another family");
                    current = name;
                }
                switch (parts[1]) {
                    case "HELP" -> {
                        if (helps.put(name, parts.length == 4 ? unescapeHelp(n, parts[3]) : "") != null) throw fail(n, "second HELP for " + name);
                    }
                    case "TYPE" -> {
                        if (parts.length != 4 || !Set.of("counter", "gauge", "histogram", "summary", "untyped").contains(parts[3])) {
                            throw fail(n, "bad TYPE line: " + line);
                        }
                        if (types.put(name, parts[3]) != null) throw fail(n, "second TYPE for " + name);
                        if (seen.stream().anyMatch(s -> familyOf(s, parts[3]).equals(name))) throw fail(n, "TYPE after samples of " + name);
                    }
                    default -> throw fail(n, "a comment other than HELP or TYPE: " + line);
                }
                continue;
            }
            Series s = sample(n, line);
            String family = null;
            for (Map.Entry<String, String> t : types.entrySet()) {
                if (familyOf(s.name(), t.getValue()).equals(t.getKey())) family = t.getKey();
            }
            if (family == null) throw fail(n, s.name() + " has no TYPE line");
            if (!family.equals(current)) throw fail(n, s.name() + " is outside its family's block (" + family + ")");
            if (!helps.containsKey(family)) throw fail(n, family + " has no HELP line");
            if (types.get(family).equals("counter") && !(s.value() >= 0)) throw fail(n, "counter below zero: " + line);
            String key = s.name() + new TreeMap<>(s.labels());
            seen.add(s.name());
            if (!keys.add(key)) throw fail(n, "duplicate series " + key);
            series.add(s);
        }
    }

    /** The family a sample name belongs to under a type: a histogram's _bucket/_sum/_count, else the name itself. */
    private static String familyOf(String sample, String type) {
        if (type.equals("histogram")) {
            for (String suffix : List.of("_bucket", "_sum", "_count")) {
                if (sample.endsWith(suffix)) return sample.substring(0, sample.length() - suffix.length());
            }
            return "\u0000";
        }
        return sample;
    }

    private Series sample(int n, String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') i++;
        String name = line.substring(0, i);
        checkMetricName(n, name);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (true) {
                int eq = line.indexOf('=', i);
                if (eq < 0) throw fail(n, "label without '=': " + line);
                String label = line.substring(i, eq);
                if (!label.matches("[a-zA-Z_][a-zA-Z0-9_]*") || label.startsWith("__")) throw fail(n, "bad label name " + label);
                if (eq + 1 >= line.length() || line.charAt(eq + 1) != '"') throw fail(n, "label value not quoted: " + line);
                StringBuilder v = new StringBuilder();
                int j = eq + 2;
                for (; ; j++) {
                    if (j >= line.length()) throw fail(n, "unterminated label value: " + line);
                    char c = line.charAt(j);
                    if (c == '"') break;
                    if (c == '\\') {
                        if (++j >= line.length()) throw fail(n, "dangling backslash: " + line);
                        char e = line.charAt(j);
                        v.append(switch (e) {
                            case '\\' -> '\\';
                            case '"' -> '"';
                            case 'n' -> '\n';
                            default -> throw fail(n, "bad escape \\" + e + " in " + line);
                        });
                    } else {
                        v.append(c);
                    }
                }
                if (labels.put(label, v.toString()) != null) throw fail(n, "label " + label + " twice");
                i = j + 1;
                if (i < line.length() && line.charAt(i) == ',') { i++; continue; }
                if (i < line.length() && line.charAt(i) == '}') { i++; break; }
                throw fail(n, "expected , or } after a label: " + line);
            }
        }
        if (i >= line.length() || line.charAt(i) != ' ') throw fail(n, "expected one space before the value: " + line);
        String rest = line.substring(i + 1);
        if (rest.contains(" ")) throw fail(n, "a timestamp or extra field: " + line);
        return new Series(name, labels, number(n, rest));
    }

    private static double number(int n, String s) {
        switch (s) {
            case "NaN": return Double.NaN;
            case "+Inf": return Double.POSITIVE_INFINITY;
            case "-Inf": return Double.NEGATIVE_INFINITY;
            default:
        }
        if (!s.matches("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?")) throw fail(n, "not a number: " + s);
        return Double.parseDouble(s);
    }

    private static String unescapeHelp(int n, String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') { out.append(c); continue; }
            if (++i >= s.length()) throw fail(n, "dangling backslash in HELP");
            char e = s.charAt(i);
            if (e == '\\') out.append('\\');
            else if (e == 'n') out.append('\n');
            else throw fail(n, "bad escape \\" + e + " in HELP");
        }
        return out.toString();
    }

    private static void checkMetricName(int n, String name) {
        if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) throw fail(n, "bad metric name '" + name + "'");
    }

    private void checkHistograms() {
        for (Map.Entry<String, String> t : types.entrySet()) {
            if (!t.getValue().equals("histogram")) continue;
            String h = t.getKey();
            Map<Map<String, String>, List<double[]>> buckets = new LinkedHashMap<>();
            Map<Map<String, String>, Double> sums = new HashMap<>(), counts = new HashMap<>();
            for (Series s : series) {
                if (s.name().equals(h + "_bucket")) {
                    Map<String, String> rest = new TreeMap<>(s.labels());
                    String le = rest.remove("le");
                    if (le == null) throw new AssertionError(h + "_bucket without le: " + s);
                    buckets.computeIfAbsent(rest, k -> new ArrayList<>()).add(new double[] {number(0, le), s.value()});
                } else if (s.name().equals(h + "_sum")) {
                    sums.put(new TreeMap<>(s.labels()), s.value());
                } else if (s.name().equals(h + "_count")) {
                    counts.put(new TreeMap<>(s.labels()), s.value());
                }
            }
            if (!buckets.keySet().equals(counts.keySet()) || !buckets.keySet().equals(sums.keySet())) {
                throw new AssertionError(h + ": label sets of _bucket " + buckets.keySet() + ", _sum " + sums.keySet()
                        + " and _count " + counts.keySet() + " differ");
            }
            buckets.forEach((labels, list) -> {
                for (int i = 1; i < list.size(); i++) {
                    if (!(list.get(i)[0] > list.get(i - 1)[0])) throw new AssertionError(h + labels + ": le not increasing");
                    if (list.get(i)[1] < list.get(i - 1)[1]) throw new AssertionError(h + labels + ": buckets not cumulative");
                }
                double[] last = list.get(list.size() - 1);
                if (last[0] != Double.POSITIVE_INFINITY) throw new AssertionError(h + labels + ": no +Inf bucket");
                if (last[1] != counts.get(labels)) throw new AssertionError(h + labels + ": _count is not the +Inf bucket");
            });
        }
    }

    private static AssertionError fail(int line, String why) {
        return new AssertionError("exposition line " + line + ": " + why);
    }
}
