package org.taama.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link Config#VARIABLES} is the one list of settings: the code reads exactly those, and the README,
 * the compose file and the Kubernetes ConfigMap or Secret pass every one of them.
 */
class ConfigVariablesTest {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** Settings that hold secrets: they belong in the Secret (and .env), never in the ConfigMap. */
    static final Set<String> SECRETS = Set.of("HASH_KEY", "ENCRYPTION_KEY", "REDIS_URL", "TWILIO_AUTH_TOKEN",
            "ADMIN_USERNAME", "ADMIN_PASSWORD", "USSD_CALLBACK_TOKEN");

    @Test
    @DisplayName("the code reads exactly the listed variables: every accessor, called, reads them all and no other")
    void listMatchesCode() throws Exception {
        Config c = Config.from(Map.of());
        for (Method m : Config.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers()) && m.getParameterCount() == 0
                    && !Set.of("hashCode", "toString").contains(m.getName())) {
                m.invoke(c);
            }
        }
        assertThat(new TreeSet<>(c.namesRead())).isEqualTo(new TreeSet<>(Config.VARIABLES));
        assertThat(Config.VARIABLES).doesNotHaveDuplicates();
    }

    @Test
    @DisplayName("the README's configuration table names every variable")
    void readme() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        assertThat(Config.VARIABLES).allSatisfy(v -> assertThat(readme).as(v).containsPattern("\\| `" + v + "`|, `" + v + "`"));
    }

    @Test
    @DisplayName("docker compose passes every variable to the app nodes")
    void compose() throws IOException {
        JsonNode env = YAML.readTree(Path.of("infra/docker-compose.yml").toFile()).path("x-taama").path("environment");
        assertThat(names(env)).containsAll(Config.VARIABLES);
        assertThat(names(env)).as("only variables Taama reads").isSubsetOf(Config.VARIABLES);
    }

    @Test
    @DisplayName("Kubernetes: every variable comes from the ConfigMap or the Secret, secrets never from the ConfigMap")
    void kubernetes() throws IOException {
        Set<String> configMap = names(YAML.readTree(Path.of("infra/k8s/configmap.yaml").toFile()).path("data"));
        Set<String> fromSecret = new HashSet<>();
        for (JsonNode e : YAML.readTree(Path.of("infra/k8s/deployment.yaml").toFile())
                .path("spec").path("template").path("spec").path("containers").get(0).path("env")) {
            if (e.path("valueFrom").has("secretKeyRef")) fromSecret.add(e.path("name").asText());
        }
        Set<String> secretExample = names(YAML.readTree(Path.of("infra/k8s/secret.example.yaml").toFile()).path("stringData"));
        String recipe = Files.readString(Path.of("infra/README.md"));

        List<String> missing = new ArrayList<>();
        for (String v : Config.VARIABLES) {
            if (!configMap.contains(v) && !fromSecret.contains(v)) missing.add(v);
        }
        assertThat(missing).as("neither in the ConfigMap nor taken from the Secret").isEmpty();
        assertThat(configMap).as("secrets in the ConfigMap").doesNotContainAnyElementsOf(SECRETS);
        assertThat(configMap).as("only variables Taama reads").isSubsetOf(Config.VARIABLES);
        assertThat(fromSecret).containsAll(SECRETS);
        assertThat(secretExample).containsAll(SECRETS);
        assertThat(SECRETS).allSatisfy(v -> assertThat(recipe).as("the kubectl recipe in infra/README.md")
                .contains("--from-literal=" + v + "="));
    }

    @Test
    @DisplayName("reading a variable that is not listed is a bug caught at once")
    void unlistedNameThrows() throws Exception {
        Method text = Config.class.getDeclaredMethod("text", String.class, String.class);
        text.setAccessible(true);
        assertThatThrownBy(() -> {
            try {
                text.invoke(Config.from(Map.of()), "NOT_A_SETTING", null);
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
            }
        }).isInstanceOf(IllegalStateException.class).hasMessageContaining("NOT_A_SETTING");
    }

    static Set<String> names(JsonNode map) {
        Set<String> out = new TreeSet<>();
        for (Iterator<String> it = map.fieldNames(); it.hasNext(); ) out.add(it.next());
        return out;
    }
}
