package io.bitactor.bench;

import io.bitactor.bench.savina.BitActorSavina;
import io.bitactor.bench.savina.PekkoSavina;
import io.bitactor.bench.savina.RawQueueSavina;
import io.bitactor.bench.savina.SavinaRuntime;
import io.bitactor.bench.savina.Workload;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Savina end-to-end workloads (see {@link Workload}) on BitActor, on Apache Pekko Typed 1.7.0 with its default
 * dispatcher {@code throughput} (5) and with a tuned one (100), and on raw JCTools queues between plain threads
 * (the floor; only where the workload maps onto plain threads).
 * <p>
 * One operation = one complete run of the workload (single-shot time): the runtime and its actors are built before
 * each run and torn down after it, untimed; the run sends every message, waits until the last is handled and
 * verifies the result (counts), failing the benchmark when it is wrong. Messages per second =
 * {@link Workload#messages()} / seconds per operation ({@code BenchmarkSuite} reports it so).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = { "-Xms2g", "-Xmx2g", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED" })
@State(Scope.Benchmark)
public class SavinaBenchmark
{
    /**
     * The runtime: {@code bitactor} (actors placed by id hash), {@code bitactor-colocated} (the ping-pong pair and the
     * ring on one worker), {@code bitactor-journal} (as {@code bitactor}, with the write-ahead journal on: every
     * message appended before it is handled), {@code pekko} (throughput 5), {@code pekko-tuned} (throughput 100), or
     * {@code raw} (pass {@code -p runtime=raw -p workload=PING_PONG,COUNTING,SHARDED}: the floor has no ring or
     * fork-join). Not run by default: {@code bitactor-colocated-journal} ({@code bitactor-colocated} with the
     * journal on).
     */
    @Param({ "bitactor", "bitactor-colocated", "bitactor-journal", "pekko", "pekko-tuned" })
    public String runtime;

    /** The workload. */
    @Param({ "PING_PONG", "COUNTING", "THREAD_RING", "FORK_JOIN", "SHARDED" })
    public Workload workload;

    private SavinaRuntime instance;

    @Setup(Level.Invocation)
    public void setup() throws Exception
    {
        instance = create(runtime);
        if (instance.supports(workload))
        {
            instance.prepare(workload);
        }
    }

    static SavinaRuntime create(final String runtime)
    {
        return switch (runtime)
        {
            case "bitactor" -> new BitActorSavina(false, false);
            case "bitactor-colocated" -> new BitActorSavina(true, false);
            case "bitactor-journal" -> new BitActorSavina(false, true);
            case "bitactor-colocated-journal" -> new BitActorSavina(true, true);
            case "pekko" -> new PekkoSavina(5);
            case "pekko-tuned" -> new PekkoSavina(100);
            case "raw" -> new RawQueueSavina();
            default -> throw new IllegalArgumentException("unknown runtime " + runtime);
        };
    }

    @Benchmark
    public void run() throws Exception
    {
        if (!instance.supports(workload))
        {
            // The floor has no thread ring or fork-join on 2 cores: reported as "not applicable" by the suite.
            throw new UnsupportedOperationException(runtime + " does not apply to " + workload);
        }
        instance.run();
    }

    @TearDown(Level.Invocation)
    public void tearDown() throws Exception
    {
        instance.close();
    }
}
