package io.bitactor.bench;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The performance gate: runs {@code L2RoutingBenchmark}, {@code L3ProcessingBenchmark} and the raw-queue floor
 * briefly ({@code -f 1 -wi 3 -i 5 -prof gc}), reads JMH's JSON result files and exits with status 1 when a parameter
 * combination misses a target: L2 >= {@code gate.l2.maxNs} (100) ns/op, L3 >= {@code gate.l3.maxNs} (200) ns/op, or
 * allocation > {@code gate.maxAllocBytes} (1) B/op. Targets are system properties, so a run with a target set below
 * the measured figure shows the gate failing.
 * <pre>
 * java -cp bitactor-bench/target/benchmarks.jar io.bitactor.bench.BenchmarkGate [out-dir]
 * </pre>
 *
 * <h2>Noise policy</h2>
 * On a 2-vCPU VM the cost of moving cache lines between the two vCPUs changes by several times from one fork to the
 * next (the host decides where they run; see docs/BENCHMARKS.md). The gate therefore:
 * <ol>
 *     <li>re-runs every combination that missed, in a fresh fork, up to {@code gate.attempts} (3) times in all, and
 *     passes a combination when one attempt meets all of its targets;</li>
 *     <li>measures the raw-queue floor ({@code RawQueueFloorBenchmark}, spinning consumer, {@code memory=slab}: the
 *     same bytes between the same two threads with nothing else) in every attempt. When an L2 or L3 combination
 *     still misses only its time target and the floor was above {@code gate.floor.fastNs} (50) ns/op in
 *     <em>every</em> attempt, the host was in the state where even the raw queue costs 73-270 ns/op: the
 *     combination is reported as {@code HOST-SLOW}, not as a pass. It fails the gate only with
 *     {@code -Dgate.strict=true}. The allocation target, and the time targets in any attempt whose floor was fast,
 *     are always enforced.</li>
 * </ol>
 * L2 combinations with the write-ahead journal on ({@code journal=on}) are measured and reported, but only
 * enforced with {@code -Dgate.l2.journal=enforce}: the journal's own target is tracked separately (its cost on
 * this machine is in docs/BENCHMARKS.md), and the gate guards the runtime's targets.
 * L3 is measured and enforced with tracing off and on ({@code tracing=on}: every trace sampled into a ring-buffer
 * span sink), as the tracing issue asks: spans must not take L3 over its target.
 * {@code -Dgate.l2.time=report} reports every L2 time miss instead of failing on it (allocation and L3 stay
 * enforced): {@code .ci/run} uses it, because on this project's 2-vCPU VM an L2 fork can run 2-4x slower than the
 * floor measured just before and after it suggests, which no retry policy can tell apart from a regression.
 * <p>
 * The report ({@code gate.md}) lists every attempt, the floor of each, and each verdict; the JSON files are
 * {@code gate-1.json} (first attempt), {@code gate-<attempt>-<n>.json} (re-runs) and
 * {@code gate-<attempt>-floor-before/after.json} in the output directory.
 * <p>
 * Runs on the main thread only.
 */
public final class BenchmarkGate
{
    private static final String L2 = L2RoutingBenchmark.class.getName() + ".route";
    private static final String L3 = L3ProcessingBenchmark.class.getName() + ".handle";
    private static final String FLOOR = RawQueueFloorBenchmark.class.getName() + ".offer";

    /** A combination's verdict. */
    enum Verdict
    {
        /** One attempt met every target. */
        PASS,
        /** L2 time target missed, but only in attempts whose floor showed the host's slow state. */
        HOST_SLOW,
        /** Missed with the host in a state where the target is reachable, or missed an always-enforced target. */
        FAIL,
        /** Missed, on a combination the gate only reports (L2 with the journal on, unless gate.l2.journal=enforce). */
        MISSED_NOT_ENFORCED
    }

    /**
     * The gate's targets and policy.
     *
     * @param l2MaxNs         L2 passes below this, ns/op.
     * @param l3MaxNs         L3 passes below this, ns/op.
     * @param maxAllocBytes   allocation passes at or below this, B/op.
     * @param floorFastNs     a floor at or below this, ns/op, means the host was in its fast state.
     * @param enforceJournal  whether L2 combinations with the journal on are enforced (else only reported).
     * @param enforceL2Time   whether the L2 time target is enforced at all (else every L2 time miss is reported;
     *                        allocation is still enforced).
     */
    record Targets(
        double l2MaxNs, double l3MaxNs, double maxAllocBytes, double floorFastNs, boolean enforceJournal,
        boolean enforceL2Time)
    {
        Targets(final double l2MaxNs, final double l3MaxNs, final double maxAllocBytes, final double floorFastNs,
            final boolean enforceJournal)
        {
            this(l2MaxNs, l3MaxNs, maxAllocBytes, floorFastNs, enforceJournal, true);
        }

        /** Whether a combination's time target is enforced (allocation always is). */
        boolean enforced(final JmhJson.Row row)
        {
            if (!row.benchmark().equals(L2))
            {
                return true;
            }
            return enforceL2Time && (enforceJournal || !"on".equals(row.params().get("journal")));
        }

        boolean meets(final JmhJson.Row row)
        {
            final double max = row.benchmark().equals(L2) ? l2MaxNs : l3MaxNs;
            return row.score() < max && meetsAlloc(row);
        }

        boolean meetsAlloc(final JmhJson.Row row)
        {
            return row.allocBytesPerOp() <= maxAllocBytes; // NaN (no gc profiler) is a miss
        }
    }

