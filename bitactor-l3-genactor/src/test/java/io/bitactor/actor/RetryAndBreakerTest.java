package io.bitactor.actor;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryAndBreakerTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final TestSystems systems = new TestSystems();
    private final ActorSystem system = systems.launch();

    @AfterEach
    void close()
    {
        system.close();
    }

    /** Fails the first {@code failures} attempts of each call; records message id and attempt of every try. */
    static final class Flaky implements ActorBehavior
    {
        final int failures;
        final List<String> tries;

        Flaky(final int failures, final List<String> tries)
        {
            this.failures = failures;
            this.tries = tries;
        }

        public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
        {
            tries.add(request.messageId() + "#" + request.attempt());
            if (request.attempt() <= failures)
            {
                throw new IllegalStateException("transient failure " + request.attempt());
            }
            reply.ok("ok after " + request.attempt());
        }

        public void handleCast(final ActorContext ctx, final Message message)
        {
            throw new IllegalStateException("casts fail");
        }
    }

    private static final RetryPolicy RETRY = RetryPolicy.exponential(3, Duration.ofMillis(10), Duration.ofMillis(100))
        .withJitter(RetryPolicy.Jitter.NONE);

    @Test
    void retriedCallKeepsItsMessageIdAndSucceedsAfterBackoffOnTheTimerWheel()
    {
        final List<String> tries = new ArrayList<>();
        final ActorRef flaky = system.spawn(ActorSpec.of(() -> new Flaky(2, tries)).withRetry(RETRY));
        final CompletableFuture<byte[]> reply = system.call(flaky, "x".getBytes(), TIMEOUT);
        system.runUntilIdle();
        assertThat(tries).hasSize(1);
        systems.advanceMillis(system, 12);
        assertThat(tries).hasSize(2);
        assertThat(reply).isNotDone();
        systems.advanceMillis(system, 22);
        assertThat(reply.join()).asString().isEqualTo("ok after 3");
        final String messageId = tries.get(0).split("#")[0];
        assertThat(tries).containsExactly(messageId + "#1", messageId + "#2", messageId + "#3");
        final ActorStats stats = system.stats();
        assertThat(stats.retried()).isEqualTo(2);
        assertThat(stats.handled()).isEqualTo(1);
        assertThat(stats.failed()).isZero();
        assertThat(stats.restarts()).isZero();
        assertThat(stats.unaccounted()).isZero();
    }

    @Test
    void exhaustedRetriesReportTheFinalFailureWithTheAttemptCount()
    {
        final List<String> tries = new ArrayList<>();
        final ActorRef flaky = system.spawn(ActorSpec.of(() -> new Flaky(10, tries)).withRetry(RETRY));
        final CompletableFuture<byte[]> reply = system.call(flaky, "x".getBytes(), TIMEOUT);
        for (int i = 0; i < 5; i++)
        {
            systems.advanceMillis(system, 50);
        }
        assertThatThrownBy(reply::join).cause().isInstanceOfSatisfying(CallFailedException.class, ex ->
        {
            assertThat(ex.attempts()).isEqualTo(3);
            assertThat(ex.errorClassName()).isEqualTo(IllegalStateException.class.getName());
            assertThat(ex.errorMessage()).isEqualTo("transient failure 3");
        });
        assertThat(system.stats().failed()).isEqualTo(1);
        assertThat(system.stats().retried()).isEqualTo(2);
        assertThat(system.stats().unaccounted()).isZero();
    }

    @Test
    void aCallWaitingForItsRetryWhenTheSystemClosesIsADeadLetter()
    {
        final ActorRef flaky = system.spawn(ActorSpec.of(() -> new Flaky(10, new ArrayList<>())).withRetry(RETRY));
        system.call(flaky, "x".getBytes(), TIMEOUT);
        system.runUntilIdle();
        assertThat(system.stats().retried()).isEqualTo(1);
        assertThat(system.stats().unaccounted()).isEqualTo(1);
        system.close();
        assertThat(system.stats().deadLettered()).isEqualTo(1);
        assertThat(system.stats().unaccounted()).isZero();
    }

    @Test
    void nonRetryableFailuresAreNotRetried()
    {
        final List<String> tries = new ArrayList<>();
        final ActorRef flaky = system.spawn(ActorSpec.of(() -> new Flaky(1, tries))
            .withRetry(RETRY.withRetryOn(t -> !(t instanceof IllegalStateException))));
        final CompletableFuture<byte[]> reply = system.call(flaky, "x".getBytes(), TIMEOUT);
        systems.advanceMillis(system, 50);
        assertThat(reply).isCompletedExceptionally();
        assertThat(tries).hasSize(1);
    }

    @Test
    void breakerOpensFailsFastHalfOpensAfterTheOpenTimeAndCloses()
    {
        final List<String> transitions = new ArrayList<>();
        final CircuitBreakerConfig config = CircuitBreakerConfig.defaults()
            .withConsecutiveFailures(3)
            .withOpenTimeNs(100_000_000L, 1_000_000_000L, 2.0)
            .withHalfOpenTrials(1);
        final boolean[] healthy = {false};
        final ActorRef guarded = system.spawn(ActorSpec.of(() -> new ActorBehavior()
        {
            public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
            {
                if (!healthy[0])
                {
                    throw new IllegalStateException("down");
                }
                reply.ok("up");
            }

            public void handleCast(final ActorContext ctx, final Message message)
            {
                if (!healthy[0])
                {
                    throw new IllegalStateException("down");
                }
            }
        }).withCircuitBreaker(config, (b, from, to, nowNs) -> transitions.add(from + "->" + to)));
        system.runUntilIdle();
        final CircuitBreaker breaker = system.circuitBreaker(guarded);
        assertThat(breaker).isNotNull();

        for (int i = 0; i < 3; i++)
        {
            assertThat(system.cast(guarded, "x")).isEqualTo(SendStatus.ACCEPTED);
            system.runUntilIdle();
        }
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);

        // Open: casts are refused with a status, calls fail fast with a typed exception; both counted.
        assertThat(system.cast(guarded, "x")).isEqualTo(SendStatus.CIRCUIT_OPEN);
        final CompletableFuture<byte[]> refused = system.call(guarded, "x".getBytes(), TIMEOUT);
        assertThat(refused).isCompletedExceptionally();
        assertThatThrownBy(refused::join).hasCauseInstanceOf(CircuitOpenException.class);
        assertThat(system.stats().rejectedByBreaker()).isEqualTo(2);
        assertThat(system.stats(guarded).rejectedByBreaker()).isEqualTo(2);

        // After the open time one trial is admitted; it succeeds and the breaker closes.
        healthy[0] = true;
        systems.advanceMillis(system, 101);
        final CompletableFuture<byte[]> trial = system.call(guarded, "x".getBytes(), TIMEOUT);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(system.cast(guarded, "second trial")).isEqualTo(SendStatus.CIRCUIT_OPEN);
        system.runUntilIdle();
        assertThat(trial.join()).asString().isEqualTo("up");
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(transitions).containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED");
        assertThat(breaker.openedCount()).isEqualTo(1);
        assertThat(system.cast(guarded, "x")).isEqualTo(SendStatus.ACCEPTED);
        system.runUntilIdle();
        assertThat(system.stats().unaccounted()).isZero();
    }

    @Test
    void perShardBreakerGuardsEveryActorOnTheShard()
    {
        final ActorSystem sharded = ActorSystem.launch(systems.context()
            .shardCount(1)
            .workerCount(1)
            .shardCircuitBreaker(CircuitBreakerConfig.defaults().withConsecutiveFailures(2)));
        try
        {
            final ActorRef a = sharded.spawn(ActorSpec.of(() -> new Flaky(100, new ArrayList<>())));
            final ActorRef b = sharded.spawn(ActorSpec.of(() -> new Flaky(100, new ArrayList<>())));
            assertThat(sharded.circuitBreaker(a)).isSameAs(sharded.circuitBreaker(b));
            sharded.cast(a, "x");
            sharded.cast(a, "x");
            sharded.runUntilIdle();
            assertThat(sharded.cast(b, "x")).isEqualTo(SendStatus.CIRCUIT_OPEN);
        }
        finally
        {
            sharded.close();
        }
    }
}
