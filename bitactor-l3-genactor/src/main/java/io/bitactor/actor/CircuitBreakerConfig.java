package io.bitactor.actor;

/**
 * The settings of a {@link CircuitBreaker}: when it trips, how long it stays open and how many trial calls it
 * admits when half-open.
 * <p>
 * Immutable: start from {@link #defaults()} and derive copies with the {@code with*} methods, each of which
 * validates its arguments and throws {@link IllegalArgumentException} naming the offending value. Instances may be
 * shared and used by any thread.
 * <ul>
 *   <li><b>Consecutive failures</b>: trips after this many failures in a row (0 disables).</li>
 *   <li><b>Failure rate</b>: a count-based sliding window over the last {@code windowSize} outcomes; trips once at
 *   least {@code minimumCalls} outcomes are recorded and {@code failures * 100 / recorded >= ratePercent}.</li>
 *   <li><b>Slow calls</b>: a success that took longer than the threshold counts as a failure (0 disables).</li>
 *   <li><b>Open time</b>: {@code initialNs * multiplier^n} capped at {@code maxNs}, where {@code n} counts the trips
 *   since the breaker last closed.</li>
 *   <li><b>Half-open trials</b>: how many trial calls a half-open breaker admits; all must succeed to close it.</li>
 * </ul>
 */
public final class CircuitBreakerConfig
{
    /** The most half-open trial permits a breaker can track (they are packed into its state word). */
    public static final int MAX_HALF_OPEN_TRIALS = (1 << 20) - 1;
    /** The largest failure-rate window, in outcomes (one bit each). */
    public static final int MAX_WINDOW_SIZE = 1 << 20;

    private static final CircuitBreakerConfig DEFAULTS =
        new CircuitBreakerConfig(5, 0.0, 0, 0, 0L, 1_000_000_000L, 60_000_000_000L, 2.0, 1);

    private final int consecutiveFailures;
    private final double failureRatePercent;
    private final int windowSize;
    private final int minimumCalls;
    private final long slowCallThresholdNs;
    private final long openTimeInitialNs;
    private final long openTimeMaxNs;
    private final double openTimeMultiplier;
    private final int halfOpenTrials;

    private CircuitBreakerConfig(
        final int consecutiveFailures,
        final double failureRatePercent,
        final int windowSize,
        final int minimumCalls,
        final long slowCallThresholdNs,
        final long openTimeInitialNs,
        final long openTimeMaxNs,
        final double openTimeMultiplier,
        final int halfOpenTrials)
    {
        this.consecutiveFailures = consecutiveFailures;
        this.failureRatePercent = failureRatePercent;
        this.windowSize = windowSize;
        this.minimumCalls = minimumCalls;
        this.slowCallThresholdNs = slowCallThresholdNs;
        this.openTimeInitialNs = openTimeInitialNs;
        this.openTimeMaxNs = openTimeMaxNs;
        this.openTimeMultiplier = openTimeMultiplier;
        this.halfOpenTrials = halfOpenTrials;
    }

    /**
     * The defaults: trips after 5 consecutive failures, failure rate and slow calls disabled, open for 1 s, doubled
     * on each repeated trip up to 60 s, one half-open trial. Any thread.
     *
     * @return the default configuration.
     */
    public static CircuitBreakerConfig defaults()
    {
        return DEFAULTS;
    }

    /**
     * A copy that trips after {@code threshold} failures in a row. Any thread.
     *
     * @param threshold consecutive failures that trip the breaker; 0 disables this rule.
     * @return the copy.
     * @throws IllegalArgumentException if {@code threshold} is negative.
     */
    public CircuitBreakerConfig withConsecutiveFailures(final int threshold)
    {
        if (threshold < 0)
        {
            throw new IllegalArgumentException("consecutive failures threshold must be >= 0: " + threshold);
        }
        return new CircuitBreakerConfig(threshold, failureRatePercent, windowSize, minimumCalls,
            slowCallThresholdNs, openTimeInitialNs, openTimeMaxNs, openTimeMultiplier, halfOpenTrials);
    }

