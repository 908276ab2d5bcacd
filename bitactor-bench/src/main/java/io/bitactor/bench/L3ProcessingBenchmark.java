package io.bitactor.bench;

import io.bitactor.actor.ActorBehavior;
import io.bitactor.actor.ActorContext;
import io.bitactor.actor.ActorRef;
import io.bitactor.actor.ActorSpec;
import io.bitactor.actor.ActorStats;
import io.bitactor.actor.ActorSystem;
import io.bitactor.actor.ActorSystemContext;
import io.bitactor.actor.CircuitBreakerConfig;
import io.bitactor.actor.Message;
import io.bitactor.actor.Reply;
import io.bitactor.actor.ReplyHandler;
import io.bitactor.actor.RetryPolicy;
import io.bitactor.actor.ThreadingMode;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
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

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * L3 processing: the cost of one complete call between two actors, with every L2 and L3 part on.
 * <p>
 * <b>One operation</b> = one call, end to end: a client actor's {@code ctx.call} (frame encode, CRC32C, ring
 * lookup, enqueue, call-timeout timer), then for the callee: dequeue, CRC32C verify, hybrid-logical-clock update,
 * lookup by actor id, circuit-breaker check, dispatch to {@code handleCall}, which XORs the 128-byte payload with
 * 0xAA (as the seed does) into the worker's scratch buffer and replies; the reply frame is encoded with CRC32C
 * and routed back through L2 to the caller's shard; the breaker records the outcome and the actor's accounting
 * counters (supervision bookkeeping) are updated; finally the caller's side: dequeue, CRC32C verify, pending-call
 * lookup by correlation id, timer cancel, and the caller's {@code ReplyHandler}, which checks the reply byte for
 * byte and issues the next call. So an operation holds the issue's L3 step and, on top of it, the caller's
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
public class L3ProcessingBenchmark
{
    static final int BATCH = 1024;
    static final int PAYLOAD_LENGTH = 128;
    static final long XOR = 0xAAAAAAAAAAAAAAAAL;

    /** Callee actors, cycled through. */
    @Param({ "1", "1000" })
    public int actors;

    /** Calls the client keeps in flight. */
    @Param({ "64" })
    public int window;

    private ActorSystem system;
    private Client client;

    /** The callee: XOR 0xAA over the payload, into the scratch buffer, then reply. */
    public static final class Echo implements ActorBehavior
    {
        /** {@inheritDoc} */
        public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
        {
            final DirectBuffer in = request.buffer();
            final int offset = request.payloadOffset();
            final int length = request.payloadLength();
            final MutableDirectBuffer out = ctx.scratchBuffer();
            int i = 0;
            for (; i + 8 <= length; i += 8)
            {
                out.putLong(i, in.getLong(offset + i) ^ XOR);
            }
            for (; i < length; i++)
            {
                out.putByte(i, (byte)(in.getByte(offset + i) ^ 0xAA));
            }
            reply.ok(out, 0, length);
        }

        /** {@inheritDoc} */
        public void handleCast(final ActorContext ctx, final Message message)
        {
        }
    }

    /** The caller: keeps a window of calls in flight and checks every reply. */
    public static final class Client implements ActorBehavior, ReplyHandler
    {
        final UnsafeBuffer request = new UnsafeBuffer(new byte[PAYLOAD_LENGTH]);
        final int[] targets;
        final int window;
        int next;
        long completed;
        long errors;
        long corrupt;

        Client(final int[] targets, final int window)
        {
            this.targets = targets;
            this.window = window;
            for (int i = 0; i < PAYLOAD_LENGTH; i++)
            {
                request.putByte(i, (byte)(i * 7 + 3));
            }
        }

        /** {@inheritDoc} */
        public void init(final ActorContext ctx)
        {
            for (int i = 0; i < window; i++)
            {
                issue(ctx);
            }
        }

        private void issue(final ActorContext ctx)
        {
            final int target = targets[next];
            next = next + 1 == targets.length ? 0 : next + 1;
            if (ctx.call(target, request, 0, PAYLOAD_LENGTH, TimeUnit.SECONDS.toNanos(10), this) == 0)
            {
                errors++;
            }
        }

        /** {@inheritDoc} */
        public void onReply(final ActorContext ctx, final Message reply)
        {
            final DirectBuffer b = reply.buffer();
            final int offset = reply.payloadOffset();
            if (reply.payloadLength() != PAYLOAD_LENGTH)
            {
                corrupt++;
            }
            for (int i = 0; i < PAYLOAD_LENGTH; i += 8)
            {
                if ((b.getLong(offset + i) ^ XOR) != request.getLong(i))
                {
                    corrupt++;
                }
            }
            completed++;
            issue(ctx);
        }

        /** {@inheritDoc} */
        public void onError(final ActorContext ctx, final long correlationId, final Throwable error)
        {
            errors++;
            issue(ctx);
        }

        /** {@inheritDoc} */
        public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
        {
            reply.ok(request.buffer(), request.payloadOffset(), 0);
        }

        /** {@inheritDoc} */
        public void handleCast(final ActorContext ctx, final Message message)
        {
        }
    }

    @Setup
    public void setup()
    {
        system = ActorSystem.launch(new ActorSystemContext()
            .threadingMode(ThreadingMode.INVOKER)
            .workerCount(1)
            .shardCount(4)
            .maxPayloadLength(PAYLOAD_LENGTH));
        final CircuitBreakerConfig breaker = CircuitBreakerConfig.defaults();
        final RetryPolicy retry = RetryPolicy.exponential(3, Duration.ofMillis(1), Duration.ofMillis(10));
        final int[] targets = new int[actors];
        for (int i = 0; i < actors; i++)
        {
            final ActorRef echo = system.spawn(ActorSpec.of(Echo::new).withName("echo-" + i)
                .withCircuitBreaker(breaker).withRetry(retry));
            targets[i] = echo.id();
        }
        system.runUntilIdle();
        client = new Client(targets, window);
        system.spawn(ActorSpec.of(() -> client).withName("client"));
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
        final Client client = this.client;
        final long target = client.completed + BATCH;
        while (client.completed < target)
        {
            system.invoke();
        }
        return client.completed;
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
    }
}
