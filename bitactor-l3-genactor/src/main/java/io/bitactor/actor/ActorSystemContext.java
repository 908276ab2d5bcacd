package io.bitactor.actor;

import io.bitactor.journal.JournalContext;
import io.bitactor.mailbox.MailboxContext;
import io.bitactor.tracing.SpanSink;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.OffsetEpochNanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.util.function.Supplier;

/**
 * Configuration of an {@link ActorSystem} (Aeron style): fluent setters, defaults from
 * {@link ActorSystemConfiguration} (system properties), {@link #conclude()} validates. Create one per system, set
 * it up on one thread, then pass it to {@link ActorSystem#launch(ActorSystemContext)}; do not change it afterwards.
 */
public final class ActorSystemContext
{
    private int workerCount = ActorSystemConfiguration.intProperty(
        ActorSystemConfiguration.WORKER_COUNT_PROP_NAME, ActorSystemConfiguration.WORKER_COUNT_DEFAULT);
    private int shardCount = ActorSystemConfiguration.intProperty(
        ActorSystemConfiguration.SHARD_COUNT_PROP_NAME, ActorSystemConfiguration.SHARD_COUNT_DEFAULT);
    private int virtualNodes = ActorSystemConfiguration.intProperty(
        ActorSystemConfiguration.VIRTUAL_NODES_PROP_NAME, ActorSystemConfiguration.VIRTUAL_NODES_DEFAULT);
    private int mailboxCapacity = ActorSystemConfiguration.intProperty(
        ActorSystemConfiguration.MAILBOX_CAPACITY_PROP_NAME, ActorSystemConfiguration.MAILBOX_CAPACITY_DEFAULT);
    private int controlCapacity = ActorSystemConfiguration.intProperty(
        ActorSystemConfiguration.CONTROL_CAPACITY_PROP_NAME, ActorSystemConfiguration.CONTROL_CAPACITY_DEFAULT);
    private int maxPayloadLength = ActorSystemConfiguration.intProperty(
        ActorSystemConfiguration.MAX_PAYLOAD_LENGTH_PROP_NAME, ActorSystemConfiguration.MAX_PAYLOAD_LENGTH_DEFAULT);
    private int senderSlots = ActorSystemConfiguration.intProperty(
        ActorSystemConfiguration.SENDER_SLOTS_PROP_NAME, ActorSystemConfiguration.SENDER_SLOTS_DEFAULT);
    private int batchSize = ActorSystemConfiguration.intProperty(
        ActorSystemConfiguration.BATCH_SIZE_PROP_NAME, ActorSystemConfiguration.BATCH_SIZE_DEFAULT);
    private int maxActors = ActorSystemConfiguration.intProperty(
        ActorSystemConfiguration.MAX_ACTORS_PROP_NAME, ActorSystemConfiguration.MAX_ACTORS_DEFAULT);
    private int outboxCapacity = ActorSystemConfiguration.intProperty(
        ActorSystemConfiguration.OUTBOX_CAPACITY_PROP_NAME, ActorSystemConfiguration.OUTBOX_CAPACITY_DEFAULT);
    private long timerTickNs = ActorSystemConfiguration.longProperty(
        ActorSystemConfiguration.TIMER_TICK_NS_PROP_NAME, ActorSystemConfiguration.TIMER_TICK_NS_DEFAULT);
    private long shutdownTimeoutNs = ActorSystemConfiguration.longProperty(
        ActorSystemConfiguration.SHUTDOWN_TIMEOUT_NS_PROP_NAME, ActorSystemConfiguration.SHUTDOWN_TIMEOUT_NS_DEFAULT);
    private ThreadingMode threadingMode = ActorSystemConfiguration.threadingMode();
    // 100 spins and 100 yields before parking: a worker that parked at once made every cross-worker hop pay a
    // wake-up (Savina ping-pong: 1,000 ms per run with (1, 10, ...), 254 ms with these; see docs/BENCHMARKS.md).
    private Supplier<IdleStrategy> idleStrategySupplier = () -> new BackoffIdleStrategy(100, 100, 1_000, 100_000);
    private ErrorHandler errorHandler = null;
    private NanoClock nanoClock = SystemNanoClock.INSTANCE;
    private EpochClock epochClock = null;
    private SupervisorStrategy rootStrategy = SupervisorStrategy.oneForOne();
    private CircuitBreakerConfig shardCircuitBreaker = null;
    private JournalContext journal;
    private long randomSeed = System.nanoTime();
    private SpanSink spanSink = SpanSink.NONE;
    private EpochNanoClock epochNanoClock = null;
    private double traceSampleRatio = ActorSystemConfiguration.doubleProperty(
        ActorSystemConfiguration.TRACE_SAMPLE_RATIO_PROP_NAME, ActorSystemConfiguration.TRACE_SAMPLE_RATIO_DEFAULT);

