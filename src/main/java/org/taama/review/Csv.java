package org.taama.review;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 CSV, as spreadsheets write it: fields separated by commas, a field holding a comma, a
 * quote or a line break in double quotes (a quote inside doubled), records ended by CRLF or LF. A
 * leading byte-order mark is dropped. Anything else is refused with the line where it went wrong,
 * never guessed at.
 */
public final class Csv {
    private Csv() {}

    /** A CSV file that cannot be read, with the line (1-based) where it stopped making sense. */
    public static final class Malformed extends Exception {
        public Malformed(int line, String message) {
            super("line " + line + ": " + message);
        }
    }

    /** One record and the line it starts on. */
    public record Row(int line, List<String> fields) {}

    public static List<Row> parse(String text) throws Malformed {
        String s = text.startsWith("\uFEFF") ? text.substring(1) : text;
        List<Row> rows = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int line = 1;
        int rowLine = 1;
        int i = 0;
        boolean quoted = false;
        boolean wasQuoted = false;
        boolean fieldStart = true;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < s.length() && s.charAt(i + 1) == '"') {
                        field.append('"');
                        i += 2;
                        continue;
                    }
                    quoted = false;
                    i++;
                    if (i < s.length() && s.charAt(i) != ',' && s.charAt(i) != '\r' && s.charAt(i) != '\n') {
                        throw new Malformed(line, "a quoted field goes on after its closing quote; double a quote inside a field (\"\")");
                    }
                    continue;
                }
                if (c == '\n') line++;
                field.append(c);
                i++;
                continue;
            }
            if (c == '"') {
                if (!fieldStart) throw new Malformed(line, "a quote in the middle of a field that is not quoted");
                quoted = true;
                wasQuoted = true;
                fieldStart = false;
                i++;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
                fieldStart = true;
                wasQuoted = false;
                i++;
            } else if (c == '\r' || c == '\n') {
                if (c == '\r' && (i + 1 >= s.length() || s.charAt(i + 1) != '\n')) {
                    throw new Malformed(line, "a carriage return without a line feed");
                }
                fields.add(field.toString());
                rows.add(new Row(rowLine, List.copyOf(fields)));
                fields.clear();
                field.setLength(0);
                fieldStart = true;
                wasQuoted = false;
                i += c == '\r' ? 2 : 1;
                line++;
                rowLine = line;
            } else {
                field.append(c);
                fieldStart = false;
                i++;
            }
        }
        if (quoted) throw new Malformed(rowLine, "a quoted field is never closed");
        if (!fieldStart || wasQuoted || !fields.isEmpty()) {
            fields.add(field.toString());
            rows.add(new Row(rowLine, List.copyOf(fields)));
        }
        return rows;
    }

    /** One record, ended by CRLF; fields quoted when they must be. */
    public static String line(List<String> fields) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) b.append(',');
            String f = fields.get(i) == null ? "" : fields.get(i);
            if (f.indexOf(',') >= 0 || f.indexOf('"') >= 0 || f.indexOf('\n') >= 0 || f.indexOf('\r') >= 0
                    || (!f.isEmpty() && (f.charAt(0) == ' ' || f.charAt(f.length() - 1) == ' '))) {
                b.append('"').append(f.replace("\"", "\"\"")).append('"');
            } else {
                b.append(f);
            }
        }
        return b.append("\r\n").toString();
    }
}
