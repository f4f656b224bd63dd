package vn.ioc.pulse.standalone.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import vn.ioc.pulse.standalone.fuzz.FuzzGenerator.Item;
import vn.ioc.pulse.standalone.fuzz.FuzzGenerator.Request;

class FuzzGeneratorTest {
    private static final Instant END = Instant.parse("2026-03-02T10:00:00Z");

    private static List<Request> all(FuzzGenerator g) {
        List<Request> list = new ArrayList<>();
        while (g.hasNext()) {
            list.add(g.next());
        }
        return list;
    }

    @Test
    void sameSeedSameBodies() {
        List<Request> a = all(new FuzzGenerator(5, "T", END, 3000, 0.5));
        List<Request> b = all(new FuzzGenerator(5, "T", END, 3000, 0.5));
        assertThat(a).hasSameSizeAs(b);
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i).body()).isEqualTo(b.get(i).body());
            assertThat(a.get(i).items()).isEqualTo(b.get(i).items());
        }
    }

    @Test
    void exactlyNRecordsEveryClassAndUniqueGoodIds() {
        FuzzGenerator g = new FuzzGenerator(1, "T", END, 20_000, 0.5);
        List<Request> requests = all(g);
        int records = 0;
        Set<String> classes = new HashSet<>();
        Set<String> abuses = new HashSet<>();
        for (Request r : requests) {
            records += r.items().size();
            r.items().stream().map(Item::cls).forEach(classes::add);
            if (r.abuse() != null) {
                abuses.add(r.abuse());
            }
        }
        assertThat(records).isEqualTo(20_000);
        assertThat(classes).containsAll(FuzzGenerator.classLabels());
        assertThat(abuses).hasSize(FuzzGenerator.Abuse.values().length);
        assertThat(new HashSet<>(g.goodIds())).hasSameSizeAs(g.goodIds());
    }

    @Test
    void excludedClassesAreNotSent() {
        FuzzGenerator g = new FuzzGenerator(1, "T", END, 5000, 0.5, Set.of("out_of_range", "empty_body"));
        for (Request r : all(g)) {
            assertThat(r.abuse()).isNotEqualTo("empty_body");
            assertThat(r.items()).noneMatch(i -> i.cls().equals("out_of_range"));
        }
    }
}
