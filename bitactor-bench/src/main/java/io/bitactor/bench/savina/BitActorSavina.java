package io.bitactor.bench.savina;

import io.bitactor.actor.ActorBehavior;
import io.bitactor.actor.ActorContext;
import io.bitactor.actor.ActorRef;
import io.bitactor.actor.ActorSpec;
import io.bitactor.actor.ActorSystem;
import io.bitactor.actor.ActorSystemContext;
import io.bitactor.actor.Message;
import io.bitactor.actor.Reply;
import io.bitactor.actor.SendStatus;
import io.bitactor.actor.ThreadingMode;
import io.bitactor.bench.BenchJournal;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The Savina workloads on BitActor: a system with its defaults (2 workers on dedicated threads, default idle
 * strategy) except 16 shards of 16,384 frames and 16,384 frame slots per sending thread (so that a producer thread
 * may have that many messages in flight), actors written against the public API, payloads as 8-byte buffers (no
 * allocation per message). Plain-thread producers yield on backpressure.
 */
public final class BitActorSavina extends ActorRuntimeSavina
{
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private final boolean colocate;
    private final boolean journal;
    private ActorSystem system;
    private Workload workload;
    private Path journalDirectory;

    /**
     * A BitActor runtime.
     *
     * @param colocate place the actors of the latency-bound workloads (ping-pong, thread ring) on one worker with
     *                 {@link ActorSpec#withColocation(ActorRef)}; otherwise every actor is placed by id hash.
     * @param journal  turn the write-ahead journal on ({@link BenchJournal}: a fresh directory, flush policy
     *                 {@code NONE}), so that every message is appended before it is handled.
     */
    public BitActorSavina(final boolean colocate, final boolean journal)
    {
        this.colocate = colocate;
        this.journal = journal;
    }

    private ActorSpec near(final ActorSpec spec, final ActorRef peer)
    {
        return colocate && peer != null ? spec.withColocation(peer) : spec;
    }

