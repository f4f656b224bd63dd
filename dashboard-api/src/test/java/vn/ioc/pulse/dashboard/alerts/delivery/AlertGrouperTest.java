package vn.ioc.pulse.dashboard.alerts.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import vn.ioc.pulse.model.AlertEvent;
import vn.ioc.pulse.model.Topics;

@DisplayName("Grouping turns bursts into one notification per group, on time, without repeats or silenced alerts")
class AlertGrouperTest extends AlertFixtures {
    private static final TopicPartition P0 = new TopicPartition(Topics.ALERTS, 0);
    private static final TopicPartition P1 = new TopicPartition(Topics.ALERTS, 1);
    private static final Instant WALL = Instant.parse("2026-03-02T02:05:00Z");
    private static final DeliveryConfig.Receiver R = DeliveryConfig.Receiver.webhook("r", "http://127.0.0.1:1/hook",
            null).withGrouping(List.of("alertname"), Duration.ofSeconds(10), Duration.ofSeconds(60));

    private final Set<String> silencedFingerprints = ConcurrentHashMap.newKeySet();

    private AlertGrouper grouper(DeliveryConfig.Receiver... receivers) {
        return new AlertGrouper(DeliveryConfig.none().withReceivers(List.of(receivers)),
                a -> silencedFingerprints.contains(a.fingerprint()));
    }

    @Test
    @DisplayName("a burst of 50 alerts waits group_wait and becomes one notification with 50 alerts")
    void burstIsOneNotification() {
        AlertGrouper g = grouper(R);
        for (int i = 0; i < 50; i++) {
            assertThat(g.offer(firing(ON_TIME_LOW, "036" + (10 + i), 1), P0, i, i)).isTrue();
        }
        assertThat(g.nextDueAt()).isEqualTo(10_000);
        assertThat(g.flushDue(9_999, WALL)).isEmpty();
        List<Notification> out = g.flushDue(10_000, WALL);
        assertThat(out).singleElement().satisfies(n -> {
            assertThat(n.receiver()).isEqualTo("r");
            assertThat(n.groupKey()).isEqualTo("r:{alertname=\"on_time_ratio_low\"}");
            assertThat(n.alerts()).hasSize(50);
            assertThat(n.createdAt()).isEqualTo(WALL);
            assertThat(new JsonObject(n.body()).getJsonArray("alerts")).hasSize(50);
        });
        assertThat(g.nextDueAt()).isEqualTo(Long.MAX_VALUE);
        assertThat(g.flushDue(20_000, WALL)).isEmpty();
    }

    @Test
    @DisplayName("changes after a notification wait until group_interval after it; an idle group starts over")
    void groupInterval() {
        AlertGrouper g = grouper(R);
        g.offer(firing(ON_TIME_LOW, "03646", 1), P0, 0, 0);
        assertThat(g.flushDue(10_000, WALL)).hasSize(1);
        g.offer(firing(ON_TIME_LOW, "03647", 1), P0, 1, 12_000);
        assertThat(g.nextDueAt()).isEqualTo(70_000);
        assertThat(g.flushDue(69_999, WALL)).isEmpty();
        assertThat(g.flushDue(70_000, WALL)).singleElement()
                .satisfies(n -> assertThat(n.alerts()).containsExactly(ref("03647", 1)));
        g.flushDue(130_001, WALL); // idle for more than an interval: forgotten
        g.offer(resolved(ON_TIME_LOW, "03647", 2), P0, 2, 200_000);
        assertThat(g.nextDueAt()).isEqualTo(210_000);
    }

    @Test
    @DisplayName("a record whose seq is not above the last seen for its fingerprint is dropped; a newer one replaces")
    void repeatsDropped() {
        AlertGrouper g = grouper(R);
        assertThat(g.offer(firing(ON_TIME_LOW, "03646", 1), P0, 0, 0)).isTrue();
        assertThat(g.offer(firing(ON_TIME_LOW, "03646", 1), P0, 1, 1)).isFalse();
        assertThat(g.offer(resolved(ON_TIME_LOW, "03646", 2), P0, 2, 2)).isTrue();
        assertThat(g.offer(resolved(ON_TIME_LOW, "03646", 2), P0, 3, 3)).isFalse();
        assertThat(g.offer(firing(ON_TIME_LOW, "03646", 1), P0, 4, 4)).isFalse();
        assertThat(g.flushDue(10_000, WALL)).singleElement().satisfies(n -> {
            assertThat(n.alerts()).containsExactly(ref("03646", 2));
            assertThat(new JsonObject(n.body()).getString("status")).isEqualTo("resolved");
        });
        g.seen(firing(ON_TIME_LOW, "03999", 7)); // rebuilt after a restart
        assertThat(g.offer(firing(ON_TIME_LOW, "03999", 7), P0, 5, 20_000)).isFalse();
        assertThat(g.offer(firing(ON_TIME_LOW, "03999", 8), P0, 6, 20_000)).isTrue();
    }

