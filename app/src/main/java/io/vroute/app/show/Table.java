package io.vroute.app.show;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An aligned plain-text table: a header line in capitals, then one line per row, columns two spaces apart, an empty
 * cell shown as "-". The last column is not padded, so long reasons do not leave trailing blanks.
 */
final class Table {
    private final List<String[]> lines = new ArrayList<>();
    private final int width;

    Table(String... headers) {
        this.width = headers.length;
        lines.add(headers.clone());
    }

    Table row(Object... cells) {
        if (cells.length != width) {
            throw new IllegalArgumentException(width + " cells expected, not " + cells.length);
        }
        String[] text = new String[width];
        for (int i = 0; i < width; i++) {
            text[i] = cells[i] == null || cells[i].toString().isEmpty() ? "-" : cells[i].toString();
        }
        lines.add(text);
        return this;
    }

    int rows() {
        return lines.size() - 1;
    }

    void print(PrintWriter out, String indent) {
        int[] widths = new int[width];
        for (String[] line : lines) {
            for (int i = 0; i < width; i++) widths[i] = Math.max(widths[i], line[i].length());
        }
        for (String[] line : lines) {
            StringBuilder sb = new StringBuilder(indent);
            for (int i = 0; i < width; i++) {
                sb.append(line[i]);
                if (i < width - 1) sb.repeat(' ', widths[i] - line[i].length() + 2);
            }
            out.println(sb.toString().stripTrailing());
        }
        out.flush();
    }

    void print(PrintWriter out) {
        print(out, "");
    }

    @Override
    public String toString() {
        return lines.stream().map(Arrays::toString).toList().toString();
    }
}
