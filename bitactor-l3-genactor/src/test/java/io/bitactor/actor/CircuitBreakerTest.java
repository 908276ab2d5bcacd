package io.bitactor.actor;

import io.bitactor.actor.CircuitBreaker.State;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Deterministic tests of {@link CircuitBreaker} on one thread: every time is an explicit {@code nowNs}.
 */
class CircuitBreakerTest
{
    private static final long OPEN_NS = 1_000L;
    private final List<String> transitions = new ArrayList<>();

    /** Trips after 3 consecutive failures, open 1000 ns doubling up to 8000 ns, K half-open trials. */
    private static CircuitBreakerConfig config(final int trials)
    {
        return CircuitBreakerConfig.defaults()
            .withConsecutiveFailures(3)
            .withOpenTimeNs(OPEN_NS, 8 * OPEN_NS, 2.0)
            .withHalfOpenTrials(trials);
    }

    private CircuitBreaker breaker(final CircuitBreakerConfig config)
    {
        return new CircuitBreaker("test", config, (breaker, from, to, nowNs) ->
        {
            assertThat(breaker.state()).isEqualTo(to);
            transitions.add(from + "->" + to + "@" + nowNs);
        });
    }

    private static void fail(final CircuitBreaker breaker, final int times, final long nowNs)
    {
        for (int i = 0; i < times; i++)
        {
            breaker.onFailure(10L, nowNs);
        }
    }

    private static void succeed(final CircuitBreaker breaker, final int times, final long nowNs)
    {
        for (int i = 0; i < times; i++)
        {
            breaker.onSuccess(10L, nowNs);
        }
    }