    /**
     * One measurement of a combination, with the floor measured in the same attempt.
     *
     * @param row       the combination's JMH result.
     * @param floorNs   the raw-queue floor of the same attempt, ns/op.
     */
    record Attempt(JmhJson.Row row, double floorNs)
    {
    }

    private BenchmarkGate()
    {
    }

    /**
     * Runs the gate.
     *
     * @param args optional output directory (default {@code bitactor-bench/target/results}).
     * @throws RunnerException if JMH fails.
     * @throws IOException     if the output directory cannot be written or a result file read.
     */
    public static void main(final String[] args) throws RunnerException, IOException
    {
        final Targets targets = new Targets(
            Double.parseDouble(System.getProperty("gate.l2.maxNs", "100")),
            Double.parseDouble(System.getProperty("gate.l3.maxNs", "200")),
            Double.parseDouble(System.getProperty("gate.maxAllocBytes", "1")),
            Double.parseDouble(System.getProperty("gate.floor.fastNs", "50")),
            "enforce".equals(System.getProperty("gate.l2.journal", "report")),
            !"report".equals(System.getProperty("gate.l2.time", "enforce")));
        final int maxAttempts = Integer.getInteger("gate.attempts", 3);
        final boolean strict = Boolean.getBoolean("gate.strict");
        final Path out = Path.of(args.length > 0 ? args[0] : "bitactor-bench/target/results");
        Files.createDirectories(out);

        // combination key -> every attempt at it, in order
        final Map<String, List<Attempt>> attempts = new LinkedHashMap<>();
        final List<Double> floors = new ArrayList<>();

        System.out.println("== gate attempt 1 of at most " + maxAttempts + ": floor, L2 and L3, floor ==");
        final double floorBefore = measureFloor(out.resolve("gate-1-floor-before.json"));
        final Path first = out.resolve("gate-1.json");
        runJmh(new OptionsBuilder().include(pattern(L2) + "|" + pattern(L3)), first);
        final double firstFloor = Math.max(floorBefore, measureFloor(out.resolve("gate-1-floor-after.json")));
        floors.add(firstFloor);
        for (final JmhJson.Row row : JmhJson.read(first))
        {
            attempts.computeIfAbsent(key(row), k -> new ArrayList<>()).add(new Attempt(row, firstFloor));
        }

        for (int attempt = 2; attempt <= maxAttempts; attempt++)
        {
            final List<JmhJson.Row> missed = new ArrayList<>();
            attempts.values().forEach(list -> {
                final Verdict verdict = verdict(list, targets);
                if (verdict == Verdict.FAIL || verdict == Verdict.HOST_SLOW)
                {
                    missed.add(list.get(0).row());
                }
            });
            if (missed.isEmpty())
            {
                break;
            }
            System.out.println("== gate attempt " + attempt + " of " + maxAttempts + ": re-running " + missed.size() +
                " combination(s) that missed, in fresh forks, with the floor ==");
            final double before = measureFloor(out.resolve("gate-" + attempt + "-floor-before.json"));
            final List<JmhJson.Row> reruns = new ArrayList<>();
            int n = 0;
            for (final JmhJson.Row row : missed)
            {
                final ChainedOptionsBuilder builder = new OptionsBuilder().include(pattern(row.benchmark()));
                row.params().forEach(builder::param);
                final Path file = out.resolve("gate-" + attempt + "-" + (++n) + ".json");
                runJmh(builder, file);
                reruns.addAll(JmhJson.read(file));
            }
            final double floor = Math.max(before, measureFloor(out.resolve("gate-" + attempt + "-floor-after.json")));
            floors.add(floor);
            for (final JmhJson.Row rerun : reruns)
            {
                attempts.get(key(rerun)).add(new Attempt(rerun, floor));
            }
        }

        final String report = report(attempts, floors, targets, strict);
        Files.writeString(out.resolve("gate.md"), report);
        System.out.println();
        System.out.print(report);

        final List<String> failures = new ArrayList<>();
        final List<String> hostSlow = new ArrayList<>();
        final List<String> notEnforced = new ArrayList<>();
        if (attempts.isEmpty())
        {
            failures.add("no benchmark ran");
        }
        attempts.forEach((key, list) -> {
            final Verdict verdict = verdict(list, targets);
            if (verdict == Verdict.FAIL)
            {
                failures.add(key);
            }
            else if (verdict == Verdict.HOST_SLOW)
            {
                hostSlow.add(key);
            }
            else if (verdict == Verdict.MISSED_NOT_ENFORCED)
            {
                notEnforced.add(key);
            }
        });
        if (!notEnforced.isEmpty())
        {
            System.out.println("REPORTED, NOT ENFORCED (L2 time with the journal on unless -Dgate.l2.journal=enforce; " +
                "every L2 time with -Dgate.l2.time=report): " + notEnforced.size() + " combination(s) missed:");
            notEnforced.forEach(f -> System.out.println("  " + f));
        }
        if (strict)
        {
            failures.addAll(hostSlow);
        }
        if (!failures.isEmpty())
        {
            System.out.println("GATE FAILED:");
            failures.forEach(f -> System.out.println("  " + f));
            System.exit(1);
        }
        if (!hostSlow.isEmpty())
        {
            System.out.println("GATE PASSED WITH " + hostSlow.size() + " L2 COMBINATION(S) NOT JUDGED: the raw floor " +
                "was above " + targets.floorFastNs() + " ns/op in every attempt (host slow state); " +
                "-Dgate.strict=true fails on them:");
            hostSlow.forEach(f -> System.out.println("  " + f));
            return;
        }
        if (!notEnforced.isEmpty())
        {
            System.out.println("GATE PASSED on every enforced target (L3 < " + targets.l3MaxNs() + " ns/op, <= " +
                targets.maxAllocBytes() + " B/op" + (targets.enforceL2Time() ? ", L2 journal off < " +
                targets.l2MaxNs() + " ns/op" : "") + "); " + notEnforced.size() + " reported miss(es) above");
            return;
        }
        System.out.println("GATE PASSED: L2 < " + targets.l2MaxNs() + " ns/op, L3 < " + targets.l3MaxNs() +
            " ns/op, <= " + targets.maxAllocBytes() + " B/op for every combination");
    }

