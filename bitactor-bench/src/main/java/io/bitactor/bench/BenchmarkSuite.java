package io.bitactor.bench;

import io.bitactor.bench.savina.Workload;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The main job: runs the whole benchmark suite with JMH's progress output, then writes a Markdown results table
 * ({@code results.md}) and a grouped bar chart ({@code savina.png}: messages per second per Savina workload,
 * BitActor vs Pekko vs the raw-queue floor) under {@code bitactor-bench/target/results/}, plus JMH's JSON.
 * <pre>
 * java -cp bitactor-bench/target/benchmarks.jar io.bitactor.bench.BenchmarkSuite [--full] [out-dir]
 * </pre>
 * Quick mode (default, about 6 minutes on a 2-core machine): component benchmarks with 1 fork, 3 warm-up and 5
 * measured iterations; Savina workloads with 1 warm-up and 3 measured runs. {@code --full}: 2 forks and twice the
 * iterations.
 */
public final class BenchmarkSuite
{
    private static final String[] RUNTIMES =
        { "bitactor", "bitactor-colocated", "bitactor-journal", "pekko", "pekko-tuned", "raw" };

    private BenchmarkSuite()
    {
    }

    /**
     * Runs the suite.
     *
     * @param args {@code --full} for the full mode; an optional output directory.
     * @throws RunnerException if JMH fails.
     * @throws IOException     if the results cannot be written.
     */
    public static void main(final String[] args) throws RunnerException, IOException
    {
        boolean full = false;
        Path out = Path.of("bitactor-bench/target/results");
        for (final String arg : args)
        {
            if ("--full".equals(arg))
            {
                full = true;
            }
            else
            {
                out = Path.of(arg);
            }
        }
        Files.createDirectories(out);
        final int forks = full ? 2 : 1;
        final List<RunResult> component = new ArrayList<>();
        final List<RunResult> savina = new ArrayList<>();

        System.out.println("== BitActor benchmark suite (" + (full ? "full" : "quick") + " mode) ==");
        System.out.println("== 1/3 component benchmarks: L2 routing, raw floor, L3 processing, whole call, round trip");
        component.addAll(run(new OptionsBuilder()
            .include("L2RoutingBenchmark|RawQueueFloorBenchmark|L3ProcessingBenchmark|ActorCallBenchmark|" +
                "RoundTripBenchmark")
            .forks(forks).warmupIterations(full ? 5 : 3).measurementIterations(full ? 10 : 5)
            .addProfiler(GCProfiler.class)
            .resultFormat(ResultFormatType.JSON).result(out.resolve("components.json").toString())));

        System.out.println("== 2/3 Savina workloads on BitActor and Pekko (throughput 5 and 100)");
        savina.addAll(run(new OptionsBuilder()
            .include(SavinaBenchmark.class.getSimpleName())
            .param("runtime", "bitactor", "bitactor-colocated", "bitactor-journal", "pekko", "pekko-tuned")
            .forks(forks).warmupIterations(full ? 2 : 1).measurementIterations(full ? 6 : 3)
            .resultFormat(ResultFormatType.JSON).result(out.resolve("savina.json").toString())));

        System.out.println("== 3/3 Savina workloads on raw JCTools queues (the floor)");
        savina.addAll(run(new OptionsBuilder()
            .include(SavinaBenchmark.class.getSimpleName())
            .param("runtime", "raw")
            .param("workload", "PING_PONG", "COUNTING", "SHARDED")
            .forks(forks).warmupIterations(full ? 2 : 1).measurementIterations(full ? 6 : 3)
            .resultFormat(ResultFormatType.JSON).result(out.resolve("savina-raw.json").toString())));

        final Map<Workload, Map<String, Double>> rates = messagesPerSecond(savina);
        Files.writeString(out.resolve("results.md"), markdown(component, rates, full));
        ImageIO.write(chart(rates), "png", out.resolve("savina.png").toFile());
        System.out.println("== results: " + out.resolve("results.md").toAbsolutePath() + " and " +
            out.resolve("savina.png").toAbsolutePath());
    }

    private static Collection<RunResult> run(final ChainedOptionsBuilder options) throws RunnerException
    {
        return new Runner(options.build()).run();
    }

    private static Map<Workload, Map<String, Double>> messagesPerSecond(final List<RunResult> results)
    {
        final Map<Workload, Map<String, Double>> rates = new LinkedHashMap<>();
        for (final Workload w : Workload.values())
        {
            rates.put(w, new LinkedHashMap<>());
        }
        for (final RunResult r : results)
        {
            final Workload workload = Workload.valueOf(r.getParams().getParam("workload"));
            final double msPerRun = r.getPrimaryResult().getScore();
            rates.get(workload).put(r.getParams().getParam("runtime"), workload.messages() / (msPerRun / 1000.0));
        }
        return rates;
    }