    @Test
    void startsClosedAndPermitsCalls()
    {
        final CircuitBreaker breaker = breaker(config(1));

        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.tryAcquirePermission(0L)).isTrue();
        assertThat(breaker.name()).isEqualTo("test");
        assertThat(breaker.config()).isEqualTo(config(1));
        assertThat(breaker.openUntilNs()).isZero();
        assertThat(breaker.currentOpenTimeNs()).isZero();
        assertThat(breaker.notPermittedCount()).isZero();
        assertThat(transitions).isEmpty();
    }

    @Test
    void tripsOnConsecutiveFailuresAndASuccessResetsTheRun()
    {
        final CircuitBreaker breaker = breaker(config(1));

        fail(breaker, 2, 5L);
        breaker.onSuccess(10L, 5L);
        fail(breaker, 2, 6L);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);

        breaker.onFailure(10L, 7L);

        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(breaker.openUntilNs()).isEqualTo(7L + OPEN_NS);
        assertThat(breaker.currentOpenTimeNs()).isEqualTo(OPEN_NS);
        assertThat(breaker.tryAcquirePermission(8L)).isFalse();
        assertThat(breaker.openedCount()).isEqualTo(1L);
        assertThat(transitions).containsExactly("CLOSED->OPEN@7");
    }

    @Test
    void consecutiveFailuresZeroNeverTrips()
    {
        final CircuitBreaker breaker = breaker(config(1).withConsecutiveFailures(0));

        fail(breaker, 1_000, 0L);

        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.failureCount()).isEqualTo(1_000L);
    }

    @Test
    void failureRateWaitsForMinimumCallsAndASuccessCanTrip()
    {
        final CircuitBreaker breaker = breaker(config(1).withConsecutiveFailures(0).withFailureRate(50.0, 10, 4));

        fail(breaker, 3, 0L);
        assertThat(breaker.state()).as("3 of 3 failed, but fewer than 4 recorded").isEqualTo(State.CLOSED);

        breaker.onSuccess(10L, 1L);

        assertThat(breaker.state()).as("3 of 4 failed").isEqualTo(State.OPEN);
        assertThat(transitions).containsExactly("CLOSED->OPEN@1");
    }

    @Test
    void failureRateIsOverTheSlidingWindowNotAllOutcomes()
    {
        final CircuitBreaker breaker = breaker(config(1).withConsecutiveFailures(0).withFailureRate(50.0, 4, 4));

        succeed(breaker, 6, 0L);
        breaker.onFailure(10L, 0L);
        assertThat(breaker.state()).as("window S S S F: 25%").isEqualTo(State.CLOSED);

        breaker.onFailure(10L, 1L);

        // 2 of all 8 outcomes failed (25%), but 2 of the last 4 (50%).
        assertThat(breaker.state()).as("window S S F F: 50%").isEqualTo(State.OPEN);
    }

    @Test
    void failureRateBelowThresholdDoesNotTrip()
    {
        final CircuitBreaker breaker = breaker(config(1).withConsecutiveFailures(0).withFailureRate(41.0, 5, 5));

        for (int i = 0; i < 100; i++)
        {
            // The repeating pattern F S F S S puts exactly 2 failures (40%) in every window of 5 outcomes.
            breaker.onFailure(10L, i);
            breaker.onSuccess(10L, i);
            breaker.onFailure(10L, i);
            breaker.onSuccess(10L, i);
            breaker.onSuccess(10L, i);
        }

        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.failureCount()).isEqualTo(200L);
        assertThat(breaker.successCount()).isEqualTo(300L);
    }

    @Test
    void slowSuccessesCountAsFailures()
    {
        final CircuitBreaker breaker = breaker(config(1).withConsecutiveFailures(2).withSlowCallThresholdNs(100L));

        breaker.onSuccess(100L, 0L);
        breaker.onSuccess(101L, 1L);
        assertThat(breaker.state()).as("a success at the threshold is not slow").isEqualTo(State.CLOSED);

        breaker.onSuccess(101L, 2L);

        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(breaker.slowCallCount()).isEqualTo(2L);
        assertThat(breaker.successCount()).isEqualTo(1L);
        assertThat(breaker.failureCount()).isZero();
    }

    @Test
    void slowCallThresholdZeroDisablesSlowCalls()
    {
        final CircuitBreaker breaker = breaker(config(1).withConsecutiveFailures(1));

        breaker.onSuccess(Long.MAX_VALUE, 0L);

        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.slowCallCount()).isZero();
    }

    @Test
    void movesToHalfOpenExactlyAtTheDeadline()
    {
        final CircuitBreaker breaker = breaker(config(1));
        fail(breaker, 3, 10L);

        assertThat(breaker.tryAcquirePermission(10L + OPEN_NS - 1)).isFalse();
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(breaker.retryAfterNs(10L + OPEN_NS - 1)).isEqualTo(1L);

        assertThat(breaker.tryAcquirePermission(10L + OPEN_NS)).isTrue();

        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
        assertThat(breaker.halfOpenedCount()).isEqualTo(1L);
        assertThat(breaker.retryAfterNs(10L + OPEN_NS)).isZero();
        assertThat(transitions).containsExactly("CLOSED->OPEN@10", "OPEN->HALF_OPEN@1010");
    }

    @Test
    void deadlineComparisonSurvivesClockWrap()
    {
        final CircuitBreaker breaker = breaker(config(1));
        final long tripAt = Long.MAX_VALUE - 100L;
        fail(breaker, 3, tripAt);
        final long deadline = tripAt + OPEN_NS; // wraps to Long.MIN_VALUE + 899

        assertThat(breaker.tryAcquirePermission(Long.MAX_VALUE)).isFalse();
        assertThat(breaker.tryAcquirePermission(deadline - 1)).isFalse();
        assertThat(breaker.tryAcquirePermission(deadline)).isTrue();
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
    }

    @Test
    void halfOpenAdmitsExactlyKTrials()
    {
        final CircuitBreaker breaker = breaker(config(3));
        fail(breaker, 3, 0L);

        assertThat(breaker.tryAcquirePermission(OPEN_NS)).isTrue();
        assertThat(breaker.tryAcquirePermission(OPEN_NS)).isTrue();
        assertThat(breaker.tryAcquirePermission(OPEN_NS + 1)).isTrue();
        assertThat(breaker.tryAcquirePermission(OPEN_NS + 2)).isFalse();
        assertThat(breaker.tryAcquirePermission(OPEN_NS + 3)).isFalse();

        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
        assertThat(breaker.halfOpenedCount()).isEqualTo(1L);
        assertThat(breaker.notPermittedCount()).isEqualTo(2L);
    }

    @Test
    void closesAfterKSuccessfulTrials()
    {
        final CircuitBreaker breaker = breaker(config(2));
        fail(breaker, 3, 0L);
        assertThat(breaker.tryAcquirePermission(OPEN_NS)).isTrue();
        assertThat(breaker.tryAcquirePermission(OPEN_NS)).isTrue();

        breaker.onSuccess(10L, OPEN_NS + 1);
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
        breaker.onSuccess(10L, OPEN_NS + 2);

        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.closedCount()).isEqualTo(1L);
        assertThat(breaker.tryAcquirePermission(OPEN_NS + 3)).isTrue();
        assertThat(transitions).containsExactly("CLOSED->OPEN@0", "OPEN->HALF_OPEN@1000", "HALF_OPEN->CLOSED@1002");
    }

    @Test
    void halfOpenFailureReopensWithGrowingOpenTimeCappedAtMax()
    {
        final CircuitBreaker breaker = breaker(config(1).withOpenTimeNs(OPEN_NS, 3 * OPEN_NS, 2.0));
        fail(breaker, 3, 0L);
        long now = OPEN_NS;
        final long[] expectedOpenTimes = {2 * OPEN_NS, 3 * OPEN_NS, 3 * OPEN_NS};
        for (final long expected : expectedOpenTimes)
        {
            assertThat(breaker.tryAcquirePermission(now)).isTrue();
            breaker.onFailure(10L, now);

            assertThat(breaker.state()).isEqualTo(State.OPEN);
            assertThat(breaker.currentOpenTimeNs()).isEqualTo(expected);
            assertThat(breaker.openUntilNs()).isEqualTo(now + expected);
            assertThat(breaker.tryAcquirePermission(now + expected - 1)).isFalse();
            now += expected;
        }
        assertThat(breaker.openedCount()).isEqualTo(4L);
    }

    @Test
    void aReopenedEpisodeNeedsKFreshSuccesses()
    {
        final CircuitBreaker breaker = breaker(config(2));
        fail(breaker, 3, 0L);
        assertThat(breaker.tryAcquirePermission(OPEN_NS)).isTrue();
        assertThat(breaker.tryAcquirePermission(OPEN_NS)).isTrue();
        breaker.onSuccess(10L, OPEN_NS);
        breaker.onFailure(10L, OPEN_NS);
        assertThat(breaker.state()).isEqualTo(State.OPEN);

        assertThat(breaker.tryAcquirePermission(3 * OPEN_NS)).isTrue();
        breaker.onSuccess(10L, 3 * OPEN_NS);

        assertThat(breaker.state()).as("the earlier episode's success does not count").isEqualTo(State.HALF_OPEN);
        breaker.onSuccess(10L, 3 * OPEN_NS);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void slowTrialReopens()
    {
        final CircuitBreaker breaker = breaker(config(2).withSlowCallThresholdNs(100L));
        fail(breaker, 3, 0L);
        assertThat(breaker.tryAcquirePermission(OPEN_NS)).isTrue();

        breaker.onSuccess(101L, OPEN_NS);

        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(breaker.currentOpenTimeNs()).isEqualTo(2 * OPEN_NS);
    }

    @Test
    void closingResetsGrowthAndCounters()
    {
        final CircuitBreaker breaker = breaker(config(1));
        fail(breaker, 3, 0L);
        assertThat(breaker.tryAcquirePermission(OPEN_NS)).isTrue();
        breaker.onFailure(10L, OPEN_NS);
        assertThat(breaker.currentOpenTimeNs()).isEqualTo(2 * OPEN_NS);
        assertThat(breaker.tryAcquirePermission(3 * OPEN_NS)).isTrue();
        breaker.onSuccess(10L, 3 * OPEN_NS);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);

        fail(breaker, 2, 4 * OPEN_NS);
        assertThat(breaker.state()).as("consecutive failures restart from 0").isEqualTo(State.CLOSED);
        breaker.onFailure(10L, 5 * OPEN_NS);

        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(breaker.currentOpenTimeNs()).as("growth restarts").isEqualTo(OPEN_NS);
        assertThat(breaker.openUntilNs()).isEqualTo(6 * OPEN_NS);
    }

    @Test
    void closingResetsTheFailureRateWindow()
    {
        final CircuitBreaker breaker = breaker(config(1).withConsecutiveFailures(0).withFailureRate(50.0, 4, 2));
        fail(breaker, 2, 0L);
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(breaker.tryAcquirePermission(OPEN_NS)).isTrue();
        breaker.onSuccess(10L, OPEN_NS);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);

        breaker.onFailure(10L, OPEN_NS + 1);
        assertThat(breaker.state()).as("1 outcome recorded, below minimum calls").isEqualTo(State.CLOSED);
        breaker.onSuccess(10L, OPEN_NS + 2);

        assertThat(breaker.state()).as("1 of 2 failed since closing: 50%").isEqualTo(State.OPEN);
    }

    @Test
    void releasePermissionReturnsATrialPermit()
    {
        final CircuitBreaker breaker = breaker(config(1));
        fail(breaker, 3, 0L);
        assertThat(breaker.tryAcquirePermission(OPEN_NS)).isTrue();
        assertThat(breaker.tryAcquirePermission(OPEN_NS)).isFalse();

        breaker.releasePermission();

        assertThat(breaker.tryAcquirePermission(OPEN_NS)).isTrue();
        assertThat(breaker.tryAcquirePermission(OPEN_NS)).isFalse();
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
        assertThat(breaker.halfOpenedCount()).isEqualTo(1L);
    }

    @Test
    void releasePermissionNeverFreesMoreThanWasIssued()
    {
        final CircuitBreaker breaker = breaker(config(2));
        fail(breaker, 3, 0L);
        assertThat(breaker.tryAcquirePermission(OPEN_NS)).isTrue();
        breaker.releasePermission();
        breaker.releasePermission();
        breaker.releasePermission();

        assertThat(breaker.tryAcquirePermission(OPEN_NS)).isTrue();
        assertThat(breaker.tryAcquirePermission(OPEN_NS)).isTrue();
        assertThat(breaker.tryAcquirePermission(OPEN_NS)).isFalse();
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
    }

    @Test
    void releasePermissionIsANoOpOutsideHalfOpen()
    {
        final CircuitBreaker breaker = breaker(config(1));
        breaker.releasePermission();
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        fail(breaker, 3, 0L);

        breaker.releasePermission();

        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(breaker.tryAcquirePermission(OPEN_NS - 1)).isFalse();
        assertThat(breaker.tryAcquirePermission(OPEN_NS)).isTrue();
        assertThat(breaker.tryAcquirePermission(OPEN_NS)).isFalse();
    }

    @Test
    void outcomesWhileOpenAreCountedButChangeNothing()
    {
        final CircuitBreaker breaker = breaker(config(1).withSlowCallThresholdNs(100L));
        fail(breaker, 3, 0L);

        breaker.onFailure(10L, 5L);
        breaker.onSuccess(10L, 6L);
        breaker.onSuccess(500L, 7L);

        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(breaker.openUntilNs()).isEqualTo(OPEN_NS);
        assertThat(breaker.currentOpenTimeNs()).isEqualTo(OPEN_NS);
        assertThat(breaker.openedCount()).isEqualTo(1L);
        assertThat(breaker.failureCount()).isEqualTo(4L);
        assertThat(breaker.successCount()).isEqualTo(1L);
        assertThat(breaker.slowCallCount()).isEqualTo(1L);
        assertThat(transitions).containsExactly("CLOSED->OPEN@0");
    }

    @Test
    void listenerSeesEveryTransitionInOrder()
    {
        final CircuitBreaker breaker = breaker(config(1));

        fail(breaker, 3, 0L);
        breaker.tryAcquirePermission(OPEN_NS);
        breaker.onFailure(10L, OPEN_NS + 5);
        breaker.tryAcquirePermission(3 * OPEN_NS + 5);
        breaker.onSuccess(10L, 3 * OPEN_NS + 6);
        fail(breaker, 3, 4 * OPEN_NS);

        assertThat(transitions).containsExactly(
            "CLOSED->OPEN@0",
            "OPEN->HALF_OPEN@1000",
            "HALF_OPEN->OPEN@1005",
            "OPEN->HALF_OPEN@3005",
            "HALF_OPEN->CLOSED@3006",
            "CLOSED->OPEN@4000");
        assertThat(breaker.openedCount()).isEqualTo(3L);
        assertThat(breaker.halfOpenedCount()).isEqualTo(2L);
        assertThat(breaker.closedCount()).isEqualTo(1L);
    }

    @Test
    void listenerThatThrowsLeavesAConsistentBreakerAndNoPermit()
    {
        final CircuitBreaker breaker = new CircuitBreaker("throwing", config(1), (b, from, to, nowNs) ->
        {
            if (to == State.HALF_OPEN)
            {
                throw new IllegalStateException("listener");
            }
        });
        fail(breaker, 3, 0L);

        assertThatThrownBy(() -> breaker.tryAcquirePermission(OPEN_NS)).hasMessage("listener");

        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
        assertThat(breaker.tryAcquirePermission(OPEN_NS)).as("the one trial permit is still free").isTrue();
        assertThat(breaker.tryAcquirePermission(OPEN_NS)).isFalse();
    }

    @Test
    void countersAddUp()
    {
        final CircuitBreaker breaker = breaker(config(1).withSlowCallThresholdNs(100L));
        breaker.onSuccess(10L, 0L);
        breaker.onSuccess(200L, 0L);
        breaker.onFailure(10L, 0L);
        breaker.onSuccess(10L, 0L);
        fail(breaker, 3, 0L);
        breaker.tryAcquirePermission(1L);
        breaker.tryAcquirePermission(2L);

        assertThat(breaker.successCount()).isEqualTo(2L);
        assertThat(breaker.slowCallCount()).isEqualTo(1L);
        assertThat(breaker.failureCount()).isEqualTo(4L);
        assertThat(breaker.notPermittedCount()).isEqualTo(2L);
        assertThat(breaker.openedCount()).isEqualTo(1L);
        assertThat(breaker.halfOpenedCount()).isZero();
        assertThat(breaker.closedCount()).isZero();
        assertThat(breaker.toString())
            .contains("name='test'", "state=OPEN", "successes=2", "failures=4", "notPermitted=2");
    }

    @Test
    void openExceptionCarriesNameAndRetryAfter()
    {
        final CircuitBreaker breaker = breaker(config(1));
        fail(breaker, 3, 0L);
        assertThat(breaker.tryAcquirePermission(250L)).isFalse();

        final CircuitOpenException ex = new CircuitOpenException(breaker.name(), breaker.retryAfterNs(250L));

        assertThat(ex.breakerName()).isEqualTo("test");
        assertThat(ex.retryAfterNs()).isEqualTo(750L);
        assertThat(ex).hasMessage("circuit breaker 'test' is open; retry after 750 ns");
    }

    @Test
    void constructorRejectsNulls()
    {
        assertThatThrownBy(() -> new CircuitBreaker(null, CircuitBreakerConfig.defaults()))
            .isInstanceOf(NullPointerException.class).hasMessage("name");
        assertThatThrownBy(() -> new CircuitBreaker("x", null))
            .isInstanceOf(NullPointerException.class).hasMessage("config");
    }

    @Test
    void defaultsAreAsDocumented()
    {
        final CircuitBreakerConfig config = CircuitBreakerConfig.defaults();

        assertThat(config.consecutiveFailures()).isEqualTo(5);
        assertThat(config.failureRateEnabled()).isFalse();
        assertThat(config.failureRatePercent()).isZero();
        assertThat(config.windowSize()).isZero();
        assertThat(config.minimumCalls()).isZero();
        assertThat(config.slowCallThresholdNs()).isZero();
        assertThat(config.openTimeInitialNs()).isEqualTo(1_000_000_000L);
        assertThat(config.openTimeMaxNs()).isEqualTo(60_000_000_000L);
        assertThat(config.openTimeMultiplier()).isEqualTo(2.0);
        assertThat(config.halfOpenTrials()).isEqualTo(1);
        assertThat(config.openTimeNs(0)).isEqualTo(1_000_000_000L);
        assertThat(config.openTimeNs(3)).isEqualTo(8_000_000_000L);
        assertThat(config.openTimeNs(6)).isEqualTo(60_000_000_000L);
        assertThat(config.openTimeNs(Integer.MAX_VALUE)).isEqualTo(60_000_000_000L);
    }

    @Test
    void withCopiesLeaveTheOriginalAloneAndCompareByValue()
    {
        final CircuitBreakerConfig base = CircuitBreakerConfig.defaults();
        final CircuitBreakerConfig rate = base.withFailureRate(25.0, 20, 10);

        assertThat(base.failureRateEnabled()).isFalse();
        assertThat(rate.failureRateEnabled()).isTrue();
        assertThat(rate.failureRatePercent()).isEqualTo(25.0);
        assertThat(rate.windowSize()).isEqualTo(20);
        assertThat(rate.minimumCalls()).isEqualTo(10);
        assertThat(rate).isEqualTo(base.withFailureRate(25.0, 20, 10)).isNotEqualTo(base);
        assertThat(rate.hashCode()).isEqualTo(base.withFailureRate(25.0, 20, 10).hashCode());
        assertThat(rate.withoutFailureRate()).isEqualTo(base);
        assertThat(base.withFailureRate(0.0, 20, 10)).isEqualTo(base);
        assertThat(base.withFailureRate(30.0, 0, 10)).isEqualTo(base);
        assertThat(base.withSlowCallThresholdNs(7L).slowCallThresholdNs()).isEqualTo(7L);
        assertThat(base.withHalfOpenTrials(4).halfOpenTrials()).isEqualTo(4);
        assertThat(base.withConsecutiveFailures(0).consecutiveFailures()).isZero();
        assertThat(base.withOpenTimeNs(5L, 9L, 1.5))
            .extracting(CircuitBreakerConfig::openTimeInitialNs, CircuitBreakerConfig::openTimeMaxNs,
                CircuitBreakerConfig::openTimeMultiplier)
            .containsExactly(5L, 9L, 1.5);
        assertThat(base.withHalfOpenTrials(4)).isNotEqualTo(base);
        assertThat(rate.toString()).contains("failureRatePercent=25.0", "windowSize=20", "minimumCalls=10");
    }

    @Test
    void invalidConfigValuesAreRejected()
    {
        final CircuitBreakerConfig config = CircuitBreakerConfig.defaults();

        assertInvalid(() -> config.withConsecutiveFailures(-1), "-1");
        assertInvalid(() -> config.withFailureRate(-0.5, 10, 5), "-0.5");
        assertInvalid(() -> config.withFailureRate(100.5, 10, 5), "100.5");
        assertInvalid(() -> config.withFailureRate(Double.NaN, 10, 5), "NaN");
        assertInvalid(() -> config.withFailureRate(50.0, -3, 1), "-3");
        assertInvalid(() -> config.withFailureRate(50.0, CircuitBreakerConfig.MAX_WINDOW_SIZE + 1, 1), "1048577");
        assertInvalid(() -> config.withFailureRate(50.0, 10, 0), "0");
        assertInvalid(() -> config.withFailureRate(50.0, 10, 11), "11");
        assertInvalid(() -> config.withSlowCallThresholdNs(-7L), "-7");
        assertInvalid(() -> config.withOpenTimeNs(0L, 10L, 2.0), "0");
        assertInvalid(() -> config.withOpenTimeNs(10L, 9L, 2.0), "9");
        assertInvalid(() -> config.withOpenTimeNs(10L, 20L, 0.5), "0.5");
        assertInvalid(() -> config.withOpenTimeNs(10L, 20L, Double.POSITIVE_INFINITY), "Infinity");
        assertInvalid(() -> config.withOpenTimeNs(10L, 20L, Double.NaN), "NaN");
        assertInvalid(() -> config.withHalfOpenTrials(0), "0");
        assertInvalid(() -> config.withHalfOpenTrials(CircuitBreakerConfig.MAX_HALF_OPEN_TRIALS + 1), "1048576");

        assertThat(config.withFailureRate(100.0, 1, 1).failureRatePercent()).isEqualTo(100.0);
        assertThat(config.withOpenTimeNs(10L, 10L, 1.0).openTimeMaxNs()).isEqualTo(10L);
        assertThat(config.withHalfOpenTrials(CircuitBreakerConfig.MAX_HALF_OPEN_TRIALS).halfOpenTrials())
            .isEqualTo(CircuitBreakerConfig.MAX_HALF_OPEN_TRIALS);
    }

    private static void assertInvalid(final Runnable change, final String value)
    {
        assertThatThrownBy(change::run)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageEndingWith(": " + value);
    }
}