    /**
     * Creates a context with the defaults.
     */
    public ActorSystemContext()
    {
    }

    /**
     * Validates the settings.
     *
     * @return this.
     * @throws IllegalArgumentException naming the first invalid setting.
     */
    public ActorSystemContext conclude()
    {
        if (!(workerCount >= 1 && workerCount <= shardCount))
        {
            throw new IllegalArgumentException("workerCount must be in [1, shardCount]: " + workerCount);
        }
        if (!(maxPayloadLength >= ErrorPayload.MIN_PAYLOAD_LENGTH))
        {
            throw new IllegalArgumentException("maxPayloadLength must be >= " + ErrorPayload.MIN_PAYLOAD_LENGTH +
                " (error replies and system messages need room): " + maxPayloadLength);
        }
        if (!(batchSize >= 1))
        {
            throw new IllegalArgumentException("batchSize must be >= 1: " + batchSize);
        }
        if (!(maxActors >= 2))
        {
            throw new IllegalArgumentException("maxActors must be >= 2: " + maxActors);
        }
        if (!(outboxCapacity >= 4096 && outboxCapacity <= (1 << 30)))
        {
            throw new IllegalArgumentException("outboxCapacity must be in [4096, 2^30]: " + outboxCapacity);
        }
        if (!(timerTickNs >= 1 && timerTickNs <= (1L << 40)))
        {
            throw new IllegalArgumentException("timerTickNs must be in [1, 2^40]: " + timerTickNs);
        }
        if (!(shutdownTimeoutNs > 0))
        {
            throw new IllegalArgumentException("shutdownTimeoutNs must be > 0: " + shutdownTimeoutNs);
        }
        if (!(threadingMode != null))
        {
            throw new IllegalArgumentException("threadingMode must not be null: " + threadingMode);
        }
        if (!(idleStrategySupplier != null))
        {
            throw new IllegalArgumentException("idleStrategySupplier must not be null: " + idleStrategySupplier);
        }
        if (!(nanoClock != null))
        {
            throw new IllegalArgumentException("nanoClock must not be null: " + nanoClock);
        }
        if (!(rootStrategy != null))
        {
            throw new IllegalArgumentException("rootStrategy must not be null: " + rootStrategy);
        }
        if (!(spanSink != null))
        {
            throw new IllegalArgumentException("spanSink must not be null (SpanSink.NONE for none): " + spanSink);
        }
        if (!(traceSampleRatio >= 0.0 && traceSampleRatio <= 1.0))
        {
            throw new IllegalArgumentException("traceSampleRatio must be in [0, 1]: " + traceSampleRatio);
        }
        if (null == epochNanoClock)
        {
            epochNanoClock = new OffsetEpochNanoClock();
        }
        mailboxContext().conclude();
        return this;
    }

    MailboxContext mailboxContext()
    {
        return new MailboxContext()
            .shardCount(shardCount)
            .virtualNodes(virtualNodes)
            .mailboxCapacity(mailboxCapacity)
            .controlCapacity(controlCapacity)
            .maxPayloadLength(maxPayloadLength)
            .senderSlots(senderSlots)
            .journal(journal);
    }

    /**
     * Turns on the write-ahead journal (null, the default, turns it off): every call and cast accepted by the
     * system is appended to memory-mapped segment files in the journal's directory before any worker hands it to
     * a behaviour. A system launched on a directory holding a previous run's journal recovers it: each actor's
     * accepted-but-unhandled messages are handled, in their original order, right after that actor's first
     * {@code init} and before anything new (actor ids are given out in spawn order, so spawn the same actors in
     * the same order). See docs/GUARANTEES.md.
     *
     * @param journal the journal's configuration, or null.
     * @return this.
     */
    public ActorSystemContext journal(final JournalContext journal)
    {
        this.journal = journal;
        return this;
    }

