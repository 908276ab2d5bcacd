package io.bitactor.actor;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * When to retry a failed call and how long to wait first: up to {@code maxAttempts} attempts in total, for failures
 * the {@code retryOn} predicate accepts, with exponential backoff and optional jitter.
 * <p>
 * Immutable: start from {@link #none()} or {@link #exponential(int, Duration, Duration)} and derive copies with the
 * {@code with*} methods. Instances may be shared and used by any thread.
 * <p>
 * {@link #backoffNs(int, long)} takes its randomness as an argument: the caller passes random bits (for example
 * {@code SplittableRandom.nextLong()} from a generator it owns), so the policy holds no generator, does not
 * allocate, and gives reproducible delays in tests.
 */
public final class RetryPolicy
{
    /**
     * How random the delay before a retry is, given the exponential base delay {@code base}.
     */
    public enum Jitter
    {
        /** Exactly {@code base}. */
        NONE,
        /** Uniform in {@code [0, base]} ("full jitter"): spreads retries of many callers the most. */
        FULL,
        /** {@code base/2} plus uniform in {@code [0, base/2]} ("equal jitter"): at least half the base delay. */
        EQUAL
    }

    private static final Predicate<Throwable> EXCEPTIONS = new Predicate<>()
    {
        public boolean test(final Throwable failure)
        {
            return failure instanceof Exception;
        }

        public String toString()
        {
            return "Exception";
        }
    };

    private static final RetryPolicy NONE = new RetryPolicy(1, 0L, 0L, 2.0, Jitter.NONE, EXCEPTIONS);

    private final int maxAttempts;
    private final long initialBackoffNs;
    private final long maxBackoffNs;
    private final double multiplier;
    private final Jitter jitter;
    private final Predicate<Throwable> retryOn;

    private RetryPolicy(
        final int maxAttempts,
        final long initialBackoffNs,
        final long maxBackoffNs,
        final double multiplier,
        final Jitter jitter,
        final Predicate<Throwable> retryOn)
    {
        this.maxAttempts = maxAttempts;
        this.initialBackoffNs = initialBackoffNs;
        this.maxBackoffNs = maxBackoffNs;
        this.multiplier = multiplier;
        this.jitter = jitter;
        this.retryOn = retryOn;
    }

    /**
     * No retries: one attempt only. Any thread.
     *
     * @return the policy.
     */
    public static RetryPolicy none()
    {
        return NONE;
    }

    /**
     * Up to {@code maxAttempts} attempts, waiting {@code initialBackoff}, then twice as long for each further retry,
     * never more than {@code maxBackoff}, with {@link Jitter#FULL}; retries every {@link Exception} but no
     * {@link Error}. Any thread.
     *
     * @param maxAttempts    attempts in total, including the first, >= 1.
     * @param initialBackoff the base delay before the first retry, >= 0.
     * @param maxBackoff     the cap on the base delay, >= {@code initialBackoff}.
     * @return the policy.
     * @throws IllegalArgumentException if a value is out of range, or a duration does not fit in a long of
     *                                  nanoseconds.
     * @throws NullPointerException     if a duration is null.
     */
    public static RetryPolicy exponential(
        final int maxAttempts, final Duration initialBackoff, final Duration maxBackoff)
    {
        if (maxAttempts < 1)
        {
            throw new IllegalArgumentException("maxAttempts must be >= 1: " + maxAttempts);
        }
        final long initialNs = toNanos("initialBackoff", initialBackoff);
        final long maxNs = toNanos("maxBackoff", maxBackoff);
        if (initialNs < 0)
        {
            throw new IllegalArgumentException("initialBackoff must be >= 0: " + initialBackoff);
        }
        if (maxNs < initialNs)
        {
            throw new IllegalArgumentException(
                "maxBackoff must be >= initialBackoff " + initialBackoff + ": " + maxBackoff);
        }
        return new RetryPolicy(maxAttempts, initialNs, maxNs, 2.0, Jitter.FULL, EXCEPTIONS);
    }

    /**
     * A copy whose base delay grows by {@code multiplier} per retry. Any thread.
     *
     * @param multiplier the growth, finite and >= 1.
     * @return the copy.
     * @throws IllegalArgumentException if {@code multiplier} is out of range.
     */
    public RetryPolicy withMultiplier(final double multiplier)
    {
        if (!(multiplier >= 1.0 && multiplier < Double.POSITIVE_INFINITY))
        {
            throw new IllegalArgumentException("multiplier must be finite and >= 1: " + multiplier);
        }
        return new RetryPolicy(maxAttempts, initialBackoffNs, maxBackoffNs, multiplier, jitter, retryOn);
    }

    /**
     * A copy with another jitter. Any thread.
     *
     * @param jitter the jitter.
     * @return the copy.
     * @throws NullPointerException if {@code jitter} is null.
     */
    public RetryPolicy withJitter(final Jitter jitter)
    {
        Objects.requireNonNull(jitter, "jitter");
        return new RetryPolicy(maxAttempts, initialBackoffNs, maxBackoffNs, multiplier, jitter, retryOn);
    }

    /**
     * A copy that retries only failures {@code retryOn} accepts. A predicate that throws is taken as "not
     * retryable". It is called on the thread that calls {@link #shouldRetry(int, Throwable)}. Any thread.
     *
     * @param retryOn accepts the failures to retry.
     * @return the copy.
     * @throws NullPointerException if {@code retryOn} is null.
     */
    public RetryPolicy withRetryOn(final Predicate<Throwable> retryOn)
    {
        Objects.requireNonNull(retryOn, "retryOn");
        return new RetryPolicy(maxAttempts, initialBackoffNs, maxBackoffNs, multiplier, jitter, retryOn);
    }

    /**
     * Whether to make another attempt after a failure. Any thread.
     *
     * @param attemptsMade attempts done so far, including the one that just failed, >= 1.
     * @param failure      what the failed attempt threw.
     * @return true if {@code attemptsMade < maxAttempts} and the predicate accepts {@code failure} (without
     * throwing).
     * @throws IllegalArgumentException if {@code attemptsMade < 1}.
     * @throws NullPointerException     if {@code failure} is null.
     */
    public boolean shouldRetry(final int attemptsMade, final Throwable failure)
    {
        if (attemptsMade < 1)
        {
            throw new IllegalArgumentException("attemptsMade must be >= 1: " + attemptsMade);
        }
        Objects.requireNonNull(failure, "failure");
        if (attemptsMade >= maxAttempts)
        {
            return false;
        }
        try
        {
            return retryOn.test(failure);
        }
        catch (final VirtualMachineError fatal)
        {
            throw fatal;
        }
        catch (final Throwable ex)
        {
            return false;
        }
    }

    /**
     * The delay before attempt {@code attemptsMade + 1}. The base delay is
     * {@code min(maxBackoff, initialBackoff * multiplier^(attemptsMade - 1))}, computed without overflow for any
     * attempt number; the jitter then picks the delay from it using {@code randomBits}: {@link Jitter#NONE} ignores
     * them, {@link Jitter#FULL} and {@link Jitter#EQUAL} reduce them modulo the width of their range (any 64 uniformly
     * random bits will do; the modulo bias is at most {@code width / 2^64}).
     * <p>
     * Any thread. No allocation.
     *
     * @param attemptsMade attempts done so far, including the one that just failed, >= 1.
     * @param randomBits   random bits from the caller's generator, such as {@code SplittableRandom.nextLong()}.
     * @return the delay in nanoseconds, in {@code [0, maxBackoffNs]}.
     * @throws IllegalArgumentException if {@code attemptsMade < 1}.
     */
    public long backoffNs(final int attemptsMade, final long randomBits)
    {
        if (attemptsMade < 1)
        {
            throw new IllegalArgumentException("attemptsMade must be >= 1: " + attemptsMade);
        }
        final long base = baseBackoffNs(attemptsMade);
        if (jitter == Jitter.FULL)
        {
            return uniform(randomBits, base);
        }
        if (jitter == Jitter.EQUAL)
        {
            final long half = base >>> 1;
            return half + uniform(randomBits, half);
        }
        return base;
    }

    /**
     * Attempts in total, including the first. Any thread.
     *
     * @return the maximum attempts, >= 1.
     */
    public int maxAttempts()
    {
        return maxAttempts;
    }

    /**
     * The base delay before the first retry. Any thread.
     *
     * @return nanoseconds.
     */
    public long initialBackoffNs()
    {
        return initialBackoffNs;
    }

    /**
     * The cap on the delay. Any thread.
     *
     * @return nanoseconds.
     */
    public long maxBackoffNs()
    {
        return maxBackoffNs;
    }

    /**
     * The growth of the base delay per retry. Any thread.
     *
     * @return the multiplier, >= 1.
     */
    public double multiplier()
    {
        return multiplier;
    }

    /**
     * The jitter. Any thread.
     *
     * @return the jitter.
     */
    public Jitter jitter()
    {
        return jitter;
    }

    /**
     * The predicate that selects the failures to retry. Any thread.
     *
     * @return the predicate.
     */
    public Predicate<Throwable> retryOn()
    {
        return retryOn;
    }

    /**
     * {@inheritDoc}
     * <p>
     * Any thread.
     */
    @Override
    public String toString()
    {
        return "RetryPolicy{" +
            "maxAttempts=" + maxAttempts +
            ", initialBackoffNs=" + initialBackoffNs +
            ", maxBackoffNs=" + maxBackoffNs +
            ", multiplier=" + multiplier +
            ", jitter=" + jitter +
            ", retryOn=" + retryOn +
            '}';
    }

    /** min(maxBackoff, initial * multiplier^(attemptsMade - 1)), for attemptsMade >= 1. */
    private long baseBackoffNs(final int attemptsMade)
    {
        if (initialBackoffNs == 0)
        {
            return 0L; // also avoids 0 * infinity = NaN below
        }
        // Math.pow saturates to infinity for huge exponents, which the cap absorbs: no overflow.
        final double exact = initialBackoffNs * Math.pow(multiplier, attemptsMade - 1);
        return exact >= maxBackoffNs ? maxBackoffNs : (long)exact;
    }

    /** Uniform in [0, bound] from 64 random bits; bound >= 0. */
    private static long uniform(final long randomBits, final long bound)
    {
        // bound + 1 overflows only for Long.MAX_VALUE, whose range [0, 2^63 - 1] is exactly the low 63 bits.
        return bound == Long.MAX_VALUE ? randomBits & Long.MAX_VALUE : Long.remainderUnsigned(randomBits, bound + 1);
    }

    private static long toNanos(final String what, final Duration duration)
    {
        Objects.requireNonNull(duration, what);
        try
        {
            return duration.toNanos();
        }
        catch (final ArithmeticException ex)
        {
            throw new IllegalArgumentException(what + " does not fit in a long of nanoseconds: " + duration, ex);
        }
    }
}