    /**
     * A copy that trips on the failure rate over the last {@code windowSize} outcomes. A {@code ratePercent} or a
     * {@code windowSize} of 0 disables the rule, like {@link #withoutFailureRate()}. Any thread.
     *
     * @param ratePercent  the failure percentage that trips the breaker, in (0, 100].
     * @param windowSize   the number of most recent outcomes considered, in [1, {@link #MAX_WINDOW_SIZE}].
     * @param minimumCalls the outcomes that must be recorded before the rate is evaluated, in [1, windowSize].
     * @return the copy.
     * @throws IllegalArgumentException if a value is out of range.
     */
    public CircuitBreakerConfig withFailureRate(final double ratePercent, final int windowSize, final int minimumCalls)
    {
        if (!(ratePercent >= 0.0 && ratePercent <= 100.0))
        {
            throw new IllegalArgumentException("failure rate percent must be in (0, 100] (0 disables): " + ratePercent);
        }
        if (windowSize < 0 || windowSize > MAX_WINDOW_SIZE)
        {
            throw new IllegalArgumentException(
                "failure rate window size must be in [1, " + MAX_WINDOW_SIZE + "] (0 disables): " + windowSize);
        }
        if (ratePercent == 0.0 || windowSize == 0)
        {
            return withoutFailureRate();
        }
        if (minimumCalls < 1 || minimumCalls > windowSize)
        {
            throw new IllegalArgumentException(
                "failure rate minimum calls must be in [1, windowSize=" + windowSize + "]: " + minimumCalls);
        }
        return new CircuitBreakerConfig(consecutiveFailures, ratePercent, windowSize, minimumCalls,
            slowCallThresholdNs, openTimeInitialNs, openTimeMaxNs, openTimeMultiplier, halfOpenTrials);
    }

    /**
     * A copy with the failure-rate rule disabled. Any thread.
     *
     * @return the copy.
     */
    public CircuitBreakerConfig withoutFailureRate()
    {
        return new CircuitBreakerConfig(consecutiveFailures, 0.0, 0, 0,
            slowCallThresholdNs, openTimeInitialNs, openTimeMaxNs, openTimeMultiplier, halfOpenTrials);
    }

    /**
     * A copy in which a success that took longer than {@code thresholdNs} counts as a failure. Any thread.
     *
     * @param thresholdNs the slow-call threshold in nanoseconds; 0 disables the rule.
     * @return the copy.
     * @throws IllegalArgumentException if {@code thresholdNs} is negative.
     */
    public CircuitBreakerConfig withSlowCallThresholdNs(final long thresholdNs)
    {
        if (thresholdNs < 0)
        {
            throw new IllegalArgumentException("slow call threshold must be >= 0 ns: " + thresholdNs);
        }
        return new CircuitBreakerConfig(consecutiveFailures, failureRatePercent, windowSize, minimumCalls,
            thresholdNs, openTimeInitialNs, openTimeMaxNs, openTimeMultiplier, halfOpenTrials);
    }

    /**
     * A copy with another open time: {@code initialNs} after the first trip, multiplied by {@code multiplier} for
     * each further trip before the breaker closes again, never more than {@code maxNs}. Any thread.
     *
     * @param initialNs  the first open time, > 0.
     * @param maxNs      the cap, >= {@code initialNs}.
     * @param multiplier the growth per repeated trip, finite and >= 1.
     * @return the copy.
     * @throws IllegalArgumentException if a value is out of range.
     */
    public CircuitBreakerConfig withOpenTimeNs(final long initialNs, final long maxNs, final double multiplier)
    {
        if (initialNs <= 0)
        {
            throw new IllegalArgumentException("initial open time must be > 0 ns: " + initialNs);
        }
        if (maxNs < initialNs)
        {
            throw new IllegalArgumentException(
                "max open time must be >= initial open time " + initialNs + " ns: " + maxNs);
        }
        if (!(multiplier >= 1.0 && multiplier < Double.POSITIVE_INFINITY))
        {
            throw new IllegalArgumentException("open time multiplier must be finite and >= 1: " + multiplier);
        }
        return new CircuitBreakerConfig(consecutiveFailures, failureRatePercent, windowSize, minimumCalls,
            slowCallThresholdNs, initialNs, maxNs, multiplier, halfOpenTrials);
    }

    /**
     * A copy that admits {@code trials} trial calls when half-open. Any thread.
     *
     * @param trials the trial permits per half-open episode, in [1, {@link #MAX_HALF_OPEN_TRIALS}].
     * @return the copy.
     * @throws IllegalArgumentException if {@code trials} is out of range.
     */
    public CircuitBreakerConfig withHalfOpenTrials(final int trials)
    {
        if (trials < 1 || trials > MAX_HALF_OPEN_TRIALS)
        {
            throw new IllegalArgumentException(
                "half-open trials must be in [1, " + MAX_HALF_OPEN_TRIALS + "]: " + trials);
        }
        return new CircuitBreakerConfig(consecutiveFailures, failureRatePercent, windowSize, minimumCalls,
            slowCallThresholdNs, openTimeInitialNs, openTimeMaxNs, openTimeMultiplier, trials);
    }

