package io.bitactor.core;

import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;

/**
 * A hybrid logical clock (Kulkarni et al.) packed into 64 bits: the upper 48 bits are physical milliseconds since
 * the epoch, the lower 16 bits a logical counter. Incrementing the packed value carries the counter into the
 * physical part, so the clock stays strictly increasing even when the physical clock stalls or steps back.
 * <ul>
 *   <li>{@link #tick()} for a local event or a send: {@code max(last + 1, now)}.</li>
 *   <li>{@link #onReceive(long)} when a message is handled: {@code max(last + 1, remote + 1, now)}, so the
 *       receiver's next timestamps are larger than everything it has received.</li>
 * </ul>
 * Together: if sending m1 happens-before sending m2 (same sender, or through a chain of handled messages), m1's
 * timestamp is smaller.
 * <p>
 * <b>Threads:</b> single writer; one instance belongs to one sender thread or actor.
 */
public final class HybridLogicalClock
{
    /** Bits of the logical counter. */
    public static final int LOGICAL_BITS = 16;
    private static final long LOGICAL_MASK = (1L << LOGICAL_BITS) - 1;

    private final EpochClock epochClock;
    private long last;

    /**
     * A clock over the system clock.
     */
    public HybridLogicalClock()
    {
        this(SystemEpochClock.INSTANCE);
    }

    /**
     * A clock over an injected physical clock.
     *
     * @param epochClock physical milliseconds since the epoch.
     */
    public HybridLogicalClock(final EpochClock epochClock)
    {
        this.epochClock = epochClock;
    }

    /**
     * A timestamp for a local event or a send; strictly greater than every earlier one of this clock.
     *
     * @return the timestamp.
     */
    public long tick()
    {
        final long now = epochClock.time() << LOGICAL_BITS;
        final long next = Math.max(last + 1, now);
        last = next;
        return next;
    }

    /**
     * Merges a received timestamp: the result is greater than it and than every earlier one of this clock.
     *
     * @param remoteTimestamp the timestamp of the handled message.
     * @return the new timestamp.
     */
    public long onReceive(final long remoteTimestamp)
    {
        final long now = epochClock.time() << LOGICAL_BITS;
        final long next = Math.max(Math.max(last, remoteTimestamp) + 1, now);
        last = next;
        return next;
    }

    /**
     * The last timestamp issued, without ticking.
     *
     * @return the timestamp, 0 before the first.
     */
    public long current()
    {
        return last;
    }

    /**
     * @param timestamp a packed timestamp.
     * @return its physical milliseconds.
     */
    public static long physicalMillis(final long timestamp)
    {
        return timestamp >>> LOGICAL_BITS;
    }

    /**
     * @param timestamp a packed timestamp.
     * @return its logical counter.
     */
    public static int logical(final long timestamp)
    {
        return (int)(timestamp & LOGICAL_MASK);
    }

    /**
     * Packs a timestamp.
     *
     * @param millis  physical milliseconds, < 2^48.
     * @param logical counter, 0 to 65535.
     * @return the packed timestamp.
     */
    public static long pack(final long millis, final int logical)
    {
        return (millis << LOGICAL_BITS) | (logical & LOGICAL_MASK);
    }
}
