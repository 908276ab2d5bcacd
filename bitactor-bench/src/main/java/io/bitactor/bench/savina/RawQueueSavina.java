package io.bitactor.bench.savina;

import org.jctools.queues.MpscArrayQueue;
import org.jctools.queues.SpscArrayQueue;

import java.util.SplittableRandom;

/**
 * The floor: the workloads that map onto plain threads, done with raw JCTools queues and busy-spinning threads, no
 * runtime at all (no framing, checksums, routing, supervision or accounting). Messages are preallocated objects,
 * so nothing is allocated per message. Ring and fork-join need one thread per actor and do not apply on 2 cores.
 */
public final class RawQueueSavina implements SavinaRuntime
{
    private static final int SHARDS = 16;

    private Runnable body;

    /** A preallocated message: its index. */
    private record Token(int value)
    {
    }

    @Override
    public boolean supports(final Workload workload)
    {
        return workload == Workload.PING_PONG || workload == Workload.COUNTING || workload == Workload.SHARDED;
    }

    @Override
    public void prepare(final Workload workload)
    {
        switch (workload)
        {
            case PING_PONG -> body = RawQueueSavina::pingPong;
            case COUNTING -> body = RawQueueSavina::counting;
            case SHARDED -> body = RawQueueSavina::sharded;
            default -> throw new IllegalArgumentException("the raw-queue floor has no " + workload);
        }
    }

    @Override
    public void run()
    {
        body.run();
    }

    @Override
    public void close()
    {
    }

    private static void pingPong()
    {
        final SpscArrayQueue<Token> toPong = new SpscArrayQueue<>(1024);
        final SpscArrayQueue<Token> toPing = new SpscArrayQueue<>(1024);
        final Token token = new Token(1);
        final Thread pong = start("raw-pong", () ->
        {
            for (int i = 0; i < Workload.PING_PONGS; i++)
            {
                Token t;
                while (null == (t = toPong.relaxedPoll()))
                {
                    Thread.onSpinWait();
                }
                while (!toPing.relaxedOffer(t))
                {
                    Thread.onSpinWait();
                }
            }
        });
        long pongs = 0;
        for (int i = 0; i < Workload.PING_PONGS; i++)
        {
            while (!toPong.relaxedOffer(token))
            {
                Thread.onSpinWait();
            }
            while (null == toPing.relaxedPoll())
            {
                Thread.onSpinWait();
            }
            pongs++;
        }
        join(pong);
        SavinaRuntime.check("pongs received", Workload.PING_PONGS, pongs);
    }

    private static void counting()
    {
        final SpscArrayQueue<Token> queue = new SpscArrayQueue<>(16 * 1024);
        final Token one = new Token(1);
        final long[] count = new long[1];
        final Thread counter = start("raw-counter", () ->
        {
            long c = 0;
            while (c < Workload.COUNT)
            {
                final Token t = queue.relaxedPoll();
                if (null == t)
                {
                    Thread.onSpinWait();
                    continue;
                }
                c += t.value();
            }
            count[0] = c;
        });
        for (int i = 0; i < Workload.COUNT; i++)
        {
            while (!queue.relaxedOffer(one))
            {
                Thread.onSpinWait();
            }
        }
        join(counter);
        SavinaRuntime.check("count", Workload.COUNT, count[0]);
    }

    private static void sharded()
    {
        @SuppressWarnings("unchecked")
        final MpscArrayQueue<Token>[] shards = new MpscArrayQueue[SHARDS];
        for (int s = 0; s < SHARDS; s++)
        {
            shards[s] = new MpscArrayQueue<>(16 * 1024);
        }
        final Token[] tokens = new Token[Workload.SHARDED_ACTORS];
        for (int i = 0; i < tokens.length; i++)
        {
            tokens[i] = new Token(i);
        }
        final long[] counts = new long[Workload.SHARDED_ACTORS];
        final int perProducer = Workload.SHARDED_MESSAGES / Workload.SHARDED_PRODUCERS;
        final long expected = (long)perProducer * Workload.SHARDED_PRODUCERS;
        final Thread consumer = start("raw-sharded-consumer", () ->
        {
            long handled = 0;
            while (handled < expected)
            {
                int work = 0;
                for (final MpscArrayQueue<Token> shard : shards)
                {
                    Token t;
                    while (null != (t = shard.relaxedPoll()))
                    {
                        counts[t.value()]++;
                        work++;
                    }
                }
                handled += work;
                if (work == 0)
                {
                    Thread.onSpinWait();
                }
            }
        });
        final Thread[] producers = new Thread[Workload.SHARDED_PRODUCERS];
        for (int p = 0; p < producers.length; p++)
        {
            final long seed = 1234L + p;
            producers[p] = start("raw-sharded-producer-" + p, () ->
            {
                final SplittableRandom random = new SplittableRandom(seed);
                for (int m = 0; m < perProducer; m++)
                {
                    final int target = random.nextInt(tokens.length);
                    final MpscArrayQueue<Token> shard = shards[target % SHARDS];
                    while (!shard.offer(tokens[target]))
                    {
                        Thread.onSpinWait();
                    }
                }
            });
        }
        for (final Thread producer : producers)
        {
            join(producer);
        }
        join(consumer);
        long total = 0;
        for (final long c : counts)
        {
            total += c;
        }
        SavinaRuntime.check("sharded messages handled", expected, total);
    }

    private static Thread start(final String name, final Runnable runnable)
    {
        final Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void join(final Thread thread)
    {
        try
        {
            thread.join(120_000);
            if (thread.isAlive())
            {
                throw new IllegalStateException(thread.getName() + " did not finish within 120 s");
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }
}