    @Override
    public void prepare(final Workload workload)
    {
        this.workload = workload;
        final ActorSystemContext ctx = new ActorSystemContext()
            .threadingMode(ThreadingMode.DEDICATED)
            .workerCount(2)
            .shardCount(16)
            .mailboxCapacity(16 * 1024)
            .senderSlots(16 * 1024)
            .errorHandler(Throwable::printStackTrace);
        if (journal)
        {
            try
            {
                journalDirectory = BenchJournal.createDirectory("bitactor-savina-journal");
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
            ctx.journal(BenchJournal.context(journalDirectory));
        }
        system = ActorSystem.launch(ctx);
        if (journal)
        {
            // A fresh journal has one segment; its agent creates the next right away (64 MiB of zeros written and
            // forced). Let that happen before the run, as it would long before in a system that has been up a
            // while, instead of on the two cores the run needs.
            while (system.journal().segmentsCreated() < 2)
            {
                Thread.onSpinWait();
            }
        }
        prepareActors(workload);
    }

    @Override
    public void close() throws IOException
    {
        if (system != null)
        {
            system.close();
            BenchJournal.delete(journalDirectory);
            if (system.stats().failed() != 0)
            {
                throw new IllegalStateException(workload + ": handlers failed: " + system.stats());
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    @Override
    protected void preparePingPong()
    {
        final CountDownLatch done = new CountDownLatch(1);
        final long[] pongs = new long[1];
        final ActorRef pong = system.spawn(ActorSpec.of(() -> new Caster()
        {
            public void handleCast(final ActorContext ctx, final Message message)
            {
                // Answer the ping with the same 8 bytes.
                ctx.cast(message.sourceActorId(), message.buffer(), message.payloadOffset(), 8);
            }
        }).withName("pong"));
        final ActorRef ping = system.spawn(near(ActorSpec.of(() -> new Caster()
        {
            public void handleCast(final ActorContext ctx, final Message message)
            {
                final long n = message.buffer().getLong(message.payloadOffset(), ORDER);
                if (message.sourceActorId() == pong.id())
                {
                    pongs[0]++;
                }
                if (n == Workload.PING_PONGS)
                {
                    done.countDown();
                    return;
                }
                final MutableDirectBuffer out = ctx.scratchBuffer();
                out.putLong(0, n + 1, ORDER);
                send(ctx, pong.id(), out);
            }
        }).withName("ping"), pong));
        body = () ->
        {
            castLong(ping, 0);
            SavinaRuntime.await(done, "ping-pong");
            SavinaRuntime.check("pongs received", Workload.PING_PONGS, pongs[0]);
        };
    }

    @Override
    protected void prepareCounting()
    {
        final long[] count = new long[1];
        final ActorRef counter = system.spawn(ActorSpec.of(() -> new ActorBehavior()
        {
            public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
            {
                reply.ok(Long.toString(count[0]));
            }

            public void handleCast(final ActorContext ctx, final Message message)
            {
                count[0] += message.buffer().getLong(message.payloadOffset(), ORDER);
            }
        }).withName("counter"));
        body = () ->
        {
            final UnsafeBuffer one = new UnsafeBuffer(new byte[8]);
            one.putLong(0, 1, ORDER);
            for (int i = 0; i < Workload.COUNT; i++)
            {
                castUntilAccepted(counter.id(), one);
            }
            final String total = new String(system.callBlocking(counter, new byte[0], Duration.ofSeconds(120)));
            SavinaRuntime.check("count", Workload.COUNT, Long.parseLong(total));
        };
    }

    @Override
    protected void prepareThreadRing()
    {
        final CountDownLatch done = new CountDownLatch(1);
        final int[] ids = new int[Workload.RING_ACTORS];
        final ActorRef[] ring = new ActorRef[Workload.RING_ACTORS];
        for (int i = 0; i < ring.length; i++)
        {
            final int index = i;
            ring[i] = system.spawn(near(ActorSpec.of(() -> new Caster()
            {
                public void handleCast(final ActorContext ctx, final Message message)
                {
                    final long hops = message.buffer().getLong(message.payloadOffset(), ORDER);
                    if (hops == 0)
                    {
                        done.countDown();
                        return;
                    }
                    final MutableDirectBuffer out = ctx.scratchBuffer();
                    out.putLong(0, hops - 1, ORDER);
                    send(ctx, ids[(index + 1) % ids.length], out);
                }
            }).withName("ring-" + i), i == 0 ? null : ring[0]));
            ids[i] = ring[i].id();
        }
        body = () ->
        {
            castLong(ring[0], Workload.RING_HOPS);
            SavinaRuntime.await(done, "thread ring");
        };
    }

    @Override
    protected void prepareForkJoin()
    {
        final CountDownLatch done = new CountDownLatch(Workload.FJ_ACTORS);
        final long[] counts = new long[Workload.FJ_ACTORS];
        final double[] sums = new double[Workload.FJ_ACTORS];
        final int[] ids = new int[Workload.FJ_ACTORS];
        for (int i = 0; i < ids.length; i++)
        {
            final int index = i;
            ids[i] = system.spawn(ActorSpec.of(() -> new Caster()
            {
                public void handleCast(final ActorContext ctx, final Message message)
                {
                    sums[index] += Workload.work((int)message.buffer().getLong(message.payloadOffset(), ORDER));
                    if (++counts[index] == Workload.FJ_MESSAGES)
                    {
                        done.countDown();
                    }
                }
            }).withName("fj-" + i)).id();
        }
        body = () ->
        {
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[8]);
            for (int m = 0; m < Workload.FJ_MESSAGES; m++)
            {
                payload.putLong(0, m, ORDER);
                for (final int id : ids)
                {
                    castUntilAccepted(id, payload);
                }
            }
            SavinaRuntime.await(done, "fork-join");
            for (final long c : counts)
            {
                SavinaRuntime.check("fork-join messages per actor", Workload.FJ_MESSAGES, c);
            }
        };
    }

    @Override
    protected void prepareSharded()
    {
        final AtomicLongArray counts = new AtomicLongArray(Workload.SHARDED_ACTORS);
        final int[] ids = new int[Workload.SHARDED_ACTORS];
        for (int i = 0; i < ids.length; i++)
        {
            final int index = i;
            ids[i] = system.spawn(ActorSpec.of(() -> new Caster()
            {
                public void handleCast(final ActorContext ctx, final Message message)
                {
                    counts.lazySet(index, counts.get(index) + 1);
                }
            }).withName("shard-actor")).id();
        }
        system.callBlocking(system.actorRef(ids[ids.length - 1]), new byte[0], Duration.ofSeconds(60));
        body = () ->
        {
            final long before = sum(counts);
            final int perProducer = Workload.SHARDED_MESSAGES / Workload.SHARDED_PRODUCERS;
            SavinaRuntime.produce(Workload.SHARDED_PRODUCERS, p ->
            {
                final SplittableRandom random = new SplittableRandom(1234L + p);
                final UnsafeBuffer payload = new UnsafeBuffer(new byte[8]);
                for (int m = 0; m < perProducer; m++)
                {
                    payload.putLong(0, m, ORDER);
                    castUntilAccepted(ids[random.nextInt(ids.length)], payload);
                }
            });
            SavinaRuntime.awaitTotal(counts, before + (long)perProducer * Workload.SHARDED_PRODUCERS);
        };
    }

    // ---------------------------------------------------------------------------------------------------------

    /** A behaviour that only takes casts; calls are answered with an empty payload (used as a readiness probe). */
    private abstract static class Caster implements ActorBehavior
    {
        public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
        {
            reply.ok(request.buffer(), request.payloadOffset(), 0);
        }
    }

    private static void send(final ActorContext ctx, final int target, final DirectBuffer payload)
    {
        final SendStatus status = ctx.cast(target, payload, 0, 8);
        if (status != SendStatus.ACCEPTED)
        {
            throw new IllegalStateException("cast from an actor refused: " + status);
        }
    }

    private void castLong(final ActorRef target, final long value)
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[8]);
        payload.putLong(0, value, ORDER);
        castUntilAccepted(target.id(), payload);
    }

    private void castUntilAccepted(final int target, final DirectBuffer payload)
    {
        SendStatus status;
        while ((status = system.cast(target, payload, 0, 8)).isBackPressure())
        {
            // Give the core to the workers that will drain the mailbox (2 cores, 2 workers, 2 producers).
            Thread.yield();
        }
        if (status != SendStatus.ACCEPTED)
        {
            throw new IllegalStateException("cast refused: " + status);
        }
    }

    private static long sum(final AtomicLongArray counts)
    {
        long total = 0;
        for (int i = 0, n = counts.length(); i < n; i++)
        {
            total += counts.get(i);
        }
        return total;
    }
}