    /**
     * Consecutive failures that trip the breaker. Any thread.
     *
     * @return the threshold, 0 when the rule is disabled.
     */
    public int consecutiveFailures()
    {
        return consecutiveFailures;
    }

    /**
     * Whether the failure-rate rule is enabled. Any thread.
     *
     * @return true when {@link #windowSize()} is positive.
     */
    public boolean failureRateEnabled()
    {
        return windowSize > 0;
    }

    /**
     * The failure percentage that trips the breaker. Any thread.
     *
     * @return the percentage in (0, 100], 0 when the rule is disabled.
     */
    public double failureRatePercent()
    {
        return failureRatePercent;
    }

    /**
     * The number of most recent outcomes the failure rate is computed over. Any thread.
     *
     * @return the window size, 0 when the rule is disabled.
     */
    public int windowSize()
    {
        return windowSize;
    }

    /**
     * The outcomes that must be in the window before the failure rate is evaluated. Any thread.
     *
     * @return the minimum, 0 when the rule is disabled.
     */
    public int minimumCalls()
    {
        return minimumCalls;
    }

    /**
     * The duration above which a success counts as a failure. Any thread.
     *
     * @return the threshold in nanoseconds, 0 when the rule is disabled.
     */
    public long slowCallThresholdNs()
    {
        return slowCallThresholdNs;
    }

    /**
     * The open time after the first trip. Any thread.
     *
     * @return nanoseconds.
     */
    public long openTimeInitialNs()
    {
        return openTimeInitialNs;
    }

    /**
     * The cap on the open time. Any thread.
     *
     * @return nanoseconds.
     */
    public long openTimeMaxNs()
    {
        return openTimeMaxNs;
    }

    /**
     * The open time growth per repeated trip. Any thread.
     *
     * @return the multiplier, >= 1.
     */
    public double openTimeMultiplier()
    {
        return openTimeMultiplier;
    }

    /**
     * The trial permits per half-open episode. Any thread.
     *
     * @return the number of trials, >= 1.
     */
    public int halfOpenTrials()
    {
        return halfOpenTrials;
    }

    /**
     * The open time after {@code trips} trips since the breaker last closed: {@code initial * multiplier^trips}
     * capped at the maximum, without overflow for any {@code trips}. Any thread; no allocation.
     *
     * @param trips trips since the breaker last closed, before this one (0 for the first).
     * @return the open time in nanoseconds, in [initial, max].
     */
    public long openTimeNs(final int trips)
    {
        final double openTime = openTimeInitialNs * Math.pow(openTimeMultiplier, trips);
        // Also covers infinity: a huge exponent saturates at the cap.
        return openTime >= openTimeMaxNs ? openTimeMaxNs : (long)openTime;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public boolean equals(final Object other)
    {
        if (this == other)
        {
            return true;
        }
        if (!(other instanceof CircuitBreakerConfig))
        {
            return false;
        }
        final CircuitBreakerConfig that = (CircuitBreakerConfig)other;
        return consecutiveFailures == that.consecutiveFailures &&
            Double.compare(failureRatePercent, that.failureRatePercent) == 0 &&
            windowSize == that.windowSize &&
            minimumCalls == that.minimumCalls &&
            slowCallThresholdNs == that.slowCallThresholdNs &&
            openTimeInitialNs == that.openTimeInitialNs &&
            openTimeMaxNs == that.openTimeMaxNs &&
            Double.compare(openTimeMultiplier, that.openTimeMultiplier) == 0 &&
            halfOpenTrials == that.halfOpenTrials;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public int hashCode()
    {
        int result = consecutiveFailures;
        result = 31 * result + Double.hashCode(failureRatePercent);
        result = 31 * result + windowSize;
        result = 31 * result + minimumCalls;
        result = 31 * result + Long.hashCode(slowCallThresholdNs);
        result = 31 * result + Long.hashCode(openTimeInitialNs);
        result = 31 * result + Long.hashCode(openTimeMaxNs);
        result = 31 * result + Double.hashCode(openTimeMultiplier);
        result = 31 * result + halfOpenTrials;
        return result;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public String toString()
    {
        return "CircuitBreakerConfig{" +
            "consecutiveFailures=" + consecutiveFailures +
            ", failureRatePercent=" + failureRatePercent +
            ", windowSize=" + windowSize +
            ", minimumCalls=" + minimumCalls +
            ", slowCallThresholdNs=" + slowCallThresholdNs +
            ", openTimeInitialNs=" + openTimeInitialNs +
            ", openTimeMaxNs=" + openTimeMaxNs +
            ", openTimeMultiplier=" + openTimeMultiplier +
            ", halfOpenTrials=" + halfOpenTrials +
            '}';
    }
}
