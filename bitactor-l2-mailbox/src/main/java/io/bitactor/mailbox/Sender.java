package io.bitactor.mailbox;

import io.bitactor.core.FrameDecoder;
import io.bitactor.core.FrameDescriptor;
import io.bitactor.core.FrameEncoder;
import io.bitactor.core.FrameVerification;
import io.bitactor.core.HybridLogicalClock;
import io.bitactor.core.MessageIdSource;
import io.bitactor.core.MessageType;
import io.bitactor.journal.Journal;
import io.bitactor.mailbox.internal.FrameSlot;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The sending side of L2 for one thread: encodes frames into its own preallocated slots (header, payload,
 * CRC32C), routes them through the ring and offers them to the target shard's mailbox. Nothing is allocated, locked
 * or logged per message; every outcome is an {@link OfferStatus}.
 * <p>
 * Two ways to send:
 * <ul>
 *   <li>{@link #send(int, MessageType, DirectBuffer, int, int)}: copy a payload; all or nothing.</li>
 *   <li>{@link #tryClaim()} then {@link #commit()} (or {@link #abort()}): write fields and payload in place,
 *       Aeron {@code tryClaim} style. After backpressure the claim stays open, so the same message (same id and
 *       timestamp) can be committed again.</li>
 * </ul>
 * Each message gets a system-unique id (increasing per sender) and a hybrid-logical-clock timestamp from this
 * sender's clock, so a message sent after another by this sender, or after this sender received a timestamp via
 * {@link #clock()}, carries a larger timestamp.
 * <p>
 * <b>Threads:</b> one thread at a time (not thread-safe). {@link #close()} deregisters it from the router.
 */
public final class Sender implements AutoCloseable
{
    /** Value of the announced epoch while not routing. */
    static final long IDLE = -1L;
    /** Preset record value for dispatch: append the frame to the journal (if journaled). */
    private static final long APPEND_RECORD = -1;
    /** Slots examined per claim before answering {@link OfferStatus#SENDER_FULL}. */
    static final int SLOT_SCAN_LIMIT = 8;
    private static final VarHandle ACTIVE_EPOCH;

    static
    {
        try
        {
            ACTIVE_EPOCH = MethodHandles.lookup().findVarHandle(Sender.class, "activeEpoch", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final Router router;
    private final int defaultSourceActorId;
    private final MessageIdSource.Allocator messageIds;
    private final HybridLogicalClock clock;
    private final FrameEncoder encoder;
    private final FrameDecoder decoder;
    private final DeadLetterSink deadLetterSink;
    private final int maxPayloadLength;
    private final Journal.Appender journal;
    private final FrameSlot[] slots;
    private final int slotMask;
    private final int slotLength;
    private final int maxFrameLength;
    private int cursor;
    /**
     * Index of the open claim's slot. The cursor moves past it only once its frame is accepted: a claim given up
     * (backpressure, an abort, a frame dead-lettered) leaves its slot free and the cursor where it was. Moving on at
     * every claim would let retries under a long backpressure walk the cursor round the slab onto the frames still
     * in flight, and the sender would answer SENDER_FULL with almost every slot free.
     */
    private int claimedIndex;
    private FrameSlot claimed;
    private boolean closed;
    private long lastMessageId;
    private long lastTimestamp;

    // Announced ring epoch: padded away from the fields above, since the router reads it during ring changes.
    @SuppressWarnings("unused")
    private long p01, p02, p03, p04, p05, p06, p07;
    @SuppressWarnings("unused")
    private volatile long activeEpoch = IDLE;
    @SuppressWarnings("unused")
    private long p11, p12, p13, p14, p15, p16, p17;

    Sender(final Router router, final int sourceActorId, final MessageIdSource.Allocator messageIds)
    {
        final MailboxContext ctx = router.context();
        this.router = router;
        this.defaultSourceActorId = sourceActorId;
        this.messageIds = messageIds;
        this.clock = new HybridLogicalClock(router.epochClock());
        this.maxPayloadLength = ctx.maxPayloadLength();
        this.encoder = new FrameEncoder(maxPayloadLength);
        this.decoder = new FrameDecoder(maxPayloadLength);
        this.deadLetterSink = ctx.deadLetterSink();
        this.journal = router.journal() == null ? null : router.journal().newAppender();

        final int slotCount = BitUtil.findNextPositivePowerOfTwo(ctx.senderSlots());
        // Slots are cache-line multiples so that the owner writing one slot never shares a line with the
        // consumer reading its neighbour.
        this.maxFrameLength = FrameDescriptor.maxFrameLength(maxPayloadLength);
        this.slotLength = BitUtil.align(maxFrameLength, BitUtil.CACHE_LINE_LENGTH);
        // Off-heap and cache-line aligned: slot boundaries are line boundaries (a heap array's base is not).
        final UnsafeBuffer slab = new UnsafeBuffer(
            BufferUtil.allocateDirectAligned(slotCount * slotLength, BitUtil.CACHE_LINE_LENGTH));
        final UnsafeBuffer states = new UnsafeBuffer(
            BufferUtil.allocateDirectAligned(slotCount * FrameSlot.STATE_LENGTH, BitUtil.CACHE_LINE_LENGTH));
        this.slots = new FrameSlot[slotCount];
        for (int i = 0; i < slotCount; i++)
        {
            slots[i] = new FrameSlot(slab, i * slotLength, FrameSlot.KIND_FRAME, false, states, i);
        }
        this.slotMask = slotCount - 1;
    }

    /**
     * This sender's hybrid logical clock. Call {@link HybridLogicalClock#onReceive(long)} with the timestamp of
     * every frame this thread handles, so that what it sends afterwards is ordered after it.
     *
     * @return the clock.
     */
    public HybridLogicalClock clock()
    {
        return clock;
    }

    /**
     * Id of the last message claimed by this sender.
     *
     * @return the message id, or 0 before the first claim.
     */
    public long lastMessageId()
    {
        return lastMessageId;
    }

    /**
     * Timestamp of the last message claimed by this sender.
     *
     * @return the hybrid logical clock timestamp, or 0 before the first claim.
     */
    public long lastTimestamp()
    {
        return lastTimestamp;
    }

    /**
     * Sends a payload, copying it; all or nothing. Correlation id 0, priority 0, no trace context.
     *
     * @param targetActorId the target actor.
     * @param type          the message type ({@link MessageType#SYSTEM} goes to the control lane).
     * @param payload       buffer holding the payload.
     * @param offset        of the payload.
     * @param length        of the payload.
     * @return the outcome; after anything but {@link OfferStatus#ACCEPTED} nothing is left queued.
     */
    public OfferStatus send(
        final int targetActorId, final MessageType type, final DirectBuffer payload, final int offset,
        final int length)
    {
        return send(defaultSourceActorId, targetActorId, type, 0L, payload, offset, length);
    }

    /**
     * Sends a payload with an explicit source and correlation id, copying it; all or nothing.
     *
     * @param sourceActorId the source actor.
     * @param targetActorId the target actor.
     * @param type          the message type.
     * @param correlationId links a call and its reply; 0 for none.
     * @param payload       buffer holding the payload.
     * @param offset        of the payload.
     * @param length        of the payload.
     * @return the outcome; after anything but {@link OfferStatus#ACCEPTED} nothing is left queued.
     */
    public OfferStatus send(
        final int sourceActorId, final int targetActorId, final MessageType type, final long correlationId,
        final DirectBuffer payload, final int offset, final int length)
    {
        return send(sourceActorId, targetActorId, type, correlationId, 0L, 0L, 0L, 0L, 0, payload, offset, length);
    }

    /**
     * Sends a payload with every header field given, copying it; all or nothing. With a journal, a cast or call is
     * encoded straight into its journal record (nothing is copied from a slot into the journal). After any answer
     * but {@link OfferStatus#ACCEPTED} nothing is left claimed or queued: on backpressure, send again (the retry
     * gets a new message id and timestamp).
     *
     * @param sourceActorId the source actor.
     * @param targetActorId the target actor.
     * @param type          the message type.
     * @param correlationId links a call and its reply; 0 for none.
     * @param traceIdHigh   high 64 bits of the W3C trace id; 0 with {@code traceIdLow} 0 for no trace.
     * @param traceIdLow    low 64 bits of the trace id.
     * @param spanId        the span this message starts.
     * @param parentSpanId  the span it was sent from.
     * @param traceFlags    the W3C trace flags.
     * @param payload       buffer holding the payload.
     * @param offset        of the payload.
     * @param length        of the payload.
     * @return the outcome.
     */
    public OfferStatus send(
        final int sourceActorId, final int targetActorId, final MessageType type, final long correlationId,
        final long traceIdHigh, final long traceIdLow, final long spanId, final long parentSpanId,
        final int traceFlags, final DirectBuffer payload, final int offset, final int length)
    {
        if (length > maxPayloadLength || length < 0)
        {
            router.countRejection(OfferStatus.PAYLOAD_TOO_LARGE);
            return OfferStatus.PAYLOAD_TOO_LARGE;
        }
        // With a journal, a cast or call is encoded straight into its journal record (no copy from the slot).
        final boolean journaled = null != journal &&
            (type == MessageType.CAST || type == MessageType.CALL);
        final FrameEncoder encoder = journaled ? claimJournaled(FrameDescriptor.frameLength(length)) : claim();
        if (null == encoder)
        {
            return OfferStatus.SENDER_FULL;
        }
        // Every header field is written, so the slot's (or the reused record's) previous frame needs no clearing.
        encoder
            .sourceActorId(sourceActorId)
            .targetActorId(targetActorId)
            .messageType(type)
            .correlationId(correlationId)
            .priority(0)
            .traceFlags(traceFlags)
            .reserved()
            .traceIdHigh(traceIdHigh)
            .traceIdLow(traceIdLow)
            .spanId(spanId)
            .parentSpanId(parentSpanId)
            .payload(payload, offset, length);
        final OfferStatus status = journaled ? commitJournaled() : commit();
        if (status.isBackPressure())
        {
            abort();
        }
        return status;
    }

    /**
     * Claims a free slot and returns an encoder over it, with message id, timestamp and source actor already
     * written and every other field zero. Fill in at least the target and the type, then {@link #commit()}.
     *
     * @return the encoder, or null when every slot is in flight (backpressure, counted as
     * {@link OfferStatus#SENDER_FULL}).
     * @throws IllegalStateException if a claim is already open or the sender is closed.
     */
    public FrameEncoder tryClaim()
    {
        final FrameEncoder encoder = claim();
        return null == encoder ? null : encoder.clearHeader()
            .messageId(lastMessageId)
            .timestamp(lastTimestamp)
            .sourceActorId(defaultSourceActorId);
    }

    /**
     * Starts a frame in a caller's buffer instead of a slot, for routing later with
     * {@link #route(DirectBuffer, int, int)} (an outbox that keeps frames while their mailbox is full, a journal).
     * The frame gets the next message id and timestamp of this sender, so it keeps its place in this sender's
     * order; the rest of the header is zero. Fill in at least target and type, then
     * {@link FrameEncoder#seal()}.
     *
     * @param buffer to encode into, with room for {@link FrameDescriptor#maxFrameLength(int)} bytes.
     * @param offset of the frame, 8-byte aligned.
     * @return the encoder, wrapped over the buffer (this sender's own: finish with it before the next claim).
     * @throws IllegalStateException if a claim is open or the sender is closed.
     */
    public FrameEncoder wrapDetached(final MutableDirectBuffer buffer, final int offset)
    {
        if (claimed != null)
        {
            throw new IllegalStateException("a claim is open: commit() or abort() it first");
        }
        if (closed)
        {
            throw new IllegalStateException("sender is closed");
        }
        final long messageId = messageIds.next();
        final long timestamp = clock.tick();
        lastMessageId = messageId;
        lastTimestamp = timestamp;
        return encoder.wrap(buffer, offset)
            .clearHeader()
            .messageId(messageId)
            .timestamp(timestamp)
            .sourceActorId(defaultSourceActorId);
    }

    /**
     * Claims a slot and writes message id and timestamp; the rest of the header holds the slot's previous frame.
     */
    private FrameEncoder claim()
    {
        final FrameSlot slot = claimSlot();
        if (null == slot)
        {
            return null;
        }
        slot.pointAtOwnRegion();
        return encoder.wrap(slot.buffer, slot.offset)
            .messageId(lastMessageId)
            .timestamp(lastTimestamp);
    }

    /**
     * As {@link #claim()}, but the frame goes straight into a claimed journal record that the slot points at; the
     * caller seals it with {@link #commitJournaled()}. When the journal cannot take a record now (full, closed), the
     * frame is encoded in the slot's own region, and {@link #commitJournaled()} answers as {@link #commit()}'s append
     * would.
     */
    private FrameEncoder claimJournaled(final int frameLength)
    {
        final FrameSlot slot = claimSlot();
        if (null == slot)
        {
            return null;
        }
        final long record = journal.claim(frameLength);
        if (record > 0)
        {
            slot.pointAt(journal.buffer(record), journal.frameOffset(record));
            slot.journalRef(record);
        }
        else
        {
            slot.pointAtOwnRegion();
            slot.journalRef(record); // FULL or CLOSED: commitJournaled() reports it
        }
        return encoder.wrap(slot.buffer, slot.offset)
            .messageId(lastMessageId)
            .timestamp(lastTimestamp);
    }

    /**
     * Seals a frame claimed by {@link #claimJournaled(int)}, commits its record (when it got one) and routes it;
     * after any answer but {@link OfferStatus#ACCEPTED} the record is cancelled (a retry claims a new one).
     */
    private OfferStatus commitJournaled()
    {
        final FrameSlot slot = claimed;
        final int frameLength = encoder.seal();
        final long record = slot.journalRef();
        if (record < 0)
        {
            slot.journalRef(0);
            return journalRefused(slot, record);
        }
        // Write-ahead: the committed record is in mapped memory before any consumer can see the frame (the lane's
        // release store orders the commit word's store before the offer).
        journal.commit(record, frameLength);
        return dispatch(slot, record, false);
    }

    /**
     * Picks a free slot (or counts {@link OfferStatus#SENDER_FULL}) and draws the message id and timestamp.
     */
    private FrameSlot claimSlot()
    {
        if (claimed != null)
        {
            throw new IllegalStateException("a claim is already open: commit() or abort() it first");
        }
        if (closed)
        {
            throw new IllegalStateException("sender is closed");
        }
        final FrameSlot[] slots = this.slots;
        final int mask = slotMask;
        FrameSlot slot = null;
        // Slots come back roughly in the order they were sent, so the next one is almost always free; look at a
        // few only. Scanning the whole slab on every retry under backpressure would pull every slot's line away
        // from the consumers that are trying to free them.
        for (int i = 0, n = Math.min(slots.length, SLOT_SCAN_LIMIT); i < n; i++)
        {
            final FrameSlot candidate = slots[(cursor + i) & mask];
            // Acquire: the consumer's reads of the previous frame in this slot are complete.
            if (candidate.lvState() == FrameSlot.FREE)
            {
                slot = candidate;
                claimedIndex = (cursor + i) & mask;
                break;
            }
        }
        if (null == slot)
        {
            router.countRejection(OfferStatus.SENDER_FULL);
            return null;
        }
        claimed = slot;
        final long messageId = messageIds.next();
        final long timestamp = clock.tick();
        lastMessageId = messageId;
        lastTimestamp = timestamp;
        return slot;
    }

    /**
     * Seals the claimed frame (CRC32C) and routes it.
     *
     * @return {@link OfferStatus#ACCEPTED}; or backpressure, after which the claim stays open for another
     * {@code commit()} or an {@link #abort()}; or {@link OfferStatus#CLOSED} / {@link OfferStatus#NO_ROUTE}, after
     * which the frame has been reported to the dead-letter sink and the claim is released.
     * @throws IllegalStateException if no claim is open.
     */
    public OfferStatus commit()
    {
        final FrameSlot slot = claimed;
        if (null == slot)
        {
            throw new IllegalStateException("no open claim");
        }
        encoder.seal();
        return dispatch(slot, APPEND_RECORD);
    }

    /**
     * Appends a sealed frame to the journal now, for routing later with
     * {@link #route(DirectBuffer, int, int, long)}: the message counts as accepted from here on (it is recovered
     * after a crash even if it was never routed).
     *
     * @param frame  buffer holding the sealed frame.
     * @param offset of the frame.
     * @param length of the frame.
     * @return the record's reference; 0 when there is no journal or the frame's type is not journaled;
     * {@link Journal#FULL} (backpressure) or {@link Journal#CLOSED}.
     */
    public long journal(final DirectBuffer frame, final int offset, final int length)
    {
        if (null == journal)
        {
            return 0;
        }
        final byte typeCode = FrameDescriptor.messageTypeCode(frame, offset);
        if (typeCode != MessageType.CAST.code() && typeCode != MessageType.CALL.code())
        {
            return 0;
        }
        return journal.append(frame, offset, length);
    }

    /**
     * Cancels a record from {@link #journal(DirectBuffer, int, int)} whose frame will not be routed after all.
     *
     * @param journalRecord the record; 0 does nothing.
     */
    public void cancelJournalRecord(final long journalRecord)
    {
        if (journalRecord > 0 && null != journal)
        {
            journal.cancel(journalRecord);
        }
    }

    /**
     * Releases an open claim without sending it. Does nothing when no claim is open.
     */
    public void abort()
    {
        claimed = null;
    }

    /**
     * Routes a frame that was encoded elsewhere (for example read from a journal or a socket): its length and
     * CRC32C are verified, then it is copied into a slot and routed by its target actor. Its message id and
     * timestamp are kept.
     *
     * @param frame  buffer holding the frame.
     * @param offset of the frame.
     * @param length of the frame region.
     * @return the outcome; {@link OfferStatus#INVALID_FRAME} (reported to the dead-letter sink) for a frame that
     * fails verification.
     */
    public OfferStatus route(final DirectBuffer frame, final int offset, final int length)
    {
        return route(frame, offset, length, APPEND_RECORD);
    }

    /**
     * Routes a frame that was encoded elsewhere and journaled already with {@link #journal(DirectBuffer, int, int)}
     * (a frame an actor sent while its target's mailbox was full, kept in an outbox meanwhile): the journal record
     * is not appended again. Backpressure leaves the record as it is (the frame will be routed again); a refusal
     * for good cancels it.
     *
     * @param frame         buffer holding the frame.
     * @param offset        of the frame.
     * @param length        of the frame region.
     * @param journalRecord what {@link #journal(DirectBuffer, int, int)} returned (0: not journaled).
     * @return as {@link #route(DirectBuffer, int, int)}.
     */
    public OfferStatus route(final DirectBuffer frame, final int offset, final int length, final long journalRecord)
    {
        if (claimed != null)
        {
            throw new IllegalStateException("a claim is open: commit() or abort() it first");
        }
        decoder.wrap(frame, offset, length);
        final FrameVerification verification = decoder.verify();
        if (!verification.isValid())
        {
            cancelJournalRecord(journalRecord);
            router.countRejection(OfferStatus.INVALID_FRAME);
            router.deadLetter(deadLetterSink, DeadLetterReason.INVALID_FRAME, frame, offset, length);
            return OfferStatus.INVALID_FRAME;
        }
        if (length > maxFrameLength)
        {
            cancelJournalRecord(journalRecord);
            router.countRejection(OfferStatus.PAYLOAD_TOO_LARGE);
            return OfferStatus.PAYLOAD_TOO_LARGE;
        }
        if (null == claim())
        {
            return OfferStatus.SENDER_FULL;
        }
        final FrameSlot slot = claimed;
        slot.buffer.putBytes(slot.offset, frame, offset, length);
        final OfferStatus status = dispatch(slot, journalRecord);
        if (status.isBackPressure())
        {
            abort();
        }
        return status;
    }

    private OfferStatus dispatch(final FrameSlot slot, final long presetRecord)
    {
        return dispatch(slot, presetRecord, true);
    }

    /**
     * Routes a claimed slot's sealed frame.
     *
     * @param presetRecord             {@link #APPEND_RECORD}, or the frame's record when it has one already.
     * @param keepPresetOnBackPressure whether a preset record outlives backpressure (its frame is kept by the
     *                                 caller and routed again) or is cancelled like an appended one.
     */
    private OfferStatus dispatch(final FrameSlot slot, final long presetRecord, final boolean keepPresetOnBackPressure)
    {
        final UnsafeBuffer buffer = slot.buffer;
        final int offset = slot.offset;
        final int target = FrameDescriptor.targetActorId(buffer, offset);
        final byte typeCode = FrameDescriptor.messageTypeCode(buffer, offset);
        final boolean control = typeCode == MessageType.SYSTEM.code();

        if (null != journal)
        {
            if (presetRecord != APPEND_RECORD)
            {
                slot.journalRef(presetRecord); // journaled when it was kept for later
            }
            else if (typeCode == MessageType.CAST.code() || typeCode == MessageType.CALL.code())
            {
                // Write-ahead: the record is in mapped memory before any consumer can see the frame.
                final long record = journal.append(buffer, offset, slot.frameLength());
                if (record < 0)
                {
                    return journalRefused(slot, record);
                }
                slot.journalRef(record);
            }
            else
            {
                slot.journalRef(0); // replies and system frames are not journaled (see Journal)
            }
        }

        final RouterState state = enter();
        final OfferStatus status;
        if (state.closed)
        {
            status = OfferStatus.CLOSED;
        }
        else
        {
            final int shardId = state.ring.shardFor(target);
            if (shardId < 0)
            {
                status = OfferStatus.NO_ROUTE;
            }
            else
            {
                // Plain store: the lane's release publishes it together with the frame.
                slot.spState(FrameSlot.IN_FLIGHT);
                status = state.byShard[shardId].offer(slot, control);
                if (status != OfferStatus.ACCEPTED)
                {
                    slot.spState(FrameSlot.FREE);
                }
            }
        }
        exit();

        if (status == OfferStatus.ACCEPTED)
        {
            cursor = (claimedIndex + 1) & slotMask;
            claimed = null;
            return status;
        }
        if (null != journal &&
            (presetRecord == APPEND_RECORD || !keepPresetOnBackPressure || !status.isBackPressure()))
        {
            final long record = slot.journalRef();
            if (record > 0)
            {
                // Not accepted after all: a recovery must not deliver it (a retry appends a new record). A preset
                // record under backpressure stays: its frame is kept and routed again.
                journal.cancel(record);
                slot.journalRef(0);
            }
        }
        router.countRejection(status);
        if (!status.isBackPressure())
        {
            router.deadLetter(deadLetterSink,
                status == OfferStatus.CLOSED ? DeadLetterReason.ROUTER_CLOSED : DeadLetterReason.NO_ROUTE,
                buffer, offset, slot.frameLength());
            claimed = null;
        }
        return status;
    }

    private OfferStatus journalRefused(final FrameSlot slot, final long record)
    {
        if (record == Journal.FULL)
        {
            router.countRejection(OfferStatus.JOURNAL_FULL);
            return OfferStatus.JOURNAL_FULL; // backpressure: the claim stays open
        }
        // The journal is closed: so is the router (it closes its journal last).
        router.countRejection(OfferStatus.CLOSED);
        router.deadLetter(deadLetterSink, DeadLetterReason.ROUTER_CLOSED, slot.buffer, slot.offset, slot.frameLength());
        claimed = null;
        return OfferStatus.CLOSED;
    }

    /**
     * Announces the epoch of the ring about to be used, then re-checks it is still current. The volatile store
     * followed by the volatile load pairs with the router's volatile store of a new state followed by its load of
     * this field: either the router sees this sender inside the old epoch and waits, or this sender sees the new
     * state and retries with it. No sender can therefore still be offering by an old ring once the router has
     * stopped waiting (see {@link Router}).
     */
    private RouterState enter()
    {
        RouterState state = router.state();
        while (true)
        {
            ACTIVE_EPOCH.setVolatile(this, state.epoch);
            final RouterState current = router.state();
            if (current == state)
            {
                return state;
            }
            state = current;
        }
    }

    /**
     * Leaves the ring section. Release: the offer above is ordered before the router observes this sender idle.
     */
    private void exit()
    {
        ACTIVE_EPOCH.setRelease(this, IDLE);
    }

    long lvActiveEpoch()
    {
        return (long)ACTIVE_EPOCH.getVolatile(this);
    }

    /**
     * Deregisters this sender. Frames already accepted stay queued and are delivered; their slots are released by
     * the consumers. Idempotent.
     */
    public void close()
    {
        if (!closed)
        {
            closed = true;
            claimed = null;
            router.removeSender(this);
        }
    }
}
