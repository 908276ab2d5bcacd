package io.bitactor.mailbox;

import org.agrona.concurrent.IdleStrategy;

/**
 * An idle strategy for mailbox consumers that favours throughput: besides idling when a duty cycle found nothing,
 * it pauses briefly after a <em>thin</em> cycle (some work, but less than a batch).
 * <p>
 * Why: a consumer that comes back to a lane as soon as one frame is there reads the queue and frame cache lines
 * that the producer is writing at that very moment, so every frame's lines travel between the two cores one at a
 * time, and the producer waits for them to come back. Letting the producer get a few lines ahead makes each
 * transfer carry several frames. On this project's 2-core machine this took L2 routing from 250-350 ns/op to about
 * 50 ns/op with 4 shards (see docs/BENCHMARKS.md). The price is latency under light load: a frame that arrives
 * alone may wait up to {@code pauseSpins} spin-wait hints (a few microseconds) longer.
 * <p>
 * One instance per thread, like every {@link IdleStrategy}.
 */
public final class BatchingIdleStrategy implements IdleStrategy
{
    /** Default: a cycle with fewer frames than this is thin. */
    public static final int DEFAULT_THIN_WORK = 128;
    /** Default: spin-wait hints after a thin cycle. */
    public static final int DEFAULT_PAUSE_SPINS = 128;

    private final int thinWork;
    private final int pauseSpins;
    private final IdleStrategy whenIdle;
    private long thinCycles;

    /**
     * A batching strategy with the defaults.
     *
     * @param whenIdle the strategy for cycles that found nothing.
     */
    public BatchingIdleStrategy(final IdleStrategy whenIdle)
    {
        this(DEFAULT_THIN_WORK, DEFAULT_PAUSE_SPINS, whenIdle);
    }

    /**
     * A batching strategy.
     *
     * @param thinWork   a cycle with at least one and fewer than this many units of work is thin, >= 1.
     * @param pauseSpins {@link Thread#onSpinWait()} calls after a thin cycle, >= 0.
     * @param whenIdle   the strategy for cycles that found nothing.
     */
    public BatchingIdleStrategy(final int thinWork, final int pauseSpins, final IdleStrategy whenIdle)
    {
        if (thinWork < 1 || pauseSpins < 0)
        {
            throw new IllegalArgumentException("need thinWork >= 1 and pauseSpins >= 0: " + thinWork + ", " +
                pauseSpins);
        }
        if (null == whenIdle)
        {
            throw new NullPointerException("whenIdle");
        }
        this.thinWork = thinWork;
        this.pauseSpins = pauseSpins;
        this.whenIdle = whenIdle;
    }

    /** {@inheritDoc} */
    public void idle(final int workCount)
    {
        if (workCount > 0 && workCount < thinWork)
        {
            thinCycles++;
            for (int i = 0; i < pauseSpins; i++)
            {
                Thread.onSpinWait();
            }
        }
        whenIdle.idle(workCount);
    }

    /**
     * Thin cycles seen (each paid a pause). Owner thread only.
     *
     * @return the count.
     */
    public long thinCycles()
    {
        return thinCycles;
    }

    /** {@inheritDoc} */
    public void idle()
    {
        whenIdle.idle();
    }

    /** {@inheritDoc} */
    public void reset()
    {
        whenIdle.reset();
    }

    /** {@inheritDoc} */
    public String alias()
    {
        return "batching-" + whenIdle.alias();
    }

    /** {@inheritDoc} */
    public String toString()
    {
        return "BatchingIdleStrategy{thinWork=" + thinWork + ", pauseSpins=" + pauseSpins + ", whenIdle=" + whenIdle +
            "}";
    }
}
