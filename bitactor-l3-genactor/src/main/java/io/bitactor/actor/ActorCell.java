package io.bitactor.actor;

import io.bitactor.core.FrameDecoder;
import io.bitactor.tracing.SpanKind;
import io.bitactor.tracing.SpanOutcome;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.IntHashSet;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;

/**
 * The runtime side of one actor: its behaviour instance, lifecycle state, stash, pending calls, children (when it
 * supervises) and watchers. It is also the actor's {@link ActorContext}. All of it is confined to the worker that
 * owns the actor's shard, except the immutable fields and the circuit breaker (read by senders).
 * <p>
 * Lifecycle: NEW (spawned, START not yet handled) -> RUNNING -> SUSPENDED (failed or stopped-to-be-restarted:
 * messages are stashed until the supervisor's RESTART) -> RUNNING ... -> STOPPED (final: removed from the
 * registry; later messages become dead letters).
 */
final class ActorCell extends Counters implements ActorContext
{
    static final int NEW = 0;
    static final int RUNNING = 1;
    static final int SUSPENDED = 2;
    static final int STOPPED = 3;

    private static final int STASH_INITIAL_CAPACITY = 4096;
    private static final int STASH_MAX_CAPACITY = 64 << 20;

    // Fields read or written for every message first: HotSpot lays out fields of one size in declaration order
    // (longs, then ints, then booleans, then references), after the Counters fields, so these stay on the cell's
    // first one or two lines.
    final int id;
    private int state = NEW;
    private boolean stopRequested;
    private final boolean timedBreaker;
    private ActorBehavior behavior;
    final CircuitBreaker breaker;
    /** This cell's own accounting: the cell is its own {@link Counters}, on the same cache lines. */
    final Counters counters = this;
    final Worker worker;
    final ActorSystem system;

    final ActorRef ref;
    final ActorSpec spec;
    final int parentId;
    final int depth;
    int incarnation;
    /** The shard it lives on: set before the cell is published in the registry, read by metrics snapshots. */
    int shard;

    private final RetryPolicy retry;
    private FrameQueue stash;
    private IntHashSet watchers;
    private ArrayList<Child> children;
    private long[] restartTimes;
    private int restartCursor;
    private SendStatus lastSendStatus = SendStatus.ACCEPTED;
    /** Why the last incarnation failed: written before CHILD_ENDED is sent, read by the supervisor after it. */
    private Throwable lastFailure;

    /** A supervisor's record of one child. */
    private static final class Child
    {
        final int id;
        final RestartType restartType;
        int consecutiveRestarts;
        long lastRestartNs;

        Child(final int id, final RestartType restartType)
        {
            this.id = id;
            this.restartType = restartType;
        }
    }

    ActorCell(
        final ActorSystem system, final int id, final ActorSpec spec, final int parentId, final int depth,
        final Worker worker, final CircuitBreaker breaker)
    {
        this.system = system;
        this.id = id;
        this.ref = new ActorRef(id, spec.name());
        this.spec = spec;
        this.parentId = parentId;
        this.depth = depth;
        this.worker = worker;
        this.breaker = breaker;
        this.retry = spec.retryPolicy();
        this.timedBreaker = breaker != null && breaker.config().slowCallThresholdNs() > 0;
    }

