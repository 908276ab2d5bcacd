package io.bitactor.actor;

/**
 * Thrown to a caller whose call a {@link CircuitBreaker} refused, for APIs that report refusal by exception rather
 * than by {@link CircuitBreaker#tryAcquirePermission(long)}'s boolean. Carries the breaker's name and how long
 * until it lets a trial call through (see {@link CircuitBreaker#retryAfterNs(long)}).
 * <p>
 * Immutable once thrown; may be created, thrown and read on any thread.
 */
public class CircuitOpenException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final String breakerName;
    private final long retryAfterNs;

    /**
     * An exception for a call refused by the named breaker. Any thread.
     *
     * @param breakerName  the name of the breaker that refused the call.
     * @param retryAfterNs nanoseconds until the breaker admits a trial call, 0 if it may do so now (half-open with
     *                     all trial permits taken).
     */
    public CircuitOpenException(final String breakerName, final long retryAfterNs)
    {
        super("circuit breaker '" + breakerName + "' is open; retry after " + retryAfterNs + " ns");
        this.breakerName = breakerName;
        this.retryAfterNs = retryAfterNs;
    }

    /**
     * The name of the breaker that refused the call. Any thread.
     *
     * @return the breaker name.
     */
    public String breakerName()
    {
        return breakerName;
    }

    /**
     * Nanoseconds until the breaker admits a trial call, as computed when the call was refused. Any thread.
     *
     * @return the delay in nanoseconds, as given to the constructor.
     */
    public long retryAfterNs()
    {
        return retryAfterNs;
    }
}