    /**
     * The journal's configuration, or null when the journal is off.
     *
     * @return the value.
     */
    public JournalContext journal()
    {
        return journal;
    }

    /**
     * Sets the worker agents; shard {@code s} is drained by worker {@code s % workerCount}.
     *
     * @param workerCount the value.
     * @return this.
     */
    public ActorSystemContext workerCount(final int workerCount)
    {
        this.workerCount = workerCount;
        return this;
    }

    /**
     * The worker agents; shard {@code s} is drained by worker {@code s % workerCount}.
     *
     * @return the value.
     */
    public int workerCount()
    {
        return workerCount;
    }

    /**
     * Sets the mailbox shards on the ring.
     *
     * @param shardCount the value.
     * @return this.
     */
    public ActorSystemContext shardCount(final int shardCount)
    {
        this.shardCount = shardCount;
        return this;
    }

    /**
     * The mailbox shards on the ring.
     *
     * @return the value.
     */
    public int shardCount()
    {
        return shardCount;
    }

    /**
     * Sets the virtual nodes per shard.
     *
     * @param virtualNodes the value.
     * @return this.
     */
    public ActorSystemContext virtualNodes(final int virtualNodes)
    {
        this.virtualNodes = virtualNodes;
        return this;
    }

    /**
     * The virtual nodes per shard.
     *
     * @return the value.
     */
    public int virtualNodes()
    {
        return virtualNodes;
    }

    /**
     * Sets the frames per shard's ordinary lane.
     *
     * @param mailboxCapacity the value.
     * @return this.
     */
    public ActorSystemContext mailboxCapacity(final int mailboxCapacity)
    {
        this.mailboxCapacity = mailboxCapacity;
        return this;
    }

    /**
     * The frames per shard's ordinary lane.
     *
     * @return the value.
     */
    public int mailboxCapacity()
    {
        return mailboxCapacity;
    }

    /**
     * Sets the frames per shard's control lane.
     *
     * @param controlCapacity the value.
     * @return this.
     */
    public ActorSystemContext controlCapacity(final int controlCapacity)
    {
        this.controlCapacity = controlCapacity;
        return this;
    }

    /**
     * The frames per shard's control lane.
     *
     * @return the value.
     */
    public int controlCapacity()
    {
        return controlCapacity;
    }

    /**
     * Sets the largest payload in bytes.
     *
     * @param maxPayloadLength the value.
     * @return this.
     */
    public ActorSystemContext maxPayloadLength(final int maxPayloadLength)
    {
        this.maxPayloadLength = maxPayloadLength;
        return this;
    }

    /**
     * The largest payload in bytes.
     *
     * @return the value.
     */
    public int maxPayloadLength()
    {
        return maxPayloadLength;
    }

    /**
     * Sets the frame slots per sending thread.
     *
     * @param senderSlots the value.
     * @return this.
     */
    public ActorSystemContext senderSlots(final int senderSlots)
    {
        this.senderSlots = senderSlots;
        return this;
    }

    /**
     * The frame slots per sending thread.
     *
     * @return the value.
     */
    public int senderSlots()
    {
        return senderSlots;
    }

    /**
     * Sets the frames a worker takes from one shard per duty cycle.
     *
     * @param batchSize the value.
     * @return this.
     */
    public ActorSystemContext batchSize(final int batchSize)
    {
        this.batchSize = batchSize;
        return this;
    }

    /**
     * The frames a worker takes from one shard per duty cycle.
     *
     * @return the value.
     */
    public int batchSize()
    {
        return batchSize;
    }

    /**
     * Sets the most actors ever spawned (ids are not reused).
     *
     * @param maxActors the value.
     * @return this.
     */
    public ActorSystemContext maxActors(final int maxActors)
    {
        this.maxActors = maxActors;
        return this;
    }

    /**
     * The most actors ever spawned (ids are not reused).
     *
     * @return the value.
     */
    public int maxActors()
    {
        return maxActors;
    }

