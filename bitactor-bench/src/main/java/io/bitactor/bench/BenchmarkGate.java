package io.bitactor.bench;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;

/**
 * The performance gate: runs {@code L2RoutingBenchmark} and {@code L3ProcessingBenchmark} briefly
 * ({@code -f 1 -wi 3 -i 5 -prof gc}) and exits with status 1 when any parameter combination misses a target:
 * L2 >= {@code gate.l2.maxNs} (100) ns/op, L3 >= {@code gate.l3.maxNs} (200) ns/op, or allocation >
 * {@code gate.maxAllocBytes} (1) B/op. Targets are system properties, so a run with a target set below the measured
 * figure shows the gate failing. JMH's JSON is written to {@code <out>/gate.json}.
 * <pre>
 * java -cp bitactor-bench/target/benchmarks.jar io.bitactor.bench.BenchmarkGate [out-dir]
 * </pre>
 */
public final class BenchmarkGate
{
    private BenchmarkGate()
    {
    }

    /**
     * Runs the gate.
     *
     * @param args optional output directory (default {@code bitactor-bench/target/results}).
     * @throws RunnerException if JMH fails.
     * @throws IOException     if the output directory cannot be written.
     */
    public static void main(final String[] args) throws RunnerException, IOException
    {
        final double l2MaxNs = Double.parseDouble(System.getProperty("gate.l2.maxNs", "100"));
        final double l3MaxNs = Double.parseDouble(System.getProperty("gate.l3.maxNs", "200"));
        final double maxAlloc = Double.parseDouble(System.getProperty("gate.maxAllocBytes", "1"));
        final Path out = Path.of(args.length > 0 ? args[0] : "bitactor-bench/target/results");
        Files.createDirectories(out);

        final Options options = new OptionsBuilder()
            .include(L2RoutingBenchmark.class.getSimpleName() + "|" + L3ProcessingBenchmark.class.getSimpleName())
            .forks(1)
            .warmupIterations(3)
            .measurementIterations(5)
            .addProfiler(GCProfiler.class)
            .resultFormat(ResultFormatType.JSON)
            .result(out.resolve("gate.json").toString())
            .build();
        final Collection<RunResult> results = new Runner(options).run();

        final List<String> failures = new ArrayList<>();
        final StringBuilder report = new StringBuilder("| benchmark | parameters | ns/op | B/op | target ns/op | verdict |\n" +
            "|---|---|---|---|---|---|\n");
        for (final RunResult result : results)
        {
            final String name = result.getParams().getBenchmark();
            final double target = name.contains("L2Routing") ? l2MaxNs : l3MaxNs;
            final double score = result.getPrimaryResult().getScore();
            final Result<?> alloc = result.getSecondaryResults().get("gc.alloc.rate.norm");
            final double bytes = alloc == null ? Double.NaN : alloc.getScore();
            final TreeMap<String, String> params = new TreeMap<>();
            for (final String key : result.getParams().getParamsKeys())
            {
                params.put(key, result.getParams().getParam(key));
            }
            final boolean ok = score < target && bytes <= maxAlloc;
            report.append(String.format("| %s | %s | %.1f | %.4f | < %.0f | %s |%n",
                name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1), params, score, bytes, target,
                ok ? "pass" : "FAIL"));
            if (!ok)
            {
                failures.add(name + " " + params + ": " + String.format("%.1f ns/op, %.4f B/op", score, bytes));
            }
        }
        Files.writeString(out.resolve("gate.md"), report.toString());
        System.out.println();
        System.out.print(report);
        if (results.isEmpty())
        {
            failures.add("no benchmark ran");
        }
        if (!failures.isEmpty())
        {
            System.out.println("GATE FAILED:");
            failures.forEach(f -> System.out.println("  " + f));
            System.exit(1);
        }
        System.out.println("GATE PASSED: L2 < " + l2MaxNs + " ns/op, L3 < " + l3MaxNs + " ns/op, <= " + maxAlloc +
            " B/op for every combination");
    }
}
