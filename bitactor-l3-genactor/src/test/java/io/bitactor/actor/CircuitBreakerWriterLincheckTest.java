package io.bitactor.actor;

import io.bitactor.actor.CircuitBreaker.State;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;

/**
 * Linearizability of the whole breaker (Lincheck) under its threading contract: permission calls, releases and
 * state reads from any thread, racing with outcome reports from one writer at a time ({@code nonParallelGroup}).
 * Times are drawn from a small range and the open time is short, so scenarios trip, reach HALF_OPEN, re-open with
 * a longer open time and close. The sequential specification is the breaker itself run one operation at a time.
 * <p>
 * Besides random scenarios, the model checker explores {@link #deadlineRaceScenario()}: the race between a sender
 * that read an OPEN word whose deadline had elapsed, another sender that takes the breaker HALF_OPEN, and the
 * writer re-opening it with a new deadline. It fails if the sender judges the new deadline against the old word
 * (no re-check) or if its CAS from the old word succeeds (no generation in the state word); both mutations were
 * tried and are caught by {@code modelCheckingDeadlineRace}, which random scenarios rarely reach.
 */
@Param(name = "time", gen = IntGen.class, conf = "1:8")
public class CircuitBreakerWriterLincheckTest
{
    private final CircuitBreaker breaker = new CircuitBreaker("lincheck-writer", CircuitBreakerConfig.defaults()
        .withConsecutiveFailures(2)
        .withOpenTimeNs(1L, 4L, 2.0)
        .withHalfOpenTrials(2));

    /**
     * Any thread asks for a permit.
     *
     * @param time the caller's clock.
     * @return whether it was granted.
     */
    @Operation
    public boolean tryAcquirePermission(@Param(name = "time") final int time)
    {
        return breaker.tryAcquirePermission(time);
    }

    /**
     * Any thread gives back a permit.
     */
    @Operation
    public void releasePermission()
    {
        breaker.releasePermission();
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

    /**
     * Any thread asks how long to wait.
     *
     * @param time the caller's clock.
     * @return nanoseconds until the open deadline, 0 unless OPEN.
     */
    @Operation
    public long retryAfterNs(@Param(name = "time") final int time)
    {
        return breaker.retryAfterNs(time);
    }

    /**
     * The writer reports a success.
     *
     * @param time the writer's clock.
     */
    @Operation(nonParallelGroup = "writer")
    public void onSuccess(@Param(name = "time") final int time)
    {
        breaker.onSuccess(0L, time);
    }

    /**
     * The writer reports a failure.
     *
     * @param time the writer's clock.
     */
    @Operation(nonParallelGroup = "writer")
    public void onFailure(@Param(name = "time") final int time)
    {
        breaker.onFailure(0L, time);
    }

    /**
     * Tripped at time 1 (open until 2); at time 5 two senders each ask for a permit and then read the state, while
     * the writer reports a failure (re-open until 7); then the state is read again. The interleaving that matters:
     * one sender reads the OPEN word, the other takes the breaker HALF_OPEN, the writer stores the new deadline but
     * has not yet published OPEN, and the first sender continues.
     */
    static ExecutionScenario deadlineRaceScenario()
    {
        return new ExecutionScenario(
            List.of(actor("onFailure", 1), actor("onFailure", 1)),
            List.of(
                List.of(actor("tryAcquirePermission", 5), actor("state")),
                List.of(actor("tryAcquirePermission", 5), actor("state")),
                List.of(actor("onFailure", 5))),
            List.of(actor("state")),
            null);
    }

    /** Lincheck's scenario DSL takes Kotlin function references; from Java, an Actor over the Method is direct. */
    private static Actor actor(final String operation, final Object... arguments)
    {
        final Method method = Arrays.stream(CircuitBreakerWriterLincheckTest.class.getMethods())
            .filter(candidate -> candidate.getName().equals(operation))
            .findFirst()
            .orElseThrow();
        return new Actor(method, List.of(arguments));
    }

    @Test
    @Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void modelCheckingDeadlineRace()
    {
        new ModelCheckingOptions()
            .addCustomScenario(deadlineRaceScenario())
            .iterations(0)
            .invocationsPerIteration(20_000)
            .check(getClass());
    }

    @Test
    @Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void modelCheckingTest()
    {
        new ModelCheckingOptions()
            .threads(3)
            .actorsPerThread(4)
            .actorsBefore(3)
            .iterations(50)
            .invocationsPerIteration(1_000)
            .check(getClass());
    }

    @Test
    @Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void stressTest()
    {
        new StressOptions()
            .threads(3)
            .actorsPerThread(4)
            .actorsBefore(3)
            .iterations(50)
            .invocationsPerIteration(1_000)
            .check(getClass());
    }
}
