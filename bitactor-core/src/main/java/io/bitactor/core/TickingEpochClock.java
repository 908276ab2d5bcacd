package io.bitactor.core;

import org.agrona.concurrent.EpochClock;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * An {@link EpochClock} whose {@link #time()} is a single volatile read, kept current by a daemon thread that
 * samples {@link System#currentTimeMillis()} every {@code resolutionNs}.
 * <p>
 * Why: on the machines this project runs on, {@code System.currentTimeMillis()} costs about 25 ns, a quarter of the
 * L2 routing budget, and every message needs a physical time for its hybrid-logical-clock timestamp. The hybrid
 * logical clock stays correct with a coarse physical clock (its logical counter orders events within a tick), so
 * reading a cached value is enough.
 * <p>
 * <b>Threads:</b> {@link #time()} from any thread; {@link #close()} from any thread, idempotent.
 */
public final class TickingEpochClock implements EpochClock, AutoCloseable
{
    /** Default sampling period: one millisecond, the resolution of the hybrid logical clock. */
    public static final long DEFAULT_RESOLUTION_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private final Thread ticker;
    private volatile long timeMs = System.currentTimeMillis();
    private volatile boolean running = true;

    /**
     * Starts a clock with the default resolution.
     *
     * @param threadName name of the daemon thread.
     */
    public TickingEpochClock(final String threadName)
    {
        this(threadName, DEFAULT_RESOLUTION_NS);
    }

    /**
     * Starts a clock.
     *
     * @param threadName   name of the daemon thread.
     * @param resolutionNs sampling period in nanoseconds, > 0.
     */
    public TickingEpochClock(final String threadName, final long resolutionNs)
    {
        if (resolutionNs <= 0)
        {
            throw new IllegalArgumentException("resolutionNs must be > 0 but was " + resolutionNs);
        }
        ticker = new Thread(() ->
        {
            while (running)
            {
                timeMs = System.currentTimeMillis();
                LockSupport.parkNanos(resolutionNs);
            }
        }, threadName);
        ticker.setDaemon(true);
        ticker.start();
    }

    /**
     * Milliseconds since the epoch, at most one resolution period old.
     *
     * @return the time.
     */
    public long time()
    {
        return timeMs;
    }

    /**
     * Stops the sampling thread and waits for it to end; {@link #time()} keeps answering the last sample.
     */
    public void close()
    {
        running = false;
        LockSupport.unpark(ticker);
        if (Thread.currentThread() != ticker)
        {
            try
            {
                ticker.join(TimeUnit.SECONDS.toMillis(1));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