    int state()
    {
        return state;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Messages
    // ---------------------------------------------------------------------------------------------------------

    void onFrame(final Worker w, final FrameDecoder d, final int attempt)
    {
        switch (state)
        {
            case RUNNING:
                dispatch(w, d, attempt);
                break;
            case NEW:
            case SUSPENDED:
                stash(w, d, attempt);
                break;
            default:
                w.deadLetter(d, this, attempt);
                break;
        }
    }

    private void stash(final Worker w, final FrameDecoder d, final int attempt)
    {
        if (null == stash)
        {
            stash = new FrameQueue(STASH_INITIAL_CAPACITY, STASH_MAX_CAPACITY);
        }
        // The frame's journal record goes with the copy: it is marked handled when the copy is handled, so a crash
        // while the actor waits for its restart delivers the frame again after the restart of the process.
        final long journalRecord = w.takeJournalRecord();
        if (stash.append(d.buffer(), d.offset(), d.frameLength(), journalRecord, attempt))
        {
            counters.held(1);
        }
        else
        {
            w.settleJournalRecord(journalRecord, d.frameLength()); // dead-lettered: reported, not lost
            system.reportError(new IllegalStateException("stash of actor " + id + " is full (" +
                STASH_MAX_CAPACITY + " bytes): message " + d.messageId() + " dead-lettered"));
            w.deadLetter(d, this, attempt);
        }
    }

    private void replayStash(final Worker w)
    {
        FrameQueue stash;
        while ((stash = this.stash) != null && state == RUNNING && !stash.isEmpty())
        {
            final FrameDecoder d = w.replayDecoder.wrap(stash.headBuffer(), stash.headOffset(), stash.headLength());
            final int attempt = stash.headExtra();
            final long journalRecord = stash.headTag();
            // Taken off before it is handled: if the handler stops the actor, the rest of the stash becomes dead
            // letters and this frame must not be among them. Its bytes stay in place: nothing is appended to the
            // stash while this actor is running.
            stash.pop();
            counters.held(-1);
            if (d.messageTypeCode() == Worker.SYSTEM)
            {
                w.deliver(d, attempt);
            }
            else
            {
                w.deliverWithRecord(this, d, attempt, journalRecord);
            }
        }
    }

    /**
     * Handles a message for this running actor. With tracing off ({@code w.spanSink == null}) the cost of tracing
     * is this one null check; with a sink, a sampled message's handling is timed and recorded as one span.
     */
    void dispatch(final Worker w, final FrameDecoder d, final int attempt)
    {
        if (null == w.spanSink)
        {
            handle(w, d, attempt);
            return;
        }
        dispatchTraced(w, d, attempt);
    }

    private void dispatchTraced(final Worker w, final FrameDecoder d, final int attempt)
    {
        final int flags = d.traceFlags();
        if (!Worker.isSampled(flags))
        {
            handle(w, d, attempt);
            return;
        }
        // The header is read before handling: a stop during the handling may re-wrap the worker's replay decoder,
        // which is what d is for a stashed or retried frame.
        final long traceHigh = d.traceIdHigh();
        final long traceLow = d.traceIdLow();
        final long spanId = d.spanId();
        final long parentSpanId = d.parentSpanId();
        final int source = d.sourceActorId();
        final long messageId = d.messageId();
        final long correlationId = d.correlationId();
        final long timestamp = d.timestamp();
        final byte type = d.messageTypeCode();
        final long startEpochNs = w.spanStartEpochNs();
        final int outcome = handle(w, d, attempt);
        if (outcome != SPAN_NONE)
        {
            final SpanKind kind = type == Worker.CAST ? SpanKind.CAST : type == Worker.CALL ? SpanKind.CALL :
                SpanKind.REPLY;
            final boolean isReply = kind == SpanKind.REPLY;
            w.recordSpan(traceHigh, traceLow, spanId, parentSpanId, flags, kind, id, source, messageId,
                isReply ? correlationId : 0, Worker.sentEpochNs(timestamp), startEpochNs, spanOutcome(outcome),
                outcome == SPAN_ERROR ? w.failureClass : null, isReply ? 0 : attempt - 1);
        }
        w.failureClass = null;
    }

    /** How a handling ended, for its span. */
    private static final int SPAN_OK = 0;
    private static final int SPAN_ERROR = 1;
    private static final int SPAN_REJECTED = 2;
    /** No span: a retry was scheduled (the last attempt records it), or a late reply found no waiting call. */
    private static final int SPAN_NONE = 3;

    private static SpanOutcome spanOutcome(final int outcome)
    {
        switch (outcome)
        {
            case SPAN_OK:
                return SpanOutcome.OK;
            case SPAN_ERROR:
                return SpanOutcome.ERROR;
            default:
                return SpanOutcome.REJECTED;
        }
    }

    /**
     * Runs the behaviour (or the reply handler) for one message.
     *
     * @return how it ended, one of the SPAN_ codes; {@code w.failureClass} names the failure of SPAN_ERROR.
     */
    private int handle(final Worker w, final FrameDecoder d, final int attempt)
    {
        final byte type = d.messageTypeCode();
        if (type == Worker.REPLY || type == Worker.ERROR_REPLY)
        {
            return onReply(w, d);
        }
        if (attempt == 1)
        {
            counters.increment(Counters.ACCEPTED);
        }
        final CircuitBreaker breaker = this.breaker;
        if (breaker != null && breaker.state() == CircuitBreaker.State.OPEN)
        {
            // Fail fast: the breaker opened while this message was queued.
            failed(w);
            if (type == Worker.CALL)
            {
                w.sendError(id, d.sourceActorId(), d.correlationId(), CircuitOpenException.class.getName(),
                    breaker.name(), attempt, d.traceIdHigh(), d.traceIdLow(), d.spanId(), d.traceFlags());
            }
            return SPAN_REJECTED;
        }
        final long startNs = timedBreaker ? system.nanoClock.nanoTime() : 0;
        final MessageView view = w.view.wrap(d, attempt);
        w.traceIdHigh = d.traceIdHigh();
        w.traceIdLow = d.traceIdLow();
        w.spanId = d.spanId();
        w.traceFlags = d.traceFlags();
        final ReplyChannel reply = type == Worker.CALL ? w.reply.reset(this, d, attempt) : null;
        int outcome = SPAN_OK;
        try
        {
            if (type == Worker.CAST)
            {
                behavior.handleCast(this, view);
            }
            else
            {
                behavior.handleCall(this, view, reply);
                if (!reply.isDone())
                {
                    reply.fail(IllegalStateException.class.getName(), "handleCall returned without replying");
                    failed(w);
                    recordOutcome(breaker, false, startNs);
                    w.failureClass = IllegalStateException.class;
                    return SPAN_ERROR;
                }
            }
            counters.increment(Counters.HANDLED);
            w.counters.increment(Counters.HANDLED);
            recordOutcome(breaker, true, startNs);
        }
        catch (final Throwable t)
        {
            recordOutcome(breaker, false, startNs);
            if (onFailure(w, d, reply, attempt, t))
            {
                outcome = SPAN_NONE;
            }
            else
            {
                w.failureClass = t.getClass();
                outcome = SPAN_ERROR;
            }
        }
        finally
        {
            w.clearTrace();
        }
        if (stopRequested)
        {
            stopSelf(w);
        }
        return outcome;
    }

    private void recordOutcome(final CircuitBreaker breaker, final boolean success, final long startNs)
    {
        if (breaker != null)
        {
            final long now = timedBreaker ? system.nanoClock.nanoTime() : worker.nowNs();
            final long durationNs = timedBreaker ? now - startNs : 0;
            if (success)
            {
                breaker.onSuccess(durationNs, now);
            }
            else
            {
                breaker.onFailure(durationNs, now);
            }
        }
    }

    private void failed(final Worker w)
    {
        counters.increment(Counters.FAILED);
        w.counters.increment(Counters.FAILED);
    }

    /**
     * @return true if a retry was scheduled (the handling is not over).
     */
    private boolean onFailure(
        final Worker w, final FrameDecoder d, final ReplyChannel reply, final int attempt, final Throwable t)
    {
        if (reply != null && !reply.isDone())
        {
            if (retry.shouldRetry(attempt, t))
            {
                // Retried in place, without a restart: the same frame (same message id) comes back after the
                // backoff, on the timer wheel; messages behind it are not held up.
                counters.increment(Counters.RETRIED);
                w.counters.increment(Counters.RETRIED);
                w.scheduleRetry(this, d, attempt + 1, retry.backoffNs(attempt, w.random.nextLong()));
                return true;
            }
            reply.fail(t.getClass().getName(), String.valueOf(t.getMessage()));
        }
        failed(w);
        fail(w, t);
        return false;
    }

    /**
     * A reply (or error reply) for a call this actor made: its handler runs with the reply's trace, so what it sends
     * continues the trace under the reply's span.
     */
    private int onReply(final Worker w, final FrameDecoder d)
    {
        final PendingCalls calls = w.calls;
        final int slot = calls.find(d.correlationId(), this);
        if (slot < 0)
        {
            counters.increment(Counters.LATE_REPLIES);
            w.counters.increment(Counters.LATE_REPLIES);
            return SPAN_NONE;
        }
        final ReplyHandler handler = calls.handler(slot);
        calls.release(slot);
        w.traceIdHigh = d.traceIdHigh();
        w.traceIdLow = d.traceIdLow();
        w.spanId = d.spanId();
        w.traceFlags = d.traceFlags();
        int outcome = SPAN_OK;
        try
        {
            if (d.messageTypeCode() == Worker.REPLY)
            {
                handler.onReply(this, w.view.wrap(d, 1));
            }
            else
            {
                final RuntimeException error = ErrorPayload.decode(d.buffer(), d.payloadOffset(), d.payloadLength());
                // An error reply is delivered, but the call failed: its span is an ERROR naming what the caller got.
                w.failureClass = error.getClass();
                outcome = SPAN_ERROR;
                handler.onError(this, d.correlationId(), error);
            }
        }
        catch (final Throwable t)
        {
            w.failureClass = t.getClass();
            outcome = SPAN_ERROR;
            fail(w, t);
        }
        finally
        {
            w.clearTrace();
        }
        if (stopRequested)
        {
            stopSelf(w);
        }
        return outcome;
    }

    /**
     * A call of this actor timed out: its handler's {@code onError} gets a {@link CallTimeoutException}, running
     * with the call's trace under a new span (the timeout's), which is recorded as a {@link SpanKind#REPLY} span
     * with outcome {@link SpanOutcome#TIMED_OUT} when the trace is sampled and a sink is set.
     */
    void onCallTimeout(
        final Worker w, final ReplyHandler handler, final long correlationId, final long timeoutNs,
        final long traceHigh, final long traceLow, final long callSpanId, final int flags, final int targetId)
    {
        if (state != RUNNING)
        {
            return;
        }
        final boolean traced = (traceHigh | traceLow) != 0;
        final long timeoutSpanId = traced ? w.nextSpanId() : 0;
        final boolean record = null != w.spanSink && traced && Worker.isSampled(flags);
        final long startEpochNs = record ? w.spanStartEpochNs() : 0;
        w.traceIdHigh = traceHigh;
        w.traceIdLow = traceLow;
        w.spanId = timeoutSpanId;
        w.traceFlags = flags;
        try
        {
            runInfo(w, () -> handler.onError(this, correlationId, new CallTimeoutException(correlationId, timeoutNs)));
        }
        finally
        {
            w.clearTrace();
        }
        if (record)
        {
            w.recordSpan(traceHigh, traceLow, timeoutSpanId, callSpanId, flags, SpanKind.REPLY, id, targetId, 0,
                correlationId, startEpochNs, startEpochNs, SpanOutcome.TIMED_OUT, null, 0);
        }
    }

    void onUserTimer(final Worker w, final int timerIncarnation, final long timerId, final long tag)
    {
        if (state == RUNNING && timerIncarnation == incarnation)
        {
            runInfo(w, () -> behavior.handleInfo(this, w.view.timer(timerId, tag)));
        }
    }

    private interface Callback
    {
        void run() throws Exception;
    }

    private void runInfo(final Worker w, final Callback callback)
    {
        try
        {
            callback.run();
        }
        catch (final Throwable t)
        {
            fail(w, t);
        }
        if (stopRequested)
        {
            stopSelf(w);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // System commands
    // ---------------------------------------------------------------------------------------------------------

    void onSystem(final Worker w, final FrameDecoder d, final int command, final int subject, final long argument)
    {
        switch (command)
        {
            case SystemCommand.START:
                if (state == NEW)
                {
                    start(w);
                }
                break;
            case SystemCommand.STOP:
                finalStop(w, StopReason.values()[(int)argument]);
                break;
            case SystemCommand.RESTART:
                onRestart(w, argument);
                break;
            case SystemCommand.ADD_CHILD:
                addChild(subject);
                break;
            case SystemCommand.CHILD_ENDED:
                onChildEnded(w, subject, argument != 0);
                break;
            case SystemCommand.CHILD_STOPPED:
                removeChild(subject);
                break;
            case SystemCommand.WATCH:
                if (null == watchers)
                {
                    watchers = new IntHashSet();
                }
                watchers.add(subject);
                break;
            case SystemCommand.UNWATCH:
                if (watchers != null)
                {
                    watchers.remove(subject);
                }
                break;
            case SystemCommand.TERMINATED:
                if (state == RUNNING)
                {
                    runInfo(w, () -> behavior.handleInfo(this, w.view.terminated(subject)));
                }
                else if (state == NEW || state == SUSPENDED)
                {
                    stash(w, d, 1);
                }
                break;
            default:
                system.reportError(new IllegalStateException("unknown system command " + command + " to actor " + id));
                break;
        }
    }

    private void start(final Worker w)
    {
        final ActorBehavior fresh;
        try
        {
            fresh = spec.factory().get();
            if (null == fresh)
            {
                throw new IllegalStateException("the factory of actor '" + spec.name() + "' returned null");
            }
        }
        catch (final Throwable t)
        {
            state = RUNNING;
            fail(w, t);
            w.replayRecovered(id); // stashed for the restart
            return;
        }
        behavior = fresh;
        state = RUNNING;
        try
        {
            fresh.init(this);
        }
        catch (final Throwable t)
        {
            fail(w, t);
            w.replayRecovered(id); // stashed for the restart
            return;
        }
        if (stopRequested)
        {
            stopSelf(w);
            w.replayRecovered(id); // the actor is gone: reported as dead letters, not lost silently
            return;
        }
        // What a previous run's journal holds for this actor is older than anything sent in this run.
        w.replayRecovered(id);
        replayStash(w);
    }

    /**
     * A failure: the incarnation ends, its children are stopped, messages are stashed, the supervisor decides.
     */
    private void fail(final Worker w, final Throwable cause)
    {
        if (state != RUNNING)
        {
            return;
        }
        lastFailure = cause;
        terminate(StopReason.FAILURE);
        state = SUSPENDED;
        stopChildren(w, StopReason.SUPERVISOR);
        if (parentId == 0)
        {
            system.onRootFailure(cause);
            return;
        }
        w.sendSystem(parentId, SystemCommand.CHILD_ENDED, id, 1);
    }

    private void stopSelf(final Worker w)
    {
        stopRequested = false;
        if (state != RUNNING)
        {
            return;
        }
        if (spec.restartType() == RestartType.PERMANENT && parentId != 0)
        {
            // A permanent child is restarted even after a normal stop (Erlang/OTP): wait for the supervisor.
            lastFailure = null;
            terminate(StopReason.NORMAL);
            state = SUSPENDED;
            stopChildren(w, StopReason.SUPERVISOR);
            w.sendSystem(parentId, SystemCommand.CHILD_ENDED, id, 0);
            return;
        }
        finalStop(w, StopReason.NORMAL);
    }

    private void onRestart(final Worker w, final long delayNs)
    {
        if (state == STOPPED)
        {
            return;
        }
        if (state == RUNNING)
        {
            // A sibling restart (one-for-all, rest-for-one): end this incarnation; its queue stays.
            lastFailure = null; // this incarnation did not fail (an older failure must not be reported again)
            terminate(StopReason.RESTART);
            state = SUSPENDED;
            stopChildren(w, StopReason.SUPERVISOR);
        }
        if (delayNs > 0)
        {
            w.scheduleTimer(Worker.TIMER_RESTART, this, delayNs, 0);
            return;
        }
        restartNow(w);
    }

    void onRestartTimer(final Worker w, final int timerIncarnation)
    {
        if (state == SUSPENDED && timerIncarnation == incarnation)
        {
            restartNow(w);
        }
    }

    private void restartNow(final Worker w)
    {
        counters.increment(Counters.RESTARTS);
        w.counters.increment(Counters.RESTARTS);
        RuntimeLog.restarted(this, lastFailure, counters.get(Counters.RESTARTS));
        state = NEW;
        start(w);
    }

    /**
     * Stops for good: terminate, stop children, dead-letter what is stashed, tell watchers and the supervisor.
     */
    private void finalStop(final Worker w, final StopReason reason)
    {
        if (state == STOPPED)
        {
            return;
        }
        if (state == RUNNING)
        {
            terminate(reason);
        }
        state = STOPPED;
        incarnation++;
        stopChildren(w, reason == StopReason.SHUTDOWN ? StopReason.SHUTDOWN : StopReason.SUPERVISOR);
        if (stash != null)
        {
            while (!stash.isEmpty())
            {
                final FrameDecoder d = w.replayDecoder.wrap(stash.headBuffer(), stash.headOffset(),
                    stash.headLength());
                if (d.messageTypeCode() != Worker.SYSTEM)
                {
                    w.deadLetter(d, this, stash.headExtra());
                    if (!system.isClosing())
                    {
                        // Reported as a dead letter for good; at a shutdown it stays pending for the next run.
                        w.settleJournalRecord(stash.headTag(), d.frameLength());
                    }
                }
                stash.pop();
                counters.held(-1);
            }
            stash = null;
        }
        if (watchers != null)
        {
            for (final int watcher : watchers)
            {
                w.sendSystem(watcher, SystemCommand.TERMINATED, id, 0);
            }
            watchers = null;
        }
        system.onStopped(this);
        RuntimeLog.stopped(this, reason);
        if (parentId != 0)
        {
            w.sendSystem(parentId, SystemCommand.CHILD_STOPPED, id, reason.ordinal());
        }
    }

    private void terminate(final StopReason reason)
    {
        final ActorBehavior behavior = this.behavior;
        this.behavior = null;
        incarnation++;
        if (behavior != null)
        {
            try
            {
                behavior.terminate(this, reason);
            }
            catch (final Throwable t)
            {
                system.reportError(t);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Supervision (this actor as a supervisor)
    // ---------------------------------------------------------------------------------------------------------

    private void addChild(final int childId)
    {
        final ActorCell child = system.registry.get(childId);
        if (null == child)
        {
            return;
        }
        if (null == children)
        {
            children = new ArrayList<>();
        }
        children.add(new Child(childId, child.spec.restartType()));
    }

    private void removeChild(final int childId)
    {
        final int index = indexOfChild(childId);
        if (index >= 0)
        {
            children.remove(index);
        }
    }

    private int indexOfChild(final int childId)
    {
        if (children != null)
        {
            for (int i = 0, n = children.size(); i < n; i++)
            {
                if (children.get(i).id == childId)
                {
                    return i;
                }
            }
        }
        return -1;
    }

    private void stopChildren(final Worker w, final StopReason reason)
    {
        if (children != null)
        {
            // Reverse start order, as an OTP supervisor shuts its children down.
            for (int i = children.size() - 1; i >= 0; i--)
            {
                w.sendSystem(children.get(i).id, SystemCommand.STOP, id, reason.ordinal());
            }
            children.clear();
        }
    }

    private void onChildEnded(final Worker w, final int childId, final boolean failed)
    {
        final int index = indexOfChild(childId);
        if (index < 0 || state == STOPPED)
        {
            // Not (or no longer) ours: make sure it does not linger suspended.
            w.sendSystem(childId, SystemCommand.STOP, id, StopReason.SUPERVISOR.ordinal());
            return;
        }
        final Child child = children.get(index);
        if (!child.restartType.restartsAfter(failed))
        {
            children.remove(index);
            w.sendSystem(childId, SystemCommand.STOP, id, StopReason.SUPERVISOR.ordinal());
            return;
        }
        final SupervisorStrategy strategy = spec.supervisorStrategy();
        final long now = w.nowNs();
        if (!admitRestart(strategy, now))
        {
            final ActorCell failedChild = system.registry.get(childId);
            RuntimeLog.escalated(this, strategy, childId, parentId == 0);
            fail(w, new SupervisorEscalationException(spec.name(), id, strategy.maxRestarts(),
                strategy.withinNs(), childId, failed && failedChild != null ? failedChild.lastFailure : null));
            return;
        }
        switch (strategy.kind())
        {
            case ONE_FOR_ONE:
                restartChild(w, strategy, child, now);
                break;
            case ONE_FOR_ALL:
                restartFrom(w, strategy, 0, now);
                break;
            case REST_FOR_ONE:
                restartFrom(w, strategy, index, now);
                break;
            default:
                break;
        }
    }

    private void restartFrom(final Worker w, final SupervisorStrategy strategy, final int from, final long now)
    {
        for (int i = from; i < children.size(); )
        {
            final Child child = children.get(i);
            if (child.restartType == RestartType.TEMPORARY)
            {
                children.remove(i);
                w.sendSystem(child.id, SystemCommand.STOP, id, StopReason.SUPERVISOR.ordinal());
                continue;
            }
            restartChild(w, strategy, child, now);
            i++;
        }
    }

    private void restartChild(final Worker w, final SupervisorStrategy strategy, final Child child, final long now)
    {
        // Restarts in a row grow the backoff; a quiet spell as long as the intensity window resets it.
        child.consecutiveRestarts = child.lastRestartNs != 0 && now - child.lastRestartNs <= strategy.withinNs() ?
            child.consecutiveRestarts + 1 : 1;
        child.lastRestartNs = now;
        final long delayNs = strategy.backoffNs(child.consecutiveRestarts, w.random.nextLong());
        w.sendSystem(child.id, SystemCommand.RESTART, id, delayNs);
    }

    /**
     * Restart intensity: at most maxRestarts restarts within the window, counted over this supervisor's
     * children together (as OTP does).
     */
    private boolean admitRestart(final SupervisorStrategy strategy, final long now)
    {
        final int max = strategy.maxRestarts();
        if (max == 0)
        {
            return false;
        }
        if (null == restartTimes || restartTimes.length != max)
        {
            restartTimes = new long[max];
            java.util.Arrays.fill(restartTimes, Long.MIN_VALUE);
            restartCursor = 0;
        }
        final long oldest = restartTimes[restartCursor];
        if (oldest != Long.MIN_VALUE && now - oldest <= strategy.withinNs())
        {
            return false;
        }
        restartTimes[restartCursor] = now;
        restartCursor = (restartCursor + 1) % max;
        return true;
    }

    // ---------------------------------------------------------------------------------------------------------
    // ActorContext
    // ---------------------------------------------------------------------------------------------------------

    /** {@inheritDoc} */
    public ActorRef self()
    {
        return ref;
    }

    /** {@inheritDoc} */
    public int selfId()
    {
        return id;
    }

    /** {@inheritDoc} */
    public ActorSystem system()
    {
        return system;
    }

    /** {@inheritDoc} */
    public long nanoTime()
    {
        return system.nanoClock.nanoTime();
    }

    /** {@inheritDoc} */
    public MutableDirectBuffer scratchBuffer()
    {
        return worker.scratchBuffer();
    }

    /** {@inheritDoc} */
    public SendStatus cast(final int targetId, final DirectBuffer buffer, final int offset, final int length)
    {
        final Worker w = worker;
        final ActorCell target = system.registry.get(targetId);
        final SendStatus admitted = system.admit(target, targetId, w.nowNs(), w.counters);
        if (admitted != SendStatus.ACCEPTED)
        {
            return admitted;
        }
        final SendStatus status = w.send(Worker.CAST, id, targetId, 0, buffer, offset, length,
            w.traceIdHigh, w.traceIdLow, w.spanId, w.traceFlags);
        system.afterSend(target, status, w.counters);
        return status;
    }

    /** {@inheritDoc} */
    public SendStatus cast(final ActorRef target, final String payload)
    {
        final byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        return cast(target.id(), new org.agrona.concurrent.UnsafeBuffer(bytes), 0, bytes.length);
    }

    /** {@inheritDoc} */
    public long call(
        final int targetId, final DirectBuffer buffer, final int offset, final int length, final long timeoutNs,
        final ReplyHandler handler)
    {
        if (timeoutNs <= 0)
        {
            throw new IllegalArgumentException("timeoutNs must be > 0: " + timeoutNs);
        }
        final Worker w = worker;
        final ActorCell target = system.registry.get(targetId);
        final SendStatus admitted = system.admit(target, targetId, w.nowNs(), w.counters);
        if (admitted != SendStatus.ACCEPTED)
        {
            lastSendStatus = admitted;
            return 0;
        }
        // Calls this actor is waiting for: their handlers, deadlines and correlation ids live in the worker's table.
        final long correlationId = w.calls.register(this, handler, w.nowNs(), timeoutNs);
        final SendStatus status = w.send(Worker.CALL, id, targetId, correlationId, buffer, offset, length,
            w.traceIdHigh, w.traceIdLow, w.spanId, w.traceFlags);
        system.afterSend(target, status, w.counters);
        lastSendStatus = status;
        if (status != SendStatus.ACCEPTED)
        {
            w.calls.release(w.calls.find(correlationId, this));
            return 0;
        }
        // Kept for a timeout: its handler continues the trace and its span names the call's span as parent.
        w.calls.trace(correlationId, w.traceIdHigh, w.traceIdLow, w.lastSpanId, w.traceFlags, targetId);
        return correlationId;
    }

    /** {@inheritDoc} */
    public SendStatus lastSendStatus()
    {
        return lastSendStatus;
    }

    /** {@inheritDoc} */
    public SendStatus reply(final DeferredReply deferred, final DirectBuffer buffer, final int offset, final int length)
    {
        if (deferred.ownerId != id)
        {
            throw new IllegalStateException("deferred reply belongs to actor " + deferred.ownerId + ", not " + id);
        }
        if (deferred.answered)
        {
            throw new IllegalStateException("deferred reply already answered: " + deferred);
        }
        deferred.answered = true;
        return worker.send(Worker.REPLY, id, deferred.callerId, deferred.correlationId, buffer, offset, length,
            deferred.traceIdHigh, deferred.traceIdLow, deferred.spanId, deferred.traceFlags);
    }

    /** {@inheritDoc} */
    public long startTimer(final long delayNs, final long tag)
    {
        if (delayNs < 0)
        {
            throw new IllegalArgumentException("delayNs must be >= 0: " + delayNs);
        }
        return worker.scheduleTimer(Worker.TIMER_USER, this, delayNs, tag);
    }

    /** {@inheritDoc} */
    public boolean cancelTimer(final long timerId)
    {
        return worker.cancelTimer(timerId, this);
    }

    /** {@inheritDoc} */
    public void stop()
    {
        stopRequested = true;
    }

    /** {@inheritDoc} */
    public ActorRef spawn(final ActorSpec spec)
    {
        return system.spawn(spec, this);
    }

    /** {@inheritDoc} */
    public void watch(final ActorRef target)
    {
        worker.sendSystem(target.id(), SystemCommand.WATCH, id, 0);
    }

    /** {@inheritDoc} */
    public void unwatch(final ActorRef target)
    {
        worker.sendSystem(target.id(), SystemCommand.UNWATCH, id, 0);
    }

    /** {@inheritDoc} */
    public String toString()
    {
        return "ActorCell{" + spec.name() + "#" + id + ", state=" + state + ", incarnation=" + incarnation + "}";
    }
}
