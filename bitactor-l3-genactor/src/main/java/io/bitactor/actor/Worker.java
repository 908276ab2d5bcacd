package io.bitactor.actor;

import io.bitactor.core.FrameDecoder;
import io.bitactor.core.FrameDescriptor;
import io.bitactor.core.FrameEncoder;
import io.bitactor.core.HybridLogicalClock;
import io.bitactor.core.MessageType;
import io.bitactor.journal.Journal;
import io.bitactor.journal.RecoveredFrames;
import io.bitactor.mailbox.DeadLetterReason;
import io.bitactor.mailbox.FrameHandler;
import io.bitactor.mailbox.Mailbox;
import io.bitactor.mailbox.OfferStatus;
import io.bitactor.mailbox.Sender;
import io.bitactor.tracing.SpanKind;
import io.bitactor.tracing.internal.ClaimingSpanSink;
import io.bitactor.tracing.internal.MutableSpanRecord;
import io.bitactor.tracing.SpanOutcome;
import io.bitactor.tracing.SpanSink;
import org.agrona.DeadlineTimerWheel;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayDeque;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One worker agent: drains its shards' mailboxes, runs the actors that live on them, fires their timers and
 * retries, and sends on their behalf through its own L2 {@link Sender}. Everything here is confined to the
 * worker's thread (the thread that calls {@link #doWork()}).
 * <p>
 * Per message the work is: verify the frame's CRC32C, advance the hybrid logical clock, look the target up by id,
 * check its circuit breaker, run the behaviour, count the outcome. Sends that meet a full mailbox wait in the
 * outbox, in order, and are offered again first thing on the next duty cycle: a worker never blocks and never
 * spins on another worker's mailbox (which could deadlock two workers sending to each other).
 */
final class Worker implements Agent, FrameHandler, DeadlineTimerWheel.TimerHandler
{
    static final byte CAST = MessageType.CAST.code();
    static final byte CALL = MessageType.CALL.code();
    static final byte REPLY = MessageType.REPLY.code();
    static final byte ERROR_REPLY = MessageType.ERROR_REPLY.code();
    static final byte SYSTEM = MessageType.SYSTEM.code();

    private static final int TIMER_POLL_LIMIT = 1024;
    private static final int OUTBOX_FLUSH_LIMIT = 1024;
    private static final int TICKS_PER_WHEEL = 512;

    final ActorSystem system;
    final int index;
    final Sender sender;
    final Counters counters = new Counters();
    final MessageView view = new MessageView();
    final ReplyChannel reply = new ReplyChannel(this);
    final SplittableRandom random;
    final FrameDecoder replayDecoder;
    final PendingCalls calls;
    private final FrameDecoder recoveredDecoder;
    private final FrameHandler recoveredHandler = this::onRecoveredFrame;
    private final Journal.Settler journalSettler;
    // Where the journal record of the frame being delivered is: the mailbox being drained (for its current frame),
    // or deliveringRecord (a stashed, retried or recovered copy). See takeJournalRecord().
    private Mailbox draining;
    private boolean deliveringFromMailbox;
    private long deliveringRecord;

    private final FrameDecoder decoder;
    private final int maxPayloadLength;
    private final int batchSize;
    private final boolean invoker;
    private final UnsafeBuffer scratch;
    private final UnsafeBuffer detachedFrame;
    private final UnsafeBuffer controlPayload = new UnsafeBuffer(new byte[SystemCommand.LENGTH]);
    private final UnsafeBuffer errorPayload;
    private final UnsafeBuffer wrapper = new UnsafeBuffer(0, 0);
    private final FrameQueue outbox;
    private final DeadlineTimerWheel wheel;
    private final Long2ObjectHashMap<TimerEntry> timers = new Long2ObjectHashMap<>();
    private final ArrayDeque<TimerEntry> timerPool = new ArrayDeque<>();
    private Mailbox[] mailboxes = new Mailbox[0];
    // Handling times (null when off): per shard slot, one clock read per frame (a frame's end is the next one's start).
    private final boolean timeFrames;
    private HandlingTimes handlingTimes;
    private int drainingSlot;
    private boolean frameClockRead;
    private long frameEndNs;
    private long nowNs;
    // The span clock (only with a span sink): epoch time = this worker's NanoClock reading + an offset sampled from
    // the EpochNanoClock once per EPOCH_OFFSET_REFRESH_NS, so a traced frame costs no epoch-clock read of its own
    // and, with handling times on, shares the frame's start and end readings with the histogram.
    private static final long EPOCH_OFFSET_REFRESH_NS = 1_000_000_000L;
    private long epochOffsetNs;
    private long epochOffsetSampledNs;
    private boolean epochOffsetSampled;
    // Within onFrame with handling times on: the frame's start reading, and whether its end was read for a span.
    private boolean inTimedFrame;
    private long frameStartNs;
    private boolean frameEndRead;
    private long spanIds;
    private Thread thread;

