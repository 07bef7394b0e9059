package org.taama.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.taama.config.Config;
import org.taama.server.Server;
import org.taama.support.TestServers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What infra/ deploys agrees with the code: every manifest and compose file parses, the ports are the
 * port the server listens on, every probe and scrape path is a route a started server really serves,
 * selectors find the pods, and the Redis the files start keeps its data (AOF). Which variables are
 * passed is {@code ConfigVariablesTest}'s.
 */
@DisplayName("infra/ against the code")
class InfraManifestsTest {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final Path K8S = Path.of("infra/k8s");
    static final Map<String, JsonNode> BY_KIND_AND_NAME = new HashMap<>();
    static Server server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start();
        try (Stream<Path> files = Files.list(K8S)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                for (JsonNode doc : docs(f)) BY_KIND_AND_NAME.put(doc.path("kind").asText() + "/" + doc.path("metadata").path("name").asText(), doc);
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) server.close();
    }

    static List<JsonNode> docs(Path f) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(f.toFile())) {
            while (it.hasNext()) {
                JsonNode d = it.next();
                if (d != null && !d.isEmpty()) out.add(d);
            }
        }
        return out;
    }

    static JsonNode k8s(String kindAndName) {
        JsonNode n = BY_KIND_AND_NAME.get(kindAndName);
        assertThat(n).as(kindAndName + " in infra/k8s").isNotNull();
        return n;
    }

    static JsonNode container() {
        return k8s("Deployment/taama").path("spec").path("template").path("spec").path("containers").get(0);
    }

    static int serverPort() {
        return Integer.parseInt(Config.from(Map.of()).port() == 0 ? "8080" : Integer.toString(Config.from(Map.of()).port()));
    }

    @Test
    @DisplayName("every manifest parses and names its apiVersion, kind and name; kustomize lists every one but the secret example")
    void everyManifestParsesAndIsListed() throws IOException {
        List<String> listed = new ArrayList<>();
        YAML.readTree(K8S.resolve("kustomization.yaml").toFile()).path("resources").forEach(r -> listed.add(r.asText()));
        try (Stream<Path> files = Files.list(K8S)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                String name = f.getFileName().toString();
                if (name.equals("kustomization.yaml")) continue;
                for (JsonNode d : docs(f)) {
                    assertThat(d.path("apiVersion").asText()).as(name).isNotBlank();
                    assertThat(d.path("kind").asText()).as(name).isNotBlank();
                    assertThat(d.path("metadata").path("name").asText()).as(name).isNotBlank();
                }
                if (!name.equals("secret.example.yaml")) assertThat(listed).as("kustomization lists " + name).contains(name);
            }
        }
        listed.forEach(r -> assertThat(K8S.resolve(r)).as("kustomization resource").exists());
    }

    @Test
    @DisplayName("the container port is the server's PORT, and every probe asks a GET route the server serves on it")
    void probesAreRoutes() {
        JsonNode c = container();
        assertThat(c.path("ports").get(0).path("containerPort").asInt()).isEqualTo(serverPort());
        assertThat(k8s("ConfigMap/taama-config").path("data").path("PORT").asText()).isEqualTo(Integer.toString(serverPort()));
        String portName = c.path("ports").get(0).path("name").asText();
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            JsonNode get = c.path(probe).path("httpGet");
            assertThat(get.path("port").asText()).as(probe + " port").isEqualTo(portName);
            assertThat(server.routes()).as(probe + " path").contains("GET " + get.path("path").asText());
        }
        assertThat(c.path("readinessProbe").path("httpGet").path("path").asText()).as("readiness follows Redis").isEqualTo("/ready");
        assertThat(c.path("livenessProbe").path("httpGet").path("path").asText()).as("liveness must not").isEqualTo("/health");
        JsonNode annotations = k8s("Deployment/taama").path("spec").path("template").path("metadata").path("annotations");
        assertThat(server.routes()).contains("GET " + annotations.path("prometheus.io/path").asText());
        assertThat(annotations.path("prometheus.io/port").asInt()).isEqualTo(serverPort());
    }

    @Test
    @DisplayName("the Service, PDB, HPA and NetworkPolicies find the pods they mean, on the ports they use")
    void selectorsAndPorts() {
        JsonNode labels = k8s("Deployment/taama").path("spec").path("template").path("metadata").path("labels");
        JsonNode service = k8s("Service/taama");
        assertThat(service.path("spec").path("selector")).isEqualTo(labels);
        assertThat(service.path("spec").path("ports").get(0).path("targetPort").asText()).isEqualTo(container().path("ports").get(0).path("name").asText());
        assertThat(k8s("PodDisruptionBudget/taama").path("spec").path("selector").path("matchLabels")).isEqualTo(labels);
        JsonNode hpa = k8s("HorizontalPodAutoscaler/taama").path("spec");
        assertThat(hpa.path("scaleTargetRef").path("kind").asText()).isEqualTo("Deployment");
        assertThat(hpa.path("scaleTargetRef").path("name").asText()).isEqualTo("taama");
        assertThat(hpa.path("minReplicas").asInt()).as("a drain keeps one pod while another serves")
                .isGreaterThan(k8s("PodDisruptionBudget/taama").path("spec").path("minAvailable").asInt());
        assertThat(container().path("resources").path("requests").path("cpu").asText()).as("the HPA's CPU target needs a request").isNotBlank();
        JsonNode server = k8s("NetworkPolicy/taama-server").path("spec");
        assertThat(server.path("podSelector").path("matchLabels")).isEqualTo(labels);
        assertThat(server.path("ingress").get(0).path("ports").get(0).path("port").asInt()).isEqualTo(serverPort());

        JsonNode redisPolicy = k8s("NetworkPolicy/taama-redis").path("spec");
        JsonNode redisSet = k8s("StatefulSet/taama-redis").path("spec").path("template");
        assertThat(redisPolicy.path("podSelector").path("matchLabels")).isEqualTo(redisSet.path("metadata").path("labels"));
        assertThat(redisPolicy.path("ingress").get(0).path("from").get(0).path("podSelector").path("matchLabels")).isEqualTo(labels);
        int redisPort = redisSet.path("spec").path("containers").get(0).path("ports").get(0).path("containerPort").asInt();
        assertThat(redisPolicy.path("ingress").get(0).path("ports").get(0).path("port").asInt()).isEqualTo(redisPort);
        assertThat(k8s("Service/taama-redis").path("spec").path("selector")).isEqualTo(redisSet.path("metadata").path("labels"));
    }

    @Test
    @DisplayName("the Redis both files start keeps an append-only file, evicts nothing, and k8s holds the same redis.conf")
    void redisKeepsItsData() throws IOException {
        String conf = Files.readString(Path.of("infra/redis.conf"));
        assertThat(conf).containsPattern("(?m)^appendonly yes").containsPattern("(?m)^maxmemory-policy noeviction");
        String copy = k8s("ConfigMap/taama-redis-config").path("data").path("redis.conf").asText();
        assertThat(copy.strip()).as("k8s/redis.yaml's copy of infra/redis.conf").isEqualTo(conf.strip());
        assertThat(k8s("StatefulSet/taama-redis").path("spec").path("volumeClaimTemplates")).as("data on a volume").isNotEmpty();
    }

    /**
     * A compose service with its YAML merge key ({@code <<: *taama}) applied, as compose applies it. Jackson
     * reads the alias as its anchor's name; the anchored block is {@code x-<name>}.
     */
    static JsonNode merged(JsonNode service, JsonNode compose) {
        JsonNode alias = service.path("<<");
        if (alias.isMissingNode()) return service;
        JsonNode base = alias.isObject() ? alias : compose.path("x-" + alias.asText());
        assertThat(base.isObject()).as("the block <<: *" + alias.asText() + " merges").isTrue();
        com.fasterxml.jackson.databind.node.ObjectNode out = ((com.fasterxml.jackson.databind.node.ObjectNode) base).deepCopy();
        service.fields().forEachRemaining(e -> { if (!e.getKey().equals("<<")) out.set(e.getKey(), e.getValue()); });
        return out;
    }

    @Test
    @DisplayName("compose runs Redis (AOF, healthy before the apps) and two app nodes on the server's PORT, scraped by Prometheus on /metrics")
    void compose() throws IOException {
        JsonNode compose = YAML.readTree(Path.of("infra/docker-compose.yml").toFile());
        JsonNode services = compose.path("services");
        assertThat(services.path("redis").path("command").toString()).contains("redis.conf");
        assertThat(services.path("redis").path("volumes").toString()).contains("./redis.conf");
        String port = compose.path("x-taama").path("environment").path("PORT").asText();
        assertThat(port).isEqualTo(Integer.toString(serverPort()));
        List<String> targets = new ArrayList<>();
        for (String node : List.of("taama-1", "taama-2")) {
            JsonNode s = merged(services.path(node), compose);
            assertThat(s.isMissingNode()).as(node).isFalse();
            assertThat(s.path("depends_on").path("redis").path("condition").asText()).isEqualTo("service_healthy");
            assertThat(s.path("ports").get(0).asText()).as(node + " publishes the app port on loopback").startsWith("127.0.0.1:").endsWith(":" + port);
            targets.add(node + ":" + port);
        }
        JsonNode prometheus = YAML.readTree(Path.of("infra/prometheus.yml").toFile());
        JsonNode taama = null;
        for (JsonNode job : prometheus.path("scrape_configs")) if (job.path("job_name").asText().equals("taama")) taama = job;
        assertThat(taama).as("a taama scrape job").isNotNull();
        assertThat(server.routes()).contains("GET " + taama.path("metrics_path").asText());
        List<String> scraped = new ArrayList<>();
        taama.path("static_configs").forEach(sc -> sc.path("targets").forEach(t -> scraped.add(t.asText())));
        assertThat(scraped).containsAll(targets);
        assertThat(Files.readString(Path.of("infra/Dockerfile"))).contains("EXPOSE " + port);
    }
}
