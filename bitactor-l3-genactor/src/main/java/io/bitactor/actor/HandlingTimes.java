package io.bitactor.actor;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.WriterReaderPhaser;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Handling-time histograms of one worker, one per shard it drains: written by the worker thread without allocation
 * or locks, read by snapshot threads.
 * <p>
 * Two sides of counts ({@link TimeCounts}: a histogram's buckets without its bookkeeping) and a
 * {@link WriterReaderPhaser}: the worker enters the phaser's critical section once
 * per drain pass (at its first recorded frame, one atomic add), records into the active side with plain stores,
 * and leaves at the end of the pass (a second atomic add). A reader swaps the sides, flips the phase (waits until
 * the worker leaves a pass it entered before the swap), then adds the now inactive side into its cumulative
 * histograms and resets it. Readers take a lock among themselves; the worker never waits for them.
 * <p>
 * A reader on the worker's own thread (an actor's handler asking for metrics) must not wait for the pass it is part
 * of: it ends the pass first (the next recorded frame enters again), then reads like any other reader.
 */
final class HandlingTimes
{
    /** Largest time recorded; longer handling is recorded as this value. */
    static final long HIGHEST_TRACKABLE_NS = TimeUnit.HOURS.toNanos(1);
    /** Precision: values are recorded to about 1 % (exact below 256 ns). */
    static final int SIGNIFICANT_DIGITS = 2;

    private final WriterReaderPhaser phaser = new WriterReaderPhaser();
    private final ReentrantLock readers = new ReentrantLock();
    /** Two sides of per-shard counts (see {@link TimeCounts}): the worker writes one, a reader collects the other. */
    private final TimeCounts[][] sides;
    private final Histogram[] cumulative;
    private volatile int activeSide;

    // Writer state: the worker thread only.
    private boolean inPass;
    private long passToken;
    /** The side the current pass records into, read once the pass entered the phaser's critical section. */
    private TimeCounts[] passSide;

    HandlingTimes(final int shards)
    {
        sides = new TimeCounts[2][shards];
        cumulative = new Histogram[shards];
        for (int i = 0; i < shards; i++)
        {
            sides[0][i] = new TimeCounts(HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS);
            sides[1][i] = new TimeCounts(HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS);
            cumulative[i] = newHistogram();
        }
    }

    /**
     * A histogram with this class's range and precision.
     *
     * @return a new, empty histogram.
     */
    static Histogram newHistogram()
    {
        return new Histogram(1, HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS);
    }

    /**
     * Records one frame's handling time. Worker thread only; no allocation.
     *
     * @param slot       the shard's index among the worker's shards.
     * @param durationNs the time, clamped to [0, {@link #HIGHEST_TRACKABLE_NS}].
     */
    void record(final int slot, final long durationNs)
    {
        if (!inPass)
        {
            passToken = phaser.writerCriticalSectionEnter();
            // Read after the enter: a reader that flips the side after this waits for this pass to exit before it
            // reads the side this pass writes (the phaser's contract), so the side may be kept for the whole pass.
            passSide = sides[activeSide];
            inPass = true;
        }
        final long value = durationNs < 0 ? 0 : Math.min(durationNs, HIGHEST_TRACKABLE_NS);
        passSide[slot].record(value);
    }

    /**
     * Ends the drain pass, if a frame was recorded in it. Worker thread only.
     */
    void endPass()
    {
        if (inPass)
        {
            inPass = false;
            passSide = null;
            phaser.writerCriticalSectionExit(passToken);
        }
    }

    /**
     * Adds the cumulative handling times of every shard of this worker into {@code targets}. Any thread; a thread
     * other than the worker's may wait until the worker finishes its current drain pass.
     *
     * @param targets        one histogram per shard slot, or null for the slots not wanted.
     * @param onWriterThread whether the calling thread is this worker's thread.
     */
    void addTo(final Histogram[] targets, final boolean onWriterThread)
    {
        if (onWriterThread)
        {
            // An actor's handler on this worker asks: the flip below would wait for the pass this thread is in.
            // Leave it; the next frame of the pass enters again.
            endPass();
        }
        readers.lock();
        try
        {
            collect();
            addAll(cumulative, targets);
        }
        finally
        {
            readers.unlock();
        }
    }

    private void collect()
    {
        phaser.readerLock();
        try
        {
            final int old = activeSide;
            activeSide = 1 - old;
            phaser.flipPhase();
            final TimeCounts[] retired = sides[old];
            for (int i = 0; i < retired.length; i++)
            {
                retired[i].moveInto(cumulative[i]);
            }
        }
        finally
        {
            phaser.readerUnlock();
        }
    }

    private static void addAll(final Histogram[] from, final Histogram[] targets)
    {
        for (int i = 0; i < targets.length; i++)
        {
            if (targets[i] != null)
            {
                targets[i].add(from[i]);
            }
        }
    }
}
