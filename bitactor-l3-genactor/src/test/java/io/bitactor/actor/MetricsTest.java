package io.bitactor.actor;

import io.bitactor.metrics.ActorMetrics;
import io.bitactor.metrics.BreakerMetrics;
import io.bitactor.metrics.LatencySummary;
import io.bitactor.metrics.ShardMetrics;
import io.bitactor.metrics.SystemMetrics;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.NanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class MetricsTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final RetryPolicy RETRY = RetryPolicy.exponential(3, Duration.ofMillis(10), Duration.ofMillis(100))
        .withJitter(RetryPolicy.Jitter.NONE);

    private final TestSystems systems = new TestSystems();
    private final List<ActorSystem> launched = new ArrayList<>();

    @AfterEach
    void close()
    {
        launched.forEach(ActorSystem::close);
    }

    private ActorSystem launch(final ActorSystemContext ctx)
    {
        final ActorSystem system = ActorSystem.launch(ctx);
        launched.add(system);
        return system;
    }

    /** Casts: "boom" throws, a number advances the injected clock by that many nanoseconds, "metrics" reads them. */
    private final class Probe implements ActorBehavior
    {
        final AtomicReference<SystemMetrics> seen;

        Probe(final AtomicReference<SystemMetrics> seen)
        {
            this.seen = seen;
        }

        public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
        {
            handleCast(ctx, request);
            reply.ok("done");
        }

        public void handleCast(final ActorContext ctx, final Message message)
        {
            final String text = message.payloadAsString();
            if (text.equals("boom"))
            {
                throw new IllegalStateException("boom");
            }
            if (text.equals("metrics"))
            {
                seen.set(ctx.system().metrics());
                return;
            }
            if (!text.isEmpty() && Character.isDigit(text.charAt(0)))
            {
                systems.clock.advance(Long.parseLong(text));
            }
        }
    }

    private ActorSpec worker(final String name)
    {
        return ActorSpec.of(() -> new Probe(new AtomicReference<>())).withName(name);
    }

    private static ActorStats stats(
        final long accepted, final long handled, final long failed, final long retried, final long rejectedByBreaker,
        final long rejectedFull, final long deadLettered, final long restarts)
    {
        return new ActorStats(accepted, handled, failed, retried, rejectedByBreaker, rejectedFull, deadLettered,
            restarts, 0);
    }

    private static long[] add(final long[] sums, final ActorStats s)
    {
        sums[0] += s.accepted();
        sums[1] += s.handled();
        sums[2] += s.failed();
        sums[3] += s.retried();
        sums[4] += s.rejectedByBreaker();
        sums[5] += s.rejectedFull();
        sums[6] += s.deadLettered();
        sums[7] += s.restarts();
        return sums;
    }

    @Test
    void aKnownWorkloadGivesExactCountsPerActorShardAndSystem()
    {
        final ActorSystem system = launch(systems.context());
        final ActorRef ok = system.spawn(worker("ok"));
        final ActorRef flaky = system.spawn(ActorSpec.of(() -> new RetryAndBreakerTest.Flaky(1, new ArrayList<>()))
            .withName("flaky").withRetry(RETRY));
        final ActorRef restarted = system.spawn(worker("restarted"));
        final ActorRef temporary = system.spawn(worker("temporary").withRestart(RestartType.TEMPORARY));
        final ActorRef guarded = system.spawn(worker("guarded")
            .withCircuitBreaker(CircuitBreakerConfig.defaults().withConsecutiveFailures(1)));
        system.runUntilIdle();

        for (int i = 0; i < 5; i++)
        {
            assertThat(system.cast(ok, "x")).isEqualTo(SendStatus.ACCEPTED);
        }
        final CompletableFuture<byte[]> call1 = system.call(flaky, "a".getBytes(), TIMEOUT);
        final CompletableFuture<byte[]> call2 = system.call(flaky, "b".getBytes(), TIMEOUT);
        system.cast(restarted, "boom");
        system.cast(restarted, "x");
        system.cast(temporary, "boom");
        system.cast(temporary, "x");
        system.cast(temporary, "y");
        system.cast(guarded, "boom");
        system.runUntilIdle();
        assertThat(system.cast(guarded, "x")).isEqualTo(SendStatus.CIRCUIT_OPEN);

        // Both calls wait for their retry: held outside the mailbox.
        final ActorMetrics flakyWaiting = system.metrics(flaky);
        assertThat(flakyWaiting.held()).isEqualTo(2);
        assertThat(flakyWaiting.heldHighWaterMark()).isEqualTo(2);
        assertThat(system.metrics().held()).isEqualTo(2);
        systems.advanceMillis(system, 20);
        assertThat(call1.join()).asString().isEqualTo("ok after 2");
        assertThat(call2.join()).asString().isEqualTo("ok after 2");

        final ActorStats okStats = stats(5, 5, 0, 0, 0, 0, 0, 0);
        final ActorStats flakyStats = stats(2, 2, 0, 2, 0, 0, 0, 0);
        final ActorStats restartedStats = stats(2, 1, 1, 0, 0, 0, 0, 1);
        final ActorStats temporaryStats = stats(3, 0, 1, 0, 0, 0, 2, 0);
        final ActorStats guardedStats = stats(1, 0, 1, 0, 1, 0, 0, 1); // a failure restarts it too

        assertThat(system.metrics(ok).stats()).isEqualTo(okStats);
        assertThat(system.metrics(flaky).stats()).isEqualTo(flakyStats);
        assertThat(system.metrics(flaky).held()).isZero();
        assertThat(system.metrics(flaky).heldHighWaterMark()).isEqualTo(2);
        final ActorMetrics restartedMetrics = system.metrics(restarted);
        assertThat(restartedMetrics.stats()).isEqualTo(restartedStats);
        assertThat(restartedMetrics.restarts()).isEqualTo(1);
        assertThat(restartedMetrics.heldHighWaterMark()).isEqualTo(1); // "x" waited in the stash for the restart
        assertThat(restartedMetrics.held()).isZero();
        assertThat(system.metrics(temporary)).isNull(); // stopped for good: counted in its shard from now on
        assertThat(system.metrics(guarded).stats()).isEqualTo(guardedStats);
        assertThat(system.metrics(ok).shard()).isEqualTo(system.shardOf(ok));
        assertThat(system.metrics(ok).name()).isEqualTo("ok");
        assertThat(system.metrics(ok).breaker()).isNull();

        // Per shard: the sums of the actors that live (or lived) there.
        final long[][] expected = new long[4][8];
        add(expected[system.shardOf(ok)], okStats);
        add(expected[system.shardOf(flaky)], flakyStats);
        add(expected[system.shardOf(restarted)], restartedStats);
        add(expected[system.shardOf(temporary)], temporaryStats);
        add(expected[system.shardOf(guarded)], guardedStats);
        final SystemMetrics metrics = system.metrics();
        assertThat(metrics.shards()).hasSize(4);
        for (final ShardMetrics shard : metrics.shards())
        {
            final long[] e = expected[shard.shard()];
            assertThat(shard.worker()).isEqualTo(shard.shard() % 2);
            assertThat(shard.stats().accepted()).as("accepted on shard %d", shard.shard()).isEqualTo(e[0]);
            assertThat(shard.handled()).as("handled on shard %d", shard.shard()).isEqualTo(e[1]);
            assertThat(shard.failed()).as("failed on shard %d", shard.shard()).isEqualTo(e[2]);
            assertThat(shard.retried()).as("retried on shard %d", shard.shard()).isEqualTo(e[3]);
            assertThat(shard.rejected()).as("rejected on shard %d", shard.shard()).isEqualTo(e[4] + e[5]);
            assertThat(shard.deadLettered()).as("dead-lettered on shard %d", shard.shard()).isEqualTo(e[6]);
            assertThat(shard.restarts()).as("restarts on shard %d", shard.shard()).isEqualTo(e[7]);
            assertThat(shard.mailboxDepth()).isZero();
            assertThat(shard.held()).isZero();
            assertThat(shard.breaker()).isNull();
        }

        // System: the same totals, counted by workers and senders.
        final ActorStats total = metrics.stats();
        assertThat(total.handled()).isEqualTo(8);
        assertThat(total.failed()).isEqualTo(3);
        assertThat(total.retried()).isEqualTo(2);
        assertThat(total.rejectedByBreaker()).isEqualTo(1);
        assertThat(total.deadLettered()).isEqualTo(2);
        assertThat(total.unaccounted()).isZero();
        assertThat(metrics.restarts()).isEqualTo(2);
        assertThat(metrics.actorCount()).isEqualTo(5); // root + 4 (temporary is gone)
        assertThat(metrics.mailboxDepth()).isZero();
        assertThat(metrics.held()).isZero();
    }

    @Test
    void mailboxDepthAndHighWaterMarkWhileTheConsumerIsStopped()
    {
        final ActorSystem system = launch(systems.context().shardCount(1).workerCount(1)
            .mailboxCapacity(16).batchSize(4));
        final ActorRef target = system.spawn(worker("target"));
        system.runUntilIdle();
        final long markBefore = system.metrics().shards().get(0).mailboxHighWaterMark();
        assertThat(markBefore).isLessThan(16);

        int accepted = 0;
        SendStatus status;
        while ((status = system.cast(target, "x")) == SendStatus.ACCEPTED)
        {
            accepted++;
        }
        assertThat(status).isEqualTo(SendStatus.MAILBOX_FULL);
        assertThat(accepted).isEqualTo(16);

        // Nobody drains in invoker mode until the test drives the worker: everything sent is queued.
        final ShardMetrics queued = system.metrics().shards().get(0);
        assertThat(queued.mailboxDepth()).isEqualTo(accepted);
        assertThat(system.metrics().mailboxDepth()).isEqualTo(accepted);
        assertThat(queued.mailboxHighWaterMark()).isEqualTo(markBefore); // measured by the consumer
        assertThat(queued.rejected()).isEqualTo(1);
        assertThat(system.metrics(target).stats().rejectedFull()).isEqualTo(1);

        // The first drain takes a batch of 4 and sees 12 more behind it.
        system.invoke(0);
        final ShardMetrics drainedOnce = system.metrics().shards().get(0);
        assertThat(drainedOnce.mailboxDepth()).isEqualTo(accepted - 4);
        assertThat(drainedOnce.mailboxHighWaterMark()).isEqualTo(accepted);

        system.runUntilIdle();
        final ShardMetrics drained = system.metrics().shards().get(0);
        assertThat(drained.mailboxDepth()).isZero();
        assertThat(drained.mailboxHighWaterMark()).isEqualTo(accepted);
        assertThat(drained.handled()).isEqualTo(accepted);
        assertThat(system.metrics().stats().rejectedFull()).isEqualTo(1);
    }

    @Test
    void handlingTimesComeFromTheInjectedClock()
    {
        final ActorSystem system = launch(systems.context().shardCount(1).workerCount(1));
        final ActorRef target = system.spawn(worker("timed"));
        system.runUntilIdle();
        final long framesBefore = system.handlingTimeHistogram(0).getTotalCount();
        assertThat(framesBefore).isPositive(); // system frames (START, ADD_CHILD), which took no time

        for (final String ns : new String[]{"100", "200", "50", "7", "200"})
        {
            system.cast(target, ns);
        }
        system.runUntilIdle();

        final Histogram histogram = system.handlingTimeHistogram(0);
        assertThat(histogram.getTotalCount()).isEqualTo(framesBefore + 5);
        assertThat(histogram.getCountAtValue(0)).isEqualTo(framesBefore);
        assertThat(histogram.getCountAtValue(7)).isEqualTo(1);
        assertThat(histogram.getCountAtValue(50)).isEqualTo(1);
        assertThat(histogram.getCountAtValue(100)).isEqualTo(1);
        assertThat(histogram.getCountAtValue(200)).isEqualTo(2);

        final LatencySummary summary = system.metrics().shards().get(0).handlingTime();
        assertThat(summary.count()).isEqualTo(framesBefore + 5);
        assertThat(summary.minNs()).isZero();
        assertThat(summary.maxNs()).isEqualTo(200);
        assertThat(summary.p999Ns()).isEqualTo(200);
        assertThat(summary.totalNs()).isCloseTo(557.0, within(1e-6));
        assertThat(system.metrics().handlingTime()).isEqualTo(summary);
        assertThat(system.handlingTimeHistogram().getTotalCount()).isEqualTo(framesBefore + 5);

        // A second snapshot does not count the same frames twice.
        assertThat(system.handlingTimeHistogram(0).getTotalCount()).isEqualTo(framesBefore + 5);
    }

    @Test
    void handlingTimesOfDifferentShardsStayApart()
    {
        final ActorSystem system = launch(systems.context());
        final ActorRef first = system.spawn(worker("first"));
        ActorRef other = system.spawn(worker("other"));
        while (system.shardOf(other) == system.shardOf(first))
        {
            other = system.spawn(worker("other"));
        }
        system.runUntilIdle();
        system.cast(first, "30");
        system.cast(other, "90");
        system.runUntilIdle();
        assertThat(system.handlingTimeHistogram(system.shardOf(first)).getCountAtValue(30)).isEqualTo(1);
        assertThat(system.handlingTimeHistogram(system.shardOf(first)).getCountAtValue(90)).isZero();
        assertThat(system.handlingTimeHistogram(system.shardOf(other)).getCountAtValue(90)).isEqualTo(1);
        assertThat(system.handlingTimeHistogram().getMaxValue()).isEqualTo(90);
    }

    /** Counts reads of the test clock. */
    private static final class CountingClock implements NanoClock
    {
        final NanoClock delegate;
        long reads;

        CountingClock(final NanoClock delegate)
        {
            this.delegate = delegate;
        }

        public long nanoTime()
        {
            reads++;
            return delegate.nanoTime();
        }
    }

    private long clockReadsFor(final boolean histogram, final int casts)
    {
        final CountingClock clock = new CountingClock(systems.clock);
        final ActorSystem system = launch(systems.context().shardCount(1).workerCount(1).nanoClock(clock)
            .handlingTimeHistogram(histogram));
        final ActorRef target = system.spawn(worker("counted"));
        system.runUntilIdle();
        for (int i = 0; i < casts; i++)
        {
            system.cast(target, "x");
        }
        final long before = clock.reads;
        system.invoke(0); // one drain pass takes them all
        return clock.reads - before;
    }

    @Test
    void oneClockReadPerFramePlusOnePerDrainPass()
    {
        final int casts = 10;
        assertThat(clockReadsFor(true, casts) - clockReadsFor(false, casts)).isEqualTo(casts + 1);
    }

    @Test
    void recordingCanBeSwitchedOff()
    {
        final ActorSystem system = launch(systems.context().handlingTimeHistogram(false));
        final ActorRef target = system.spawn(worker("untimed"));
        system.runUntilIdle();
        system.cast(target, "100");
        system.runUntilIdle();
        assertThat(system.metrics().handlingTime()).isEqualTo(LatencySummary.EMPTY);
        assertThat(system.metrics().shards()).allSatisfy(s -> assertThat(s.handlingTime()).isEqualTo(
            LatencySummary.EMPTY));
        assertThat(system.handlingTimeHistogram().getTotalCount()).isZero();
        assertThat(system.metrics().stats().handled()).isEqualTo(1);
    }

    @Test
    @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // the phaser wait ignores interrupts
    void anActorMayReadMetricsInItsHandlerWithoutWaitingForItsOwnWorker()
    {
        final ActorSystem system = launch(systems.context().shardCount(1).workerCount(1));
        final AtomicReference<SystemMetrics> seen = new AtomicReference<>();
        final ActorRef target = system.spawn(ActorSpec.of(() -> new Probe(seen)));
        system.runUntilIdle();
        final long framesBefore = system.metrics().handlingTime().count();
        system.cast(target, "40");
        system.cast(target, "60");
        system.cast(target, "metrics"); // the third frame of one drain pass: the worker is inside the pass
        system.cast(target, "80");
        system.runUntilIdle();
        assertThat(seen.get()).isNotNull();
        assertThat(seen.get().handlingTime().count()).isEqualTo(framesBefore + 2);
        assertThat(seen.get().handlingTime().maxNs()).isEqualTo(60);
        assertThat(system.metrics().handlingTime().count()).isEqualTo(framesBefore + 4);
        assertThat(system.metrics().handlingTime().maxNs()).isEqualTo(80);
    }

    @Test
    void breakerStateAndTransitions()
    {
        final ActorSystem system = launch(systems.context());
        final CircuitBreakerConfig config = CircuitBreakerConfig.defaults()
            .withConsecutiveFailures(1)
            .withOpenTimeNs(100_000_000L, 1_000_000_000L, 2.0)
            .withHalfOpenTrials(1);
        final ActorRef guarded = system.spawn(worker("guarded").withCircuitBreaker(config));
        system.runUntilIdle();
        assertThat(system.metrics(guarded).breaker()).isEqualTo(new BreakerMetrics(
            system.circuitBreaker(guarded).name(), CircuitBreaker.State.CLOSED, 0, 0, 0, 0, 0, 0, 0, 0));

        system.cast(guarded, "boom");
        system.runUntilIdle();
        assertThat(system.cast(guarded, "x")).isEqualTo(SendStatus.CIRCUIT_OPEN);
        BreakerMetrics b = system.metrics(guarded).breaker();
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(b.closedToOpen()).isEqualTo(1);
        assertThat(b.notPermitted()).isEqualTo(1);
        assertThat(b.failures()).isEqualTo(1);

        // The trial fails: half-open back to open.
        systems.advanceMillis(system, 101);
        assertThat(system.cast(guarded, "boom")).isEqualTo(SendStatus.ACCEPTED);
        system.runUntilIdle();
        b = system.metrics(guarded).breaker();
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(b.openToHalfOpen()).isEqualTo(1);
        assertThat(b.halfOpenToOpen()).isEqualTo(1);
        assertThat(b.closedToOpen()).isEqualTo(1);
        assertThat(b.opened()).isEqualTo(2);

        // The next trial succeeds: half-open to closed.
        systems.advanceMillis(system, 201);
        assertThat(system.cast(guarded, "x")).isEqualTo(SendStatus.ACCEPTED);
        system.runUntilIdle();
        b = system.metrics(guarded).breaker();
        assertThat(b).isEqualTo(new BreakerMetrics(system.circuitBreaker(guarded).name(),
            CircuitBreaker.State.CLOSED, 1, 1, 2, 1, 1, 1, 2, 0));
        assertThat(system.metrics(guarded).sharedBreaker()).isFalse();
    }

    @Test
    void aShardBreakerIsReportedPerShardAndMarkedSharedPerActor()
    {
        final ActorSystem system = launch(systems.context().shardCount(1).workerCount(1)
            .shardCircuitBreaker(CircuitBreakerConfig.defaults().withConsecutiveFailures(2)));
        final ActorRef a = system.spawn(worker("a"));
        system.cast(a, "boom");
        system.runUntilIdle();
        system.cast(a, "boom");
        system.runUntilIdle();
        final ShardMetrics shard = system.metrics().shards().get(0);
        assertThat(shard.breaker()).isNotNull();
        assertThat(shard.breaker().state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(shard.breaker().closedToOpen()).isEqualTo(1);
        assertThat(system.metrics(a).sharedBreaker()).isTrue();
        assertThat(system.metrics(a).breaker()).isEqualTo(shard.breaker());
    }

    @Test
    void forEachActorMetricsVisitsEveryLiveActorInIdOrder()
    {
        final ActorSystem system = launch(systems.context());
        final List<ActorRef> refs = new ArrayList<>();
        for (int i = 0; i < 5; i++)
        {
            refs.add(system.spawn(worker("a" + i)));
        }
        system.runUntilIdle();
        system.cast(refs.get(2), "x");
        system.cast(refs.get(2), "x");
        system.runUntilIdle();
        final List<ActorMetrics> seen = new ArrayList<>();
        final int count = system.forEachActorMetrics(seen::add);
        assertThat(count).isEqualTo(6);
        assertThat(seen).extracting(ActorMetrics::actorId)
            .containsExactly(ActorSystem.ROOT_ID, refs.get(0).id(), refs.get(1).id(), refs.get(2).id(),
                refs.get(3).id(), refs.get(4).id());
        assertThat(seen.get(3).stats().handled()).isEqualTo(2);
        assertThat(seen.get(3).name()).isEqualTo("a2");
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void snapshotsWhileDedicatedWorkersRunAreMonotonicAndExactAtQuiescence() throws Exception
    {
        final ActorSystem system = launch(new ActorSystemContext()
            .threadingMode(ThreadingMode.DEDICATED)
            .workerCount(2)
            .shardCount(4)
            .randomSeed(1)
            .errorHandler(systems.errors::add));
        final List<ActorRef> actors = new ArrayList<>();
        for (int i = 0; i < 8; i++)
        {
            actors.add(system.spawn(worker("busy" + i)));
        }
        final int messages = 200_000;
        final Thread producer = new Thread(() ->
        {
            for (int i = 0; i < messages; i++)
            {
                while (system.cast(actors.get(i & 7), "x") != SendStatus.ACCEPTED)
                {
                    Thread.onSpinWait();
                }
            }
        }, "metrics-test-producer");
        producer.start();

        long lastHandled = 0;
        long lastFrames = 0;
        long snapshots = 0;
        while (producer.isAlive() || system.metrics().stats().handled() < messages)
        {
            final SystemMetrics m = system.metrics();
            assertThat(m.stats().handled()).isGreaterThanOrEqualTo(lastHandled);
            assertThat(m.handlingTime().count()).isGreaterThanOrEqualTo(lastFrames);
            lastHandled = m.stats().handled();
            lastFrames = m.handlingTime().count();
            snapshots++;
            Thread.yield();
        }
        producer.join();

        final SystemMetrics m = system.metrics();
        assertThat(snapshots).isPositive();
        assertThat(m.stats().handled()).isEqualTo(messages);
        assertThat(m.stats().unaccounted()).isZero();
        assertThat(m.shards().stream().mapToLong(ShardMetrics::handled).sum()).isEqualTo(messages);
        assertThat(m.handlingTime().count()).isGreaterThanOrEqualTo(messages);
        assertThat(m.shards().stream().mapToLong(sh -> sh.handlingTime().count()).sum())
            .isEqualTo(m.handlingTime().count());
        assertThat(m.mailboxDepth()).isZero();
        long perActor = 0;
        for (final ActorRef actor : actors)
        {
            perActor += system.metrics(actor).stats().handled();
        }
        assertThat(perActor).isEqualTo(messages);
        assertThat(systems.errors).isEmpty();
    }
}
