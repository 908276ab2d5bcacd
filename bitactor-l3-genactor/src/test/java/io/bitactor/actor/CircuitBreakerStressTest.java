package io.bitactor.actor;

import io.bitactor.actor.CircuitBreaker.State;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plain multi-threaded stress of the half-open permit limit: many threads racing for the trial permits of one
 * breaker, repeated many times.
 */
class CircuitBreakerStressTest
{
    private static final int THREADS = 4;
    private static final int K = 3;
    private static final long OPEN_NS = 1_000L;
    private static final long NOW_NS = 2_000L;

    private final ExecutorService executor = Executors.newFixedThreadPool(THREADS);

    @AfterEach
    void shutdown() throws InterruptedException
    {
        executor.shutdownNow();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    /** Tripped at time 0, open until {@code OPEN_NS}, K trial permits. */
    private static CircuitBreaker trippedBreaker()
    {
        final CircuitBreaker breaker = new CircuitBreaker("stress", CircuitBreakerConfig.defaults()
            .withConsecutiveFailures(1)
            .withOpenTimeNs(OPEN_NS, OPEN_NS, 1.0)
            .withHalfOpenTrials(K));
        breaker.onFailure(0L, 0L);
        return breaker;
    }

    private void runOnAllThreads(final Callable<Void> task) throws Exception
    {
        final List<Future<Void>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++)
        {
            futures.add(executor.submit(task));
        }
        for (final Future<Void> future : futures)
        {
            future.get(120, TimeUnit.SECONDS);
        }
    }

    @Test
    void halfOpenGrantsExactlyKPermitsUnderContention() throws Exception
    {
        final int rounds = 1_000;
        final int callsPerThread = 200;
        final CircuitBreaker[] breakers = new CircuitBreaker[rounds];
        for (int round = 0; round < rounds; round++)
        {
            breakers[round] = trippedBreaker();
            if ((round & 1) == 1)
            {
                // Odd rounds start HALF_OPEN with no permit issued; even rounds race for the transition too.
                assertThat(breakers[round].tryAcquirePermission(NOW_NS)).isTrue();
                breakers[round].releasePermission();
                assertThat(breakers[round].state()).isEqualTo(State.HALF_OPEN);
            }
        }
        final AtomicIntegerArray granted = new AtomicIntegerArray(rounds);
        final CyclicBarrier start = new CyclicBarrier(THREADS);

        runOnAllThreads(() ->
        {
            for (int round = 0; round < rounds; round++)
            {
                start.await(60, TimeUnit.SECONDS);
                final CircuitBreaker breaker = breakers[round];
                int mine = 0;
                for (int call = 0; call < callsPerThread; call++)
                {
                    if (breaker.tryAcquirePermission(NOW_NS))
                    {
                        mine++;
                    }
                }
                granted.addAndGet(round, mine);
            }
            return null;
        });

        for (int round = 0; round < rounds; round++)
        {
            final CircuitBreaker breaker = breakers[round];
            assertThat(granted.get(round)).as("permits granted in round %d", round).isEqualTo(K);
            assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
            assertThat(breaker.halfOpenedCount()).as("transitions in round %d", round).isEqualTo(1L);
            assertThat(breaker.notPermittedCount()).isEqualTo((long)THREADS * callsPerThread - K);
        }
    }

    @Test
    void releasedPermitsAreReusedButNeverMoreThanKAreOutstanding() throws Exception
    {
        final int callsPerThread = 200_000;
        final CircuitBreaker breaker = trippedBreaker();
        final AtomicInteger outstanding = new AtomicInteger();
        final AtomicInteger maxOutstanding = new AtomicInteger();
        final AtomicInteger granted = new AtomicInteger();
        final CyclicBarrier start = new CyclicBarrier(THREADS);

        runOnAllThreads(() ->
        {
            start.await(60, TimeUnit.SECONDS);
            for (int call = 0; call < callsPerThread; call++)
            {
                if (breaker.tryAcquirePermission(NOW_NS))
                {
                    granted.incrementAndGet();
                    maxOutstanding.accumulateAndGet(outstanding.incrementAndGet(), Math::max);
                    outstanding.decrementAndGet();
                    breaker.releasePermission();
                }
            }
            return null;
        });

        assertThat(maxOutstanding.get()).isBetween(1, K);
        assertThat(granted.get()).as("released permits are granted again").isGreaterThan(K);
        assertThat(breaker.halfOpenedCount()).isEqualTo(1L);
        // Every permit was given back: exactly K can be taken now.
        int after = 0;
        for (int call = 0; call < 2 * K; call++)
        {
            after += breaker.tryAcquirePermission(NOW_NS) ? 1 : 0;
        }
        assertThat(after).isEqualTo(K);
    }
}
