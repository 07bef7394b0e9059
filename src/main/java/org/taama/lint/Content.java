package org.taama.lint;

import org.taama.flow.FlowSet;
import org.taama.i18n.Locales;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The flows and texts of a deployment, loaded together, with every problem the loading found. */
public record Content(FlowSet flows, Locales locales, List<Problem> problems) {
    public static Content load(Path flowsDir, Path localesDir) {
        List<Problem> problems = new ArrayList<>();
        FlowSet flows = FlowSet.load(flowsDir, problems);
        List<String> localeProblems = new ArrayList<>();
        Locales locales = Locales.load(localesDir, localeProblems);
        localeProblems.forEach(p -> problems.add(Problem.error(null, null, null, p)));
        return new Content(flows, locales, problems);
    }
}
