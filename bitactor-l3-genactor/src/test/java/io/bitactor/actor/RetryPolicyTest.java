package io.bitactor.actor;

import io.bitactor.actor.RetryPolicy.Jitter;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Examples and randomized properties of {@link RetryPolicy}. The properties draw their inputs from a seeded
 * {@link SplittableRandom}, so a failure reproduces exactly; the failing inputs are in the assertion description.
 */
class RetryPolicyTest
{
    private static final long SEED = 0x5EED_B17AC7L;
    private static final int SAMPLES = 20_000;

    /** 100 ns, doubling, capped at 1000 ns, 5 attempts. */
    private static RetryPolicy policy(final Jitter jitter)
    {
        return RetryPolicy.exponential(5, Duration.ofNanos(100), Duration.ofNanos(1_000)).withJitter(jitter);
    }

    @Test
    void noneNeverRetries()
    {
        final RetryPolicy none = RetryPolicy.none();

        assertThat(none.maxAttempts()).isEqualTo(1);
        assertThat(none.shouldRetry(1, new IllegalStateException())).isFalse();
        assertThat(none.backoffNs(1, -1L)).isZero();
        assertThat(none.jitter()).isEqualTo(Jitter.NONE);
    }

    @Test
    void exponentialDefaults()
    {
        final RetryPolicy policy = RetryPolicy.exponential(4, Duration.ofMillis(10), Duration.ofSeconds(2));

        assertThat(policy.maxAttempts()).isEqualTo(4);
        assertThat(policy.initialBackoffNs()).isEqualTo(10_000_000L);
        assertThat(policy.maxBackoffNs()).isEqualTo(2_000_000_000L);
        assertThat(policy.multiplier()).isEqualTo(2.0);
        assertThat(policy.jitter()).isEqualTo(Jitter.FULL);
        assertThat(policy.shouldRetry(1, new IOException())).as("checked exception").isTrue();
        assertThat(policy.shouldRetry(1, new IllegalArgumentException())).as("runtime exception").isTrue();
        assertThat(policy.shouldRetry(1, new AssertionError())).as("error").isFalse();
        assertThat(policy.shouldRetry(1, new Throwable())).as("bare throwable").isFalse();
    }

    @Test
    void noJitterDoublesUpToTheCap()
    {
        final RetryPolicy policy = policy(Jitter.NONE);

        assertThat(policy.backoffNs(1, 12345L)).isEqualTo(100L);
        assertThat(policy.backoffNs(2, 12345L)).isEqualTo(200L);
        assertThat(policy.backoffNs(3, 12345L)).isEqualTo(400L);
        assertThat(policy.backoffNs(4, 12345L)).isEqualTo(800L);
        assertThat(policy.backoffNs(5, 12345L)).isEqualTo(1_000L);
        assertThat(policy.backoffNs(64, 12345L)).isEqualTo(1_000L);
        assertThat(policy.backoffNs(Integer.MAX_VALUE, 12345L)).as("no overflow").isEqualTo(1_000L);
    }

    @Test
    void noJitterWithAnotherMultiplier()
    {
        final RetryPolicy policy = policy(Jitter.NONE).withMultiplier(1.5);

        assertThat(policy.backoffNs(2, 0L)).isEqualTo(150L);
        assertThat(policy.backoffNs(3, 0L)).isEqualTo(225L);
        assertThat(policy.withMultiplier(1.0).backoffNs(1_000, 0L)).isEqualTo(100L);
    }

    @Test
    void fullJitterIsUniformOverZeroToBase()
    {
        final RetryPolicy policy = policy(Jitter.FULL);

        // Attempt 3: base 400, so the random bits are taken modulo 401.
        assertThat(policy.backoffNs(3, 0L)).isZero();
        assertThat(policy.backoffNs(3, 399L)).isEqualTo(399L);
        assertThat(policy.backoffNs(3, 400L)).isEqualTo(400L);
        assertThat(policy.backoffNs(3, 401L)).isZero();
        assertThat(policy.backoffNs(3, -1L)).as("unsigned: (2^64 - 1) mod 401").isEqualTo(62L);
        assertThat(policy.backoffNs(3, 0x9E3779B97F4A7C15L)).isEqualTo(55L);
    }

    @Test
    void equalJitterIsHalfBasePlusUniformHalf()
    {
        final RetryPolicy policy = policy(Jitter.EQUAL);

        // Attempt 3: base 400, half 200, so 200 + bits mod 201.
        assertThat(policy.backoffNs(3, 0L)).isEqualTo(200L);
        assertThat(policy.backoffNs(3, 200L)).isEqualTo(400L);
        assertThat(policy.backoffNs(3, 201L)).isEqualTo(200L);
        assertThat(policy.backoffNs(3, -1L)).as("200 + (2^64 - 1) mod 201").isEqualTo(350L);
    }

