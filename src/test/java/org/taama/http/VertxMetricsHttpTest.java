package org.taama.http;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.taama.server.Server;
import org.taama.support.TestServers;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.taama.http.Screens.continues;

/** /metrics carries Vert.x's own HTTP server and event-loop meters, tagged with the application and the node. */
@DisplayName("/metrics: Vert.x HTTP server and event-loop metrics with application and instance tags")
class VertxMetricsHttpTest {
    static Server server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(Map.of("INSTANCE_ID", "node-7"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) server.close();
    }

    @Test
    @DisplayName("requests served show as vertx_http_server_* with application=taama and instance=INSTANCE_ID, and so do ours")
    void vertxHttpServerMetrics() {
        continues(new Phone(Phone.freshSessionId("metrics"), Phone.freshNumber()).dial(server.port()));
        String scraped = Metrics.scrape(server);
        assertThat(scraped).containsPattern("(?m)^vertx_http_server_requests_total\\{[^}]*application=\"taama\"[^}]*instance=\"node-7\"[^}]*} [1-9]");
        assertThat(scraped).containsPattern("(?m)^vertx_http_server_response_time_seconds_count\\{[^}]*instance=\"node-7\"");
        assertThat(scraped).containsPattern("(?m)^netty_eventexecutor_tasks_pending\\{[^}]*instance=\"node-7\"");
        assertThat(scraped).containsPattern("(?m)^taama_ussd_hops_total\\{[^}]*application=\"taama\"[^}]*instance=\"node-7\"");
    }

    @Test
    @DisplayName("infra/: the Grafana dashboard queries only meters the server has, and compose provisions it with Prometheus")
    void grafanaDashboardMatchesTheServer() throws Exception {
        continues(new Phone(Phone.freshSessionId("grafana"), Phone.freshNumber()).dial(server.port()));
        String scraped = Metrics.scrape(server);
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        var dashboard = mapper.readTree(java.nio.file.Path.of("infra/grafana/dashboards/taama.json").toFile());
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (var panel : dashboard.path("panels")) {
            for (var target : panel.path("targets")) {
                var m = java.util.regex.Pattern.compile("([a-z_]+)\\{").matcher(target.path("expr").asText());
                while (m.find()) names.add(m.group(1));
            }
        }
        assertThat(names).contains("vertx_http_server_requests_total", "netty_eventexecutor_tasks_pending");
        String sources = readAll(java.nio.file.Path.of("src/main/java"));
        for (String name : names) {
            if (name.startsWith("taama_")) {
                // Our own meters appear once first counted: the code must name them.
                String base = name.replaceAll("_(total|sum|count|max)$", "");
                assertThat(sources).as(name).contains("\"" + base);
            } else {
                assertThat(scraped).as(name).containsPattern("(?m)^" + name + "\\{");
            }
        }
        var yaml = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
        var compose = yaml.readTree(java.nio.file.Path.of("infra/docker-compose.yml").toFile()).path("services");
        assertThat(compose.has("prometheus")).isTrue();
        var volumes = compose.path("grafana").path("volumes").toString();
        assertThat(volumes).contains("./grafana/provisioning:/etc/grafana/provisioning").contains("./grafana/dashboards:/var/lib/grafana/dashboards");
        var source = yaml.readTree(java.nio.file.Path.of("infra/grafana/provisioning/datasources/prometheus.yml").toFile())
                .path("datasources").get(0);
        assertThat(source.path("url").asText()).isEqualTo("http://prometheus:9090");
        assertThat(source.path("uid").asText()).isEqualTo(dashboard.path("panels").get(0).path("datasource").path("uid").asText());
        assertThat(yaml.readTree(java.nio.file.Path.of("infra/grafana/provisioning/dashboards/taama.yml").toFile())
                .path("providers").get(0).path("options").path("path").asText()).isEqualTo("/var/lib/grafana/dashboards");
    }

    private static String readAll(java.nio.file.Path dir) throws java.io.IOException {
        try (var files = java.nio.file.Files.walk(dir)) {
            StringBuilder b = new StringBuilder();
            for (var f : files.filter(p -> p.toString().endsWith(".java")).toList()) b.append(java.nio.file.Files.readString(f));
            return b.toString();
        }
    }

    @Test
    @DisplayName("INSTANCE_ID that could carry anything but a name is refused at start")
    void badInstanceIdRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> org.taama.config.Config.from(Map.of("INSTANCE_ID", "a b\"}")).instanceId())
                .hasMessageContaining("INSTANCE_ID");
    }
}
