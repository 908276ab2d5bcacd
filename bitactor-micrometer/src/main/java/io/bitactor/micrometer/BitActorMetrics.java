package io.bitactor.micrometer;

import io.bitactor.actor.ActorRef;
import io.bitactor.actor.ActorStats;
import io.bitactor.actor.ActorSystem;
import io.bitactor.actor.CircuitBreaker;
import io.bitactor.metrics.ActorMetrics;
import io.bitactor.metrics.BreakerMetrics;
import io.bitactor.metrics.LatencySummary;
import io.bitactor.metrics.ShardMetrics;
import io.bitactor.metrics.SystemMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.agrona.concurrent.NanoClock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * Publishes an {@link ActorSystem}'s metrics as Micrometer meters: system-wide and per-shard meters always, per-actor
 * meters only for the actors named with {@link #actor(ActorRef)} (a system of 100,000 actors must not make a million
 * meters).
 * <pre>{@code
 * new BitActorMetrics(system, "orders")
 *     .actor(paymentGateway)
 *     .bindTo(registry);
 * }</pre>
 * Every meter reads a {@link SystemMetrics} snapshot ({@link ActorSystem#metrics()}), shared by all the meters of this
 * binder and taken again when it is older than {@link #maxSnapshotAge(Duration)} (default one second, measured
 * with the system's {@link NanoClock}); per-actor meters read {@link ActorSystem#metrics(ActorRef)}. So meter reads
 * never lock or slow the workers: they read counters the workers publish with opaque stores, and the handling-time
 * histograms through their phaser (a reader may wait for a worker's current drain pass, the worker never waits).
 * <p>
 * Meters, all tagged {@code system} (and the common tags given):
 * <ul>
 *   <li>{@code bitactor.messages.accepted|handled|failed|retried|dead.lettered|late.replies} (function counters),
 *       {@code bitactor.messages.rejected} with tag {@code reason} = {@code breaker} or {@code full},
 *       {@code bitactor.restarts}, {@code bitactor.actors}, {@code bitactor.mailbox.depth},
 *       {@code bitactor.messages.held} (gauges);</li>
 *   <li>{@code bitactor.handling.time} (function timer: frames handled and their total time),
 *       {@code bitactor.handling.time.max} and {@code bitactor.handling.time.percentile} with tag
 *       {@code percentile} = 0.5, 0.9, 0.99, 0.999 (time gauges, since the system started);</li>
 *   <li>per shard, with tag {@code shard}: the same under {@code bitactor.shard.*}, plus
 *       {@code bitactor.shard.mailbox.high.water.mark}, and {@code bitactor.shard.breaker.state} /
 *       {@code bitactor.shard.breaker.transitions} (tags {@code from}, {@code to}) when shards have breakers;</li>
 *   <li>per named actor, with tags {@code actor} (its name) and {@code actor.id}: {@code bitactor.actor.messages.*},
 *       {@code bitactor.actor.restarts}, {@code bitactor.actor.messages.held},
 *       {@code bitactor.actor.messages.held.high.water.mark}, and its breaker's {@code bitactor.actor.breaker.state}
 *       and {@code bitactor.actor.breaker.transitions}. After the actor stops they keep its last values.</li>
 * </ul>
 * Breaker state gauges read 0 for CLOSED, 1 for OPEN, 2 for HALF_OPEN.
 * <p>
 * <b>Threads:</b> configure and bind from one thread; meters may then be read from any thread.
 */
public final class BitActorMetrics implements MeterBinder
{
    /** Tag naming the system. */
    public static final String SYSTEM_TAG = "system";
    /** Tag naming the shard of per-shard meters. */
    public static final String SHARD_TAG = "shard";
    /** Tag naming the actor of per-actor meters. */
    public static final String ACTOR_TAG = "actor";
    /** Tag with the actor's id, on per-actor meters. */
    public static final String ACTOR_ID_TAG = "actor.id";

    private static final double[] PERCENTILES = {0.5, 0.9, 0.99, 0.999};

    private final ActorSystem system;
    private final Tags tags;
    private final List<ActorRef> actors = new ArrayList<>();
    private long maxSnapshotAgeNs = TimeUnit.SECONDS.toNanos(1);

    /**
     * A binder for one system. Any thread.
     *
     * @param system     the system.
     * @param systemName the value of the {@value #SYSTEM_TAG} tag.
     * @param commonTags more tags for every meter.
     */
    public BitActorMetrics(final ActorSystem system, final String systemName, final Iterable<Tag> commonTags)
    {
        this.system = Objects.requireNonNull(system, "system");
        this.tags = Tags.of(commonTags).and(SYSTEM_TAG, Objects.requireNonNull(systemName, "systemName"));
    }

    /**
     * A binder for one system, without common tags. Any thread.
     *
     * @param system     the system.
     * @param systemName the value of the {@value #SYSTEM_TAG} tag.
     */
    public BitActorMetrics(final ActorSystem system, final String systemName)
    {
        this(system, systemName, Tags.empty());
    }

    /**
     * Publishes per-actor meters for this actor too (tagged with its name and id). Before {@link #bindTo}.
     *
     * @param actor the actor.
     * @return this.
     */
    public BitActorMetrics actor(final ActorRef actor)
    {
        actors.add(Objects.requireNonNull(actor, "actor"));
        return this;
    }

    /**
     * How old the shared system snapshot may get before a meter read takes a new one (zero: every read takes one).
     * Before {@link #bindTo}.
     *
     * @param maxAge the age, >= 0.
     * @return this.
     */
    public BitActorMetrics maxSnapshotAge(final Duration maxAge)
    {
        if (maxAge.isNegative())
        {
            throw new IllegalArgumentException("maxAge must be >= 0: " + maxAge);
        }
        this.maxSnapshotAgeNs = maxAge.toNanos();
        return this;
    }

    /**
     * Registers the meters. The calling thread; meters may then be read from any thread.
     *
     * @param registry the registry.
     */
    @Override
    public void bindTo(final MeterRegistry registry)
    {
        final Snapshots snapshots = new Snapshots(system, system.context().nanoClock(), maxSnapshotAgeNs);
        // The one strong reference to the snapshot source: the function meters below hold it weakly.
        Gauge.builder("bitactor.actors", snapshots, s -> s.get().actorCount())
            .tags(tags).description("actors alive, the root guardian included").strongReference(true)
            .register(registry);
        bindStats(registry, "bitactor.", tags, snapshots, s -> s.get().stats());
        Gauge.builder("bitactor.mailbox.depth", snapshots, s -> s.get().mailboxDepth())
            .tags(tags).description("frames queued in all mailboxes").register(registry);
        Gauge.builder("bitactor.messages.held", snapshots, s -> s.get().held())
            .tags(tags).description("messages held outside mailboxes (stashed, retries waiting)").register(registry);
        bindTimes(registry, "bitactor.", tags, snapshots, s -> s.get().handlingTime());

        final List<ShardMetrics> shards = snapshots.get().shards();
        for (final ShardMetrics shard : shards)
        {
            final int index = shard.shard();
            final Tags shardTags = tags.and(SHARD_TAG, Integer.toString(index));
            final ToDoubleFunction<Snapshots> depth = s -> s.get().shards().get(index).mailboxDepth();
            bindStats(registry, "bitactor.shard.", shardTags, snapshots, s -> s.get().shards().get(index).stats());
            Gauge.builder("bitactor.shard.mailbox.depth", snapshots, depth)
                .tags(shardTags).description("frames queued in the shard's mailbox").register(registry);
            Gauge.builder("bitactor.shard.mailbox.high.water.mark", snapshots,
                s -> s.get().shards().get(index).mailboxHighWaterMark())
                .tags(shardTags).description("largest backlog one drain of the mailbox saw").register(registry);
            Gauge.builder("bitactor.shard.messages.held", snapshots, s -> s.get().shards().get(index).held())
                .tags(shardTags).description("messages held outside the mailbox").register(registry);
            bindTimes(registry, "bitactor.shard.", shardTags, snapshots,
                s -> s.get().shards().get(index).handlingTime());
            if (shard.breaker() != null)
            {
                bindBreaker(registry, "bitactor.shard.", shardTags, snapshots,
                    s -> s.get().shards().get(index).breaker());
            }
        }

        for (final ActorRef actor : actors)
        {
            bindActor(registry, actor);
        }
    }

    private void bindActor(final MeterRegistry registry, final ActorRef actor)
    {
        final ActorReader reader = new ActorReader(system, actor);
        final Tags actorTags = tags.and(ACTOR_TAG, actor.name()).and(ACTOR_ID_TAG, Integer.toString(actor.id()));
        Gauge.builder("bitactor.actor.messages.held", reader, r -> r.get().held())
            .tags(actorTags).description("messages the actor holds outside its mailbox").strongReference(true)
            .register(registry);
        Gauge.builder("bitactor.actor.messages.held.high.water.mark", reader, r -> r.get().heldHighWaterMark())
            .tags(actorTags).description("the most messages the actor held at once").register(registry);
        bindStats(registry, "bitactor.actor.", actorTags, reader, r -> r.get().stats());
        if (reader.get().breaker() != null)
        {
            bindBreaker(registry, "bitactor.actor.", actorTags, reader, r -> r.get().breaker());
        }
    }

    private static <T> void bindStats(
        final MeterRegistry registry, final String prefix, final Tags tags, final T source,
        final Function<T, ActorStats> stats)
    {
        counter(registry, prefix + "messages.accepted", tags, source, s -> stats.apply(s).accepted(),
            "casts and calls taken");
        counter(registry, prefix + "messages.handled", tags, source, s -> stats.apply(s).handled(),
            "messages handled successfully");
        counter(registry, prefix + "messages.failed", tags, source, s -> stats.apply(s).failed(),
            "messages failed and reported");
        counter(registry, prefix + "messages.retried", tags, source, s -> stats.apply(s).retried(),
            "retry attempts scheduled");
        counter(registry, prefix + "messages.dead.lettered", tags, source, s -> stats.apply(s).deadLettered(),
            "accepted messages that could not be delivered");
        counter(registry, prefix + "messages.late.replies", tags, source, s -> stats.apply(s).lateReplies(),
            "replies that found no waiting caller");
        counter(registry, prefix + "messages.rejected", tags.and("reason", "breaker"), source,
            s -> stats.apply(s).rejectedByBreaker(), "sends refused by a circuit breaker or a full mailbox");
        counter(registry, prefix + "messages.rejected", tags.and("reason", "full"), source,
            s -> stats.apply(s).rejectedFull(), "sends refused by a circuit breaker or a full mailbox");
        counter(registry, prefix + "restarts", tags, source, s -> stats.apply(s).restarts(), "actor restarts");
    }

    private static <T> void counter(
        final MeterRegistry registry, final String name, final Tags tags, final T source,
        final ToDoubleFunction<T> value, final String description)
    {
        FunctionCounter.builder(name, source, value).tags(tags).description(description).register(registry);
    }

    private static <T> void bindTimes(
        final MeterRegistry registry, final String prefix, final Tags tags, final T source,
        final Function<T, LatencySummary> summary)
    {
        final ToLongFunction<T> count = s -> summary.apply(s).count();
        final ToDoubleFunction<T> total = s -> summary.apply(s).totalNs();
        FunctionTimer.builder(prefix + "handling.time", source, count, total, TimeUnit.NANOSECONDS)
            .tags(tags).description("time workers spent on each frame taken from a mailbox").register(registry);
        TimeGauge.builder(prefix + "handling.time.max", source, TimeUnit.NANOSECONDS, s -> summary.apply(s).maxNs())
            .tags(tags).description("longest handling time since the system started").register(registry);
        for (final double percentile : PERCENTILES)
        {
            TimeGauge.builder(prefix + "handling.time.percentile", source, TimeUnit.NANOSECONDS,
                s -> percentile(summary.apply(s), percentile))
                .tags(tags.and("percentile", Double.toString(percentile)))
                .description("handling-time percentile since the system started").register(registry);
        }
    }

    private static double percentile(final LatencySummary summary, final double percentile)
    {
        if (percentile == 0.5)
        {
            return summary.p50Ns();
        }
        if (percentile == 0.9)
        {
            return summary.p90Ns();
        }
        return percentile == 0.99 ? summary.p99Ns() : summary.p999Ns();
    }

    private static <T> void bindBreaker(
        final MeterRegistry registry, final String prefix, final Tags tags, final T source,
        final Function<T, BreakerMetrics> breaker)
    {
        Gauge.builder(prefix + "breaker.state", source, s -> breakerState(breaker.apply(s).state()))
            .tags(tags).description("circuit breaker state: 0 closed, 1 open, 2 half-open").register(registry);
        transitions(registry, prefix, tags, source, "closed", "open", s -> breaker.apply(s).closedToOpen());
        transitions(registry, prefix, tags, source, "half_open", "open", s -> breaker.apply(s).halfOpenToOpen());
        transitions(registry, prefix, tags, source, "open", "half_open", s -> breaker.apply(s).openToHalfOpen());
        transitions(registry, prefix, tags, source, "half_open", "closed", s -> breaker.apply(s).halfOpenToClosed());
        counter(registry, prefix + "breaker.not.permitted", tags, source, s -> breaker.apply(s).notPermitted(),
            "sends refused by the breaker");
    }

    private static <T> void transitions(
        final MeterRegistry registry, final String prefix, final Tags tags, final T source, final String from,
        final String to, final ToDoubleFunction<T> value)
    {
        counter(registry, prefix + "breaker.transitions", tags.and("from", from).and("to", to), source, value,
            "circuit breaker state changes");
    }

    private static double breakerState(final CircuitBreaker.State state)
    {
        switch (state)
        {
            case OPEN:
                return 1;
            case HALF_OPEN:
                return 2;
            default:
                return 0;
        }
    }

    /** The shared system snapshot: taken again when older than the maximum age. Any thread. */
    static final class Snapshots
    {
        private final ActorSystem system;
        private final NanoClock clock;
        private final long maxAgeNs;
        private SystemMetrics current;
        private long takenNs;

        Snapshots(final ActorSystem system, final NanoClock clock, final long maxAgeNs)
        {
            this.system = system;
            this.clock = clock;
            this.maxAgeNs = maxAgeNs;
        }

        synchronized SystemMetrics get()
        {
            final long now = clock.nanoTime();
            if (current == null || maxAgeNs == 0 || now - takenNs >= maxAgeNs)
            {
                current = system.metrics();
                takenNs = now;
            }
            return current;
        }
    }

    /** One named actor: its last snapshot stays when it stops. Any thread. */
    static final class ActorReader
    {
        private final ActorSystem system;
        private final ActorRef actor;
        private ActorMetrics last;

        ActorReader(final ActorSystem system, final ActorRef actor)
        {
            this.system = system;
            this.actor = actor;
        }

        synchronized ActorMetrics get()
        {
            final ActorMetrics now = system.metrics(actor);
            if (now != null)
            {
                last = now;
            }
            else if (last == null)
            {
                last = new ActorMetrics(actor.id(), actor.name(), system.shardOf(actor),
                    new ActorStats(0, 0, 0, 0, 0, 0, 0, 0, 0), 0, 0, null, false);
            }
            return last;
        }
    }
}
