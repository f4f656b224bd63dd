package vn.ioc.pulse.dashboard.alerts.delivery;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.ioc.pulse.model.AlertEvent;

/**
 * Groups alert records per receiver (its {@code match}, then its {@code group_by} labels) into notifications, in
 * memory and single-threaded (the notifier's consumer thread), with an explicit clock so tests drive time.
 *
 * <p>A new group flushes {@code group_wait} after its first alert; a group that has notified flushes later changes
 * no sooner than {@code group_interval} after its previous notification. A notification lists the alerts that
 * changed since the group's previous one (latest record per fingerprint). Silenced alerts are dropped at flush time.
 * Records whose {@code seq} is not above the last seen for their fingerprint are dropped as repeats. State is bounded:
 * one {@code seq} per fingerprint (rule × scope), groups only while they hold alerts or within an interval of their
 * last notification.
 */
final class AlertGrouper {
    private static final Logger LOG = LoggerFactory.getLogger(AlertGrouper.class);

    private final List<DeliveryConfig.Receiver> receivers;
    private final String externalUrl;
    private final Predicate<AlertEvent> silenced;
    private final Map<String, AlertEvent.Seen> lastSeq = new HashMap<>();
    private final Map<String, Group> groups = new LinkedHashMap<>();

    private static final class Group {
        final DeliveryConfig.Receiver receiver;
        final String key;
        final Map<String, String> labels;
        final Map<String, AlertEvent> alerts = new TreeMap<>();
        final Map<TopicPartition, Long> lowestOffset = new HashMap<>();
        long dueAt;
        long lastFlushAt = Long.MIN_VALUE;

        Group(DeliveryConfig.Receiver receiver, String key, Map<String, String> labels) {
            this.receiver = receiver;
            this.key = key;
            this.labels = labels;
        }
    }

    AlertGrouper(DeliveryConfig config, Predicate<AlertEvent> silenced) {
        this.receivers = config.receivers();
        this.externalUrl = config.externalUrl();
        this.silenced = silenced;
    }

    /** Remembers a record as taken (state rebuilt from the topic after a restart). */
    void seen(AlertEvent a) {
        AlertEvent.Seen last = lastSeq.get(a.fingerprint());
        if (last == null || last.isNews(a)) {
            lastSeq.put(a.fingerprint(), a.seen());
        }
    }

    /**
     * Takes one record read at {@code offset} of {@code partition}; false when it repeats an earlier (fingerprint, seq)
     * and was dropped.
     */
    boolean offer(AlertEvent alert, TopicPartition partition, long offset, long nowMillis) {
        AlertEvent.Seen last = lastSeq.get(alert.fingerprint());
        if (last != null && !last.isNews(alert)) {
            return false;
        }
        lastSeq.put(alert.fingerprint(), alert.seen());
        Map<String, String> routing = Payloads.routingLabels(alert);
        for (DeliveryConfig.Receiver r : receivers) {
            if (!matches(r, routing)) {
                continue;
            }
            Map<String, String> labels = groupLabels(r, routing);
            String key = Payloads.groupKey(r.name(), labels);
            Group g = groups.computeIfAbsent(key, k -> new Group(r, k, labels));
            if (g.alerts.isEmpty()) {
                g.dueAt = g.lastFlushAt == Long.MIN_VALUE ? nowMillis + r.groupWait().toMillis()
                        : Math.max(nowMillis, g.lastFlushAt + r.groupInterval().toMillis());
            }
            g.alerts.put(alert.fingerprint(), alert);
            g.lowestOffset.merge(partition, offset, Math::min);
        }
        return true;
    }

    /** When the next group is due (Long.MAX_VALUE when none holds alerts). */
    long nextDueAt() {
        long next = Long.MAX_VALUE;
        for (Group g : groups.values()) {
            if (!g.alerts.isEmpty()) {
                next = Math.min(next, g.dueAt);
            }
        }
        return next;
    }

    /** The notifications of every group due at {@code nowMillis}; their alerts leave the pending state. */
    List<Notification> flushDue(long nowMillis, Instant wallNow) {
        List<Notification> out = new ArrayList<>();
        for (Iterator<Group> it = groups.values().iterator(); it.hasNext(); ) {
            Group g = it.next();
            if (g.alerts.isEmpty()) {
                if (nowMillis - g.lastFlushAt > g.receiver.groupInterval().toMillis()) {
                    it.remove(); // idle: the next alert of this group is a new group again (group_wait)
                }
                continue;
            }
            if (g.dueAt > nowMillis) {
                continue;
            }
            List<AlertEvent> send = new ArrayList<>();
            for (AlertEvent a : g.alerts.values()) {
                if (!isSilenced(a)) {
                    send.add(a);
                }
            }
            g.alerts.clear();
            g.lowestOffset.clear();
            g.lastFlushAt = nowMillis;
            if (send.isEmpty()) {
                continue;
            }
            List<Notification.AlertRef> refs = send.stream()
                    .map(a -> new Notification.AlertRef(a.fingerprint(), a.seq())).toList();
            String key = Notification.idempotencyKey(g.receiver.name(), g.key, refs);
            out.add(new Notification(UUID.randomUUID().toString(), g.receiver.name(), key, g.key,
                    Payloads.render(g.receiver, g.key, g.labels, send, key, externalUrl), wallNow, refs, null));
        }
        return out;
    }

    /** Per partition, the lowest offset of a record still waiting in a group (absent: nothing waits there). */
    Map<TopicPartition, Long> lowestPendingOffsets() {
        Map<TopicPartition, Long> low = new HashMap<>();
        for (Group g : groups.values()) {
            g.lowestOffset.forEach((tp, o) -> low.merge(tp, o, Math::min));
        }
        return low;
    }

    /** Forgets everything (partitions revoked or a transaction aborted: the records are read again). */
    void reset() {
        groups.clear();
        lastSeq.clear();
    }

    int pendingGroups() {
        return (int) groups.values().stream().filter(g -> !g.alerts.isEmpty()).count();
    }

    private boolean isSilenced(AlertEvent a) {
        try {
            return silenced.test(a);
        } catch (RuntimeException e) {
            LOG.warn("silence check failed for alert {} ({}); delivering it", a.fingerprint(), a.rule(), e);
            return false;
        }
    }

    static boolean matches(DeliveryConfig.Receiver r, Map<String, String> labels) {
        for (Map.Entry<String, List<String>> m : r.match().entrySet()) {
            String v = labels.get(m.getKey());
            if (v == null || !m.getValue().contains(v)) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, String> groupLabels(DeliveryConfig.Receiver r, Map<String, String> routing) {
        if (r.groupBy().contains("...")) {
            return new TreeMap<>(routing);
        }
        Map<String, String> labels = new LinkedHashMap<>();
        for (String name : r.groupBy()) {
            String v = routing.get(name);
            if (v != null) {
                labels.put(name, v);
            }
        }
        return labels;
    }
}
