package io.bitactor.bench;

import io.bitactor.actor.ActorRef;
import io.bitactor.actor.ActorSpec;
import io.bitactor.actor.ActorStats;
import io.bitactor.actor.ActorSystem;
import io.bitactor.actor.ActorSystemContext;
import io.bitactor.actor.CircuitBreakerConfig;
import io.bitactor.actor.RetryPolicy;
import io.bitactor.actor.ThreadingMode;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A complete call between two actors on one worker, with every L2 and L3 part on: what a request/response
 * exchange inside an actor system costs in CPU. {@link L3ProcessingBenchmark} measures the callee's side alone.
 * <p>
 * <b>One operation</b> = one call, end to end: a client actor's {@code ctx.call} (frame encode, CRC32C, ring
 * lookup, enqueue, call-timeout timer), then for the callee: dequeue, CRC32C verify, hybrid-logical-clock update,
 * lookup by actor id, circuit-breaker check, dispatch to {@code handleCall}, which XORs the 128-byte payload with
 * 0xAA (as the seed does) into the worker's scratch buffer and replies; the reply frame is encoded with CRC32C
 * and routed back through L2 to the caller's shard; the breaker records the outcome and the actor's accounting
 * counters (supervision bookkeeping) are updated; finally the caller's side: dequeue, CRC32C verify, pending-call
 * lookup by correlation id, timer cancel, and the caller's {@code ReplyHandler}, which checks the reply byte for
 * byte and issues the next call. So an operation holds the L3 step and, on top of it, the caller's
 * encode and reply handling: more work than the target names, not less.
 * <p>
 * <b>Threads.</b> The system runs in invoker mode on the benchmark thread, one worker: no cross-core traffic and
 * no idle spinning is measured, only work. The client keeps {@code window} calls in flight (pipelining, as a
 * real caller with many outstanding requests would). Targets cycle over {@code actors} callee actors, so the
 * id lookup and the breakers are not one cached object.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED" })
@State(Scope.Thread)
public class ActorCallBenchmark
{
    static final int BATCH = 1024;

    /** Callee actors, cycled through. */
    @Param({ "1", "1000" })
    public int actors;

    /** Calls the client keeps in flight. */
    @Param({ "64" })
    public int window;

    /**
     * {@code off}, or {@code on}: the write-ahead journal as {@link L2RoutingBenchmark#journal} has it (a fresh
     * directory, 64 MiB segments, flush policy {@code NONE}, its agent on a thread of its own). Every call is then
     * appended before the callee sees it and acknowledged once handled; replies are not journaled.
     */
    @Param({ "off", "on" })
    public String journal;

    private Path journalDirectory;

    private ActorSystem system;
    private BenchActors.Client client;
    private final long[] handled = new long[1];

    /**
     * Launches the system (with its journal when on), spawns the callees and the client, and runs until the client
     * has a full window of calls behind it.
     *
     * @throws IOException if the journal directory cannot be created.
     */
    @Setup
    public void setup() throws IOException
    {
        final ActorSystemContext ctx = new ActorSystemContext()
            .threadingMode(ThreadingMode.INVOKER)
            .workerCount(1)
            .shardCount(4)
            .maxPayloadLength(BenchActors.PAYLOAD_LENGTH);
        if ("on".equals(journal))
        {
            journalDirectory = BenchJournal.createDirectory("bitactor-call-bench-journal");
            ctx.journal(BenchJournal.context(journalDirectory));
        }
        system = ActorSystem.launch(ctx);
        final CircuitBreakerConfig breaker = CircuitBreakerConfig.defaults();
        final RetryPolicy retry = RetryPolicy.exponential(3, Duration.ofMillis(1), Duration.ofMillis(10));
        final int[] targets = new int[actors];
        for (int i = 0; i < actors; i++)
        {
            final ActorRef echo = system.spawn(ActorSpec.of(() -> new BenchActors.Echo(handled))
                .withName("echo-" + i)
                .withCircuitBreaker(breaker).withRetry(retry));
            targets[i] = echo.id();
        }
        system.runUntilIdle();
        client = new BenchActors.Client(targets, window);
        system.cast(system.spawn(ActorSpec.of(() -> client).withName("client")), "go");
        // The client never idles (each reply issues the next call): run until it has a full round behind it.
        while (client.completed < window)
        {
            system.invoke();
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long call()
    {
        final BenchActors.Client client = this.client;
        final long target = client.completed + BATCH;
        while (client.completed < target)
        {
            system.invoke();
        }
        return client.completed;
    }

    /**
     * Closes the system, deletes the journal directory and checks that every call succeeded.
     *
     * @throws IOException if the journal directory cannot be deleted.
     */
    @TearDown
    public void tearDown() throws IOException
    {
        final ActorStats stats = system.stats();
        system.close();
        BenchJournal.delete(journalDirectory);
        if (client.errors != 0 || client.corrupt != 0 || stats.failed() != 0)
        {
            throw new IllegalStateException("call benchmark run invalid: errors=" + client.errors + ", corrupt=" +
                client.corrupt + ", stats=" + stats);
        }
    }
}
