package io.bitactor.metrics;

import io.bitactor.actor.CircuitBreaker;

/**
 * A reading of one circuit breaker: its state and how often it changed state. The counters are read one after the
 * other while senders and the worker may change them, so they agree with each other exactly only while the breaker
 * is quiet. Immutable; any thread.
 *
 * @param name             the breaker's name.
 * @param state            the state when read.
 * @param closedToOpen     trips from CLOSED to OPEN (too many failures or slow calls).
 * @param halfOpenToOpen   trips from HALF_OPEN back to OPEN (a trial failed).
 * @param openToHalfOpen   transitions from OPEN to HALF_OPEN (the open time elapsed and a sender asked).
 * @param halfOpenToClosed transitions from HALF_OPEN to CLOSED (every trial succeeded).
 * @param notPermitted     sends refused by the breaker.
 * @param successes        successful outcomes reported (slow ones not included).
 * @param failures         failed outcomes reported.
 * @param slowCalls        successes slower than the slow-call threshold (counted as failures by the rules).
 */
public record BreakerMetrics(
    String name,
    CircuitBreaker.State state,
    long closedToOpen,
    long halfOpenToOpen,
    long openToHalfOpen,
    long halfOpenToClosed,
    long notPermitted,
    long successes,
    long failures,
    long slowCalls)
{
    /**
     * Reads a breaker. Any thread; lock-free, allocates the record.
     *
     * @param breaker the breaker.
     * @return its reading.
     */
    public static BreakerMetrics of(final CircuitBreaker breaker)
    {
        final long reopened = breaker.reopenedCount();
        final long opened = breaker.openedCount();
        return new BreakerMetrics(
            breaker.name(),
            breaker.state(),
            Math.max(0, opened - reopened),
            reopened,
            breaker.halfOpenedCount(),
            breaker.closedCount(),
            breaker.notPermittedCount(),
            breaker.successCount(),
            breaker.failureCount(),
            breaker.slowCallCount());
    }

    /**
     * All transitions into OPEN.
     *
     * @return {@code closedToOpen + halfOpenToOpen}.
     */
    public long opened()
    {
        return closedToOpen + halfOpenToOpen;
    }
}
