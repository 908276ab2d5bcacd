package io.bitactor.micrometer;

import io.bitactor.actor.ActorBehavior;
import io.bitactor.actor.ActorContext;
import io.bitactor.actor.ActorRef;
import io.bitactor.actor.ActorSpec;
import io.bitactor.actor.ActorSystem;
import io.bitactor.actor.ActorSystemContext;
import io.bitactor.actor.CircuitBreakerConfig;
import io.bitactor.actor.Message;
import io.bitactor.actor.Reply;
import io.bitactor.actor.SendStatus;
import io.bitactor.actor.ThreadingMode;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class BitActorMetricsTest
{
    private final CachedNanoClock clock = new CachedNanoClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private ActorSystem system;

    /** Casts: "boom" throws, a number advances the test clock by that many nanoseconds. */
    private final class Probe implements ActorBehavior
    {
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
            if (Character.isDigit(text.charAt(0)))
            {
                clock.advance(Long.parseLong(text));
            }
        }
    }

    private ActorSystem launch(final int shards)
    {
        clock.update(1_000_000_000L);
        system = ActorSystem.launch(new ActorSystemContext()
            .threadingMode(ThreadingMode.INVOKER)
            .workerCount(1)
            .shardCount(shards)
            .mailboxCapacity(16)
            .nanoClock(clock)
            .randomSeed(7)
            .errorHandler(t -> { }));
        return system;
    }

    @AfterEach
    void close()
    {
        if (system != null)
        {
            system.close();
        }
    }

    private double counter(final String name, final String... tags)
    {
        return registry.get(name).tags(tags).functionCounter().count();
    }

    private double gauge(final String name, final String... tags)
    {
        return registry.get(name).tags(tags).gauge().value();
    }

    @Test
    void systemAndShardMetersFollowAKnownWorkload()
    {
        launch(2);
        final ActorRef worker = system.spawn(ActorSpec.of(Probe::new).withName("worker"));
        final ActorRef named = system.spawn(ActorSpec.of(Probe::new).withName("named")
            .withCircuitBreaker(CircuitBreakerConfig.defaults().withConsecutiveFailures(1)));
        system.runUntilIdle();
        new BitActorMetrics(system, "test").maxSnapshotAge(Duration.ZERO).actor(named).bindTo(registry);

        for (final String ns : new String[]{"100", "200", "50"})
        {
            system.cast(worker, ns);
        }
        system.cast(named, "boom");
        system.runUntilIdle();
        assertThat(system.cast(named, "x")).isEqualTo(SendStatus.CIRCUIT_OPEN);

        assertThat(counter("bitactor.messages.handled", "system", "test")).isEqualTo(3);
        assertThat(counter("bitactor.messages.failed", "system", "test")).isEqualTo(1);
        assertThat(counter("bitactor.messages.accepted", "system", "test")).isEqualTo(4);
        assertThat(counter("bitactor.messages.rejected", "system", "test", "reason", "breaker")).isEqualTo(1);
        assertThat(counter("bitactor.messages.rejected", "system", "test", "reason", "full")).isZero();
        assertThat(counter("bitactor.restarts", "system", "test")).isEqualTo(1);
        assertThat(gauge("bitactor.actors", "system", "test")).isEqualTo(3);

        final String workerShard = Integer.toString(system.shardOf(worker));
        final String namedShard = Integer.toString(system.shardOf(named));
        final double handledOnWorkerShard = counter("bitactor.shard.messages.handled", "shard", workerShard);
        assertThat(handledOnWorkerShard).isEqualTo(3);
        assertThat(counter("bitactor.shard.messages.failed", "shard", namedShard)).isEqualTo(1);
        assertThat(registry.find("bitactor.shard.messages.handled").functionCounters()).hasSize(2);

        // Handling time of the worker's shard: 100, 200 and 50 ns from the test clock, besides system frames.
        final FunctionTimer timer = registry.get("bitactor.shard.handling.time").tag("shard", workerShard)
            .functionTimer();
        assertThat(timer.totalTime(TimeUnit.NANOSECONDS)).isCloseTo(350.0, within(1e-6));
        assertThat(timer.count()).isEqualTo(system.handlingTimeHistogram(system.shardOf(worker)).getTotalCount());
        final TimeGauge max = registry.get("bitactor.shard.handling.time.max").tag("shard", workerShard).timeGauge();
        assertThat(max.value(TimeUnit.NANOSECONDS)).isEqualTo(200);
        final TimeGauge p999 = registry.get("bitactor.handling.time.percentile").tag("percentile", "0.999")
            .timeGauge();
        assertThat(p999.value(TimeUnit.NANOSECONDS)).isEqualTo(200);

        // The named actor has its own meters, the other one none.
        assertThat(counter("bitactor.actor.messages.failed", "actor", "named")).isEqualTo(1);
        assertThat(counter("bitactor.actor.messages.rejected", "actor", "named", "reason", "breaker")).isEqualTo(1);
        assertThat(counter("bitactor.actor.restarts", "actor", "named", "actor.id", Integer.toString(named.id())))
            .isEqualTo(1);
        assertThat(registry.find("bitactor.actor.messages.handled").tag("actor", "worker").functionCounter())
            .isNull();
        assertThat(gauge("bitactor.actor.breaker.state", "actor", "named")).isEqualTo(1.0);
        assertThat(counter("bitactor.actor.breaker.transitions", "actor", "named", "from", "closed", "to", "open"))
            .isEqualTo(1);
        assertThat(counter("bitactor.actor.breaker.transitions", "actor", "named", "from", "open", "to",
            "half_open")).isZero();
    }

    @Test
    void mailboxGaugesShowAStoppedConsumersBacklog()
    {
        launch(1);
        final ActorRef worker = system.spawn(ActorSpec.of(Probe::new));
        system.runUntilIdle();
        new BitActorMetrics(system, "backlog").maxSnapshotAge(Duration.ZERO).bindTo(registry);
        int accepted = 0;
        while (system.cast(worker, "x") == SendStatus.ACCEPTED)
        {
            accepted++;
        }
        assertThat(gauge("bitactor.mailbox.depth", "system", "backlog")).isEqualTo(accepted);
        assertThat(gauge("bitactor.shard.mailbox.depth", "shard", "0")).isEqualTo(accepted);
        assertThat(counter("bitactor.shard.messages.rejected", "shard", "0", "reason", "full")).isEqualTo(1);
        system.runUntilIdle();
        assertThat(gauge("bitactor.shard.mailbox.depth", "shard", "0")).isZero();
        assertThat(gauge("bitactor.shard.mailbox.high.water.mark", "shard", "0")).isEqualTo(accepted);
        assertThat(counter("bitactor.shard.messages.handled", "shard", "0")).isEqualTo(accepted);
    }

    @Test
    void metersShareOneSnapshotUntilItIsOlderThanTheMaximumAge()
    {
        launch(1);
        final ActorRef worker = system.spawn(ActorSpec.of(Probe::new));
        system.runUntilIdle();
        new BitActorMetrics(system, "cached").maxSnapshotAge(Duration.ofSeconds(1)).bindTo(registry);
        assertThat(counter("bitactor.messages.handled", "system", "cached")).isZero();
        system.cast(worker, "x");
        system.runUntilIdle();
        assertThat(counter("bitactor.messages.handled", "system", "cached")).isZero();
        clock.advance(TimeUnit.SECONDS.toNanos(1));
        assertThat(counter("bitactor.messages.handled", "system", "cached")).isEqualTo(1);
    }

    @Test
    void aShardBreakerGetsShardMetersAndOnlyNamedActorsGetActorMeters()
    {
        clock.update(1_000_000_000L);
        system = ActorSystem.launch(new ActorSystemContext()
            .threadingMode(ThreadingMode.INVOKER)
            .workerCount(1)
            .shardCount(1)
            .nanoClock(clock)
            .errorHandler(t -> { })
            .shardCircuitBreaker(CircuitBreakerConfig.defaults().withConsecutiveFailures(1)));
        for (int i = 0; i < 100; i++)
        {
            system.spawn(ActorSpec.of(Probe::new));
        }
        system.runUntilIdle();
        new BitActorMetrics(system, "many").bindTo(registry);
        assertThat(registry.getMeters().stream().map(Meter::getId).filter(id -> id.getName().startsWith(
            "bitactor.actor."))).isEmpty();
        final Gauge state = registry.get("bitactor.shard.breaker.state").tag("shard", "0").gauge();
        assertThat(state.value()).isZero();
        assertThat(registry.getMeters()).hasSizeLessThan(100);
    }
}
