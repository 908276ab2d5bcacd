package io.bitactor.bench;

import io.bitactor.actor.ActorRef;
import io.bitactor.actor.ActorSpec;
import io.bitactor.actor.ActorSystem;
import io.bitactor.actor.ActorSystemContext;
import io.bitactor.actor.CircuitBreakerConfig;
import io.bitactor.actor.ThreadingMode;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Round trip: a plain thread calls an actor that runs on a worker thread and waits for the reply; the latency
 * distribution (JMH sample mode: p50, p99, p99.9) of one complete {@link ActorSystem#call}.
 * <p>
 * One operation = encode the 128-byte request with CRC32C from the caller's own sender, route it through L2, the
 * worker dequeues it, verifies it, checks the actor's breaker and runs the XOR behaviour, the reply travels back
 * through L2 to the caller's endpoint, a worker completes the caller's future, and the caller, spinning on the
 * future, sees it; the reply bytes are checked. The worker idles with {@code workerIdle}; the caller spins (on this
 * 2-core machine each has a core). This path allocates (a future and the reply array per call): it is the
 * convenience API for plain threads, measured for latency, not for allocation.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED" })
@State(Scope.Benchmark)
public class RoundTripBenchmark
{
    /** How the worker waits when idle: the default backoff strategy, or busy spinning. */
    @Param({ "backoff", "spin" })
    public String workerIdle;

    private ActorSystem system;
    private ActorRef echo;
    private final byte[] request = new byte[BenchActors.PAYLOAD_LENGTH];
    private final Duration timeout = Duration.ofSeconds(10);

    @Setup
    public void setup()
    {
        final ActorSystemContext ctx = new ActorSystemContext()
            .threadingMode(ThreadingMode.DEDICATED)
            .workerCount(1)
            .shardCount(4)
            .maxPayloadLength(BenchActors.PAYLOAD_LENGTH);
        if ("spin".equals(workerIdle))
        {
            ctx.idleStrategySupplier(BusySpinIdleStrategy::new);
        }
        system = ActorSystem.launch(ctx);
        echo = system.spawn(ActorSpec.of(() -> new BenchActors.Echo(new long[1])).withName("echo")
            .withCircuitBreaker(CircuitBreakerConfig.defaults()));
        for (int i = 0; i < request.length; i++)
        {
            request[i] = (byte)(i * 7 + 3);
        }
    }

    @Benchmark
    public byte[] call()
    {
        final CompletableFuture<byte[]> future = system.call(echo, request, timeout);
        while (!future.isDone())
        {
            Thread.onSpinWait();
        }
        final byte[] reply = future.join();
        if (reply.length != request.length || (byte)(reply[5] ^ 0xAA) != request[5])
        {
            throw new IllegalStateException("corrupt reply");
        }
        return reply;
    }

    @TearDown
    public void tearDown()
    {
        system.close();
    }
}
