package org.taama.lint;

/**
 * Something wrong in the content, said so a translator or content officer can find and fix it.
 * {@code node} and {@code lang} are null when the problem is not about one node or one language.
 */
public record Problem(Severity severity, String file, String node, String lang, String message) {
    public enum Severity { ERROR, WARNING }

    public static Problem error(String file, String node, String lang, String message) {
        return new Problem(Severity.ERROR, file, node, lang, message);
    }

    public static Problem warning(String file, String node, String lang, String message) {
        return new Problem(Severity.WARNING, file, node, lang, message);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(severity == Severity.ERROR ? "ERROR   " : "WARNING ");
        s.append(file == null ? "-" : file);
        if (node != null) s.append(", node '").append(node).append('\'');
        if (lang != null) s.append(", ").append(languageName(lang));
        return s.append(": ").append(message).toString();
    }

    private static String languageName(String lang) {
        return switch (lang) {
            case "fr" -> "French (fr)";
            case "bm" -> "Bambara (bm)";
            default -> lang;
        };
    }
}
