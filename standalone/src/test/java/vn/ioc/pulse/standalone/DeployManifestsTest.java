package vn.ioc.pulse.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import vn.ioc.pulse.model.Topics;

/**
 * What can be checked of deploy/ without Docker or a cluster (deploy/README.md): every compose and Kubernetes file
 * parses; every IOC_* name they set is read by the code; every topic they create is a topic of the code, with the
 * retention or compaction it needs; every main class they (or the Dockerfiles) start exists; the Dockerfiles copy
 * what the build produces.
 */
@DisplayName("deploy/: compose, Kubernetes manifests and Dockerfiles agree with the code")
class DeployManifestsTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Map<String, String> DOCS = new java.util.TreeMap<>();
    private static String mainSources;

    @BeforeAll
    static void read() throws IOException {
        StringBuilder b = new StringBuilder();
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (Path p : files.filter(p -> p.toString().contains("/src/main/java/") && p.toString().endsWith(".java"))
                    .toList()) {
                b.append(Files.readString(p)).append('\n');
            }
        }
        mainSources = b.toString();
    }

    private static List<JsonNode> yaml(String relative) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class)
                .readValues(Files.readString(ROOT.resolve(relative)))) {
            while (it.hasNext()) {
                JsonNode n = it.next();
                if (n != null && !n.isNull() && !n.isEmpty()) {
                    docs.add(n);
                }
            }
        }
        return docs;
    }

    private static List<String> k8sFiles() throws IOException {
        try (Stream<Path> s = Files.list(ROOT.resolve("deploy/k8s"))) {
            return s.filter(p -> p.toString().endsWith(".yaml")).map(p -> "deploy/k8s/" + p.getFileName()).sorted()
                    .toList();
        }
    }

    private static Set<String> iocNames(JsonNode n, Set<String> into) {
        if (n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().startsWith("IOC_")) {
                    into.add(e.getKey());
                }
                if (e.getKey().equals("name") && e.getValue().isTextual() && e.getValue().asText().startsWith("IOC_")) {
                    into.add(e.getValue().asText());
                }
                iocNames(e.getValue(), into);
            }
        } else if (n.isArray()) {
            n.forEach(x -> iocNames(x, into));
        }
        return into;
    }

    private static Set<String> topicNames() throws IllegalAccessException {
        Set<String> names = new TreeSet<>();
        for (Field f : Topics.class.getFields()) {
            names.add((String) f.get(null));
        }
        return names;
    }

    @Test
    @DisplayName("every compose and Kubernetes file parses, and the Kubernetes objects have kind and name")
    void parse() throws IOException {
        assertThat(yaml("deploy/docker-compose.yml")).singleElement()
                .satisfies(c -> assertThat(c.path("services").size()).isGreaterThanOrEqualTo(9));
        List<String> kinds = new ArrayList<>();
        for (String f : k8sFiles()) {
            for (JsonNode d : yaml(f)) {
                assertThat(d.path("apiVersion").asText()).as(f).isNotEmpty();
                assertThat(d.path("metadata").path("name").asText()).as(f).isNotEmpty();
                kinds.add(d.path("kind").asText());
            }
        }
        assertThat(kinds).contains("Namespace", "ConfigMap", "Secret", "Kafka", "KafkaNodePool", "KafkaTopic",
                "FlinkDeployment", "Deployment", "StatefulSet", "Service");
    }

    @Test
    @DisplayName("every IOC_* variable the files set is read by the code (a renamed variable cannot stay behind)")
    void envNamesAreRead() throws IOException {
        Set<String> names = iocNames(yaml("deploy/docker-compose.yml").get(0), new TreeSet<>());
        for (String f : k8sFiles()) {
            yaml(f).forEach(d -> iocNames(d, names));
        }
        assertThat(names).contains("IOC_KAFKA_BOOTSTRAP", "IOC_AUTH", "IOC_AUTH_JWT_SECRET", "IOC_ALERT_WEBHOOK_URL",
                "IOC_ALERT_INSTANCE_ID");
        assertThat(names).allSatisfy(n -> assertThat(mainSources).as("a main class reads " + n).contains("\"" + n + "\""));
    }

    @Test
    @DisplayName("the topics created are the code's, event topics kept for ever, KPI and alert topics compacted")
    void topics() throws Exception {
        Set<String> known = topicNames();
        String init = yaml("deploy/docker-compose.yml").get(0).path("services").path("kafka-init").path("command")
                .get(0).asText();
        Matcher m = Pattern.compile("create (ioc\\.[a-z.-]+\\.v1)\\s+\\d+(?: \"([^\"]*)\")?").matcher(init);
        Map<String, String> compose = new java.util.TreeMap<>();
        while (m.find()) {
            compose.put(m.group(1), m.group(2) == null ? "" : m.group(2));
        }
        Map<String, JsonNode> k8s = new java.util.TreeMap<>();
        for (JsonNode d : yaml("deploy/k8s/kafka.yaml")) {
            if (d.path("kind").asText().equals("KafkaTopic")) {
                k8s.put(d.path("metadata").path("name").asText(), d.path("spec").path("config"));
            }
        }
        assertThat(compose.keySet()).as("compose creates every topic of the code").isEqualTo(known);
        assertThat(k8s.keySet()).as("Kubernetes creates every topic of the code").isEqualTo(known);
        for (String events : List.of(Topics.CASE_EVENTS, Topics.SERVICE_EVENTS)) {
            assertThat(compose.get(events)).contains("retention.ms=-1");
            assertThat(k8s.get(events).path("retention.ms").asLong()).isEqualTo(-1);
        }
        for (String compacted : List.of(Topics.KPI_UPDATES, Topics.ALERTS, Topics.ALERT_ACTIONS)) {
            assertThat(compose.get(compacted)).contains("cleanup.policy=compact");
            assertThat(k8s.get(compacted).path("cleanup.policy").asText()).isEqualTo("compact");
        }
        assertThat(compose.get(Topics.ALERT_OUTBOX)).as("the outbox must never be compacted (key = receiver)")
                .doesNotContain("compact");
        assertThat(k8s.get(Topics.ALERT_OUTBOX).path("cleanup.policy").isMissingNode()).isTrue();
    }

    @Test
    @DisplayName("the main classes started by the Dockerfiles, compose and the FlinkDeployment exist; the Dockerfiles "
            + "copy the artefacts the build makes")
    void entryPoints() throws Exception {
        Pattern mainClass = Pattern.compile("vn\\.ioc\\.pulse\\.[a-z.]+\\.[A-Z][A-Za-z]+Main");
        List<String> sources = new ArrayList<>();
        try (Stream<Path> s = Files.list(ROOT.resolve("deploy/docker"))) {
            for (Path p : s.filter(p -> p.toString().endsWith(".Dockerfile")).toList()) {
                String text = Files.readString(p);
                sources.add(text);
                Matcher copy = Pattern.compile("(?m)^COPY (?:--chown=\\S+ )?(\\S+) ").matcher(text);
                while (copy.find()) {
                    String from = copy.group(1).replaceAll("/$", "");
                    assertThat(from).as(p + " copies a build output").matches(
                            "(ingest|dashboard-api|stream-jobs)/target/(lib|\\1-0\\.1\\.0-SNAPSHOT(-job)?\\.jar)");
                }
            }
        }
        sources.add(Files.readString(ROOT.resolve("deploy/docker-compose.yml")));
        sources.add(Files.readString(ROOT.resolve("deploy/k8s/flink-kpi-job.yaml")));
        Set<String> classes = new TreeSet<>();
        for (String text : sources) {
            Matcher c = mainClass.matcher(text);
            while (c.find()) {
                classes.add(c.group());
            }
        }
        assertThat(classes).contains("vn.ioc.pulse.ingest.IngestMain", "vn.ioc.pulse.dashboard.DashboardMain",
                "vn.ioc.pulse.jobs.KpiJobMain");
        for (String c : classes) {
            Class<?> k = Class.forName(c, false, getClass().getClassLoader());
            assertThat(k.getMethod("main", String[].class)).as(c).isNotNull();
        }
        JsonNode job = yaml("deploy/k8s/flink-kpi-job.yaml").get(0).path("spec").path("job");
        assertThat(job.path("jarURI").asText()).isEqualTo("local:///opt/flink/usrlib/job.jar");
        assertThat(Files.readString(ROOT.resolve("deploy/docker/kpi-job.Dockerfile")))
                .contains("/opt/flink/usrlib/job.jar");
        assertThat(Files.readString(ROOT.resolve("stream-jobs/pom.xml"))).contains("<shadedClassifierName>job<");
    }
}
