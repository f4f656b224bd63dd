package vn.ioc.pulse.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one process) running in this JVM, on
 * loopback ports, with its log in a folder. It can be stopped and started again on the same port and log
 * (to test "Kafka unreachable"). Used by the demo and by integration tests; production uses a real cluster.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    private final Path logDir;
    private final int brokerPort;
    private final int controllerPort;
    private final String clusterId;
    private KafkaRaftServer server;
    private boolean formatted;

    public EmbeddedKafka(Path logDir, int brokerPort) {
        this.logDir = logDir;
        this.brokerPort = brokerPort == 0 ? FreePorts.pick() : brokerPort;
        this.controllerPort = FreePorts.pick();
        this.clusterId = existingClusterId(logDir).orElseGet(() -> Uuid.randomUuid().toString());
    }

    /** The cluster id of a log dir formatted before (a broker restarted on its data must keep it). */
    private static java.util.Optional<String> existingClusterId(Path logDir) {
        Path meta = logDir.resolve("meta.properties");
        if (!Files.exists(meta)) {
            return java.util.Optional.empty();
        }
        try (java.io.Reader r = Files.newBufferedReader(meta)) {
            Properties p = new Properties();
            p.load(r);
            return java.util.Optional.ofNullable(p.getProperty("cluster.id"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + meta, e);
        }
    }

    /** A broker in a fresh temp folder on a free port. */
    public static EmbeddedKafka onFreePort() {
        try {
            return new EmbeddedKafka(Files.createTempDirectory("ioc-kafka-"), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    public synchronized EmbeddedKafka start() {
        if (server != null) {
            return this;
        }
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.put("num.partitions", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        p.put("log.flush.interval.messages", "1000000");
        KafkaConfig config = KafkaConfig.fromProps(p, false);
        try {
            if (!formatted) {
                Formatter formatter = new Formatter()
                        .setNodeId(1)
                        .setClusterId(clusterId)
                        .setDirectories(List.of(logDir.toString()))
                        .setMetadataLogDirectory(config.metadataLogDir())
                        .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                        .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                        .setControllerListenerName("CONTROLLER")
                        .setIgnoreFormatted(true)
                        .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
                formatter.run();
                formatted = true;
            }
            server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
        } catch (Exception e) {
            throw new IllegalStateException("Kafka broker failed to start on port " + brokerPort, e);
        }
        LOG.info("Kafka broker (KRaft) started at {} with log dir {}", bootstrapServers(), logDir);
        return this;
    }

    /** Stops the broker; {@link #start()} brings it back on the same port with the same log. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        server.shutdown();
        server.awaitShutdown();
        server = null;
        LOG.info("Kafka broker at {} stopped", bootstrapServers());
    }

    /** Creates topics if missing: name → partitions; names ending in {@code kpi-updates.v1}, {@code alerts.v1}, {@code alert-actions.v1} are compacted; the event topics ({@code case-events.v1}, {@code service-events.v1}) never expire. */
    public void createTopics(Map<String, Integer> partitionsByTopic) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            List<NewTopic> topics = new ArrayList<>();
            partitionsByTopic.forEach((name, partitions) -> {
                NewTopic t = new NewTopic(name, partitions, (short) 1);
                if (name.endsWith("kpi-updates.v1") || name.endsWith("alerts.v1") || name.endsWith("alert-actions.v1")) {
                    t.configs(Map.of("cleanup.policy", "compact"));
                } else if (name.endsWith("case-events.v1") || name.endsWith("service-events.v1")) {
                    // kept for ever: a KPI job started without state recomputes every KPI (ytd included) from them
                    t.configs(Map.of("retention.ms", "-1", "retention.bytes", "-1"));
                }
                topics.add(t);
            });
            for (var entry : admin.createTopics(topics).values().entrySet()) {
                try {
                    entry.getValue().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + entry.getKey(), e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
