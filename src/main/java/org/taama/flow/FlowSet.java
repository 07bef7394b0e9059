package org.taama.flow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.taama.lint.Problem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * All flows of a deployment, read from {@code flows/*.yaml}, with every node under its qualified id
 * ("flow.node"). Immutable once loaded.
 */
public final class FlowSet {
    public static final int SPEC_VERSION = 1;
    /** The main menu: "00" leads here. */
    public static final String HOME = "main.home";
    /** Where a caller whose language is not known yet starts. */
    public static final String LANGUAGE = "main.language";
    /** Offered on a re-dial while the previous session is still warm: continue, or start again. */
    public static final String RESUME = "main.resume";
    /** Where a caller types a training's quiz session code; digits dialled after the short code land here. */
    public static final String QUIZ_CODE = "quiz.code";
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");
    private static final int MAX_OPTIONS = 9;
    private static final java.util.Set<String> NODE_FIELDS = java.util.Set.of("kind", "text", "options", "end");

    private static String qualify(String flow, String target) {
        return target.contains(".") ? target : flow + "." + target;
    }

    private final Map<String, Node> nodes;
    private final Map<String, String> starts;

    public FlowSet(Map<String, Node> nodes, Map<String, String> starts) {
        this.nodes = Collections.unmodifiableMap(new LinkedHashMap<>(nodes));
        this.starts = Collections.unmodifiableMap(new LinkedHashMap<>(starts));
    }

    public Node node(String id) {
        return nodes.get(id);
    }

    public Map<String, Node> nodes() {
        return nodes;
    }

    /** Flow name → qualified id of its start node. */
    public Map<String, String> starts() {
        return starts;
    }

    /** The training quizzes: flow name → its questions' local ids (q1, q2 ...) as its score screen lists them. */
    public Map<String, List<String>> quizzes() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Node n : nodes.values()) {
            if (n.kind() instanceof QuizScoreKind) out.putIfAbsent(n.flow(), QuizScoreKind.questions(n));
        }
        return out;
    }

    public static FlowSet load(Path dir, List<Problem> problems) {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        Map<String, Node> nodes = new LinkedHashMap<>();
        Map<String, String> starts = new LinkedHashMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        } catch (IOException e) {
            problems.add(Problem.error(dir.toString(), null, null, "the flows folder cannot be read: " + e.getMessage()));
            return new FlowSet(nodes, starts);
        }
        for (Path file : files) {
            String name = dir.getFileName() + "/" + file.getFileName();
            try {
                readFlow(name, yaml.readTree(file.toFile()), nodes, starts, problems);
            } catch (IOException e) {
                String msg = e.getMessage() == null ? e.toString() : e.getMessage().split("\n")[0];
                problems.add(Problem.error(name, null, null, "not valid YAML: " + msg));
            }
        }
        return new FlowSet(nodes, starts);
    }

    private static void readFlow(String file, JsonNode root, Map<String, Node> nodes, Map<String, String> starts,
                                 List<Problem> problems) {
        if (root == null || !root.isObject()) {
            problems.add(Problem.error(file, null, null, "a flow file needs spec_version, flow, start and nodes"));
            return;
        }
        if (root.path("spec_version").asInt(-1) != SPEC_VERSION) {
            problems.add(Problem.error(file, null, null, "spec_version must be " + SPEC_VERSION));
        }
        String flow = root.path("flow").asText("");
        String expected = Path.of(file).getFileName().toString().replaceFirst("\\.ya?ml$", "");
        if (!NAME.matcher(flow).matches()) {
            problems.add(Problem.error(file, null, null, "flow: must be a lower-case name like '" + expected + "'"));
            return;
        }
        if (!flow.equals(expected)) {
            problems.add(Problem.error(file, null, null, "flow: is '" + flow + "' but the file is named '"
                    + expected + ".yaml'; make them the same"));
        }
        if (starts.containsKey(flow)) {
            problems.add(Problem.error(file, null, null, "another file already defines flow '" + flow + "'"));
            return;
        }
        JsonNode nodesNode = root.path("nodes");
        if (!nodesNode.isObject() || nodesNode.isEmpty()) {
            problems.add(Problem.error(file, null, null, "nodes: is missing or empty"));
            return;
        }
        String start = root.path("start").asText("");
        if (!nodesNode.has(start)) {
            problems.add(Problem.error(file, null, null, "start: '" + start + "' is not a node of this flow"));
        }
        starts.put(flow, flow + "." + start);
        for (Iterator<Map.Entry<String, JsonNode>> it = nodesNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            Node node = readNode(file, flow, f.getKey(), f.getValue(), problems);
            if (node == null) continue;
            for (Node n : node.kind().expand(node)) {
                if (nodes.containsKey(n.id()) || (!n.id().equals(node.id()) && nodesNode.has(n.id().substring(flow.length() + 1)))) {
                    problems.add(Problem.error(file, n.id().substring(flow.length() + 1), null,
                            "this node name is taken by a screen '" + f.getKey() + "' adds; rename it"));
                    continue;
                }
                nodes.put(n.id(), n);
            }
        }
    }

    private static Node readNode(String file, String flow, String id, JsonNode n, List<Problem> problems) {
        if (!NAME.matcher(id).matches()) {
            problems.add(Problem.error(file, id, null, "node names use lower-case letters, digits and _ only"));
            return null;
        }
        if (!n.isObject()) {
            problems.add(Problem.error(file, id, null, "a node needs kind: and text:"));
            return null;
        }
        String kindName = n.path("kind").asText("");
        NodeKind kind = NodeKinds.get(kindName);
        if (kind == null) {
            problems.add(Problem.error(file, id, null, "kind: '" + kindName + "' is unknown; use one of "
                    + NodeKinds.names()));
            return null;
        }
        String text = n.path("text").asText("");
        if (text.isBlank()) problems.add(Problem.error(file, id, null, "text: is missing (a locale key)"));
        List<Option> options = new ArrayList<>();
        for (JsonNode o : n.path("options")) {
            String label = o.path("label").asText("");
            // A quiz's answers all lead to the explanation of the answer: they need no go: of their own.
            String go = o.path("go").asText(n.path("next").asText(""));
            if (label.isBlank() || go.isBlank()) {
                problems.add(Problem.error(file, id, null, "every option needs label: and go:"));
                continue;
            }
            String lang = o.hasNonNull("lang") ? o.get("lang").asText() : null;
            String action = o.hasNonNull("do") ? o.get("do").asText() : null;
            String region = o.hasNonNull("region") ? o.get("region").asText() : null;
            if (action != null && !Option.ACTIONS.contains(action)) {
                problems.add(Problem.error(file, id, null, "option '" + label + "': do: '" + action
                        + "' is unknown; use one of " + Option.ACTIONS));
            }
            if ("subscribe".equals(action) && (region == null || region.isBlank())) {
                problems.add(Problem.error(file, id, null, "option '" + label + "': do: subscribe needs region:"));
            }
            Map<String, String> set = new LinkedHashMap<>();
            o.path("set").fields().forEachRemaining(e -> set.put(e.getKey(), e.getValue().asText()));
            String tally = o.hasNonNull("tally") ? o.get("tally").asText() : null;
            String sms = o.hasNonNull("sms") ? o.get("sms").asText() : null;
            if ("sms".equals(action) && (sms == null || sms.isBlank())) {
                problems.add(Problem.error(file, id, null, "option '" + label
                        + "': do: sms needs sms: (the locale key of the text to send, numbers and neutral words only)"));
            }
            Map<String, String> on = new LinkedHashMap<>();
            o.path("on").fields().forEachRemaining(e -> {
                if (!Effect.OUTCOMES.contains(e.getKey())) {
                    problems.add(Problem.error(file, id, null, "option '" + label + "': on: '" + e.getKey()
                            + "' is not an outcome; use one of " + Effect.OUTCOMES));
                }
                on.put(e.getKey(), qualify(flow, e.getValue().asText()));
            });
            for (String needed : Option.REQUIRED_OUTCOMES.getOrDefault(action == null ? "" : action, java.util.Set.of())) {
                if (!on.containsKey(needed)) {
                    problems.add(Problem.error(file, id, null, "option '" + label + "': do: " + action
                            + " needs on: { " + needed + ": <node> } (the screen saying it did not happen)"));
                }
            }
            options.add(new Option(label, qualify(flow, go), lang, action, region, set, tally, sms, on));
        }
        if (options.size() > MAX_OPTIONS) {
            problems.add(Problem.error(file, id, null, "at most " + MAX_OPTIONS + " options fit the keys 1 to 9; it has "
                    + options.size()));
        }
        // Fields only some kinds use (an input's validate/go/do, a result's texts) travel as params.
        Map<String, String> params = new LinkedHashMap<>();
        n.fields().forEachRemaining(e -> {
            if (!NODE_FIELDS.contains(e.getKey()) && e.getValue().isValueNode()) params.put(e.getKey(), e.getValue().asText());
        });
        if (params.containsKey("go")) params.put("go", qualify(flow, params.get("go")));
        for (String target : Node.TARGET_PARAMS) {
            if (params.containsKey(target)) params.put(target, qualify(flow, params.get(target)));
        }
        Node node = new Node(flow + "." + id, file, kind, text, List.copyOf(options), n.path("end").asBoolean(false),
                params);
        kind.check(node, msg -> problems.add(Problem.error(file, id, null, msg)));
        return node;
    }
}