    /**
     * Decides a combination from its attempts.
     *
     * @param list    every attempt at one combination.
     * @param targets the targets.
     * @return the verdict.
     */
    static Verdict verdict(final List<Attempt> list, final Targets targets)
    {
        if (!list.isEmpty() && !targets.enforced(list.get(0).row()))
        {
            final JmhJson.Row row = list.get(0).row();
            return !targets.meetsAlloc(row) ? Verdict.FAIL :
                targets.meets(row) ? Verdict.PASS : Verdict.MISSED_NOT_ENFORCED;
        }
        boolean onlySlowHostMisses = true;
        for (final Attempt attempt : list)
        {
            final JmhJson.Row row = attempt.row();
            if (targets.meets(row))
            {
                return Verdict.PASS;
            }
            final boolean timeOnlyMiss = targets.meetsAlloc(row);
            if (!timeOnlyMiss || !(attempt.floorNs() > targets.floorFastNs()))
            {
                onlySlowHostMisses = false;
            }
        }
        return onlySlowHostMisses && !list.isEmpty() ? Verdict.HOST_SLOW : Verdict.FAIL;
    }

    static String report(
        final Map<String, List<Attempt>> attempts, final List<Double> floors, final Targets targets, final boolean strict)
    {
        final StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Raw floor (spinning consumer, larger of before / after) per attempt, ns/op: %s (fast state <= %.0f)%n%n",
            floors.stream().map(f -> String.format(Locale.ROOT, "%.1f", f)).toList(), targets.floorFastNs()));
        sb.append("| benchmark | parameters | attempts: ns/op (B/op) | target ns/op | verdict |\n");
        sb.append("|---|---|---|---|---|\n");
        attempts.forEach((key, list) -> {
            final JmhJson.Row first = list.get(0).row();
            final StringBuilder tries = new StringBuilder();
            for (final Attempt attempt : list)
            {
                if (tries.length() > 0)
                {
                    tries.append("; ");
                }
                tries.append(String.format(Locale.ROOT, "%.1f (%.4f)", attempt.row().score(),
                    attempt.row().allocBytesPerOp()));
            }
            final Verdict verdict = verdict(list, targets);
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | < %.0f | %s |%n", first.shortName(), first.params(),
                tries, first.benchmark().equals(L2) ? targets.l2MaxNs() : targets.l3MaxNs(),
                verdict == Verdict.HOST_SLOW && strict ? "FAIL (host slow, strict)" : verdict.name()));
        });
        return sb.toString();
    }

    private static void runJmh(final ChainedOptionsBuilder builder, final Path json) throws RunnerException
    {
        new Runner(builder
            .forks(1)
            .warmupIterations(3)
            .measurementIterations(5)
            .addProfiler(GCProfiler.class)
            .resultFormat(ResultFormatType.JSON)
            .result(json.toString())
            .build()).run();
    }

    /**
     * Measures the raw floor with a spinning consumer in a fork of its own.
     */
    private static double measureFloor(final Path json) throws RunnerException, IOException
    {
        runJmh(new OptionsBuilder().include(pattern(FLOOR)).param("consumerIdle", "spin").param("memory", "slab"),
            json);
        for (final JmhJson.Row row : JmhJson.read(json))
        {
            if (row.benchmark().equals(FLOOR))
            {
                return row.score();
            }
        }
        throw new IllegalStateException("the floor benchmark did not run");
    }

    private static String key(final JmhJson.Row row)
    {
        return row.shortName() + " " + row.params();
    }

    private static String pattern(final String benchmark)
    {
        return "^" + Pattern.quote(benchmark) + "$";
    }
}
