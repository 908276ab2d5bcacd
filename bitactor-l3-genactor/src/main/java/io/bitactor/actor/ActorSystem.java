package io.bitactor.actor;

import io.bitactor.core.FrameDecoder;
import io.bitactor.core.FrameDescriptor;
import io.bitactor.core.FrameEncoder;
import io.bitactor.core.MessageType;
import io.bitactor.core.TraceContext;
import io.bitactor.mailbox.DeadLetterReason;
import io.bitactor.mailbox.Mailbox;
import io.bitactor.journal.Journal;
import io.bitactor.journal.RecoveredFrames;
import io.bitactor.mailbox.MailboxContext;
import io.bitactor.mailbox.OfferStatus;
import io.bitactor.mailbox.Router;
import io.bitactor.mailbox.Sender;
import io.bitactor.metrics.ActorMetrics;
import io.bitactor.metrics.SystemMetrics;
import org.HdrHistogram.Histogram;
import io.bitactor.tracing.SpanKind;
import io.bitactor.tracing.internal.MutableSpanRecord;
import io.bitactor.tracing.SpanOutcome;
import io.bitactor.tracing.SpanSink;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.CompositeAgent;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A running set of actors: the L2 router and its mailbox shards, worker agents that drain them, and the root
 * guardian that supervises actors spawned here.
 * <pre>{@code
 * try (ActorSystem system = ActorSystem.launch(new ActorSystemContext().workerCount(2)))
 * {
 *     ActorRef counter = system.spawn(ActorSpec.of(Counter::new).withName("counter"));
 *     system.cast(counter, "add 5");
 *     String total = new String(system.callBlocking(counter, "get".getBytes(), Duration.ofSeconds(1)));
 * }
 * }</pre>
 * <b>Threads:</b> every public method may be called from any thread. Each calling thread gets its own L2
 * {@link Sender} (an "endpoint" with a negative id, to which replies are routed) the first time it sends; frames
 * sent by one thread to one actor arrive in the order sent. The blocking {@link #callBlocking} is refused on a
 * worker thread (it would stall every actor of that worker): actors use {@link ActorContext#call}.
 * <p>
 * Futures returned by {@link #call} complete on a worker thread: attach blocking continuations with the
 * {@code *Async} variants.
 */
public final class ActorSystem implements AutoCloseable
{
    /** Id of the root guardian, parent of the actors spawned with {@link #spawn(ActorSpec)}. */
    public static final int ROOT_ID = 1;

    final Registry registry;
    final NanoClock nanoClock;
    final DeadLetters deadLetters;

    private final ActorSystemContext ctx;
    private final Router router;
    private final Worker[] workers;
    private final CircuitBreaker[] shardBreakers;
    /** Per shard: the counts of its actors that stopped (metrics add the live ones). */
    private final Counters[] stoppedByShard;
    private final MetricsSnapshots metrics;
    private final ErrorHandler errorHandler;
    private final AtomicLong errorCount = new AtomicLong();
    private final AtomicInteger nextId = new AtomicInteger(ROOT_ID);
    private final AtomicInteger liveActors = new AtomicInteger();
    private final AtomicInteger nextEndpoint = new AtomicInteger();
    private final AtomicLong externalCorrelationIds = new AtomicLong();
    private final AtomicLong closeDeadLetters = new AtomicLong();
    private final AtomicLong closeLateReplies = new AtomicLong();
    private final ConcurrentHashMap<Long, ExternalCall> pendingCalls = new ConcurrentHashMap<>();
    private final AtomicBoolean sweepScheduled = new AtomicBoolean();
    private final CopyOnWriteArrayList<Client> clients = new CopyOnWriteArrayList<>();
    private final ThreadLocal<Client> client = new ThreadLocal<>();
    private final CompletableFuture<Throwable> terminated = new CompletableFuture<>();
    private final ScheduledThreadPoolExecutor callTimeouts;
    private final Object closeLock = new Object();
    private final List<AgentRunner> runners = new ArrayList<>();
    /** Invoker mode: one invoker per worker, so a caller can drive all of them or one. Null otherwise. */
    private final AgentInvoker[] invokers;
    private volatile boolean closing;
    private volatile boolean closed;
    private volatile Throwable terminationCause;
    private volatile ShutdownReport shutdownReport;
    /** Null when the context's sink is {@link SpanSink#NONE}. */
    private final SpanSink spanSink;
    private final EpochNanoClock epochNanoClock;
    private final double traceSampleRatio;
    /** The reusable span of the call-timeout thread (the only thread that uses it). */
    private final MutableSpanRecord timeoutSpan = new MutableSpanRecord();

    /** A call from a plain thread, waiting for its reply; with the call's trace, for the span of its timeout. */
    private record ExternalCall(
        CompletableFuture<byte[]> future, long deadlineNs, long timeoutNs, int endpointId, int targetId,
        long traceIdHigh, long traceIdLow, long spanId, int traceFlags)
    {
    }

    /** A plain thread's sending endpoint. */
    private static final class Client
    {
        final Sender sender;
        final int endpointId;
        final Counters counters = new Counters();
        final UnsafeBuffer wrapper = new UnsafeBuffer(0, 0);
        final UnsafeBuffer control = new UnsafeBuffer(new byte[SystemCommand.LENGTH]);
        // The trace of the message being sent (see beginTrace): this thread's own, so no allocation per send.
        long traceIdHigh;
        long traceIdLow;
        long spanId;
        long parentSpanId;
        int traceFlags;

        Client(final Sender sender, final int endpointId)
        {
            this.sender = sender;
            this.endpointId = endpointId;
        }
    }

    /**
     * What {@link #close()} found.
     *
     * @param actorsStopped    actors stopped by the close.
     * @param actorsNotStopped actors still not stopped when the shutdown timeout passed.
     * @param deadLettered     accepted messages dead-lettered over the system's life (including at close).
     * @param lateReplies      replies that found no waiting caller.
     * @param terminationCause the failure that stopped the system (root escalation), or null.
     */
    public record ShutdownReport(
        int actorsStopped, int actorsNotStopped, long deadLettered, long lateReplies, Throwable terminationCause)
    {
    }

    private ActorSystem(final ActorSystemContext ctx)
    {
        this.ctx = ctx;
        this.nanoClock = ctx.nanoClock();
        this.errorHandler = ctx.errorHandler() != null ? ctx.errorHandler() : RuntimeLog::error;
        this.registry = new Registry(ctx.maxActors());
        this.spanSink = ctx.spanSink() == SpanSink.NONE ? null : ctx.spanSink();
        this.epochNanoClock = ctx.epochNanoClock();
        this.traceSampleRatio = ctx.traceSampleRatio();
        this.callTimeouts = new ScheduledThreadPoolExecutor(1, runnable ->
        {
            final Thread thread = new Thread(runnable, "bitactor-call-timeouts");
            thread.setDaemon(true);
            return thread;
        });
        callTimeouts.setRemoveOnCancelPolicy(true);

        final MailboxContext mailboxContext = ctx.mailboxContext()
            .errorHandler(this::reportError)
            .deadLetterSink(this::onRouterDeadLetter);
        if (ctx.epochClock() != null)
        {
            mailboxContext.epochClock(ctx.epochClock());
        }
        this.router = Router.launch(mailboxContext);

        final int shardCount = ctx.shardCount();
        this.shardBreakers = ctx.shardCircuitBreaker() == null ? null : new CircuitBreaker[shardCount];
        if (shardBreakers != null)
        {
            for (int s = 0; s < shardCount; s++)
            {
                shardBreakers[s] = new CircuitBreaker("shard-" + s, ctx.shardCircuitBreaker(),
                    RuntimeLog.breakerListener(null));
            }
        }

        this.stoppedByShard = new Counters[shardCount];
        for (int s = 0; s < shardCount; s++)
        {
            stoppedByShard[s] = new Counters();
        }
        this.workers = new Worker[ctx.workerCount()];
        this.deadLetters = new DeadLetters(
            ctx.deadLetterLogIntervalNs(), workers.length, this::deadLetterTotal, nanoClock.nanoTime());
        for (int i = 0; i < workers.length; i++)
        {
            workers[i] = new Worker(this, i, router.newSender(0), ctx);
            final List<Mailbox> mine = new ArrayList<>();
            for (int s = i; s < shardCount; s += workers.length)
            {
                mine.add(router.mailbox(s));
            }
            workers[i].mailboxes(mine.toArray(new Mailbox[0]));
        }

        this.metrics = new MetricsSnapshots(this, router, workers, shardBreakers, stoppedByShard);

        final ActorSpec rootSpec = ActorSpec.of(Guardian::new)
            .withName("root")
            .withRestart(RestartType.TEMPORARY)
            .withSupervisorStrategy(ctx.rootStrategy());
        final ActorCell root = newCell(nextId.getAndIncrement(), rootSpec, 0, 0);
        registry.put(ROOT_ID, root);
        liveActors.incrementAndGet();

        switch (ctx.threadingMode())
        {
            case INVOKER:
                invokers = new AgentInvoker[workers.length];
                for (int i = 0; i < workers.length; i++)
                {
                    invokers[i] = new AgentInvoker(this::reportError, null, workers[i]);
                    invokers[i].start();
                }
                break;
            case SHARED:
                invokers = null;
                runners.add(new AgentRunner(ctx.idleStrategySupplier().get(), this::reportError, null,
                    new CompositeAgent(workers)));
                break;
            default:
                invokers = null;
                for (final Worker worker : workers)
                {
                    runners.add(new AgentRunner(ctx.idleStrategySupplier().get(), this::reportError, null, worker));
                }
                break;
        }
        for (final AgentRunner runner : runners)
        {
            AgentRunner.startOnThread(runner);
        }
        sendSystem(ROOT_ID, SystemCommand.START, ROOT_ID, 0);
        RuntimeLog.launched(ctx, router.journal());
    }

    /**
     * Validates the context and starts a system.
     *
     * @param ctx the configuration.
     * @return the running system.
     * @throws IllegalArgumentException if the context is invalid.
     */
    public static ActorSystem launch(final ActorSystemContext ctx)
    {
        return new ActorSystem(Objects.requireNonNull(ctx, "ctx").conclude());
    }

    /**
     * The configuration this system runs with.
     *
     * @return the context.
     */
    public ActorSystemContext context()
    {
        return ctx;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Spawning
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Starts an actor under the root guardian (supervised with the context's root strategy).
     *
     * @param spec the actor's spec.
     * @return its ref; messages sent to it from now on are handled after its {@code init}.
     * @throws IllegalStateException if the system is closed or out of actor ids, or if called on a worker thread
     *                               (inside an actor, {@link ActorContext#spawn(ActorSpec)} never blocks; this
     *                               method may wait for room in a control lane).
     */
    public ActorRef spawn(final ActorSpec spec)
    {
        if (isWorkerThread())
        {
            throw new IllegalStateException(
                "ActorSystem.spawn on a worker thread: use ActorContext.spawn inside actors");
        }
        return spawn(spec, null);
    }

    ActorRef spawn(final ActorSpec spec, final ActorCell parent)
    {
        Objects.requireNonNull(spec, "spec");
        if (closing)
        {
            throw new IllegalStateException("actor system is closed");
        }
        final int id = nextId(spec.colocatedWith() == 0 ? -1 : router.ring().shardFor(spec.colocatedWith()));
        final int parentId = parent == null ? ROOT_ID : parent.id;
        final ActorCell cell = newCell(id, spec, parentId, parent == null ? 1 : parent.depth + 1);
        // Stored before START is sent: the lane's release/acquire publishes the cell to its worker.
        registry.put(id, cell);
        liveActors.incrementAndGet();
        RuntimeLog.spawned(id, spec.name(), parentId);
        if (parent != null)
        {
            parent.worker.sendSystem(parentId, SystemCommand.ADD_CHILD, id, 0);
            parent.worker.sendSystem(id, SystemCommand.START, id, 0);
        }
        else
        {
            sendSystem(parentId, SystemCommand.ADD_CHILD, id, 0);
            sendSystem(id, SystemCommand.START, id, 0);
        }
        return cell.ref;
    }

    /**
     * The next actor id; with a wanted shard, the next id the ring places there (ids passed over stay unused).
     */
    private int nextId(final int wantedShard)
    {
        final int limit = wantedShard < 0 ? 1 : 64 * Math.max(1, ctx.shardCount());
        for (int attempt = 0; attempt < limit; attempt++)
        {
            final int id = nextId.getAndIncrement();
            if (id >= registry.maxActors())
            {
                throw new IllegalStateException("out of actor ids: maxActors is " + registry.maxActors());
            }
            if (wantedShard < 0 || router.ring().shardFor(id) == wantedShard)
            {
                return id;
            }
        }
        throw new IllegalStateException("no actor id maps to shard " + wantedShard + " within " + limit + " ids");
    }

    private ActorCell newCell(final int id, final ActorSpec spec, final int parentId, final int depth)
    {
        final int shard = router.ring().shardFor(id);
        final CircuitBreaker breaker = spec.circuitBreaker() != null ?
            new CircuitBreaker(spec.name() + "#" + id, spec.circuitBreaker(),
                RuntimeLog.breakerListener(spec.circuitBreakerListener())) :
            shardBreakers == null ? null : shardBreakers[shard];
        final ActorCell cell = new ActorCell(this, id, spec, parentId, depth, workers[shard % workers.length], breaker);
        cell.shard = shard;
        return cell;
    }

    /** Sends a system command from the calling (non-worker) thread, waiting out backpressure. */
    private void sendSystem(final int target, final int command, final int subject, final long argument)
    {
        final Client c = client();
        SystemCommand.encode(c.control, 0, command, subject, argument);
        while (true)
        {
            final OfferStatus status = c.sender.send(subject, target, io.bitactor.core.MessageType.SYSTEM, 0,
                c.control, 0, SystemCommand.LENGTH);
            if (status == OfferStatus.ACCEPTED)
            {
                return;
            }
            if (!status.isBackPressure())
            {
                throw new IllegalStateException("system command " + SystemCommand.name(command) + " to actor " +
                    target + " not sent: " + status);
            }
            idle();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Sending from plain threads
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Sends a one-way message; the payload is copied. Never blocks.
     *
     * @param target the target.
     * @param buffer holding the payload.
     * @param offset of the payload.
     * @param length of the payload.
     * @return {@link SendStatus#ACCEPTED}, backpressure, or why the message was refused.
     */
    public SendStatus cast(final ActorRef target, final DirectBuffer buffer, final int offset, final int length)
    {
        return cast(target.id(), buffer, offset, length);
    }

    /**
     * Sends a one-way message to an actor id; the payload is copied. Never blocks.
     *
     * @param targetId the target actor's id.
     * @param buffer   holding the payload.
     * @param offset   of the payload.
     * @param length   of the payload.
     * @return {@link SendStatus#ACCEPTED}, backpressure, or why the message was refused.
     */
    public SendStatus cast(final int targetId, final DirectBuffer buffer, final int offset, final int length)
    {
        return cast(targetId, buffer, offset, length, null);
    }

    /**
     * Sends a one-way message continuing a trace; the payload is copied. Never blocks. Plain threads only (inside
     * actors use {@link ActorContext}, whose sends continue the handled message's trace).
     *
     * @param target  the target.
     * @param buffer  holding the payload.
     * @param offset  of the payload.
     * @param length  of the payload.
     * @param context the trace to continue (e.g. {@link TraceContext#parseTraceparent(CharSequence)} of an
     *                incoming request): the message gets its trace id and flags, a new span id and the context's span
     *                as parent; null or not valid: a new trace is started (sampled by
     *                {@link ActorSystemContext#traceSampleRatio()}).
     * @return {@link SendStatus#ACCEPTED}, backpressure, or why the message was refused.
     */
    public SendStatus cast(
        final ActorRef target, final DirectBuffer buffer, final int offset, final int length,
        final TraceContext context)
    {
        return cast(target.id(), buffer, offset, length, context);
    }

    /**
     * Sends a one-way message to an actor id continuing a trace; the payload is copied. Never blocks. Plain threads
     * only.
     *
     * @param targetId the target actor's id.
     * @param buffer   holding the payload.
     * @param offset   of the payload.
     * @param length   of the payload.
     * @param context  the trace to continue; null or not valid: a new trace is started.
     * @return {@link SendStatus#ACCEPTED}, backpressure, or why the message was refused.
     */
    public SendStatus cast(
        final int targetId, final DirectBuffer buffer, final int offset, final int length,
        final TraceContext context)
    {
        if (closing)
        {
            return SendStatus.CLOSED;
        }
        final Client c = client();
        final ActorCell target = registry.get(targetId);
        final SendStatus admitted = admit(target, targetId, READ_CLOCK, c.counters);
        if (admitted != SendStatus.ACCEPTED)
        {
            return admitted;
        }
        beginTrace(c, context);
        final SendStatus status = SendStatus.of(sendTraced(c, MessageType.CAST, targetId, 0, buffer, offset, length));
        afterSend(target, status, c.counters);
        return status;
    }

    /**
     * Sends a one-way message; the payload is copied.
     *
     * @param target  the target.
     * @param payload the bytes.
     * @return {@link SendStatus#ACCEPTED}, backpressure, or why the message was refused.
     */
    public SendStatus cast(final ActorRef target, final byte[] payload)
    {
        return cast(target, payload, null);
    }

    /**
     * Sends a one-way message continuing a trace; the payload is copied. Plain threads only.
     *
     * @param target  the target.
     * @param payload the bytes.
     * @param context the trace to continue: same trace id and flags, a new span id, the context's span as parent;
     *                null or not valid: a new trace is started.
     * @return {@link SendStatus#ACCEPTED}, backpressure, or why the message was refused.
     */
    public SendStatus cast(final ActorRef target, final byte[] payload, final TraceContext context)
    {
        final UnsafeBuffer wrapper = client().wrapper;
        wrapper.wrap(payload);
        return cast(target.id(), wrapper, 0, payload.length, context);
    }

    /**
     * Sends a one-way message with a UTF-8 text payload (allocates: a convenience).
     *
     * @param target  the target.
     * @param payload the text.
     * @return {@link SendStatus#ACCEPTED}, backpressure, or why the message was refused.
     */
    public SendStatus cast(final ActorRef target, final String payload)
    {
        return cast(target, payload.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Calls an actor. The reply comes back through L2 to this thread's endpoint and completes the future with the
     * reply payload; failures complete it with {@link CallFailedException}, {@link CallTimeoutException},
     * {@link CircuitOpenException} or {@link RejectedException} (nothing sent: backpressure, unknown actor,
     * closed system).
     *
     * @param target  the callee.
     * @param payload the request bytes (copied).
     * @param timeout how long to wait for the reply.
     * @return the future reply.
     */
    public CompletableFuture<byte[]> call(final ActorRef target, final byte[] payload, final Duration timeout)
    {
        return call(target, payload, timeout, null);
    }

    /**
     * Calls an actor continuing a trace, as {@link #call(ActorRef, byte[], Duration)}. The call gets the context's
     * trace id and flags, a new span id and the context's span as parent; its reply carries the same trace with the
     * call's span as parent. Plain threads only.
     *
     * @param target  the callee.
     * @param payload the request bytes (copied).
     * @param timeout how long to wait for the reply.
     * @param context the trace to continue; null or not valid: a new trace is started (sampled by
     *                {@link ActorSystemContext#traceSampleRatio()}).
     * @return the future reply.
     */
    public CompletableFuture<byte[]> call(
        final ActorRef target, final byte[] payload, final Duration timeout, final TraceContext context)
    {
        final CompletableFuture<byte[]> future = new CompletableFuture<>();
        final long timeoutNs = timeout.toNanos();
        if (timeoutNs <= 0)
        {
            throw new IllegalArgumentException("timeout must be > 0: " + timeout);
        }
        if (closing)
        {
            future.completeExceptionally(new RejectedException(SendStatus.CLOSED, target.id()));
            return future;
        }
        final Client c = client();
        final ActorCell cell = registry.get(target.id());
        final SendStatus admitted = admit(cell, target.id(), READ_CLOCK, c.counters);
        if (admitted != SendStatus.ACCEPTED)
        {
            future.completeExceptionally(admitted == SendStatus.CIRCUIT_OPEN ?
                new CircuitOpenException(cell.breaker.name(), Math.max(0, cell.breaker.openUntilNs() -
                nanoClock.nanoTime())) : new RejectedException(admitted, target.id()));
            return future;
        }
        final long correlationId = externalCorrelationIds.incrementAndGet();
        beginTrace(c, context);
        pendingCalls.put(correlationId, new ExternalCall(future, nanoClock.nanoTime() + timeoutNs, timeoutNs,
            c.endpointId, target.id(), c.traceIdHigh, c.traceIdLow, c.spanId, c.traceFlags));
        c.wrapper.wrap(payload);
        final SendStatus status = SendStatus.of(
            sendTraced(c, MessageType.CALL, target.id(), correlationId, c.wrapper, 0, payload.length));
        afterSend(cell, status, c.counters);
        if (status != SendStatus.ACCEPTED)
        {
            pendingCalls.remove(correlationId);
            future.completeExceptionally(new RejectedException(status, target.id()));
            return future;
        }
        scheduleSweep();
        future.whenComplete((r, t) -> pendingCalls.remove(correlationId));
        return future;
    }

    /**
     * Timeouts of plain threads' calls are found by a sweep that runs every timer tick while calls are pending: no
     * task per call, so a call does not wake the sweeping thread.
     */
    private void scheduleSweep()
    {
        if (!sweepScheduled.get() && sweepScheduled.compareAndSet(false, true))
        {
            try
            {
                callTimeouts.schedule(this::sweepTimeouts, ctx.timerTickNs(), TimeUnit.NANOSECONDS);
            }
            catch (final RejectedExecutionException ex)
            {
                sweepScheduled.set(false);
            }
        }
    }

    private void sweepTimeouts()
    {
        final long now = nanoClock.nanoTime();
        for (final Map.Entry<Long, ExternalCall> entry : pendingCalls.entrySet())
        {
            final ExternalCall call = entry.getValue();
            if (now - call.deadlineNs() >= 0 && pendingCalls.remove(entry.getKey(), call))
            {
                final boolean record = null != spanSink && Worker.isSampled(call.traceFlags());
                final long startEpochNs = record ? epochNanoClock.nanoTime() : 0;
                call.future().completeExceptionally(new CallTimeoutException(entry.getKey(), call.timeoutNs()));
                if (record)
                {
                    recordExternalTimeout(entry.getKey(), call, startEpochNs);
                }
            }
        }
        sweepScheduled.set(false);
        if (!pendingCalls.isEmpty())
        {
            scheduleSweep();
        }
    }

    /**
     * Calls an actor and waits for the reply. In invoker mode the waiting thread drives the workers itself.
     *
     * @param target  the callee.
     * @param payload the request bytes (copied).
     * @param timeout how long to wait.
     * @return the reply payload.
     * @throws IllegalStateException  if called on a worker thread (use {@link ActorContext#call}).
     * @throws CallFailedException    if the callee failed or answered with an error.
     * @throws CallTimeoutException   if no reply came in time.
     * @throws CircuitOpenException   if the callee's breaker refused the call.
     * @throws RejectedException      if the call could not be sent.
     */
    public byte[] callBlocking(final ActorRef target, final byte[] payload, final Duration timeout)
    {
        return callBlocking(target, payload, timeout, null);
    }

    /**
     * Calls an actor continuing a trace and waits for the reply, as
     * {@link #callBlocking(ActorRef, byte[], Duration)}. Plain threads only.
     *
     * @param target  the callee.
     * @param payload the request bytes (copied).
     * @param timeout how long to wait.
     * @param context the trace to continue (same trace id and flags, new span id, the context's span as parent);
     *                null or not valid: a new trace is started.
     * @return the reply payload.
     */
    public byte[] callBlocking(
        final ActorRef target, final byte[] payload, final Duration timeout, final TraceContext context)
    {
        if (isWorkerThread())
        {
            throw new IllegalStateException("blocking call from a worker thread: it would stall every actor of " +
                "the worker (and deadlock a call cycle); use ActorContext.call from inside actors");
        }
        final CompletableFuture<byte[]> future = call(target, payload, timeout, context);
        try
        {
            if (invokers != null)
            {
                while (!future.isDone())
                {
                    if (invoke() == 0)
                    {
                        Thread.onSpinWait();
                    }
                }
            }
            return future.get(timeout.toNanos() + TimeUnit.SECONDS.toNanos(1), TimeUnit.NANOSECONDS);
        }
        catch (final ExecutionException ex)
        {
            if (ex.getCause() instanceof RuntimeException)
            {
                throw (RuntimeException)ex.getCause();
            }
            throw new IllegalStateException(ex.getCause());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a reply", ex);
        }
        catch (final TimeoutException ex)
        {
            throw new CallTimeoutException(0, timeout.toNanos());
        }
    }

    /**
     * Whether the calling thread is running one of this system's workers.
     *
     * @return true on a worker thread (or inside {@link #invoke()}).
     */
    public boolean isWorkerThread()
    {
        for (final Worker worker : workers)
        {
            if (worker.isCurrentThread())
            {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Invoker mode
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Runs one duty cycle of every worker on the calling thread. Invoker mode only.
     *
     * @return the work done (frames, timers).
     * @throws IllegalStateException if the system is not in {@link ThreadingMode#INVOKER} mode.
     */
    public int invoke()
    {
        checkInvoker();
        int work = 0;
        for (final AgentInvoker invoker : invokers)
        {
            work += invoker.invoke();
        }
        return work;
    }

    /**
     * Runs one duty cycle of one worker on the calling thread, leaving the others still: tests and benchmarks use
     * it to interleave workers deterministically. Invoker mode only.
     *
     * @param workerIndex the worker, in {@code [0, workerCount)}; shard {@code s} belongs to worker
     *                    {@code s % workerCount}.
     * @return the work done.
     * @throws IllegalStateException if the system is not in {@link ThreadingMode#INVOKER} mode.
     */
    public int invoke(final int workerIndex)
    {
        checkInvoker();
        return invokers[workerIndex].invoke();
    }

    private void checkInvoker()
    {
        if (null == invokers)
        {
            throw new IllegalStateException("invoke() needs ThreadingMode.INVOKER, not " + ctx.threadingMode());
        }
    }

    /**
     * The shard an actor's messages go to (fixed for the life of the system); its worker is
     * {@code shard % workerCount}.
     *
     * @param actor the actor.
     * @return the shard id.
     */
    public int shardOf(final ActorRef actor)
    {
        return router.ring().shardFor(actor.id());
    }

    /**
     * Runs duty cycles until one finds nothing to do (timers not yet due do not count). Invoker mode only.
     *
     * @return the total work done.
     * @throws IllegalStateException if not in invoker mode, or still busy after 10,000,000 cycles.
     */
    public long runUntilIdle()
    {
        long total = 0;
        for (int cycle = 0; cycle < 10_000_000; cycle++)
        {
            final int work = invoke();
            total += work;
            if (work == 0 && !hasOutboxWork())
            {
                return total;
            }
        }
        throw new IllegalStateException("still busy after 10,000,000 duty cycles");
    }

    private boolean hasOutboxWork()
    {
        for (final Worker worker : workers)
        {
            if (worker.hasPendingWork())
            {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Accounting and inspection
    // ---------------------------------------------------------------------------------------------------------

    /**
     * System-wide accounting: every sender and worker added up. Exact at quiescence.
     *
     * @return the snapshot.
     */
    public ActorStats stats()
    {
        final List<Counters> all = new ArrayList<>();
        for (final Worker worker : workers)
        {
            all.add(worker.counters);
        }
        for (final Client c : clients)
        {
            all.add(c.counters);
        }
        final ActorStats s = Counters.snapshot(all);
        return new ActorStats(s.accepted(), s.handled(), s.failed(), s.retried(), s.rejectedByBreaker(),
            s.rejectedFull(), s.deadLettered() + closeDeadLetters.get(), s.restarts(),
            s.lateReplies() + closeLateReplies.get());
    }

    /**
     * The write-ahead journal's recovery of a previous run, when the context configured a journal: what was found
     * ({@link io.bitactor.journal.Journal#recoveryReport()}) and the messages still to be handled (each actor's are
     * handled right after its first {@code init}).
     *
     * @return the recovered messages, or null when the journal is off.
     */
    public RecoveredFrames recovered()
    {
        return router.journal() == null ? null : router.journal().recovered();
    }

    boolean isClosing()
    {
        return closing;
    }

    /** One past the highest actor id handed out so far. */
    int nextActorId()
    {
        return nextId.get();
    }

    /**
     * The write-ahead journal, when the context configured one.
     *
     * @return the journal, or null.
     */
    public Journal journal()
    {
        return router.journal();
    }

    /**
     * Accounting of one live actor (per actor, "accepted" counts messages delivered to it).
     *
     * @param actor the actor.
     * @return the snapshot, or null if the actor has stopped or never existed.
     */
    public ActorStats stats(final ActorRef actor)
    {
        final ActorCell cell = registry.get(actor.id());
        return cell == null ? null : cell.counters.snapshot();
    }

    /**
     * A metrics snapshot of the whole system: accounting, mailbox depths and high-water marks, per-shard counts and
     * handling times. Any thread, also an actor's handler; lock-free towards the workers, which never wait for it.
     * Readers take a lock among themselves, and may wait until a worker finishes its current drain pass (for the
     * handling-time histograms). It reads every live actor's counters once (O(actors)) and allocates the result.
     * See {@link SystemMetrics} for how consistent it is.
     *
     * @return the snapshot.
     */
    public SystemMetrics metrics()
    {
        return metrics.system();
    }

    /**
     * A metrics snapshot of one live actor. Any thread; lock-free, allocates the result.
     *
     * @param actor the actor.
     * @return the snapshot, or null if the actor has stopped or never existed.
     */
    public ActorMetrics metrics(final ActorRef actor)
    {
        final ActorCell cell = registry.get(actor.id());
        return cell == null ? null : metrics.actor(cell);
    }

    /**
     * Hands a metrics snapshot of every live actor, in id order, to {@code consumer}, one at a time: nothing but the
     * record being handed over is kept, however many actors there are. Any thread; lock-free. An actor spawned or
     * stopped meanwhile may or may not be seen.
     *
     * @param consumer receives each snapshot, on the calling thread.
     * @return how many actors were reported.
     */
    public int forEachActorMetrics(final Consumer<ActorMetrics> consumer)
    {
        Objects.requireNonNull(consumer, "consumer");
        int count = 0;
        for (int id = ROOT_ID, end = nextId.get(); id < end; id++)
        {
            final ActorCell cell = registry.get(id);
            if (cell != null)
            {
                consumer.accept(metrics.actor(cell));
                count++;
            }
        }
        return count;
    }

    /**
     * A copy of the handling-time histogram of every shard merged (nanoseconds, since the system started), for
     * users who want more than {@link SystemMetrics#handlingTime()}. Any thread, as {@link #metrics()}.
     *
     * @return a new histogram owned by the caller; empty when recording is off.
     */
    public Histogram handlingTimeHistogram()
    {
        return metrics.handlingTimes(-1);
    }

    /**
     * A copy of one shard's handling-time histogram (nanoseconds, since the system started). Any thread, as
     * {@link #metrics()}.
     *
     * @param shard the shard id, in [0, shard count).
     * @return a new histogram owned by the caller; empty when recording is off.
     * @throws IllegalArgumentException if there is no such shard.
     */
    public Histogram handlingTimeHistogram(final int shard)
    {
        if (shard < 0 || shard >= stoppedByShard.length)
        {
            throw new IllegalArgumentException("no shard " + shard + ": the system has " + stoppedByShard.length);
        }
        return metrics.handlingTimes(shard);
    }

    /**
     * The circuit breaker guarding an actor: its own, or its shard's.
     *
     * @param actor the actor.
     * @return the breaker, or null when none guards it (or it is gone).
     */
    public CircuitBreaker circuitBreaker(final ActorRef actor)
    {
        final ActorCell cell = registry.get(actor.id());
        return cell == null ? null : cell.breaker;
    }

    /**
     * The ref of a live actor by id (for example an id received in a message payload).
     *
     * @param actorId the actor's id.
     * @return its ref, or null when no live actor has this id.
     */
    public ActorRef actorRef(final int actorId)
    {
        final ActorCell cell = registry.get(actorId);
        return cell == null ? null : cell.ref;
    }

    /**
     * Whether an actor is alive (spawned and not stopped for good).
     *
     * @param actor the actor.
     * @return true while it exists.
     */
    public boolean isAlive(final ActorRef actor)
    {
        return registry.get(actor.id()) != null;
    }

    /**
     * Actors alive now, the root guardian included.
     *
     * @return the count.
     */
    public int actorCount()
    {
        return liveActors.get();
    }

    /**
     * Infrastructure errors reported to the error handler so far.
     *
     * @return the count.
     */
    public long errorCount()
    {
        return errorCount.get();
    }

    /**
     * Why the system stopped by itself (an escalation reached the root), or null.
     *
     * @return the cause.
     */
    public Throwable terminationCause()
    {
        return terminationCause;
    }

    /**
     * Completes with the termination cause when an escalation reaches the root guardian.
     *
     * @return the future.
     */
    public CompletableFuture<Throwable> whenTerminated()
    {
        return terminated;
    }

    /**
     * What the last {@link #close()} found.
     *
     * @return the report, or null before close.
     */
    public ShutdownReport shutdownReport()
    {
        return shutdownReport;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Close
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Stops every actor (deepest in the supervision tree first, and in reverse start order at each level:
     * {@code terminate} runs with {@link StopReason#SHUTDOWN}), then closes the router, dead-letters whatever is
     * still queued (counted), stops the workers and records a {@link ShutdownReport}. Idempotent; any thread but
     * a worker thread.
     */
    public void close()
    {
        synchronized (closeLock)
        {
            if (closed)
            {
                return;
            }
            if (isWorkerThread())
            {
                throw new IllegalStateException("close() from a worker thread would wait for itself");
            }
            final int before = liveActors.get();
            closing = true;
            final long deadline = System.nanoTime() + ctx.shutdownTimeoutNs();
            for (int depth = maxDepth(); depth >= 0; depth--)
            {
                stopLevel(depth, deadline);
            }
            final int notStopped = liveActors.get();
            router.close();
            while (System.nanoTime() - deadline < 0 && !drained())
            {
                idle();
            }
            for (final AgentRunner runner : runners)
            {
                runner.close();
            }
            if (invokers != null)
            {
                for (final AgentInvoker invoker : invokers)
                {
                    invoker.close();
                }
            }
            for (final Client c : clients)
            {
                c.sender.close();
            }
            callTimeouts.shutdownNow();
            for (final ExternalCall pending : pendingCalls.values())
            {
                pending.future().completeExceptionally(new RejectedException(SendStatus.CLOSED, 0));
            }
            closed = true;
            final ActorStats stats = stats();
            shutdownReport = new ShutdownReport(before - notStopped, notStopped, stats.deadLettered(),
                stats.lateReplies(), terminationCause);
            deadLetters.flush(nanoClock.nanoTime());
            RuntimeLog.closed(shutdownReport);
        }
    }

    private int maxDepth()
    {
        int max = 0;
        for (int id = nextId.get() - 1; id >= ROOT_ID; id--)
        {
            final ActorCell cell = registry.get(id);
            if (cell != null)
            {
                max = Math.max(max, cell.depth);
            }
        }
        return max;
    }

    private void stopLevel(final int depth, final long deadline)
    {
        for (int id = nextId.get() - 1; id >= ROOT_ID; id--)
        {
            final ActorCell cell = registry.get(id);
            if (cell != null && cell.depth == depth)
            {
                sendSystem(id, SystemCommand.STOP, id, StopReason.SHUTDOWN.ordinal());
            }
        }
        while (System.nanoTime() - deadline < 0 && anyAlive(depth))
        {
            idle();
        }
    }

    private boolean anyAlive(final int depth)
    {
        for (int id = nextId.get() - 1; id >= ROOT_ID; id--)
        {
            final ActorCell cell = registry.get(id);
            if (cell != null && cell.depth == depth)
            {
                return true;
            }
        }
        return false;
    }

    private boolean drained()
    {
        for (final Mailbox mailbox : router.mailboxes())
        {
            if (mailbox.counters().depth() > 0)
            {
                return false;
            }
        }
        return !hasOutboxWork();
    }

    /** Waits a little, or drives the workers in invoker mode. */
    private void idle()
    {
        if (invokers != null)
        {
            if (invoke() == 0)
            {
                Thread.onSpinWait();
            }
        }
        else
        {
            LockSupport.parkNanos(100_000);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Called by workers and cells
    // ---------------------------------------------------------------------------------------------------------

    private Client client()
    {
        Client c = client.get();
        if (null == c)
        {
            final int endpointId = -nextEndpoint.incrementAndGet();
            c = new Client(router.newSender(endpointId), endpointId);
            clients.add(c);
            client.set(c);
        }
        return c;
    }

    /**
     * Sets the trace of this thread's next send in its client: the given context continued (same trace id and
     * flags, the context's span as parent), or a new trace (random non-zero 128-bit id, parent 0, sampled by the
     * ratio). A new span id either way. No allocation.
     */
    private void beginTrace(final Client c, final TraceContext context)
    {
        final ThreadLocalRandom random = ThreadLocalRandom.current();
        if (context != null && context.isValid())
        {
            c.traceIdHigh = context.traceIdHigh();
            c.traceIdLow = context.traceIdLow();
            c.parentSpanId = context.spanId();
            c.traceFlags = context.flags();
        }
        else
        {
            long high;
            long low;
            do
            {
                high = random.nextLong();
                low = random.nextLong();
            }
            while ((high | low) == 0);
            c.traceIdHigh = high;
            c.traceIdLow = low;
            c.parentSpanId = 0;
            final double ratio = traceSampleRatio;
            c.traceFlags = ratio >= 1.0 || (ratio > 0.0 && random.nextDouble() < ratio) ? TraceContext.FLAG_SAMPLED : 0;
        }
        long spanId;
        do
        {
            spanId = random.nextLong();
        }
        while (spanId == 0);
        c.spanId = spanId;
    }

    /**
     * Sends from a plain thread's sender with the trace set by {@link #beginTrace}; all or nothing, as
     * {@link Sender#send(int, int, MessageType, long, DirectBuffer, int, int)}.
     */
    private OfferStatus sendTraced(
        final Client c, final MessageType type, final int targetId, final long correlationId,
        final DirectBuffer buffer, final int offset, final int length)
    {
        final Sender sender = c.sender;
        if (length < 0 || length > ctx.maxPayloadLength())
        {
            // Refused and counted by the sender itself.
            return sender.send(c.endpointId, targetId, type, correlationId, buffer, offset, length);
        }
        final FrameEncoder encoder = sender.tryClaim();
        if (null == encoder)
        {
            return OfferStatus.SENDER_FULL;
        }
        encoder
            .sourceActorId(c.endpointId)
            .targetActorId(targetId)
            .messageType(type)
            .correlationId(correlationId)
            .traceIdHigh(c.traceIdHigh)
            .traceIdLow(c.traceIdLow)
            .spanId(c.spanId)
            .parentSpanId(c.parentSpanId)
            .traceFlags(c.traceFlags)
            .payload(buffer, offset, length);
        final OfferStatus status = sender.commit();
        if (status.isBackPressure())
        {
            sender.abort();
        }
        return status;
    }

    /** Records the span of a plain thread's call that timed out (call-timeout thread only: its own record). */
    private void recordExternalTimeout(final long correlationId, final ExternalCall call, final long startEpochNs)
    {
        long spanId;
        do
        {
            spanId = ThreadLocalRandom.current().nextLong();
        }
        while (spanId == 0);
        Worker.fillSpan(timeoutSpan, call.traceIdHigh(), call.traceIdLow(), spanId, call.spanId(), call.traceFlags(),
            SpanKind.REPLY, call.endpointId(), call.targetId(), 0, correlationId, startEpochNs, startEpochNs,
            epochNanoClock.nanoTime(), SpanOutcome.TIMED_OUT, null, 0);
        try
        {
            spanSink.onSpan(timeoutSpan);
        }
        catch (final Throwable t)
        {
            reportError(t);
        }
    }

    /** Pass as {@code nowNs} to {@link #admit} to have the clock read only when a breaker needs it. */
    static final long READ_CLOCK = Long.MIN_VALUE;

    /**
     * Send-side checks: the target exists and its breaker admits the message.
     */
    SendStatus admit(final ActorCell target, final int targetId, final long nowNs, final Counters sender)
    {
        if (null == target)
        {
            return SendStatus.UNKNOWN_ACTOR;
        }
        final CircuitBreaker breaker = target.breaker;
        if (breaker != null && !breaker.tryAcquirePermission(nowNs == READ_CLOCK ? nanoClock.nanoTime() : nowNs))
        {
            target.counters.incrementShared(Counters.REJECTED_BREAKER);
            sender.increment(Counters.REJECTED_BREAKER);
            return SendStatus.CIRCUIT_OPEN;
        }
        return SendStatus.ACCEPTED;
    }

    void afterSend(final ActorCell target, final SendStatus status, final Counters sender)
    {
        if (status == SendStatus.ACCEPTED)
        {
            sender.increment(Counters.ACCEPTED);
            return;
        }
        if (target.breaker != null)
        {
            target.breaker.releasePermission();
        }
        if (status.isBackPressure())
        {
            target.counters.incrementShared(Counters.REJECTED_FULL);
            sender.increment(Counters.REJECTED_FULL);
        }
    }

    void onExternalReply(final Worker worker, final FrameDecoder d)
    {
        final ExternalCall call = pendingCalls.remove(d.correlationId());
        if (null == call)
        {
            worker.counters.increment(Counters.LATE_REPLIES);
            return;
        }
        final CompletableFuture<byte[]> future = call.future();
        // The future is completed on this worker's thread: its span is recorded here with the worker's record.
        final boolean record = null != worker.spanSink && Worker.isSampled(d.traceFlags());
        final long startEpochNs = record ? worker.spanStartEpochNs() : 0;
        if (d.messageTypeCode() == Worker.REPLY)
        {
            future.complete(d.payloadAsBytes());
            if (record)
            {
                worker.recordFrameSpan(d, SpanKind.REPLY, d.targetActorId(), startEpochNs, SpanOutcome.OK, null, 0);
            }
        }
        else
        {
            final RuntimeException error = ErrorPayload.decode(d.buffer(), d.payloadOffset(), d.payloadLength());
            future.completeExceptionally(error);
            if (record)
            {
                worker.recordFrameSpan(d, SpanKind.REPLY, d.targetActorId(), startEpochNs, SpanOutcome.ERROR,
                    error.getClass(), 0);
            }
        }
    }

    void onCorruptFrame(final Worker worker, final FrameDecoder d)
    {
        reportError(new IllegalStateException("worker " + worker.index + " dropped a frame that failed " +
            "verification (" + d.verify() + ")"));
    }

    void onStopped(final ActorCell cell)
    {
        stoppedByShard[cell.shard].addShared(cell.counters);
        registry.remove(cell.id);
        liveActors.decrementAndGet();
    }

    void onRootFailure(final Throwable cause)
    {
        if (terminationCause == null)
        {
            terminationCause = cause;
            reportError(new IllegalStateException("escalation reached the root guardian: the system stops", cause));
            terminated.complete(cause);
            if (invokers == null)
            {
                final Thread closer = new Thread(this::close, "bitactor-shutdown");
                closer.setDaemon(true);
                closer.start();
            }
        }
    }

    void reportError(final Throwable t)
    {
        errorCount.incrementAndGet();
        try
        {
            errorHandler.onError(t);
        }
        catch (final Throwable ignore)
        {
            // The error handler must not throw; if it does, the count above still records the error.
        }
    }

    /** Dead letters so far: the workers' counts and those of the close (what {@link DeadLetters} reports). */
    private long deadLetterTotal()
    {
        long total = closeDeadLetters.get();
        for (final Worker worker : workers)
        {
            total += worker.counters.get(Counters.DEAD_LETTERED);
        }
        return total;
    }

    private void onRouterDeadLetter(
        final DeadLetterReason reason, final DirectBuffer buffer, final int offset, final int length)
    {
        if (reason != DeadLetterReason.MAILBOX_CLOSED)
        {
            // Refused at send (closed, no route): the sender got the status; it was never accepted.
            return;
        }
        final byte type = FrameDescriptor.messageTypeCode(buffer, offset);
        if (type == Worker.CAST || type == Worker.CALL)
        {
            closeDeadLetters.incrementAndGet();
            deadLetters.note(-1, FrameDescriptor.targetActorId(buffer, offset), reason, nanoClock.nanoTime());
        }
        else if (type == Worker.REPLY || type == Worker.ERROR_REPLY)
        {
            closeLateReplies.incrementAndGet();
        }
    }

    /** The root guardian: supervises top-level actors, handles no messages itself. */
    private static final class Guardian implements ActorBehavior
    {
        public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
        {
            reply.error(new UnsupportedOperationException("the root guardian takes no calls"));
        }

        public void handleCast(final ActorContext ctx, final Message message)
        {
        }
    }
}