    @Test
    void zeroInitialBackoffRetriesImmediately()
    {
        final RetryPolicy policy = RetryPolicy.exponential(3, Duration.ZERO, Duration.ofSeconds(1));

        for (final Jitter jitter : Jitter.values())
        {
            assertThat(policy.withJitter(jitter).backoffNs(1, -1L)).isZero();
            assertThat(policy.withJitter(jitter).backoffNs(Integer.MAX_VALUE, -1L)).isZero();
        }
    }

    @Test
    void fullJitterWithTheLargestCap()
    {
        final RetryPolicy policy = RetryPolicy.exponential(3, Duration.ofNanos(1), Duration.ofNanos(Long.MAX_VALUE));

        assertThat(policy.backoffNs(Integer.MAX_VALUE, -1L)).isEqualTo(Long.MAX_VALUE);
        assertThat(policy.backoffNs(Integer.MAX_VALUE, Long.MIN_VALUE)).isZero();
        assertThat(policy.withJitter(Jitter.NONE).backoffNs(Integer.MAX_VALUE, 0L)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void shouldRetryBoundaries()
    {
        final RetryPolicy policy = RetryPolicy.exponential(3, Duration.ofNanos(1), Duration.ofNanos(10));
        final Exception failure = new IllegalStateException("boom");

        assertThat(policy.shouldRetry(1, failure)).isTrue();
        assertThat(policy.shouldRetry(2, failure)).isTrue();
        assertThat(policy.shouldRetry(3, failure)).isFalse();
        assertThat(policy.shouldRetry(4, failure)).isFalse();
        assertThat(policy.shouldRetry(Integer.MAX_VALUE, failure)).isFalse();
        assertThatThrownBy(() -> policy.shouldRetry(0, failure))
            .isInstanceOf(IllegalArgumentException.class).hasMessageEndingWith(": 0");
        assertThatThrownBy(() -> policy.shouldRetry(1, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void retryPredicateIsRespected()
    {
        final RetryPolicy policy = RetryPolicy.exponential(3, Duration.ofNanos(1), Duration.ofNanos(10))
            .withRetryOn(failure -> failure instanceof IOException || failure.getCause() instanceof IOException);

        assertThat(policy.shouldRetry(1, new IOException())).isTrue();
        assertThat(policy.shouldRetry(1, new UncheckedIOException(new IOException()))).isTrue();
        assertThat(policy.shouldRetry(1, new IllegalStateException())).isFalse();
        assertThat(policy.shouldRetry(3, new IOException())).as("attempts exhausted").isFalse();
        assertThat(policy.withRetryOn(failure -> failure instanceof Error).shouldRetry(1, new AssertionError()))
            .isTrue();
    }

    @Test
    void predicateThatThrowsMeansNotRetryable()
    {
        final RetryPolicy policy = RetryPolicy.exponential(3, Duration.ofNanos(1), Duration.ofNanos(10));

        assertThat(policy.withRetryOn(failure ->
        {
            throw new IllegalStateException("predicate bug");
        }).shouldRetry(1, new IOException())).isFalse();
        assertThat(policy.withRetryOn(failure ->
        {
            throw new AssertionError("predicate bug");
        }).shouldRetry(1, new IOException())).isFalse();

        final OutOfMemoryError fatal = new OutOfMemoryError("fatal");
        assertThatThrownBy(() -> policy.withRetryOn(failure ->
        {
            throw fatal;
        }).shouldRetry(1, new IOException())).as("VM errors propagate").isSameAs(fatal);
    }

    @Test
    void withCopiesLeaveTheOriginalAlone()
    {
        final RetryPolicy base = policy(Jitter.FULL);

        final RetryPolicy copy = base.withJitter(Jitter.EQUAL).withMultiplier(3.0);

        assertThat(base.jitter()).isEqualTo(Jitter.FULL);
        assertThat(base.multiplier()).isEqualTo(2.0);
        assertThat(copy.jitter()).isEqualTo(Jitter.EQUAL);
        assertThat(copy.multiplier()).isEqualTo(3.0);
        assertThat(copy.maxAttempts()).isEqualTo(base.maxAttempts());
        assertThat(copy.retryOn()).isSameAs(base.retryOn());
        assertThat(copy.toString()).contains("maxAttempts=5", "jitter=EQUAL", "multiplier=3.0", "retryOn=Exception");
    }

    @Test
    void invalidArgumentsAreRejected()
    {
        final Duration one = Duration.ofNanos(1);

        assertInvalid(() -> RetryPolicy.exponential(0, one, one), "0");
        assertInvalid(() -> RetryPolicy.exponential(2, Duration.ofNanos(-5), one), "PT-0.000000005S");
        assertInvalid(() -> RetryPolicy.exponential(2, Duration.ofNanos(10), Duration.ofNanos(9)), "PT0.000000009S");
        assertInvalid(() -> RetryPolicy.exponential(2, one, Duration.ofSeconds(Long.MAX_VALUE)), "S");
        assertInvalid(() -> policy(Jitter.NONE).withMultiplier(0.99), "0.99");
        assertInvalid(() -> policy(Jitter.NONE).withMultiplier(Double.NaN), "NaN");
        assertInvalid(() -> policy(Jitter.NONE).withMultiplier(Double.POSITIVE_INFINITY), "Infinity");
        assertInvalid(() -> policy(Jitter.NONE).backoffNs(0, 0L), "0");
        assertInvalid(() -> policy(Jitter.NONE).backoffNs(-3, 0L), "-3");
        assertThatThrownBy(() -> RetryPolicy.exponential(2, null, one)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> policy(Jitter.NONE).withJitter(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> policy(Jitter.NONE).withRetryOn(null)).isInstanceOf(NullPointerException.class);
    }

    private static void assertInvalid(final Runnable call, final String valueSuffix)
    {
        assertThatThrownBy(call::run).isInstanceOf(IllegalArgumentException.class).hasMessageEndingWith(valueSuffix);
    }

    /** A random policy: initial backoff from 0 to 2^40 ns (occasionally 0), cap above it, multiplier in [1, 4). */
    private static RetryPolicy randomPolicy(final SplittableRandom random, final Jitter jitter)
    {
        final long initialNs = random.nextInt(10) == 0 ? 0L : random.nextLong(1L, 1L << 40);
        final long maxNs = random.nextInt(10) == 0 ? Long.MAX_VALUE : initialNs + random.nextLong(0L, 1L << 50);
        return RetryPolicy.exponential(1 + random.nextInt(10), Duration.ofNanos(initialNs), Duration.ofNanos(maxNs))
            .withMultiplier(1.0 + 3.0 * random.nextDouble())
            .withJitter(jitter);
    }

    /** Attempt numbers: mostly small, sometimes anywhere up to Integer.MAX_VALUE. */
    private static int randomAttempt(final SplittableRandom random)
    {
        return random.nextBoolean() ? 1 + random.nextInt(80) : 1 + random.nextInt(Integer.MAX_VALUE);
    }

    @Test
    void propertyBackoffIsAlwaysWithinZeroAndMaxBackoff()
    {
        final SplittableRandom random = new SplittableRandom(SEED);
        for (int sample = 0; sample < SAMPLES; sample++)
        {
            final Jitter jitter = Jitter.values()[random.nextInt(Jitter.values().length)];
            final RetryPolicy policy = randomPolicy(random, jitter);
            final int attempt = randomAttempt(random);
            final long bits = random.nextLong();

            final long backoffNs = policy.backoffNs(attempt, bits);
            final long baseNs = policy.withJitter(Jitter.NONE).backoffNs(attempt, bits);

            final String inputs = policy + " attempt=" + attempt + " bits=" + bits;
            assertThat(backoffNs).as(inputs).isBetween(0L, policy.maxBackoffNs()).isLessThanOrEqualTo(baseNs);
            assertThat(policy.backoffNs(attempt, bits)).as("deterministic: " + inputs).isEqualTo(backoffNs);
            if (jitter == Jitter.EQUAL)
            {
                assertThat(backoffNs).as(inputs).isGreaterThanOrEqualTo(baseNs / 2);
            }
        }
    }

    @Test
    void propertyNoJitterIsNonDecreasingInAttempts()
    {
        final SplittableRandom random = new SplittableRandom(SEED + 1);
        for (int sample = 0; sample < SAMPLES / 20; sample++)
        {
            final RetryPolicy policy = randomPolicy(random, Jitter.NONE);
            long previous = 0L;
            for (int attempt = 1; attempt <= 200; attempt++)
            {
                final long backoffNs = policy.backoffNs(attempt, random.nextLong());
                assertThat(backoffNs).as(policy + " attempt=" + attempt).isGreaterThanOrEqualTo(previous);
                previous = backoffNs;
            }
            final int later = 200 + random.nextInt(Integer.MAX_VALUE - 200);
            assertThat(policy.backoffNs(later, 0L)).as(policy + " attempt=" + later).isGreaterThanOrEqualTo(previous);
            assertThat(policy.backoffNs(Integer.MAX_VALUE, 0L)).isEqualTo(
                policy.initialBackoffNs() == 0L || policy.multiplier() == 1.0 ? policy.initialBackoffNs() :
                policy.maxBackoffNs());
        }
    }

    @Test
    void propertyJitterCoversItsWholeRange()
    {
        // With 10 possible values (base 9), 20,000 uniform draws hit every one of them.
        final RetryPolicy full = RetryPolicy.exponential(2, Duration.ofNanos(9), Duration.ofNanos(9));
        final boolean[] seen = new boolean[10];
        final SplittableRandom random = new SplittableRandom(SEED + 2);
        for (int sample = 0; sample < SAMPLES; sample++)
        {
            seen[(int)full.backoffNs(1, random.nextLong())] = true;
        }
        assertThat(seen).containsOnly(true);
    }
}
