package io.bitactor.journal;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Configuration of a {@link Journal}, Aeron style: fluent setters, defaults from {@link JournalConfiguration}, and
 * {@link #conclude()} that only validates. Configure it on one thread, then pass it to
 * {@link Journal#open(JournalContext)} (or to a mailbox or actor system context).
 */
public final class JournalContext
{
    private Path directory;
    private int segmentLength = JournalConfiguration.segmentLength();
    private long diskLimitBytes = JournalConfiguration.diskLimitBytes();
    private FlushPolicy flushPolicy = JournalConfiguration.flushPolicy();
    private long flushIntervalNs = JournalConfiguration.flushIntervalNs();
    private Consumer<Path> archiver;
    private ErrorHandler errorHandler = Throwable::printStackTrace;
    private boolean useAgentThread = true;
    private IdleStrategy idleStrategy = new BackoffIdleStrategy(10, 10, 1_000, 1_000_000);
    private NanoClock nanoClock = SystemNanoClock.INSTANCE;
    private EpochClock epochClock = SystemEpochClock.INSTANCE;

    /**
     * Validates every setting.
     *
     * @return this.
     * @throws IllegalArgumentException naming the first invalid setting.
     */
    public JournalContext conclude()
    {
        if (directory == null)
        {
            throw new IllegalArgumentException("directory must be set");
        }
        if (segmentLength < 64 * 1024 || (segmentLength & 4095) != 0)
        {
            throw new IllegalArgumentException(
                "segmentLength must be a multiple of 4096 and >= 65536 but was " + segmentLength);
        }
        if (diskLimitBytes < 2L * segmentLength)
        {
            throw new IllegalArgumentException("diskLimitBytes must be at least two segments (" + 2L * segmentLength +
                ") but was " + diskLimitBytes);
        }
        if (flushPolicy == null || errorHandler == null || idleStrategy == null || nanoClock == null ||
            epochClock == null)
        {
            throw new IllegalArgumentException("flushPolicy, errorHandler, idleStrategy and clocks must not be null");
        }
        if (flushIntervalNs <= 0)
        {
            throw new IllegalArgumentException("flushIntervalNs must be > 0 but was " + flushIntervalNs);
        }
        return this;
    }

    /**
     * The directory holding the segment files; created (owner-only) if missing.
     *
     * @param directory the directory.
     * @return this.
     */
    public JournalContext directory(final Path directory)
    {
        this.directory = directory;
        return this;
    }

    /**
     * @return the directory.
     */
    public Path directory()
    {
        return directory;
    }

    /**
     * Length of each segment file: a multiple of 4096, at least 64 KiB, and large enough for a record of the
     * largest frame.
     *
     * @param segmentLength bytes.
     * @return this.
     */
    public JournalContext segmentLength(final int segmentLength)
    {
        this.segmentLength = segmentLength;
        return this;
    }

    /**
     * @return the segment length in bytes.
     */
    public int segmentLength()
    {
        return segmentLength;
    }

    /**
     * The most bytes all segment files may take together (rounded down to whole segments, at least two). When
     * the limit is reached, sends answer {@code JOURNAL_FULL} (backpressure) until handled segments are deleted.
     *
     * @param diskLimitBytes bytes.
     * @return this.
     */
    public JournalContext diskLimitBytes(final long diskLimitBytes)
    {
        this.diskLimitBytes = diskLimitBytes;
        return this;
    }

    /**
     * @return the disk limit in bytes.
     */
    public long diskLimitBytes()
    {
        return diskLimitBytes;
    }

    /**
     * When mapped pages are forced to the device.
     *
     * @param flushPolicy the policy.
     * @return this.
     */
    public JournalContext flushPolicy(final FlushPolicy flushPolicy)
    {
        this.flushPolicy = flushPolicy;
        return this;
    }

    /**
     * @return the flush policy.
     */
    public FlushPolicy flushPolicy()
    {
        return flushPolicy;
    }

    /**
     * Interval for {@link FlushPolicy#INTERVAL}.
     *
     * @param flushIntervalNs nanoseconds.
     * @return this.
     */
    public JournalContext flushIntervalNs(final long flushIntervalNs)
    {
        this.flushIntervalNs = flushIntervalNs;
        return this;
    }

    /**
     * @return the flush interval in nanoseconds.
     */
    public long flushIntervalNs()
    {
        return flushIntervalNs;
    }

    /**
     * Receives each segment file whose records are all handled, instead of deletion; it must move or delete the
     * file. Called on the journal's agent thread. Null (the default) deletes such files.
     *
     * @param archiver the callback, or null.
     * @return this.
     */
    public JournalContext archiver(final Consumer<Path> archiver)
    {
        this.archiver = archiver;
        return this;
    }

    /**
     * @return the archive callback, or null.
     */
    public Consumer<Path> archiver()
    {
        return archiver;
    }

    /**
     * Receives I/O errors of the agent (a segment that cannot be created, a failed force). Must not throw.
     *
     * @param errorHandler the handler.
     * @return this.
     */
    public JournalContext errorHandler(final ErrorHandler errorHandler)
    {
        this.errorHandler = errorHandler;
        return this;
    }

    /**
     * @return the error handler.
     */
    public ErrorHandler errorHandler()
    {
        return errorHandler;
    }

    /**
     * Whether the journal runs its agent (segment preparation, handled marks, deletion, flushing) on a thread of
     * its own (default). False: the owner calls {@link Journal#doWork()}, which makes tests deterministic.
     *
     * @param useAgentThread true for a thread of its own.
     * @return this.
     */
    public JournalContext useAgentThread(final boolean useAgentThread)
    {
        this.useAgentThread = useAgentThread;
        return this;
    }

    /**
     * @return whether the agent has a thread of its own.
     */
    public boolean useAgentThread()
    {
        return useAgentThread;
    }

    /**
     * Idle strategy of the agent thread.
     *
     * @param idleStrategy the strategy.
     * @return this.
     */
    public JournalContext idleStrategy(final IdleStrategy idleStrategy)
    {
        this.idleStrategy = idleStrategy;
        return this;
    }

    /**
     * @return the agent's idle strategy.
     */
    public IdleStrategy idleStrategy()
    {
        return idleStrategy;
    }

    /**
     * Clock for the flush interval.
     *
     * @param nanoClock the clock.
     * @return this.
     */
    public JournalContext nanoClock(final NanoClock nanoClock)
    {
        this.nanoClock = nanoClock;
        return this;
    }

    /**
     * @return the clock for the flush interval.
     */
    public NanoClock nanoClock()
    {
        return nanoClock;
    }

    /**
     * Clock for segment creation times.
     *
     * @param epochClock the clock.
     * @return this.
     */
    public JournalContext epochClock(final EpochClock epochClock)
    {
        this.epochClock = epochClock;
        return this;
    }

    /**
     * @return the clock for creation times.
     */
    public EpochClock epochClock()
    {
        return epochClock;
    }
}