    /**
     * Sets the bytes a worker's outbox holds for full mailboxes.
     *
     * @param outboxCapacity the value.
     * @return this.
     */
    public ActorSystemContext outboxCapacity(final int outboxCapacity)
    {
        this.outboxCapacity = outboxCapacity;
        return this;
    }

    /**
     * The bytes a worker's outbox holds for full mailboxes.
     *
     * @return the value.
     */
    public int outboxCapacity()
    {
        return outboxCapacity;
    }

    /**
     * Sets the timer wheel tick in nanoseconds (rounded up to a power of two).
     *
     * @param timerTickNs the value.
     * @return this.
     */
    public ActorSystemContext timerTickNs(final long timerTickNs)
    {
        this.timerTickNs = timerTickNs;
        return this;
    }

    /**
     * The timer wheel tick in nanoseconds (rounded up to a power of two).
     *
     * @return the value.
     */
    public long timerTickNs()
    {
        return timerTickNs;
    }

    /**
     * Sets how long close() waits for actors to stop.
     *
     * @param shutdownTimeoutNs the value.
     * @return this.
     */
    public ActorSystemContext shutdownTimeoutNs(final long shutdownTimeoutNs)
    {
        this.shutdownTimeoutNs = shutdownTimeoutNs;
        return this;
    }

    /**
     * How long close() waits for actors to stop.
     *
     * @return the value.
     */
    public long shutdownTimeoutNs()
    {
        return shutdownTimeoutNs;
    }

    /**
     * Sets how the workers run.
     *
     * @param threadingMode the value.
     * @return this.
     */
    public ActorSystemContext threadingMode(final ThreadingMode threadingMode)
    {
        this.threadingMode = threadingMode;
        return this;
    }

    /**
     * How the workers run.
     *
     * @return the value.
     */
    public ThreadingMode threadingMode()
    {
        return threadingMode;
    }

    /**
     * Sets the idle strategy per worker thread (one instance per thread; unused in invoker mode).
     *
     * @param idleStrategySupplier the value.
     * @return this.
     */
    public ActorSystemContext idleStrategySupplier(final Supplier<IdleStrategy> idleStrategySupplier)
    {
        this.idleStrategySupplier = idleStrategySupplier;
        return this;
    }

    /**
     * The idle strategy per worker thread (one instance per thread; unused in invoker mode).
     *
     * @return the value.
     */
    public Supplier<IdleStrategy> idleStrategySupplier()
    {
        return idleStrategySupplier;
    }

    /**
     * Sets the handler of infrastructure errors (a throwing terminate(), a throwing dead-letter hook); it must
     * never throw. Default (null): print to {@code System.err}.
     *
     * @param errorHandler the value.
     * @return this.
     */
    public ActorSystemContext errorHandler(final ErrorHandler errorHandler)
    {
        this.errorHandler = errorHandler;
        return this;
    }

    /**
     * The handler of infrastructure errors.
     *
     * @return the value.
     */
    public ErrorHandler errorHandler()
    {
        return errorHandler;
    }

    /**
     * Sets the time for timers, call timeouts, breakers and backoff (inject one in tests).
     *
     * @param nanoClock the value.
     * @return this.
     */
    public ActorSystemContext nanoClock(final NanoClock nanoClock)
    {
        this.nanoClock = nanoClock;
        return this;
    }

    /**
     * The time for timers, call timeouts, breakers and backoff (inject one in tests).
     *
     * @return the value.
     */
    public NanoClock nanoClock()
    {
        return nanoClock;
    }

    /**
     * Sets the physical clock of the hybrid logical clocks; null: a shared ticking clock owned by the system.
     *
     * @param epochClock the value.
     * @return this.
     */
    public ActorSystemContext epochClock(final EpochClock epochClock)
    {
        this.epochClock = epochClock;
        return this;
    }

    /**
     * The physical clock of the hybrid logical clocks; null: a shared ticking clock owned by the system.
     *
     * @return the value.
     */
    public EpochClock epochClock()
    {
        return epochClock;
    }

    /**
     * Sets the strategy of the root guardian for the actors spawned by ActorSystem.spawn.
     *
     * @param rootStrategy the value.
     * @return this.
     */
    public ActorSystemContext rootStrategy(final SupervisorStrategy rootStrategy)
    {
        this.rootStrategy = rootStrategy;
        return this;
    }