    // Trace context of the message being handled: inherited by what the handler sends.
    long traceIdHigh;
    long traceIdLow;
    long spanId;
    int traceFlags;
    /** The span id given to the last frame this worker sent with a trace (a call's span, kept for its timeout). */
    long lastSpanId;

    // Tracing: spanSink is null when the system's sink is SpanSink.NONE, so "tracing off" is one null check.
    final SpanSink spanSink;
    /** The span sink when spans can be written straight into it (a RingBufferSpanSink), otherwise null. */
    private final ClaimingSpanSink claimingSpanSink;
    final EpochNanoClock epochNanoClock;
    private final MutableSpanRecord spanRecord = new MutableSpanRecord();
    /** The class of the failure that ended the last handling (read by span recording, failure paths only). */
    Class<? extends Throwable> failureClass;

    Worker(final ActorSystem system, final int index, final Sender sender, final ActorSystemContext ctx)
    {
        this.system = system;
        this.index = index;
        this.sender = sender;
        this.maxPayloadLength = ctx.maxPayloadLength();
        this.batchSize = ctx.batchSize();
        this.invoker = ctx.threadingMode() == ThreadingMode.INVOKER;
        this.timeFrames = ctx.handlingTimeHistogram();
        this.decoder = new FrameDecoder(maxPayloadLength);
        this.replayDecoder = new FrameDecoder(maxPayloadLength);
        this.recoveredDecoder = new FrameDecoder(maxPayloadLength);
        this.journalSettler = system.journal() == null ? null : system.journal().newSettler();
        this.scratch = new UnsafeBuffer(new byte[maxPayloadLength]);
        this.errorPayload = new UnsafeBuffer(new byte[maxPayloadLength]);
        this.detachedFrame = new UnsafeBuffer(new byte[FrameDescriptor.maxFrameLength(maxPayloadLength)]);
        this.outbox = new FrameQueue(64 * 1024, ctx.outboxCapacity());
        this.random = new SplittableRandom(ctx.randomSeed() + 31L * index);
        this.nowNs = ctx.nanoClock().nanoTime();
        final long tick = Long.highestOneBit(Math.max(1L, ctx.timerTickNs() - 1)) << 1;
        this.wheel = new DeadlineTimerWheel(TimeUnit.NANOSECONDS, nowNs, tick, TICKS_PER_WHEEL);
        this.calls = new PendingCalls(index, tick, nowNs, 64);
        this.spanIds = random.nextLong();
        this.spanSink = ctx.spanSink() == SpanSink.NONE ? null : ctx.spanSink();
        // A claiming sink may give each worker a lane of its own (RingBufferSpanSink: no CAS per span).
        this.claimingSpanSink =
            spanSink instanceof ClaimingSpanSink ? ((ClaimingSpanSink)spanSink).producerLane() : null;
        this.epochNanoClock = ctx.epochNanoClock();
    }

    void mailboxes(final Mailbox[] mailboxes)
    {
        this.mailboxes = mailboxes;
        this.handlingTimes = timeFrames ? new HandlingTimes(mailboxes.length) : null;
    }

    /**
     * The handling-time histograms of this worker's shards, or null when they are off. Any thread.
     */
    HandlingTimes handlingTimes()
    {
        return handlingTimes;
    }

