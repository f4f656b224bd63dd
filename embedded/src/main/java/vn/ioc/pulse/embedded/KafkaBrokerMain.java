package vn.ioc.pulse.embedded;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A single-node Kafka broker (KRaft) as its own OS process, for the local cluster ({@code ./ioc cluster up}):
 * {@code KafkaBrokerMain <log dir> <port>}. The log dir is kept across restarts (the broker is restarted on the same
 * data by {@code ./ioc chaos}); the topics of CONTRACT.md §3 and the alert topics are created when missing, with the
 * retention the recovery path needs (the dashboard API creates its outbox and alert dead-letter
 * topics) (event topics kept for ever: docs/reliability.md, "Recovery"). Stops on SIGTERM.
 */
public final class KafkaBrokerMain {
    private KafkaBrokerMain() {
    }

    /** The topics of a deployment (names as model's Topics; this module does not depend on model) and their partitions (the KPI job's parallelism reads each event partition). */
    public static Map<String, Integer> topics(int eventPartitions) {
        Map<String, Integer> t = new LinkedHashMap<>();
        t.put("ioc.case-events.v1", eventPartitions);
        t.put("ioc.service-events.v1", eventPartitions);
        t.put("ioc.kpi-updates.v1", eventPartitions);
        t.put("ioc.alerts.v1", 1);
        t.put("ioc.alert-actions.v1", 1);
        t.put("ioc.dead-letter.v1", 1);
        return t;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: KafkaBrokerMain <log dir> <port>");
            System.exit(2);
        }
        Path dir = Files.createDirectories(Path.of(args[0]));
        EmbeddedKafka kafka = new EmbeddedKafka(dir, Integer.parseInt(args[1])).start();
        kafka.createTopics(topics(4));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            stopped.countDown();
        }, "kafka-shutdown"));
        System.out.println("KAFKA_READY " + kafka.bootstrapServers());
        stopped.await();
    }
}