    /**
     * The strategy of the root guardian for the actors spawned by ActorSystem.spawn.
     *
     * @return the value.
     */
    public SupervisorStrategy rootStrategy()
    {
        return rootStrategy;
    }

    /**
     * Sets a per-shard circuit breaker: when set, one breaker per shard guards every actor on it (actors with a
     * breaker of their own use theirs). Null (default): none.
     *
     * @param shardCircuitBreaker the value.
     * @return this.
     */
    public ActorSystemContext shardCircuitBreaker(final CircuitBreakerConfig shardCircuitBreaker)
    {
        this.shardCircuitBreaker = shardCircuitBreaker;
        return this;
    }

    /**
     * The per-shard circuit breaker configuration, or null.
     *
     * @return the value.
     */
    public CircuitBreakerConfig shardCircuitBreaker()
    {
        return shardCircuitBreaker;
    }

    /**
     * Sets the seed of the workers' random sources (backoff jitter, span ids); fix it for reproducible tests.
     *
     * @param randomSeed the value.
     * @return this.
     */
    public ActorSystemContext randomSeed(final long randomSeed)
    {
        this.randomSeed = randomSeed;
        return this;
    }

    /**
     * The seed of the workers' random sources (backoff jitter, span ids); fix it for reproducible tests.
     *
     * @return the value.
     */
    public long randomSeed()
    {
        return randomSeed;
    }

    /**
     * Sets where finished spans go (one per handled message of a sampled trace, see {@link SpanSink}). Default
     * {@link SpanSink#NONE}: no span is recorded, and the runtime pays one predictable branch per message for
     * tracing. Configuration thread, before launch.
     *
     * @param spanSink the sink, called on worker threads (several at once) and on the call-timeout thread.
     * @return this.
     */
    public ActorSystemContext spanSink(final SpanSink spanSink)
    {
        this.spanSink = spanSink;
        return this;
    }

    /**
     * Where finished spans go; {@link SpanSink#NONE} when tracing is off. Any thread.
     *
     * @return the value.
     */
    public SpanSink spanSink()
    {
        return spanSink;
    }

    /**
     * Sets the clock of span start and end times, in nanoseconds since the epoch (inject one in tests). Null
     * (default): {@link #conclude()} creates an Agrona {@link OffsetEpochNanoClock}, which is
     * {@code System.nanoTime()} plus an offset sampled from the wall clock (re-sampled now and then): a volatile
     * read and a {@code nanoTime} call, no allocation, monotonic between samples; the system epoch clock
     * ({@code SystemEpochNanoClock}) goes through {@code Instant} for every reading and costs more. It is read only
     * when a span is recorded. Configuration thread, before launch.
     *
     * @param epochNanoClock the clock, read by several threads at once.
     * @return this.
     */
    public ActorSystemContext epochNanoClock(final EpochNanoClock epochNanoClock)
    {
        this.epochNanoClock = epochNanoClock;
        return this;
    }

    /**
     * The clock of span start and end times (nanoseconds since the epoch); null before {@link #conclude()} unless
     * one was set. Any thread.
     *
     * @return the value.
     */
    public EpochNanoClock epochNanoClock()
    {
        return epochNanoClock;
    }

    /**
     * Sets the fraction of new traces that are sampled, in [0, 1] (default
     * {@link ActorSystemConfiguration#TRACE_SAMPLE_RATIO_DEFAULT}, property
     * {@link ActorSystemConfiguration#TRACE_SAMPLE_RATIO_PROP_NAME}). A trace started by a plain-thread send without
     * a given context gets the sampled flag with this probability; messages continuing a trace (sent from handlers,
     * replies, sends with a given context) keep its flag. Unsampled traces are still propagated, only not recorded.
     * Configuration thread, before launch.
     *
     * @param traceSampleRatio the ratio: 0 samples no new trace, 1 every one.
     * @return this.
     */
    public ActorSystemContext traceSampleRatio(final double traceSampleRatio)
    {
        this.traceSampleRatio = traceSampleRatio;
        return this;
    }

    /**
     * The fraction of new traces that are sampled. Any thread.
     *
     * @return the value, in [0, 1] once concluded.
     */
    public double traceSampleRatio()
    {
        return traceSampleRatio;
    }
}
