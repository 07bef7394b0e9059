package org.taama.flow;

import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A message that reads the caller's own answers back to them: {@code {number}} in its text shows the
 * number typed on an input (spaced for reading: {@code +223 70 12 34 56}), {@code {sms}} the text
 * of the SMS they asked for (so a screen saying the SMS could not be sent still gives the number).
 * Options as on a message; typically "yes" acts, "no" goes back to the question.
 */
final class ReadbackKind implements NodeKind {
    @Override
    public String name() {
        return "readback";
    }

    @Override
    public void check(Node node, Consumer<String> problem) {
        if (node.end() && !node.options().isEmpty()) problem.accept("a readback that ends the session cannot offer options");
        NodeKind.noLanguageOptions(node, problem);
    }

    @Override
    public boolean cacheable() {
        return false;
    }

    @Override
    public View view(Node node, State state, UnaryOperator<String> text) {
        String number = state.vars().get(InputKind.NUMBER);
        String sms = state.vars().get(Engine.SMS_VAR);
        String body = text.apply(node.text())
                .replace("{number}", number == null ? "" : spaced(number))
                .replace("{sms}", sms == null || sms.isBlank() ? "" : text.apply(sms));
        return new View(body, NodeKind.labels(node, text), true, node.end());
    }

    /** "+22370123456" as "+223 70 12 34 56"; other countries as typed digits after the +. */
    static String spaced(String canonical) {
        String digits = canonical.startsWith("+") ? canonical.substring(1) : canonical;
        if (digits.length() == 11 && digits.startsWith("223")) {
            return "+223 " + digits.substring(3, 5) + " " + digits.substring(5, 7) + " " + digits.substring(7, 9)
                    + " " + digits.substring(9);
        }
        return "+" + digits;
    }
}