    private static String markdown(
        final List<RunResult> component, final Map<Workload, Map<String, Double>> rates, final boolean full)
    {
        final StringBuilder md = new StringBuilder();
        md.append("# BitActor benchmark results\n\n")
            .append("Date: ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
            .append(", JDK: ").append(System.getProperty("java.vm.name")).append(' ')
            .append(System.getProperty("java.version")).append(", CPUs: ")
            .append(Runtime.getRuntime().availableProcessors()).append(", mode: ").append(full ? "full" : "quick")
            .append("\n\n## Component benchmarks\n\n| benchmark | parameters | score | unit | alloc B/op |\n")
            .append("|---|---|---|---|---|\n");
        for (final RunResult r : component)
        {
            final String name = r.getParams().getBenchmark();
            final Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
            final TreeMap<String, String> params = new TreeMap<>();
            for (final String key : r.getParams().getParamsKeys())
            {
                params.put(key, r.getParams().getParam(key));
            }
            md.append(String.format(Locale.ROOT, "| %s | %s | %.1f ± %.1f | %s | %s |%n",
                name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1), params,
                r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError(),
                r.getPrimaryResult().getScoreUnit(), alloc == null ? "" : String.format(Locale.ROOT, "%.4f",
                alloc.getScore())));
        }
        md.append("\n## Savina workloads (messages per second, higher is better)\n\n")
            .append("| workload | messages per run | BitActor | BitActor (co-located) | BitActor (journal on) | ")
            .append("Pekko (throughput 5) | Pekko (throughput 100) | raw queues (floor) | best BitActor / best Pekko | ")
            .append("BitActor / floor | journal on / off |\n")
            .append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (final Map.Entry<Workload, Map<String, Double>> e : rates.entrySet())
        {
            final Map<String, Double> r = e.getValue();
            final double bit = Math.max(r.getOrDefault("bitactor", Double.NaN),
                r.getOrDefault("bitactor-colocated", Double.NaN));
            final double pekko = Math.max(r.getOrDefault("pekko", Double.NaN), r.getOrDefault("pekko-tuned",
                Double.NaN));
            final Double floor = r.get("raw");
            final double journalRatio = r.getOrDefault("bitactor-journal", Double.NaN) /
                r.getOrDefault("bitactor", Double.NaN);
            md.append(String.format(Locale.ROOT, "| %s | %,d | %s | %s | %s | %s | %s | %s | %.2f | %s | %.2f |%n",
                e.getKey(), e.getKey().messages(), rate(r.get("bitactor")), rate(r.get("bitactor-colocated")),
                rate(r.get("bitactor-journal")), rate(r.get("pekko")), rate(r.get("pekko-tuned")), rate(floor),
                bit / pekko, floor == null ? "n/a" : String.format(Locale.ROOT, "%.2f", bit / floor), journalRatio));
        }
        md.append("\nChart: `savina.png`. Pekko: default dispatcher (fork-join executor), `throughput` 5 (default) and ")
            .append("100 (tuned). The floor applies to ping-pong, counting and sharded only. Journal on: BitActor as ")
            .append("in its first column, every message appended to the write-ahead journal (flush policy NONE) ")
            .append("before it is handled; \"journal on / off\" is its rate over the first column's.\n");
        return md.toString();
    }

    private static String rate(final Double value)
    {
        return value == null || value.isNaN() ? "n/a" : String.format(Locale.ROOT, "%,.0f", value);
    }

    private static BufferedImage chart(final Map<Workload, Map<String, Double>> rates)
    {
        final int width = 1100;
        final int height = 560;
        final int left = 90;
        final int bottom = 90;
        final int top = 60;
        final BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        final Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        double max = 1;
        for (final Map<String, Double> r : rates.values())
        {
            for (final double v : r.values())
            {
                max = Math.max(max, v);
            }
        }
        // Log scale: the floor and the runtimes differ by orders of magnitude on some workloads.
        final double logMax = Math.ceil(Math.log10(max));
        final double logMin = Math.max(0, logMax - 4);
        final int plotHeight = height - top - bottom;
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString("Savina workloads: messages per second (log scale, higher is better)", left, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int p = (int)logMin; p <= logMax; p++)
        {
            final int y = top + plotHeight - (int)((p - logMin) / (logMax - logMin) * plotHeight);
            g.setColor(new Color(220, 220, 220));
            g.drawLine(left, y, width - 20, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString("1e" + p, left - 40, y + 4);
        }
        final Color[] colors = { new Color(31, 119, 180), new Color(120, 170, 220), new Color(44, 160, 44),
            new Color(255, 127, 14), new Color(255, 187, 120), new Color(120, 120, 120) };
        final int groups = rates.size();
        final int groupWidth = (width - left - 40) / groups;
        final int barWidth = (groupWidth - 30) / RUNTIMES.length;
        int gi = 0;
        for (final Map.Entry<Workload, Map<String, Double>> e : rates.entrySet())
        {
            final int x0 = left + 15 + gi * groupWidth;
            for (int ri = 0; ri < RUNTIMES.length; ri++)
            {
                final Double v = e.getValue().get(RUNTIMES[ri]);
                if (v == null || v <= 0)
                {
                    continue;
                }
                final double frac = (Math.log10(v) - logMin) / (logMax - logMin);
                final int h = (int)(Math.max(0, frac) * plotHeight);
                g.setColor(colors[ri]);
                g.fillRect(x0 + ri * barWidth, top + plotHeight - h, barWidth - 4, h);
            }
            g.setColor(Color.BLACK);
            g.drawString(e.getKey().name(), x0, top + plotHeight + 18);
            gi++;
        }
        g.setStroke(new BasicStroke(1));
        g.drawLine(left, top + plotHeight, width - 20, top + plotHeight);
        final String[] labels = { "BitActor", "BitActor (co-located)", "BitActor (journal on)", "Pekko (throughput 5)",
            "Pekko (throughput 100)", "raw queues (floor)" };
        for (int ri = 0; ri < labels.length; ri++)
        {
            g.setColor(colors[ri]);
            g.fillRect(left + ri * 165, height - 40, 14, 14);
            g.setColor(Color.BLACK);
            g.drawString(labels[ri], left + ri * 165 + 20, height - 29);
        }
        g.dispose();
        return image;
    }
}