    /** {@inheritDoc} */
    public String roleName()
    {
        return "bitactor-worker-" + index;
    }

    /** {@inheritDoc} */
    public void onStart()
    {
        if (!invoker)
        {
            thread = Thread.currentThread();
        }
    }

    /**
     * One duty cycle: outbox first (its frames are older than anything sent in this cycle), then due timers, then
     * up to a batch from each shard.
     */
    public int doWork()
    {
        thread = Thread.currentThread();
        nowNs = system.nanoClock.nanoTime();
        if (null != spanSink && (!epochOffsetSampled || nowNs - epochOffsetSampledNs >= EPOCH_OFFSET_REFRESH_NS))
        {
            epochOffsetNs = epochNanoClock.nanoTime() - nowNs;
            epochOffsetSampledNs = nowNs;
            epochOffsetSampled = true;
        }
        int work = 0;
        if (!outbox.isEmpty())
        {
            work += flushOutbox();
        }
        if (calls.hasWork())
        {
            work += calls.expire(nowNs, this);
        }
        if (wheel.timerCount() > 0)
        {
            work += pollTimers();
        }
        else
        {
            // Nothing scheduled: keep the wheel at the present so a new timer needs no catching up.
            wheel.currentTickTime(nowNs);
        }
        if (0 == index)
        {
            system.deadLetters.poll(nowNs); // rate-limited dead-letter log line; real work once per check period
        }
        final Mailbox[] mailboxes = this.mailboxes;
        for (int i = 0; i < mailboxes.length; i++)
        {
            final Mailbox mailbox = mailboxes[i];
            draining = mailbox;
            drainingSlot = i;
            work += mailbox.drain(this, batchSize);
        }
        draining = null;
        if (null != handlingTimes)
        {
            handlingTimes.endPass();
            frameClockRead = false;
        }
        if (invoker)
        {
            thread = null;
        }
        return work;
    }

    /** {@inheritDoc} */
    public void onClose()
    {
        // Calls still waiting for a retry when the worker stops will never be handled: account for them as dead
        // letters (each was accepted once), so that nothing accepted goes missing from the books.
        timers.forEach((timerId, entry) ->
        {
            if (entry.kind == TIMER_RETRY)
            {
                entry.cell.counters.held(-1);
                counters.increment(Counters.DEAD_LETTERED);
                entry.cell.counters.increment(Counters.DEAD_LETTERED);
            }
        });
        timers.clear();
        if (null != claimingSpanSink)
        {
            claimingSpanSink.retireLane(); // its spans are still drained; then the sink lets it go
        }
        thread = null;
    }

    boolean isCurrentThread()
    {
        return thread == Thread.currentThread();
    }

    long nowNs()
    {
        return nowNs;
    }

    UnsafeBuffer scratchBuffer()
    {
        return scratch;
    }

    boolean hasPendingWork()
    {
        return !outbox.isEmpty();
    }

