package org.taama.lint;

import org.taama.directory.Directory;
import org.taama.directory.DirectoryFlow;
import org.taama.flow.FlowSet;
import org.taama.i18n.Locales;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The flows and texts of a deployment, loaded together, with every problem the loading found. When
 * {@code flows/directory/services.yaml} exists, the service directory is added as the generated flow
 * {@code directory} (see {@link DirectoryFlow}).
 */
public record Content(FlowSet flows, Locales locales, List<Problem> problems) {
    public static Content load(Path flowsDir, Path localesDir) {
        List<Problem> problems = new ArrayList<>();
        FlowSet flows = FlowSet.load(flowsDir, problems);
        List<String> localeProblems = new ArrayList<>();
        Locales locales = Locales.load(localesDir, localeProblems);
        localeProblems.forEach(p -> problems.add(Problem.error(null, null, null, p)));
        Path directoryFile = flowsDir.resolve(Directory.FILE);
        Path name = flowsDir.getFileName();
        String display = (name == null ? "flows" : name.toString()) + "/" + Directory.FILE;
        Directory directory = null;
        if (Files.isRegularFile(directoryFile)) {
            directory = Directory.load(directoryFile, display, problems);
        } else if (linksToDirectory(flows)) {
            // A menu leads to the directory but its file is gone: callers get "no service known" and the helplines.
            problems.add(Problem.warning(display, null, null, "the service directory file is missing: "
                    + "'Services près de vous' will list no service, only the national helplines"));
            directory = new Directory(List.of());
        }
        if (directory != null) {
            DirectoryFlow.Result withDirectory = DirectoryFlow.generate(directory, display, flows, locales, problems);
            flows = withDirectory.flows();
            locales = withDirectory.locales();
        }
        return new Content(flows, locales, problems);
    }

    /** The same content with the settings its texts quote filled in ({@link Locales#withValues}). */
    public Content withValues(Map<String, String> values) {
        return new Content(flows, locales.withValues(values), problems);
    }

    private static boolean linksToDirectory(FlowSet flows) {
        if (flows.starts().containsKey(DirectoryFlow.FLOW)) return false;
        return flows.nodes().values().stream()
                .anyMatch(n -> n.targets().stream().anyMatch(t -> t.startsWith(DirectoryFlow.FLOW + ".")));
    }
}
