package io.bitactor.actor;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 100,000 actors under a two-level supervision tree (root -> 10 supervisors -> 10,000 workers each) on dedicated
 * worker threads, fed by 2 producer threads with random targets. About 1 % of messages make their handler throw
 * (the actor is restarted); 100 "unstable" actors fail every message during the first half of the run, so their
 * circuit breakers trip, and recover in the second half. At quiescence every accepted message is accounted for
 * exactly, and every actor saw each producer's messages in send order.
 */
class AccountingIntegrationTest
{
    private static final int SUPERVISORS = 10;
    private static final int PER_SUPERVISOR = 10_000;
    private static final int ACTORS = SUPERVISORS * PER_SUPERVISOR;
    private static final int PRODUCERS = 2;
    private static final int MESSAGES_PER_PRODUCER = 1_000_000;

    /** Last sequence seen per (producer, actor index); written by the actor's worker. */
    private final AtomicLongArray lastSeen = new AtomicLongArray(PRODUCERS * ACTORS);
    private final AtomicLong orderViolations = new AtomicLong();
    private final AtomicReferenceArray<ActorRef> refs = new AtomicReferenceArray<>(ACTORS);
    private volatile boolean secondHalf;

    final class Counter implements ActorBehavior
    {
        private final int index;

        Counter(final int index)
        {
            this.index = index;
        }

        public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
        {
            reply.ok("ok");
        }

        public void handleCast(final ActorContext ctx, final Message message)
        {
            final int producer = message.buffer().getInt(message.payloadOffset());
            final long seq = message.buffer().getLong(message.payloadOffset() + 8);
            final int slot = producer * ACTORS + index;
            if (seq <= lastSeen.get(slot))
            {
                orderViolations.incrementAndGet();
            }
            lastSeen.lazySet(slot, seq);
            final boolean unstable = index % 1000 == 0;
            if ((unstable && !secondHalf) || (seq + index) % 100 == 0)
            {
                throw new IllegalStateException("planned failure");
            }
        }
    }

    final class Supervisor implements ActorBehavior
    {
        private final int first;

        Supervisor(final int first)
        {
            this.first = first;
        }

        public void init(final ActorContext ctx)
        {
            final CircuitBreakerConfig breaker = CircuitBreakerConfig.defaults()
                .withConsecutiveFailures(5)
                .withOpenTimeNs(TimeUnit.MILLISECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(20), 2.0)
                .withHalfOpenTrials(2);
            for (int i = first; i < first + PER_SUPERVISOR; i++)
            {
                final int index = i;
                refs.set(i, ctx.spawn(ActorSpec.of(() -> new Counter(index)).withName("counter-" + i)
                    .withCircuitBreaker(breaker)));
            }
        }

        public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
        {
            reply.ok("supervisor");
        }

        public void handleCast(final ActorContext ctx, final Message message)
        {
        }
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void everyAcceptedMessageIsAccountedForExactlyAndPerSenderOrderHolds() throws Exception
    {
        final ActorSystem system = ActorSystem.launch(new ActorSystemContext()
            .threadingMode(ThreadingMode.DEDICATED)
            .workerCount(2)
            .shardCount(16)
            .mailboxCapacity(16 * 1024)
            .randomSeed(7)
            .errorHandler(Throwable::printStackTrace));
        try
        {
            final SupervisorStrategy lenient = SupervisorStrategy.oneForOne().withLimit(1_000_000, Duration.ofSeconds(1));
            for (int s = 0; s < SUPERVISORS; s++)
            {
                final int first = s * PER_SUPERVISOR;
                system.spawn(ActorSpec.of(() -> new Supervisor(first)).withName("supervisor-" + s)
                    .withSupervisorStrategy(lenient));
            }
            awaitTrue(() -> system.actorCount() == 1 + SUPERVISORS + ACTORS, "all actors started");
            for (int i = 0; i < ACTORS; i++)
            {
                assertThat(refs.get(i)).isNotNull();
            }

            final long[] accepted = new long[PRODUCERS];
            final long[] rejectedByBreaker = new long[PRODUCERS];
            final Thread[] producers = new Thread[PRODUCERS];
            for (int p = 0; p < PRODUCERS; p++)
            {
                final int producer = p;
                producers[p] = new Thread(() ->
                {
                    final SplittableRandom random = new SplittableRandom(1000 + producer);
                    final UnsafeBuffer payload = new UnsafeBuffer(new byte[16]);
                    payload.putInt(0, producer);
                    for (long seq = 1; seq <= MESSAGES_PER_PRODUCER; seq++)
                    {
                        if (producer == 0 && seq == MESSAGES_PER_PRODUCER / 2)
                        {
                            secondHalf = true;
                        }
                        final ActorRef target = refs.get(random.nextInt(ACTORS));
                        payload.putLong(8, seq);
                        SendStatus status;
                        while ((status = system.cast(target, payload, 0, 16)).isBackPressure())
                        {
                            Thread.onSpinWait();
                        }
                        if (status == SendStatus.ACCEPTED)
                        {
                            accepted[producer]++;
                        }
                        else if (status == SendStatus.CIRCUIT_OPEN)
                        {
                            rejectedByBreaker[producer]++;
                        }
                        else
                        {
                            throw new AssertionError("unexpected status " + status);
                        }
                    }
                }, "producer-" + p);
                producers[p].start();
            }
            for (final Thread producer : producers)
            {
                producer.join();
            }
            final long totalAccepted = accepted[0] + accepted[1];
            awaitTrue(() ->
            {
                final ActorStats s = system.stats();
                return s.accepted() == totalAccepted && s.unaccounted() == 0;
            }, "quiescence");

            final ActorStats stats = system.stats();
            System.out.printf("accounting: %s, rejected by breaker at send: %d, order violations: %d%n",
                stats, rejectedByBreaker[0] + rejectedByBreaker[1], orderViolations.get());
            assertThat(stats.accepted()).isEqualTo(totalAccepted);
            assertThat(stats.handled() + stats.failed() + stats.deadLettered()).isEqualTo(stats.accepted());
            assertThat(stats.rejectedByBreaker()).isEqualTo(rejectedByBreaker[0] + rejectedByBreaker[1]);
            assertThat(stats.failed()).isPositive();
            assertThat(stats.restarts()).isPositive();
            assertThat(stats.deadLettered()).isZero();
            assertThat(orderViolations.get()).isZero();
            assertThat(system.terminationCause()).isNull();

            int tripped = 0;
            int recovered = 0;
            for (int i = 0; i < ACTORS; i += 1000)
            {
                final CircuitBreaker breaker = system.circuitBreaker(refs.get(i));
                if (breaker.openedCount() > 0)
                {
                    tripped++;
                }
                if (breaker.closedCount() > 0)
                {
                    recovered++;
                }
            }
            System.out.printf("unstable actors: %d tripped, %d recovered%n", tripped, recovered);
            assertThat(tripped).isGreaterThan(50);
            assertThat(recovered).isGreaterThan(50);
        }
        finally
        {
            system.close();
        }
        assertThat(system.shutdownReport().actorsNotStopped()).isZero();
        assertThat(system.stats().unaccounted()).isZero();
    }

    private interface Condition
    {
        boolean holds();
    }

    private static void awaitTrue(final Condition condition, final String what)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!condition.holds())
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }
}