    boolean hasTimers()
    {
        return wheel.timerCount() > 0;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Receiving
    // ---------------------------------------------------------------------------------------------------------

    /**
     * A frame from one of this worker's mailboxes: received, and its handling time recorded when that is on.
     */
    public void onFrame(final DirectBuffer buffer, final int offset, final int length)
    {
        final HandlingTimes times = handlingTimes;
        if (null == times)
        {
            receive(buffer, offset, length);
            return;
        }
        // One clock read per frame: the previous frame's end (in this pass) is this one's start.
        final long startNs = frameClockRead ? frameEndNs : system.nanoClock.nanoTime();
        frameStartNs = startNs;
        frameEndRead = false;
        inTimedFrame = true;
        try
        {
            receive(buffer, offset, length);
        }
        finally
        {
            inTimedFrame = false;
            // A span of this frame read the end already (spanEndEpochNs): the histogram takes the same reading.
            final long endNs = frameEndRead ? frameEndNs : system.nanoClock.nanoTime();
            frameEndNs = endNs;
            frameClockRead = true;
            times.record(drainingSlot, endNs - startNs);
        }
    }

    private void receive(final DirectBuffer buffer, final int offset, final int length)
    {
        final FrameDecoder d = decoder.wrap(buffer, offset, length);
        if (!d.verify().isValid())
        {
            system.onCorruptFrame(this, d);
            return;
        }
        sender.clock().onReceive(d.timestamp());
        deliveringFromMailbox = true;
        try
        {
            deliver(d, 1);
        }
        finally
        {
            deliveringFromMailbox = false;
        }
    }

    /**
     * Takes over the journal record of the frame being delivered, for a copy that outlives the delivery (a stash,
     * a retry): the copy's owner marks it handled with {@link #settleJournalRecord(long, int)} once the copy is
     * handled.
     *
     * @return the record's reference, or 0 (no journal, not journaled, or taken already).
     */
    long takeJournalRecord()
    {
        if (deliveringFromMailbox)
        {
            return null == draining ? 0 : draining.takeJournalRecord();
        }
        final long record = deliveringRecord;
        deliveringRecord = 0;
        return record;
    }

    /**
     * Marks a taken journal record handled.
     *
     * @param record      from {@link #takeJournalRecord()}; 0 does nothing.
     * @param frameLength the frame's length.
     */
    void settleJournalRecord(final long record, final int frameLength)
    {
        if (record != 0 && null != journalSettler)
        {
            journalSettler.handled(record, frameLength);
            journalSettler.flush();
        }
    }

    /**
     * Delivers a copy (stashed, retried or recovered) whose journal record this worker holds: marked handled after
     * the delivery unless the delivery took it again (stashed once more, scheduled for another retry).
     *
     * @param cell   the actor to dispatch to (a stashed copy), or null to route by the frame's target.
     * @param d      the frame.
     * @param attempt its attempt number.
     * @param record its journal record, or 0.
     */
    void deliverWithRecord(final ActorCell cell, final FrameDecoder d, final int attempt, final long record)
    {
        final boolean savedFromMailbox = deliveringFromMailbox;
        final long savedRecord = deliveringRecord;
        final int frameLength = d.frameLength();
        deliveringFromMailbox = false;
        deliveringRecord = record;
        try
        {
            if (null == cell)
            {
                deliver(d, attempt);
            }
            else
            {
                cell.dispatch(this, d, attempt);
            }
        }
        finally
        {
            final long left = deliveringRecord;
            deliveringFromMailbox = savedFromMailbox;
            deliveringRecord = savedRecord;
            settleJournalRecord(left, frameLength);
        }
    }

    /**
     * Hands an actor the messages a previous run's journal holds for it (accepted, not handled), in their original
     * order. Called on this worker when the actor first starts, before anything newer reaches it.
     *
     * @return how many were delivered.
     */
    int replayRecovered(final int actorId)
    {
        final RecoveredFrames recovered = system.recovered();
        return null == recovered ? 0 : recovered.replay(actorId, recoveredHandler);
    }

    private void onRecoveredFrame(final DirectBuffer buffer, final int offset, final int length)
    {
        final FrameDecoder d = recoveredDecoder.wrap(buffer, offset, length);
        if (!d.verify().isValid())
        {
            system.onCorruptFrame(this, d); // recovery verified it once; a second check costs nothing here
            return;
        }
        // Accepted by a previous run: counted as accepted in this one, so the books still balance
        // (accepted = handled + failed + dead-lettered).
        counters.increment(Counters.ACCEPTED);
        sender.clock().onReceive(d.timestamp());
        deliverWithRecord(null, d, 1, 0); // RecoveredFrames marks the record itself
    }

    /**
     * Routes a verified frame to its actor: from a mailbox, or replayed from a stash or a retry.
     */
    void deliver(final FrameDecoder d, final int attempt)
    {
        final int target = d.targetActorId();
        final byte type = d.messageTypeCode();
        if (type == SYSTEM)
        {
            onSystem(d);
            return;
        }
        if (target < 0)
        {
            system.onExternalReply(this, d);
            return;
        }
        final ActorCell cell = system.registry.get(target);
        if (null == cell)
        {
            deadLetter(d, null, attempt);
            return;
        }
        cell.onFrame(this, d, attempt);
    }

    private void onSystem(final FrameDecoder d)
    {
        final DirectBuffer buffer = d.buffer();
        final int payload = d.payloadOffset();
        final int command = SystemCommand.command(buffer, payload);
        final int subject = SystemCommand.subject(buffer, payload);
        final long argument = SystemCommand.argument(buffer, payload);
        final ActorCell cell = system.registry.get(d.targetActorId());
        if (null == cell)
        {
            if (command == SystemCommand.WATCH)
            {
                // Watching an actor that is gone: the notice comes at once.
                sendSystem(subject, SystemCommand.TERMINATED, d.targetActorId(), 0);
            }
            return;
        }
        cell.onSystem(this, d, command, subject, argument);
    }

    /**
     * An accepted cast or call whose target is gone: counted as a dead letter; a call's caller is told at once
     * instead of waiting for its timeout. A reply without a waiting caller is counted as a late reply.
     */
    void deadLetter(final FrameDecoder d, final ActorCell cell, final int attempt)
    {
        final byte type = d.messageTypeCode();
        if (type == REPLY || type == ERROR_REPLY)
        {
            counters.increment(Counters.LATE_REPLIES);
            return;
        }
        counters.increment(Counters.DEAD_LETTERED);
        system.deadLetters.note(index, d.targetActorId(), DeadLetterReason.UNDELIVERABLE, nowNs);
        if (spanSink != null && isSampled(d.traceFlags()) && (type == CAST || type == CALL))
        {
            recordFrameSpan(d, type == CALL ? SpanKind.CALL : SpanKind.CAST, d.targetActorId(),
                spanStartEpochNs(), SpanOutcome.REJECTED, null, attempt - 1);
        }
        if (cell != null)
        {
            if (attempt == 1)
            {
                cell.counters.increment(Counters.ACCEPTED);
            }
            cell.counters.increment(Counters.DEAD_LETTERED);
        }
        if (type == CALL)
        {
            sendError(d.targetActorId(), d.sourceActorId(), d.correlationId(), RejectedException.class.getName(),
                "actor " + d.targetActorId() + " is not running", 1, d.traceIdHigh(), d.traceIdLow(), d.spanId(),
                d.traceFlags());
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Sending
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Sends a frame on behalf of an actor (or the runtime). Never blocks: backpressure parks the frame in the
     * outbox, behind any older parked frame, so this worker's sends stay in order.
     */
    SendStatus send(
        final byte type, final int source, final int target, final long correlationId,
        final DirectBuffer payload, final int payloadOffset, final int payloadLength,
        final long traceHigh, final long traceLow, final long parentSpan, final int flags)
    {
        if (payloadLength > maxPayloadLength || payloadLength < 0)
        {
            return SendStatus.PAYLOAD_TOO_LARGE;
        }
        final boolean traced = (traceHigh | traceLow) != 0;
        final long span = traced ? nextSpanId() : 0L;
        if (traced)
        {
            lastSpanId = span;
        }
        final MessageType messageType = messageType(type);
        if (outbox.isEmpty())
        {
            // All or nothing; with the journal on, a cast or call is encoded straight into its journal record.
            final OfferStatus status = sender.send(source, target, messageType, correlationId, traceHigh, traceLow,
                span, traced ? parentSpan : 0L, traced ? flags : 0, payload, payloadOffset, payloadLength);
            if (status == OfferStatus.ACCEPTED)
            {
                return SendStatus.ACCEPTED;
            }
            if (!status.isBackPressure())
            {
                return SendStatus.of(status);
            }
            // Backpressure (no slot, mailbox or journal full): nothing is left claimed. Keep the frame in the
            // outbox, encoded afresh below (a new message id and timestamp, still ahead of any later send).
        }
        final FrameEncoder encoder = sender.wrapDetached(detachedFrame, 0)
            .sourceActorId(source)
            .targetActorId(target)
            .messageType(messageType)
            .correlationId(correlationId);
        if (traced)
        {
            encoder.traceIdHigh(traceHigh).traceIdLow(traceLow).parentSpanId(parentSpan).spanId(span)
                .traceFlags(flags);
        }
        final int length = encoder.payload(payload, payloadOffset, payloadLength).seal();
        return keep(detachedFrame, 0, length);
    }

    private static MessageType messageType(final byte type)
    {
        return type == CAST ? MessageType.CAST : type == CALL ? MessageType.CALL :
            type == REPLY ? MessageType.REPLY : type == ERROR_REPLY ? MessageType.ERROR_REPLY : MessageType.SYSTEM;
    }

    /**
     * Keeps a sealed frame in the outbox. It is journaled now, since the actor is told it was accepted: a crash
     * before the outbox routes it still finds it in the journal.
     */
    private SendStatus keep(final DirectBuffer frame, final int offset, final int length)
    {
        final long record = sender.journal(frame, offset, length);
        if (record == Journal.FULL)
        {
            return SendStatus.JOURNAL_FULL;
        }
        if (record == Journal.CLOSED)
        {
            return SendStatus.CLOSED;
        }
        if (outbox.append(frame, offset, length, record))
        {
            return SendStatus.ACCEPTED;
        }
        sender.cancelJournalRecord(record);
        return SendStatus.MAILBOX_FULL;
    }

    private int flushOutbox()
    {
        int sent = 0;
        final FrameQueue outbox = this.outbox;
        while (!outbox.isEmpty() && sent < OUTBOX_FLUSH_LIMIT)
        {
            final DirectBuffer buffer = outbox.headBuffer();
            final int offset = outbox.headOffset();
            final int length = outbox.headLength();
            final OfferStatus status = sender.route(buffer, offset, length, outbox.headTag());
            if (status.isBackPressure())
            {
                break;
            }
            if (status != OfferStatus.ACCEPTED)
            {
                // The system closed while the frame waited: L2 reported it as a dead letter; account for it.
                final byte type = FrameDescriptor.messageTypeCode(buffer, offset);
                if (type == CAST || type == CALL)
                {
                    counters.increment(Counters.DEAD_LETTERED);
                }
            }
            outbox.pop();
            sent++;
        }
        return sent;
    }

    /** Sends a system command on the control lane. */
    SendStatus sendSystem(final int target, final int command, final int subject, final long argument)
    {
        final int length = SystemCommand.encode(controlPayload, 0, command, subject, argument);
        final SendStatus status = send(SYSTEM, subject, target, 0, controlPayload, 0, length, 0, 0, 0, 0);
        if (!status.isAccepted() && status != SendStatus.CLOSED)
        {
            system.reportError(new IllegalStateException("system command " + SystemCommand.name(command) +
                " to actor " + target + " not sent: " + status));
        }
        return status;
    }

    /** Sends an error reply (error path: allocates for the strings). */
    SendStatus sendError(
        final int source, final int callerId, final long correlationId, final String className,
        final String message, final int attempts, final long traceHigh, final long traceLow,
        final long parentSpan, final int flags)
    {
        final int length = ErrorPayload.encode(errorPayload, 0, maxPayloadLength, attempts, className, message);
        return send(ERROR_REPLY, source, callerId, correlationId, errorPayload, 0, length, traceHigh, traceLow,
            parentSpan, flags);
    }

    SendStatus sendBytes(
        final byte type, final int source, final int target, final long correlationId, final byte[] payload)
    {
        wrapper.wrap(payload);
        return send(type, source, target, correlationId, wrapper, 0, payload.length, traceIdHigh, traceIdLow,
            spanId, traceFlags);
    }

    long nextSpanId()
    {
        // SplitMix64 over a counter: distinct, well-mixed, never zero in practice (zero is remapped).
        long z = (spanIds += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return z == 0 ? 1 : z;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Spans (only with a span sink: callers check spanSink != null and the sampled flag first)
    // ---------------------------------------------------------------------------------------------------------

    static boolean isSampled(final int traceFlags)
    {
        return (traceFlags & io.bitactor.core.TraceContext.FLAG_SAMPLED) != 0;
    }

    /**
     * The send time of a frame for its span: the physical part of its hybrid logical timestamp.
     */
    static long sentEpochNs(final long hlcTimestamp)
    {
        return HybridLogicalClock.physicalMillis(hlcTimestamp) * 1_000_000L;
    }

    /**
     * The start of a span beginning now, in epoch nanoseconds: within a timed frame, the frame's start reading (no
     * clock read); otherwise one reading of the worker's NanoClock. Worker thread, with a span sink only.
     *
     * @return epoch nanoseconds.
     */
    long spanStartEpochNs()
    {
        return (inTimedFrame ? frameStartNs : system.nanoClock.nanoTime()) + epochOffsetNs;
    }

    /**
     * The end of a span ending now, in epoch nanoseconds: one reading of the worker's NanoClock, which a timed
     * frame's handling time then reuses as its end. Worker thread, with a span sink only.
     *
     * @return epoch nanoseconds.
     */
    long spanEndEpochNs()
    {
        final long ns = system.nanoClock.nanoTime();
        if (inTimedFrame)
        {
            frameEndNs = ns;
            frameEndRead = true;
        }
        return ns + epochOffsetNs;
    }

    /**
     * Records a span of a frame that is still wrapped by {@code d}, ending now.
     */
    void recordFrameSpan(
        final FrameDecoder d, final SpanKind kind, final int actorId, final long startEpochNs,
        final SpanOutcome outcome, final Class<? extends Throwable> errorClass, final int retryCount)
    {
        recordSpan(d.traceIdHigh(), d.traceIdLow(), d.spanId(), d.parentSpanId(), d.traceFlags(), kind, actorId,
            d.sourceActorId(), d.messageId(), kind == SpanKind.REPLY ? d.correlationId() : 0,
            sentEpochNs(d.timestamp()), startEpochNs, outcome, errorClass, retryCount);
    }

    /**
     * Writes the span into the sink's claimed record (a claiming sink), or fills this worker's reusable record and
     * hands it to the sink; the end time is read here. No allocation.
     */
    void recordSpan(
        final long traceHigh, final long traceLow, final long spanId, final long parentSpanId, final int flags,
        final SpanKind kind, final int actorId, final int sourceActorId, final long messageId,
        final long correlationId, final long sentEpochNs, final long startEpochNs, final SpanOutcome outcome,
        final Class<? extends Throwable> errorClass, final int retryCount)
    {
        final long endEpochNs = spanEndEpochNs();
        final ClaimingSpanSink claiming = claimingSpanSink;
        if (null != claiming)
        {
            // Claimed after the clock read, so the slot is held only for the stores.
            final MutableSpanRecord slot = claiming.claimSpan();
            if (null != slot)
            {
                fillSpan(slot, traceHigh, traceLow, spanId, parentSpanId, flags, kind, actorId, sourceActorId,
                    messageId, correlationId, sentEpochNs, startEpochNs, endEpochNs, outcome, errorClass,
                    retryCount);
                claiming.publishSpan(slot);
            }
            return;
        }
        fillSpan(spanRecord, traceHigh, traceLow, spanId, parentSpanId, flags, kind, actorId, sourceActorId,
            messageId, correlationId, sentEpochNs, startEpochNs, endEpochNs, outcome, errorClass,
            retryCount);
        try
        {
            spanSink.onSpan(spanRecord);
        }
        catch (final Throwable t)
        {
            system.reportError(t); // a sink must not throw; if it does, handling goes on
        }
        spanRecord.errorClass = null;
    }

    static void fillSpan(
        final MutableSpanRecord span, final long traceHigh, final long traceLow, final long spanId,
        final long parentSpanId, final int flags, final SpanKind kind, final int actorId, final int sourceActorId,
        final long messageId, final long correlationId, final long sentEpochNs, final long startEpochNs,
        final long endEpochNs, final SpanOutcome outcome, final Class<? extends Throwable> errorClass,
        final int retryCount)
    {
        span.traceIdHigh = traceHigh;
        span.traceIdLow = traceLow;
        span.spanId = spanId;
        span.parentSpanId = parentSpanId;
        span.traceFlags = flags;
        span.kind = kind;
        span.actorId = actorId;
        span.sourceActorId = sourceActorId;
        span.messageId = messageId;
        span.correlationId = correlationId;
        span.sentEpochNs = sentEpochNs;
        span.startEpochNs = startEpochNs;
        span.endEpochNs = Math.max(endEpochNs, startEpochNs);
        span.outcome = outcome;
        span.errorClass = errorClass;
        span.retryCount = retryCount;
    }

    void clearTrace()
    {
        traceIdHigh = 0;
        traceIdLow = 0;
        spanId = 0;
        traceFlags = 0;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Timers: user timers, call timeouts, retries and delayed restarts share the worker's timer wheel.
    // ---------------------------------------------------------------------------------------------------------

    static final int TIMER_USER = 1;
    static final int TIMER_RETRY = 2;
    static final int TIMER_RESTART = 3;

    /** A pending timer; pooled. */
    static final class TimerEntry
    {
        int kind;
        ActorCell cell;
        int incarnation;
        long tag;
        int attempt;
        UnsafeBuffer frame;
        long journalRecord;
    }

    long scheduleTimer(final int kind, final ActorCell cell, final long delayNs, final long tag)
    {
        TimerEntry entry = timerPool.pollFirst();
        if (null == entry)
        {
            entry = new TimerEntry();
        }
        entry.kind = kind;
        entry.cell = cell;
        entry.incarnation = cell.incarnation;
        entry.tag = tag;
        entry.attempt = 0;
        entry.journalRecord = 0;
        entry.frame = null;
        final long timerId = wheel.scheduleTimer(nowNs + Math.max(0, delayNs));
        timers.put(timerId, entry);
        return timerId;
    }

    boolean cancelTimer(final long timerId, final ActorCell owner)
    {
        final TimerEntry entry = timers.get(timerId);
        if (null == entry || entry.cell != owner)
        {
            return false;
        }
        timers.remove(timerId);
        release(entry);
        return wheel.cancelTimer(timerId);
    }

    void scheduleRetry(final ActorCell cell, final FrameDecoder d, final int attempt, final long delayNs)
    {
        final UnsafeBuffer copy = new UnsafeBuffer(new byte[d.frameLength()]);
        copy.putBytes(0, d.buffer(), d.offset(), d.frameLength());
        final long timerId = scheduleTimer(TIMER_RETRY, cell, delayNs, 0);
        final TimerEntry entry = timers.get(timerId);
        entry.attempt = attempt;
        entry.frame = copy;
        entry.journalRecord = takeJournalRecord(); // handled when the retry is
        cell.counters.held(1);
    }

    /** {@inheritDoc} */
    public boolean onTimerExpiry(final TimeUnit timeUnit, final long now, final long timerId)
    {
        final TimerEntry entry = timers.remove(timerId);
        if (null == entry)
        {
            return true;
        }
        final ActorCell cell = entry.cell;
        final int kind = entry.kind;
        final int incarnation = entry.incarnation;
        final long tag = entry.tag;
        final int attempt = entry.attempt;
        final UnsafeBuffer frame = entry.frame;
        final long journalRecord = entry.journalRecord;
        release(entry);
        switch (kind)
        {
            case TIMER_USER:
                cell.onUserTimer(this, incarnation, timerId, tag);
                break;
            case TIMER_RETRY:
                cell.counters.held(-1);
                // The retried call keeps its frame: same message id, same correlation id.
                deliverWithRecord(null, replayDecoder.wrap(frame, 0, frame.capacity()), attempt, journalRecord);
                break;
            case TIMER_RESTART:
                cell.onRestartTimer(this, incarnation);
                break;
            default:
                break;
        }
        return true;
    }

    private int pollTimers()
    {
        // A poll handles one tick; keep polling while the wheel catches up with the clock.
        int expired = 0;
        while (expired < TIMER_POLL_LIMIT)
        {
            final long tickTime = wheel.currentTickTime();
            expired += wheel.poll(nowNs, this, TIMER_POLL_LIMIT - expired);
            if (wheel.currentTickTime() == tickTime)
            {
                break;
            }
        }
        return expired;
    }

    private void release(final TimerEntry entry)
    {
        entry.cell = null;
        entry.frame = null;
        timerPool.addLast(entry);
    }
}
