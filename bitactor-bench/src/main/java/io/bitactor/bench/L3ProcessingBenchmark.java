package io.bitactor.bench;

import io.bitactor.actor.ActorRef;
import io.bitactor.actor.ActorSpec;
import io.bitactor.actor.ActorStats;
import io.bitactor.actor.ActorSystem;
import io.bitactor.actor.ActorSystemContext;
import io.bitactor.actor.CircuitBreakerConfig;
import io.bitactor.actor.RetryPolicy;
import io.bitactor.actor.ThreadingMode;
import io.bitactor.tracing.RingBufferSpanSink;
import io.bitactor.tracing.SpanRecord;
import io.bitactor.tracing.SpanSink;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * L3 processing: the callee's side of a call, with every L2 and L3 part on.
 * <p>
 * <b>One operation</b> = what a worker does for one queued call: dequeue from the shard's MPSC lane, CRC32C verify
 * of header and 128-byte payload, hybrid-logical-clock update, lookup of the target actor by id, circuit-breaker
 * check, dispatch to {@code handleCall}, which XORs the payload with 0xAA (the seed's workload) into the worker's
 * scratch buffer and replies; the reply frame is encoded (id, timestamp, trace fields) with CRC32C, looked up on the
 * consistent-hash ring and offered to the caller's shard (routed back through L2); then the bookkeeping: breaker
 * outcome, the actor's accounting counters (accepted, handled), the slot of the call frame given back.
 * <p>
 * <b>How.</b> The system runs in invoker mode with two workers, on the benchmark thread only. The callee actors
 * live on worker 0, the caller actor on worker 1. Before each measured invocation (untimed, {@code Level.Invocation})
 * worker 1 runs until the caller has taken every reply of the previous batch; each reply makes it issue its next
 * call, so {@value #BATCH} calls are queued for worker 0. The measured part runs worker 0 alone until it has
 * handled those {@value #BATCH} calls. So only the callee's work is timed, on one core, with no idle spinning; the
 * caller's encoding and reply handling are measured by {@link ActorCallBenchmark}. Every reply is checked byte for
 * byte by the caller, and a run with an error, a corrupt reply or a failed call is rejected at tear-down.
 * <p>
 * <b>Tracing</b> ({@link #tracing}). Every call carries W3C trace context either way: the caller continues the
 * trace of the cast that started it (a new, sampled trace from the benchmark thread), so each call and reply frame
 * gets a new span id and its trace fields. {@code off}: the span sink is {@code SpanSink.NONE}, so an operation also
 * includes the one null check per message that tracing costs when it is off. {@code on}: every trace is sampled into
 * a {@link RingBufferSpanSink} of {@value #SPAN_RING_CAPACITY} slots, so an operation also includes the fill of the
 * worker's span record, one clock read at the span's end (which the handling-time histogram then reuses: span times
 * are the worker's clock readings plus an epoch offset sampled once a second) and the copy of one CALL span into the
 * ring (a CAS on the producer index, the field stores, a release store). The ring is drained on the benchmark thread in the untimed
 * {@code Level.Invocation} set-up, after the caller (worker 1, also untimed) has recorded the REPLY spans of the
 * previous batch: so the drain's cost is not in an operation, and with {@value #BATCH} calls per invocation the ring
 * (at most two spans per call between drains) never fills; a run in which any span was dropped is rejected at
 * tear-down.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED" })
@State(Scope.Thread)
public class L3ProcessingBenchmark
{
    static final int BATCH = 256;
    static final int SPAN_RING_CAPACITY = 4096;

    /** Callee actors the calls cycle over (all on worker 0). */
    @Param({ "1", "1000" })
    public int actors;

    /** {@code off}: no span sink; {@code on}: every trace sampled into a ring that is drained untimed. */
    @Param({ "off", "on" })
    public String tracing;

    private RingBufferSpanSink spans;
    private long drainedSpans;
    private long spanChecksum;
    private final Consumer<SpanRecord> spanConsumer = span -> spanChecksum += span.spanId() ^ span.endEpochNs();

    private ActorSystem system;
    private BenchActors.Client client;
    private final long[] handled = new long[1];
    private long expected;

    @Setup
    public void setup()
    {
        if (!"off".equals(tracing) && !"on".equals(tracing))
        {
            throw new IllegalArgumentException("tracing must be off or on: " + tracing);
        }
        spans = "on".equals(tracing) ? new RingBufferSpanSink(SPAN_RING_CAPACITY) : null;
        system = ActorSystem.launch(new ActorSystemContext()
            .threadingMode(ThreadingMode.INVOKER)
            .workerCount(2)
            .shardCount(4)
            .maxPayloadLength(BenchActors.PAYLOAD_LENGTH)
            .spanSink(null == spans ? SpanSink.NONE : spans)
            .traceSampleRatio(1.0));
        final CircuitBreakerConfig breaker = CircuitBreakerConfig.defaults();
        final RetryPolicy retry = RetryPolicy.exponential(3, Duration.ofMillis(1), Duration.ofMillis(10));
        final int[] targets = new int[actors];
        for (int found = 0; found < actors; )
        {
            final ActorRef echo = system.spawn(ActorSpec.of(() -> new BenchActors.Echo(handled))
                .withName("echo").withCircuitBreaker(breaker).withRetry(retry));
            if (workerOf(echo) == 0)
            {
                targets[found++] = echo.id();
            }
        }
        client = new BenchActors.Client(targets, BATCH);
        ActorRef clientRef;
        do
        {
            final BenchActors.Client candidate = client;
            clientRef = system.spawn(ActorSpec.of(() -> candidate).withName("client"));
        }
        while (workerOf(clientRef) != 1);
        system.runUntilIdle();
        // Start the caller on worker 1 only: it issues the first batch of calls, queued for worker 0.
        system.cast(clientRef, "go");
        while (client.issued < BATCH)
        {
            system.invoke(1);
        }
        expected = 0;
    }

    private int workerOf(final ActorRef ref)
    {
        return system.shardOf(ref) % 2;
    }

    /** Untimed: the caller takes the previous batch's replies and issues the next batch of calls. */
    @Setup(Level.Invocation)
    public void refill()
    {
        while (client.completed < expected)
        {
            system.invoke(1);
        }
        if (null != spans)
        {
            drainedSpans += spans.drain(spanConsumer, Integer.MAX_VALUE);
        }
        expected += BATCH;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long handle()
    {
        final long target = expected;
        final long[] handled = this.handled;
        while (handled[0] < target)
        {
            system.invoke(0);
        }
        return handled[0];
    }

    @TearDown
    public void tearDown()
    {
        final ActorStats stats = system.stats();
        system.close();
        if (client.errors != 0 || client.corrupt != 0 || stats.failed() != 0)
        {
            throw new IllegalStateException("L3 benchmark run invalid: errors=" + client.errors + ", corrupt=" +
                client.corrupt + ", stats=" + stats);
        }
        if (null != spans && (spans.droppedSpans() != 0 || drainedSpans < stats.handled()))
        {
            throw new IllegalStateException("L3 benchmark run invalid: spans dropped=" + spans.droppedSpans() +
                ", drained=" + drainedSpans + ", handled=" + stats.handled() + " (checksum " + spanChecksum + ")");
        }
    }
}
