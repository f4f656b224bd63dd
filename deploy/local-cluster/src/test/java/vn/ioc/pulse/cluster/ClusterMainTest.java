package vn.ioc.pulse.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What can be checked of the local cluster without starting it (starting it: ./ioc cluster up, docs/local-cluster.md). */
@DisplayName("The local cluster's launcher: Flink entry points on its classpath, the generated configuration, REST answers")
class ClusterMainTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("the entry points the launcher starts exist in the Flink artifacts of this module")
    void entryPoints() throws Exception {
        for (String c : new String[] {"org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                "org.apache.flink.runtime.taskexecutor.TaskManagerRunner", "org.apache.flink.client.cli.CliFrontend",
                "org.apache.flink.runtime.util.bash.BashJavaUtils",
                "org.apache.flink.runtime.webmonitor.WebSubmissionExtension",
                "org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend"}) {
            assertThat(Class.forName(c, false, getClass().getClassLoader())).as(c).isNotNull();
        }
    }

    private ClusterMain cluster(Map<String, String> env) {
        Map<String, String> e = new java.util.HashMap<>(env);
        e.put("IOC_CLUSTER_DIR", dir.toString());
        return new ClusterMain(ClusterMain.Settings.from(e, Map.of()));
    }

    @Test
    @DisplayName("the Flink configuration: REST on IOC_FLINK_PORT, loopback, checkpoints retained, restarts with "
            + "back-off; hashmap by default, RocksDB with incremental checkpoints when asked")
    void flinkConfiguration() throws Exception {
        String yaml = Files.readString(cluster(Map.of("IOC_FLINK_PORT", "18082")).flinkConf().resolve("config.yaml"));
        assertThat(yaml).contains("rest.port: 18082", "rest.bind-address: 127.0.0.1", "state.backend.type: hashmap",
                "execution.checkpointing.incremental: false", "RETAIN_ON_CANCELLATION",
                "restart-strategy.type: exponential-delay", "web.submit.enable: false",
                "execution.checkpointing.dir: " + dir.resolve("flink/checkpoints").toUri());
        String rocks = Files.readString(cluster(Map.of("IOC_STATE_BACKEND", "rocksdb")).flinkConf()
                .resolve("config.yaml"));
        assertThat(rocks).contains("state.backend.type: rocksdb", "execution.checkpointing.incremental: true",
                "rest.port: 8082");
        assertThat(Files.readString(dir.resolve("flink/conf/log4j2.xml"))).contains("<Configuration");
    }

    @Test
    @DisplayName("fields of Flink's REST answers are read without a JSON library")
    void fields() {
        String answer = "{\"taskmanagers\":2,\"slots-total\":4,\"flink-version\":\"2.2.0\",\"nested\":{\"state\":"
                + "\"RUNNING\"},\"location\":\"file:/x/savepoint-1\"}";
        assertThat(ClusterMain.field(answer, "taskmanagers")).isEqualTo("2");
        assertThat(ClusterMain.field(answer, "flink-version")).isEqualTo("2.2.0");
        assertThat(ClusterMain.field(answer, "state")).isEqualTo("RUNNING");
        assertThat(ClusterMain.field(answer, "location")).isEqualTo("file:/x/savepoint-1");
        assertThat(ClusterMain.field(answer, "missing")).isNull();
        assertThat(ClusterMain.field(null, "x")).isNull();
    }
}
