package io.bitactor.actor;

import io.bitactor.actor.CircuitBreaker.State;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Linearizability of concurrent permission calls (Lincheck) on a breaker that starts OPEN with its deadline already
 * elapsed (a fixed clock value) and {@code K = 2} trial permits. The sequential specification grants the first two
 * calls (the first also moves the breaker to HALF_OPEN) and refuses the rest, so linearizability implies that at
 * most two calls are ever granted and that exactly one thread performs the transition.
 */
public class CircuitBreakerLincheckTest
{
    private static final long OPEN_NS = 1_000L;
    /** Every call sees this time: the open deadline ({@code OPEN_NS}) has passed. */
    private static final long NOW_NS = 5_000L;

    private final CircuitBreaker breaker;

    /**
     * A breaker tripped at time 0 by one failure.
     */
    public CircuitBreakerLincheckTest()
    {
        breaker = new CircuitBreaker("lincheck", CircuitBreakerConfig.defaults()
            .withConsecutiveFailures(1)
            .withOpenTimeNs(OPEN_NS, OPEN_NS, 1.0)
            .withHalfOpenTrials(2));
        breaker.onFailure(0L, 0L);
    }

    /**
     * Any thread asks for a permit.
     *
     * @return whether it was granted.
     */
    @Operation
    public boolean tryAcquirePermission()
    {
        return breaker.tryAcquirePermission(NOW_NS);
    }

    /**
     * Any thread reads the state.
     *
     * @return the state.
     */
    @Operation
    public State state()
    {
        return breaker.state();
    }

    @Test
    @Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void modelCheckingTest()
    {
        new ModelCheckingOptions()
            .threads(3)
            .actorsPerThread(3)
            .actorsBefore(0)
            .iterations(30)
            .invocationsPerIteration(1_000)
            .check(getClass());
    }

    @Test
    @Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void stressTest()
    {
        new StressOptions()
            .threads(4)
            .actorsPerThread(3)
            .actorsBefore(0)
            .iterations(30)
            .invocationsPerIteration(1_000)
            .check(getClass());
    }
}
