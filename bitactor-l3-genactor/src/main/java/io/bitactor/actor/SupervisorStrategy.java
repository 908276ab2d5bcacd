package io.bitactor.actor;

import java.time.Duration;
import java.util.Objects;

/**
 * How a supervisor treats a failed child, after Erlang/OTP supervisors and Pekko's {@code SupervisorStrategy}.
 * Immutable; build with the static factories and {@code with*} copies:
 * <pre>{@code
 * SupervisorStrategy.oneForOne()
 *     .withLimit(5, Duration.ofSeconds(10))
 *     .withBackoff(Duration.ofMillis(10), Duration.ofSeconds(1), 0.2)
 * }</pre>
 * Restart intensity: more than {@code maxRestarts} restarts within {@code within} make the supervisor itself
 * fail, which escalates to its parent; escalation at the root stops the system with the cause reported.
 */
public final class SupervisorStrategy
{
    /** Which children restart when one fails. */
    public enum Kind
    {
        /** Only the failed child. */
        ONE_FOR_ONE,
        /** Every child of the supervisor. */
        ONE_FOR_ALL,
        /** The failed child and every child started after it. */
        REST_FOR_ONE
    }

    /** Default restart limit: restarts allowed within {@link #DEFAULT_WITHIN}. */
    public static final int DEFAULT_MAX_RESTARTS = 10;
    /** Default restart-intensity window. */
    public static final Duration DEFAULT_WITHIN = Duration.ofSeconds(10);

    private final Kind kind;
    private final int maxRestarts;
    private final long withinNs;
    private final long minBackoffNs;
    private final long maxBackoffNs;
    private final double randomFactor;

    private SupervisorStrategy(
        final Kind kind, final int maxRestarts, final long withinNs, final long minBackoffNs,
        final long maxBackoffNs, final double randomFactor)
    {
        this.kind = kind;
        this.maxRestarts = maxRestarts;
        this.withinNs = withinNs;
        this.minBackoffNs = minBackoffNs;
        this.maxBackoffNs = maxBackoffNs;
        this.randomFactor = randomFactor;
    }

    /**
     * Restart only the failed child; at most {@value #DEFAULT_MAX_RESTARTS} restarts in 10 s, no backoff.
     *
     * @return the strategy.
     */
    public static SupervisorStrategy oneForOne()
    {
        return of(Kind.ONE_FOR_ONE);
    }

    /**
     * Restart every child when one fails.
     *
     * @return the strategy.
     */
    public static SupervisorStrategy oneForAll()
    {
        return of(Kind.ONE_FOR_ALL);
    }

    /**
     * Restart the failed child and those started after it.
     *
     * @return the strategy.
     */
    public static SupervisorStrategy restForOne()
    {
        return of(Kind.REST_FOR_ONE);
    }

    private static SupervisorStrategy of(final Kind kind)
    {
        return new SupervisorStrategy(kind, DEFAULT_MAX_RESTARTS, DEFAULT_WITHIN.toNanos(), 0, 0, 0);
    }

    /**
     * A copy with another restart intensity.
     *
     * @param maxRestarts restarts allowed within the window, >= 0 (0: the first failure escalates).
     * @param within      the window, > 0.
     * @return the copy.
     */
    public SupervisorStrategy withLimit(final int maxRestarts, final Duration within)
    {
        if (maxRestarts < 0)
        {
            throw new IllegalArgumentException("maxRestarts must be >= 0: " + maxRestarts);
        }
        final long ns = Objects.requireNonNull(within, "within").toNanos();
        if (ns <= 0)
        {
            throw new IllegalArgumentException("within must be > 0: " + within);
        }
        return new SupervisorStrategy(kind, maxRestarts, ns, minBackoffNs, maxBackoffNs, randomFactor);
    }

    /**
     * A copy that restarts with exponential backoff, like Pekko's {@code restartWithBackoff}: the n-th
     * consecutive restart of a child waits {@code min * 2^(n-1)}, capped at {@code max}, plus up to
     * {@code randomFactor} of that at random. Messages sent meanwhile stay queued for the new incarnation.
     *
     * @param min          first delay, > 0.
     * @param max          cap, >= min.
     * @param randomFactor added jitter as a fraction of the delay, in [0, 1].
     * @return the copy.
     */
    public SupervisorStrategy withBackoff(final Duration min, final Duration max, final double randomFactor)
    {
        final long minNs = Objects.requireNonNull(min, "min").toNanos();
        final long maxNs = Objects.requireNonNull(max, "max").toNanos();
        if (minNs <= 0 || maxNs < minNs)
        {
            throw new IllegalArgumentException("backoff needs 0 < min <= max: min=" + min + ", max=" + max);
        }
        if (!(randomFactor >= 0 && randomFactor <= 1))
        {
            throw new IllegalArgumentException("randomFactor must be in [0, 1]: " + randomFactor);
        }
        return new SupervisorStrategy(kind, maxRestarts, withinNs, minNs, maxNs, randomFactor);
    }

    /**
     * The restart scope.
     *
     * @return the kind.
     */
    public Kind kind()
    {
        return kind;
    }

    /**
     * Restarts allowed within {@link #withinNs()}.
     *
     * @return the limit.
     */
    public int maxRestarts()
    {
        return maxRestarts;
    }

    /**
     * The restart-intensity window.
     *
     * @return nanoseconds.
     */
    public long withinNs()
    {
        return withinNs;
    }

    /**
     * First restart delay; 0 when restarts are immediate.
     *
     * @return nanoseconds.
     */
    public long minBackoffNs()
    {
        return minBackoffNs;
    }

    /**
     * Restart delay cap.
     *
     * @return nanoseconds.
     */
    public long maxBackoffNs()
    {
        return maxBackoffNs;
    }

    /**
     * Jitter fraction.
     *
     * @return the factor.
     */
    public double randomFactor()
    {
        return randomFactor;
    }

    /**
     * The delay before a child's restart.
     *
     * @param consecutiveRestarts restarts of this child in a row, including this one (>= 1).
     * @param randomBits          random bits for the jitter (tests pass fixed values).
     * @return nanoseconds; 0 without backoff.
     */
    public long backoffNs(final int consecutiveRestarts, final long randomBits)
    {
        if (minBackoffNs == 0)
        {
            return 0;
        }
        final int shift = Math.min(Math.max(consecutiveRestarts - 1, 0), 62);
        long delay = minBackoffNs;
        for (int i = 0; i < shift && delay < maxBackoffNs; i++)
        {
            delay <<= 1;
        }
        delay = Math.min(delay, maxBackoffNs);
        if (randomFactor > 0)
        {
            // Uniform fraction in [0, 1) from the top 53 bits.
            final double fraction = (randomBits >>> 11) * 0x1.0p-53;
            delay += (long)(delay * randomFactor * fraction);
        }
        return delay;
    }

    /** {@inheritDoc} */
    public String toString()
    {
        return "SupervisorStrategy{" + kind + ", maxRestarts=" + maxRestarts + ", withinNs=" + withinNs +
            (minBackoffNs > 0 ? ", backoff=[" + minBackoffNs + ".." + maxBackoffNs + "] ns, randomFactor=" +
            randomFactor : "") + "}";
    }
}