    @Test
    @DisplayName("silence is checked at flush time: silenced alerts are left out, an all-silenced group sends nothing")
    void silenced() {
        AlertGrouper g = grouper(R);
        g.offer(firing(ON_TIME_LOW, "03646", 1), P0, 0, 0);
        g.offer(firing(ON_TIME_LOW, "03647", 1), P0, 1, 0);
        silencedFingerprints.add(AlertEvent.fingerprint(ON_TIME_LOW, "commune", "03647")); // after it was grouped
        assertThat(g.flushDue(10_000, WALL)).singleElement()
                .satisfies(n -> assertThat(n.alerts()).containsExactly(ref("03646", 1)));
        g.offer(firing(ON_TIME_LOW, "03647", 2), P0, 2, 11_000);
        assertThat(g.flushDue(70_000, WALL)).isEmpty();
        assertThat(g.lowestPendingOffsets()).isEmpty(); // nothing waits: the offsets may pass it
    }

    @Test
    @DisplayName("match picks the receivers; group_by splits groups by label value")
    void matchAndGroupBy() {
        DeliveryConfig.Receiver critical = DeliveryConfig.Receiver.webhook("critical", "http://127.0.0.1:1/c", null)
                .withMatch(Map.of("severity", List.of("critical")));
        DeliveryConfig.Receiver perCommune = DeliveryConfig.Receiver.webhook("communes", "http://127.0.0.1:1/p", null)
                .withGrouping(List.of("alertname", "scope_id"), Duration.ofSeconds(1), Duration.ofSeconds(5))
                .withMatch(Map.of("severity", List.of("warning", "critical"), "scope_type", List.of("commune")));
        AlertGrouper g = grouper(critical, perCommune);
        g.offer(firing(ON_TIME_LOW, "03646", 1), P0, 0, 0);
        g.offer(firing(ON_TIME_LOW, "03647", 1), P0, 1, 0);
        List<Notification> out = g.flushDue(10_000, WALL);
        assertThat(out).extracting(Notification::receiver).containsOnly("communes");
        assertThat(out).extracting(Notification::groupKey).containsExactlyInAnyOrder(
                "communes:{alertname=\"on_time_ratio_low\",scope_id=\"03646\"}",
                "communes:{alertname=\"on_time_ratio_low\",scope_id=\"03647\"}");
    }

    @Test
    @DisplayName("per partition, the lowest offset still waiting in a group bounds what may be committed")
    void lowestPendingOffsets() {
        DeliveryConfig.Receiver quick = DeliveryConfig.Receiver.webhook("quick", "http://127.0.0.1:1/q", null)
                .withGrouping(List.of("alertname"), Duration.ofSeconds(1), Duration.ofSeconds(5))
                .withMatch(Map.of("alertname", List.of(OVERDUE)));
        DeliveryConfig.Receiver slow = R.withMatch(Map.of("alertname", List.of(ON_TIME_LOW)));
        AlertGrouper g = grouper(quick, slow);
        g.offer(firing(ON_TIME_LOW, "03646", 1), P0, 5, 0);
        g.offer(firing(ON_TIME_LOW, "03647", 1), P0, 7, 0);
        g.offer(firing(ON_TIME_LOW, "03648", 1), P1, 3, 0);
        g.offer(firing(OVERDUE, "03646", 1), P0, 2, 0);
        assertThat(g.lowestPendingOffsets()).isEqualTo(Map.of(P0, 2L, P1, 3L));
        assertThat(g.flushDue(1_000, WALL)).extracting(Notification::receiver).containsExactly("quick");
        assertThat(g.lowestPendingOffsets()).isEqualTo(Map.of(P0, 5L, P1, 3L));
        assertThat(g.flushDue(10_000, WALL)).extracting(Notification::receiver).containsExactly("r");
        assertThat(g.lowestPendingOffsets()).isEmpty();
    }

    @Test
    @DisplayName("the idempotency key is SHA-256 of receiver, group key and the sorted (fingerprint, seq) pairs")
    void idempotencyKey() throws Exception {
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
                "r\u0000r:{alertname=\"x\"}\u0000aaaa:2,ffff:1".getBytes(StandardCharsets.UTF_8)));
        assertThat(Notification.idempotencyKey("r", "r:{alertname=\"x\"}",
                List.of(new Notification.AlertRef("ffff", 1), new Notification.AlertRef("aaaa", 2))))
                .isEqualTo(expected);
        // the same records grouped again (after a crash) give the same key, whatever their order of arrival
        AlertGrouper first = grouper(R);
        first.offer(firing(ON_TIME_LOW, "03646", 1), P0, 0, 0);
        first.offer(firing(ON_TIME_LOW, "03647", 3), P1, 0, 0);
        AlertGrouper again = grouper(R);
        again.offer(firing(ON_TIME_LOW, "03647", 3), P1, 0, 0);
        again.offer(firing(ON_TIME_LOW, "03646", 1), P0, 0, 0);
        Notification a = first.flushDue(10_000, WALL).get(0);
        Notification b = again.flushDue(10_000, WALL).get(0);
        assertThat(a.id()).isNotEqualTo(b.id());
        assertThat(a.idempotencyKey()).isEqualTo(b.idempotencyKey());
        assertThat(a.body()).isEqualTo(b.body());
        assertThat(new JsonObject(a.body()).getString("idempotency_key")).isEqualTo(a.idempotencyKey());
    }

    private static Notification.AlertRef ref(String communeId, long seq) {
        return new Notification.AlertRef(AlertEvent.fingerprint(ON_TIME_LOW, "commune", communeId), seq);
    }
}
