package io.bitactor.bench;

import io.bitactor.bench.BenchmarkGate.Attempt;
import io.bitactor.bench.BenchmarkGate.Targets;
import io.bitactor.bench.BenchmarkGate.Verdict;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BenchmarkGateTest
{
    private static final String L2 = "io.bitactor.bench.L2RoutingBenchmark.route";
    private static final String L3 = "io.bitactor.bench.L3ProcessingBenchmark.handle";
    private static final Targets TARGETS = new Targets(100, 200, 1, 50, false);

    /** The shape JMH 1.37 writes with -rf json -prof gc (trimmed: raw data and some metrics left out). */
    private static final String JMH_JSON = """
        [
            {
                "jmhVersion" : "1.37",
                "benchmark" : "io.bitactor.bench.L2RoutingBenchmark.route",
                "mode" : "avgt",
                "threads" : 1,
                "forks" : 1,
                "jvmArgs" : [ "-Xms1g", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED" ],
                "params" : { "actors" : "10000", "consumerIdle" : "spin", "shards" : "32" },
                "primaryMetric" : {
                    "score" : 48.12345,
                    "scoreError" : 1.5e0,
                    "scoreConfidence" : [ 46.6, 49.6 ],
                    "scoreUnit" : "ns/op",
                    "rawData" : [ [ 48.0, 48.2 ] ]
                },
                "secondaryMetrics" : {
                    "gc.alloc.rate" : { "score" : 0.01, "scoreError" : "NaN", "scoreUnit" : "MB/sec" },
                    "gc.alloc.rate.norm" : { "score" : 0.0007, "scoreError" : 0.0001, "scoreUnit" : "B/op" },
                    "gc.count" : { "score" : "\\u2248 0", "scoreError" : "NaN", "scoreUnit" : "counts" }
                }
            },
            {
                "jmhVersion" : "1.37",
                "benchmark" : "io.bitactor.bench.L3ProcessingBenchmark.handle",
                "params" : { "actors" : "1" },
                "primaryMetric" : { "score" : 120.5, "scoreError" : "NaN", "scoreUnit" : "ns/op" },
                "secondaryMetrics" : { }
            }
        ]
        """;

    @Test
    void readsJmhJson()
    {
        final List<JmhJson.Row> rows = JmhJson.parse(JMH_JSON);

        assertThat(rows).hasSize(2);
        final JmhJson.Row l2 = rows.get(0);
        assertThat(l2.benchmark()).isEqualTo(L2);
        assertThat(l2.shortName()).isEqualTo("L2RoutingBenchmark.route");
        assertThat(l2.params()).containsExactly(
            Map.entry("actors", "10000"), Map.entry("consumerIdle", "spin"), Map.entry("shards", "32"));
        assertThat(l2.score()).isEqualTo(48.12345);
        assertThat(l2.scoreError()).isEqualTo(1.5);
        assertThat(l2.allocBytesPerOp()).isEqualTo(0.0007);
        final JmhJson.Row l3 = rows.get(1);
        assertThat(l3.scoreError()).isNaN();
        assertThat(l3.allocBytesPerOp()).as("no gc profiler: unknown, not zero").isNaN();
    }

    @Test
    void rejectsWhatIsNotAJmhResultFile()
    {
        assertThatThrownBy(() -> JmhJson.parse("{\"a\": 1}")).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("array");
        assertThatThrownBy(() -> JmhJson.parse("[{\"benchmark\": \"x\", ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JmhJson.parse("[] x")).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("trailing");
    }

    @Test
    void aCombinationPassesWhenOneAttemptMeetsEveryTarget()
    {
        assertThat(BenchmarkGate.verdict(List.of(attempt(L2, 99.9, 0.01, 20)), TARGETS)).isEqualTo(Verdict.PASS);
        assertThat(BenchmarkGate.verdict(
            List.of(attempt(L2, 150, 0.01, 20), attempt(L2, 60, 0.01, 80)), TARGETS)).isEqualTo(Verdict.PASS);
        assertThat(BenchmarkGate.verdict(List.of(attempt(L3, 199, 0.5, 90)), TARGETS)).isEqualTo(Verdict.PASS);
    }

    @Test
    void theTargetIsExclusiveAndAllocationIsAlwaysEnforced()
    {
        assertThat(BenchmarkGate.verdict(List.of(attempt(L2, 100.0, 0.0, 20)), TARGETS)).isEqualTo(Verdict.FAIL);
        assertThat(BenchmarkGate.verdict(List.of(attempt(L3, 200.0, 0.0, 20)), TARGETS)).isEqualTo(Verdict.FAIL);
        assertThat(BenchmarkGate.verdict(List.of(attempt(L2, 50, 1.01, 90)), TARGETS))
            .as("allocation is enforced even when the host is slow").isEqualTo(Verdict.FAIL);
        assertThat(BenchmarkGate.verdict(List.of(attempt(L2, 50, Double.NaN, 20)), TARGETS))
            .as("a run without the gc profiler cannot pass").isEqualTo(Verdict.FAIL);
    }

    @Test
    void aTimeMissIsExcusedOnlyWhenEveryAttemptSawTheSlowFloor()
    {
        assertThat(BenchmarkGate.verdict(
            List.of(attempt(L2, 180, 0.01, 80), attempt(L2, 170, 0.01, 75)), TARGETS)).isEqualTo(Verdict.HOST_SLOW);
        assertThat(BenchmarkGate.verdict(
            List.of(attempt(L2, 180, 0.01, 80), attempt(L2, 120, 0.01, 20)), TARGETS))
            .as("one attempt with a fast floor and still a miss").isEqualTo(Verdict.FAIL);
        assertThat(BenchmarkGate.verdict(List.of(attempt(L2, 120, 0.01, 50)), TARGETS))
            .as("the fast-state bound is inclusive").isEqualTo(Verdict.FAIL);
        assertThat(BenchmarkGate.verdict(List.of(attempt(L3, 250, 0.01, 90), attempt(L3, 240, 0.01, 60)), TARGETS))
            .as("L3 follows the same rule").isEqualTo(Verdict.HOST_SLOW);
        assertThat(BenchmarkGate.verdict(List.of(attempt(L3, 250, 0.01, 90), attempt(L3, 240, 0.01, 30)), TARGETS))
            .as("an L3 miss with a fast floor").isEqualTo(Verdict.FAIL);
        assertThat(BenchmarkGate.verdict(List.of(attempt(L3, 250, 2.0, 90)), TARGETS))
            .as("an allocation miss is never excused").isEqualTo(Verdict.FAIL);
    }

    @Test
    void l2WithTheJournalOnIsReportedNotEnforcedUnlessAsked()
    {
        final Attempt journalMiss = new Attempt(
            new JmhJson.Row(L2, Map.of("journal", "on", "shards", "4"), 150, Double.NaN, 0.01), 20);
        assertThat(BenchmarkGate.verdict(List.of(journalMiss), TARGETS)).isEqualTo(Verdict.MISSED_NOT_ENFORCED);
        assertThat(BenchmarkGate.verdict(List.of(journalMiss), new Targets(100, 200, 1, 50, true)))
            .isEqualTo(Verdict.FAIL);
        final Attempt journalOffMiss = new Attempt(
            new JmhJson.Row(L2, Map.of("journal", "off", "shards", "4"), 150, Double.NaN, 0.01), 20);
        assertThat(BenchmarkGate.verdict(List.of(journalOffMiss), TARGETS)).isEqualTo(Verdict.FAIL);
    }

    @Test
    void withL2TimeReportedOnlyAllocationAndL3AreEnforced()
    {
        final Targets reportL2 = new Targets(100, 200, 1, 50, false, false);
        assertThat(BenchmarkGate.verdict(List.of(attempt(L2, 180, 0.01, 20)), reportL2))
            .isEqualTo(Verdict.MISSED_NOT_ENFORCED);
        assertThat(BenchmarkGate.verdict(List.of(attempt(L2, 50, 2.0, 20)), reportL2)).isEqualTo(Verdict.FAIL);
        assertThat(BenchmarkGate.verdict(List.of(attempt(L3, 250, 0.01, 20)), reportL2)).isEqualTo(Verdict.FAIL);
        assertThat(BenchmarkGate.verdict(List.of(attempt(L2, 50, 0.01, 20)), reportL2)).isEqualTo(Verdict.PASS);
    }

    @Test
    void theReportListsEveryAttemptAndVerdict()
    {
        final String report = BenchmarkGate.report(Map.of("L2RoutingBenchmark.route {shards=4}",
            List.of(attempt(L2, 180, 0.01, 80), attempt(L2, 170, 0.01, 75))), List.of(80.0, 75.0), TARGETS, true);

        assertThat(report).contains("180.0 (0.0100); 170.0 (0.0100)").contains("[80.0, 75.0]")
            .contains("FAIL (host slow, strict)");
    }

    private static Attempt attempt(final String benchmark, final double ns, final double bytes, final double floor)
    {
        return new Attempt(new JmhJson.Row(benchmark, Map.of("shards", "4"), ns, Double.NaN, bytes), floor);
    }
}
