package io.bitactor.mailbox;

import io.bitactor.core.FrameDescriptor;
import io.bitactor.journal.Journal;
import io.bitactor.mailbox.internal.FrameSlot;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.QueueProgressIndicators;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One mailbox shard: two bounded JCTools MPSC lanes of frame slots, drained in batches by a single consumer.
 * <ul>
 *   <li>The <b>control lane</b> carries {@link io.bitactor.core.MessageType#SYSTEM} frames (supervision signals)
 *       and is served first on every {@link #drain(FrameHandler, int)}.</li>
 *   <li>The <b>ordinary lane</b> carries everything else.</li>
 * </ul>
 * Senders reach a mailbox only through a {@link Sender}; a full lane is answered with
 * {@link OfferStatus#MAILBOX_FULL}, never a drop. Frames travel as references to the sender's preallocated
 * slots, so nothing is allocated per message.
 * <p>
 * <b>Threads:</b> {@link #drain(FrameHandler, int)} must be called by one consumer thread at a time (the same
 * thread, or threads handing over with a happens-before edge). {@link #counters()} and the accessors may be
 * called from any thread.
 */
public final class Mailbox
{
    private static final VarHandle HANDOVER;
    private static final VarHandle REJECTED_FULL;
    private static final VarHandle COUNTERS = MethodHandles.arrayElementVarHandle(long[].class);

    /*
     * Consumer-written state lives in one padded long[] instead of fields: senders read this object's lane
     * references on every offer, and a consumer store into the same cache line would make every offer miss.
     * Eight longs (64 bytes) on each side of the used slots keep them on lines of their own. Journal.Settler keeps
     * its per-frame count the same way. The module's other padding: single hot fields of one-per-thread objects
     * (Sender's announced epoch, JournalSegment's tail) sit between plain long fields; FrameSlot, an object per
     * slot, has its fields between two padding classes.
     */
    private static final int PAD = 8;
    private static final int DRAINED = PAD;
    private static final int DEAD_LETTERED = PAD + 1;
    private static final int HANDLER_ERRORS = PAD + 2;
    private static final int HIGH_WATER_MARK = PAD + 3;
    private static final int HELD_COUNT = PAD + 4;
    private static final int PASSED_EPOCH = PAD + 5;
    private static final int LANE_FENCE_EPOCH = PAD + 6;
    private static final int CONTROL_FENCE_EPOCH = PAD + 7;
    private static final int TOUCHED = PAD + 8;
    // With a journal: the journal record of the frame being handed to the handler, 0 when none, when the frame is
    // not journaled, or once the handler took it (consumer only, plain accesses).
    private static final int DELIVERY_RECORD = PAD + 9;
    private static final int COUNTERS_LENGTH = PAD + 10 + PAD;
    private static final int BATCH_LENGTH = 64;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            HANDOVER = lookup.findVarHandle(Mailbox.class, "handover", Handover.class);
            REJECTED_FULL = lookup.findVarHandle(Mailbox.class, "rejectedFull", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final int shardId;
    private final MessagePassingQueue<FrameSlot> lane;
    private final MessagePassingQueue<FrameSlot> controlLane;
    private final FrameSlot laneFence;
    private final FrameSlot controlFence;
    private final DeadLetterSink deadLetterSink;
    private final ErrorHandler errorHandler;
    private final Router router;
    private final boolean holdMovedActors;
    /** Settled journal bytes a mailbox counts before it publishes them to the journal (one atomic add). */
    static final long SETTLE_FLUSH_BYTES = 64 * 1024;
    private final Journal.Settler settler;

    // Written by the router (under its lock), read by consumers and senders.
    @SuppressWarnings("unused")
    private volatile Handover handover;
    @SuppressWarnings("unused")
    private volatile boolean closed;
    private volatile long fencesOffered;
    private long laneFenceOfferedEpoch;
    private long controlFenceOfferedEpoch;

    // Written by senders on the rejection path only.
    @SuppressWarnings("unused")
    private volatile long rejectedFull;

    // Consumer-owned state (see COUNTERS): published with ordered stores for readers on other threads.
    private final long[] counters = new long[COUNTERS_LENGTH];
    private FrameSlot[] held;
    private final FrameSlot[] batch = new FrameSlot[BATCH_LENGTH];
    private final FrameSlot[] controlBatch = new FrameSlot[BATCH_LENGTH];
    private boolean[] passedSnapshot = new boolean[0];

    Mailbox(final int shardId, final MailboxContext ctx, final Router router)
    {
        this.shardId = shardId;
        this.lane = ctx.laneFactory().apply(ctx.mailboxCapacity());
        this.controlLane = ctx.laneFactory().apply(ctx.controlCapacity());
        this.deadLetterSink = ctx.deadLetterSink();
        this.errorHandler = ctx.errorHandler();
        this.router = router;
        this.holdMovedActors = ctx.holdMovedActors();
        this.settler = router.journal() == null ? null : router.journal().newSettler();
        final UnsafeBuffer fenceStates = new UnsafeBuffer(new byte[2 * FrameSlot.STATE_LENGTH]);
        this.laneFence = new FrameSlot(fenceStates, 0, FrameSlot.KIND_FENCE, false, fenceStates, 0);
        this.controlFence = new FrameSlot(fenceStates, 0, FrameSlot.KIND_FENCE, true, fenceStates, 1);
        // At least a batch: a drain that finds a handover only after taking a batch may have to park all of it.
        this.held = new FrameSlot[Math.max(BATCH_LENGTH, lane.capacity())];
    }

    private long get(final int index)
    {
        return counters[index]; // consumer thread only: it is the single writer
    }

    private void publish(final int index, final long value)
    {
        COUNTERS.setRelease(counters, index, value);
    }

    private long read(final int index)
    {
        return (long)COUNTERS.getAcquire(counters, index);
    }

    /**
     * The shard id of this mailbox.
     *
     * @return the shard id.
     */
    public int shardId()
    {
        return shardId;
    }

    /**
     * Whether the mailbox is closed: its consumer now reports what remains as dead letters.
     *
     * @return true once closed.
     */
    public boolean isClosed()
    {
        return closed;
    }

    /**
     * Offers a slot to a lane. Called by a {@link Sender} inside its ring section.
     *
     * @param slot    the frame slot, already {@link FrameSlot#IN_FLIGHT}.
     * @param control true for the control lane.
     * @return {@link OfferStatus#ACCEPTED} or {@link OfferStatus#MAILBOX_FULL}.
     */
    OfferStatus offer(final FrameSlot slot, final boolean control)
    {
        // The lane's offer is a CAS on its producer index followed by a release store of the element: the
        // consumer that sees the element sees every byte the sender wrote into the slot before it.
        if ((control ? controlLane : lane).offer(slot))
        {
            return OfferStatus.ACCEPTED;
        }
        REJECTED_FULL.getAndAdd(this, 1L);
        return OfferStatus.MAILBOX_FULL;
    }

    /**
     * Drains up to {@code limit} frames: held frames whose handover finished first, then the control lane, then
     * the ordinary lane. Once the mailbox is closed, everything left is reported to the dead-letter sink instead.
     * <p>
     * {@code limit} bounds the ordinary frames; every control frame found is delivered, ahead of any ordinary
     * frame published after it (the control lane is checked again after each ordinary batch is taken, so an
     * ordinary frame never overtakes a system frame sent before it).
     * <p>
     * A drain stops at a lane slot whose producer has claimed it but not yet published it; the frames behind
     * that slot are delivered by a later drain, in order. So a drain may return fewer frames than were accepted
     * before it started, never more and never out of order; {@link MailboxCounters#depth()} tells whether
     * anything is still queued.
     * <p>
     * Single consumer thread only. Allocation free except while a ring change grows the shard-id space.
     *
     * @param handler receives each frame.
     * @param limit   maximum frames to hand over in this call, > 0.
     * @return the number of frames handed to the handler (or dead-lettered).
     */
    public int drain(final FrameHandler handler, final int limit)
    {
        final int drained = drainLanes(handler, limit);
        if (null != settler)
        {
            // Settled bytes only let the journal's agent remove a segment that is no longer active: publish them
            // when a batch's worth has built up, and when the mailbox is found empty while they belong to a segment
            // that has been rotated out (an idle mailbox never keeps a segment on disk). Publishing at every empty
            // find cost an atomic add (a full fence on the consumer) per small batch when traffic spreads over
            // many mailboxes.
            if (0 == drained)
            {
                settler.flushIfRetired();
            }
            else
            {
                settler.flush(SETTLE_FLUSH_BYTES);
            }
        }
        return drained;
    }

    private int drainLanes(final FrameHandler handler, final int limit)
    {
        if (closed)
        {
            return drainToDeadLetters();
        }

        Handover h = (Handover)HANDOVER.getAcquire(this);
        int count = 0;
        if (h != null)
        {
            final boolean allPassed = h.snapshot(passedSnapshot(h));
            count += releaseHeld(handler, h);
            if (allPassed && get(HELD_COUNT) == 0)
            {
                // Every previous shard is past its fence and nothing is held: back to the fast path.
                HANDOVER.compareAndSet(this, h, null);
                h = null;
            }
        }

        count += drainLane(controlLane, null, handler, h, Integer.MAX_VALUE);
        count += drainLane(lane, controlLane, handler, h, limit);
        if (count > 0)
        {
            // Backlog seen by this drain: what it took, plus what is still queued when it stopped at its limit.
            // size() reads the producers' index line, so it is only read when the lanes are busy anyway: reading
            // it on every drain would make the next producer CAS miss (see drainLane).
            final long backlog = count < limit ? count : count + lane.size() + controlLane.size();
            if (backlog > get(HIGH_WATER_MARK))
            {
                publish(HIGH_WATER_MARK, backlog);
            }
        }
        return count;
    }

    private int drainLane(
        final MessagePassingQueue<FrameSlot> queue,
        final MessagePassingQueue<FrameSlot> priorityQueue,
        final FrameHandler handler,
        final Handover handoverAtStart,
        final int limit)
    {
        final FrameSlot[] batch = priorityQueue == null ? this.controlBatch : this.batch;
        Handover h = handoverAtStart;
        int count = 0;
        int delivered = 0;
        while (count < limit)
        {
            // Never take more than the hold buffer can park: the rest stays queued (senders see backpressure),
            // nothing is dropped. Checked even without a handover: one may turn up after the batch is taken.
            final int max = Math.min(Math.min(batch.length, limit - count), held.length - (int)get(HELD_COUNT));
            if (max == 0)
            {
                break;
            }

            // Phase 1: take a batch. relaxedPoll(), not poll(): an empty poll() reads the producers' index line,
            // and a consumer spinning on an empty lane would then make every producer's CAS miss (measured: 56 ns
            // against 7 ns per offer for the raw queue on this project's 2-core machine). The price: when a
            // producer has claimed the next index but not yet stored its slot, the drain stops there, and the
            // frames behind it (even ones whose send already returned ACCEPTED) come with the next drain, still
            // in order.
            int n = 0;
            FrameSlot slot;
            while (n < max && null != (slot = queue.relaxedPoll()))
            {
                batch[n++] = slot;
            }
            if (n == 0)
            {
                break;
            }
            if (null == h)
            {
                // The handover read at the start of the drain may be stale: the router may have installed one
                // since (or replaced the one this drain just cleared). A frame routed by the new ring was offered
                // after the router installed its handover here (install, then publish the ring; the sender reads
                // the ring, then offers), so having polled it, this acquire load sees that handover. Without
                // this check such a frame of a moved actor could overtake the actor's older frames still queued
                // in its previous shard (seen on JDK 25 as rare CausalRingChangeTest violations).
                h = (Handover)HANDOVER.getAcquire(this);
                if (h != null)
                {
                    h.snapshot(passedSnapshot(h));
                }
            }

            // Phase 2: read every frame's first line before handling any. The loads are independent, so their
            // cross-core misses overlap instead of being paid one after another inside the handling loop.
            int touched = 0;
            for (int i = 0; i < n; i++)
            {
                final FrameSlot s = batch[i];
                if (s.kind == FrameSlot.KIND_FRAME)
                {
                    touched += s.buffer.getInt(s.offset + FrameDescriptor.TARGET_ACTOR_ID_OFFSET);
                }
            }
            counters[TOUCHED] = touched;

            // A system frame sent before one of these ordinary frames is visible by now (the ordinary frame's
            // publication happened after it), though it may have been missing when the control lane was checked:
            // deliver the control lane first again, so no ordinary frame overtakes an earlier system frame.
            if (null != priorityQueue)
            {
                delivered += drainLane(priorityQueue, null, handler, h, Integer.MAX_VALUE);
                delivered += awaitClaimedControlFrames(priorityQueue, handler, h);
            }

            // Phase 3: handle in lane order.
            for (int i = 0; i < n; i++)
            {
                final FrameSlot s = batch[i];
                batch[i] = null;
                if (s.kind == FrameSlot.KIND_FENCE)
                {
                    // A frame held here for an earlier ring change must not stay behind this shard's fence: once
                    // the fence is passed, a later owner of that actor releases the actor's newer frames. The
                    // router offers this fence only after the earlier handover completed, so with a fresh look at
                    // the current handover every such frame is releasable now; frames held for the current change
                    // (actors moved here from a shard that has not passed yet) stay held.
                    final Handover latest = (Handover)HANDOVER.getAcquire(this);
                    if (latest != null)
                    {
                        latest.snapshot(passedSnapshot(latest));
                        h = latest;
                        delivered += releaseHeld(handler, latest);
                    }
                    onFence(s);
                }
                else if (h != null && mustHold(s, h))
                {
                    final int heldCount = (int)get(HELD_COUNT);
                    held[heldCount] = s;
                    publish(HELD_COUNT, heldCount + 1);
                }
                else
                {
                    deliver(s, handler);
                    count++;
                }
            }
            if (n < max)
            {
                break;
            }
        }
        return count + delivered;
    }

    /**
     * Delivers the control frames whose slots were claimed before now, waiting for any still being published. The
     * relaxed drain above stops at a control slot another sender has claimed but not yet stored, and a system frame
     * sent after it (by a sender that then sent one of the ordinary frames just taken) would wait behind it while
     * that ordinary frame overtook it (found by MailboxLincheckTest: a drain delivered an ordinary frame and not the
     * control frame its own thread had queued before the drain). Such a slot is being stored by a sender between
     * its claim and its store, so the wait is a few nanoseconds unless that sender is descheduled; it reads the
     * control lane's producer index, a line written only by system sends, once per ordinary batch.
     */
    private int awaitClaimedControlFrames(
        final MessagePassingQueue<FrameSlot> queue, final FrameHandler handler, final Handover h)
    {
        if (!(queue instanceof QueueProgressIndicators))
        {
            return 0;
        }
        final QueueProgressIndicators progress = (QueueProgressIndicators)queue;
        final long claimed = progress.currentProducerIndex();
        int delivered = 0;
        while (progress.currentConsumerIndex() < claimed && held.length > get(HELD_COUNT))
        {
            Thread.onSpinWait();
            delivered += drainLane(queue, null, handler, h, Integer.MAX_VALUE);
        }
        return delivered;
    }

    private boolean mustHold(final FrameSlot slot, final Handover h)
    {
        if (!holdMovedActors)
        {
            return false; // test hook only: shows that the causal-order test fails without the handover
        }
        final int target = FrameDescriptor.targetActorId(slot.buffer, slot.offset);
        final int previousOwner = h.previousRing.shardFor(target);
        return previousOwner != shardId && previousOwner >= 0 && !passedSnapshot[previousOwner];
    }

    private int releaseHeld(final FrameHandler handler, final Handover h)
    {
        final int n = (int)get(HELD_COUNT);
        if (n == 0)
        {
            return 0;
        }
        final FrameSlot[] held = this.held;
        int kept = 0;
        int released = 0;
        for (int i = 0; i < n; i++)
        {
            final FrameSlot slot = held[i];
            // Frames of one actor share one previous owner, so they are either all released or all kept in
            // this pass: per-actor order survives the compaction.
            if (mustHold(slot, h))
            {
                held[kept++] = slot;
            }
            else
            {
                deliver(slot, handler);
                released++;
            }
        }
        for (int i = kept; i < n; i++)
        {
            held[i] = null;
        }
        publish(HELD_COUNT, kept);
        return released;
    }

    private void deliver(final FrameSlot slot, final FrameHandler handler)
    {
        final boolean journaled = null != settler;
        if (journaled)
        {
            // In the padded counters, not in a small object of its own: such an object, allocated among the objects
            // senders read on every offer, put a consumer store per message into their lines (with Journal.Settler's
            // count, which moved into a padded array too: L2RoutingBenchmark, 32 shards, journal on, 171-186 ns/op
            // before, 139-141 after).
            counters[DELIVERY_RECORD] = slot.journalRef();
        }
        try
        {
            handler.onFrame(slot.buffer, slot.offset, slot.frameLength());
        }
        catch (final Throwable t)
        {
            publish(HANDLER_ERRORS, get(HANDLER_ERRORS) + 1);
            errorHandler.onError(t);
        }
        if (journaled)
        {
            final long record = counters[DELIVERY_RECORD];
            if (record > 0)
            {
                counters[DELIVERY_RECORD] = 0;
                settler.handled(record, slot.frameLength());
            }
        }
        // Release: every read of the frame above happens-before the owner's next write into this slot.
        slot.soState(FrameSlot.FREE);
        publish(DRAINED, get(DRAINED) + 1);
    }

    /**
     * Takes over the journal record of the frame being handed to the handler: the mailbox will not mark it handled
     * when the handler returns, the caller will (with its own {@link Journal.Settler}) once it has really handled
     * the frame, for example after keeping a copy in a stash or for a retry. Consumer thread only, from inside
     * {@link FrameHandler#onFrame}.
     *
     * @return the record's reference for {@link Journal.Settler#handled(long, int)}, or 0 when no frame is being
     * delivered, the frame is not journaled, or its record was taken already.
     */
    public long takeJournalRecord()
    {
        if (null == settler)
        {
            return 0;
        }
        final long record = counters[DELIVERY_RECORD];
        counters[DELIVERY_RECORD] = 0; // taken: the caller settles it
        return record;
    }

    private void onFence(final FrameSlot fence)
    {
        counters[fence.controlLane ? CONTROL_FENCE_EPOCH : LANE_FENCE_EPOCH] = fence.fenceEpoch;
        fence.soState(FrameSlot.FREE);
        final long passed = Math.min(get(CONTROL_FENCE_EPOCH), get(LANE_FENCE_EPOCH));
        if (passed > get(PASSED_EPOCH))
        {
            // Release: every frame consumed before the fence happens-before a new shard's consumer that
            // acquires this epoch and then handles the moved actor's newer frames.
            publish(PASSED_EPOCH, passed);
        }
    }

    private int drainToDeadLetters()
    {
        int count = 0;
        count += deadLetterAll(controlLane);
        count += deadLetterAll(lane);
        final int n = (int)get(HELD_COUNT);
        for (int i = 0; i < n; i++)
        {
            deadLetter(held[i]);
            held[i] = null;
            count++;
        }
        publish(HELD_COUNT, 0);
        return count;
    }

    private int deadLetterAll(final MessagePassingQueue<FrameSlot> queue)
    {
        int count = 0;
        FrameSlot slot;
        while (null != (slot = queue.relaxedPoll()))
        {
            if (slot.kind == FrameSlot.KIND_FENCE)
            {
                onFence(slot);
            }
            else
            {
                deadLetter(slot);
                count++;
            }
        }
        return count;
    }

    private void deadLetter(final FrameSlot slot)
    {
        router.deadLetter(
            deadLetterSink, DeadLetterReason.MAILBOX_CLOSED, slot.buffer, slot.offset, slot.frameLength());
        // Not handled: its journal record stays pending, so the next run on the journal delivers it.
        slot.soState(FrameSlot.FREE);
        publish(DEAD_LETTERED, get(DEAD_LETTERED) + 1);
    }

    private boolean[] passedSnapshot(final Handover h)
    {
        if (passedSnapshot.length < h.previousByShard.length)
        {
            passedSnapshot = new boolean[h.previousByShard.length];
        }
        return passedSnapshot;
    }

    /**
     * Whether this mailbox's consumer has passed the fences of a ring epoch in both lanes.
     *
     * @param epoch the ring epoch.
     * @return true once passed.
     */
    boolean hasPassedFence(final long epoch)
    {
        return read(PASSED_EPOCH) >= epoch;
    }

    void handover(final Handover h)
    {
        HANDOVER.setRelease(this, h);
    }

    /**
     * Offers this mailbox's fence for an epoch to one lane; router thread only.
     *
     * @return true when enqueued.
     */
    boolean offerFence(final long epoch, final boolean control)
    {
        final FrameSlot fence = control ? controlFence : laneFence;
        if (fence.lvState() != FrameSlot.FREE)
        {
            return false; // previous fence still queued
        }
        fence.fenceEpoch = epoch;
        fence.spState(FrameSlot.IN_FLIGHT);
        if ((control ? controlLane : lane).offer(fence))
        {
            fencesOffered = fencesOffered + 1; // router thread only, under the router's lock
            if (control)
            {
                controlFenceOfferedEpoch = epoch;
            }
            else
            {
                laneFenceOfferedEpoch = epoch;
            }
            return true;
        }
        fence.spState(FrameSlot.FREE);
        return false;
    }

    /**
     * Whether the fence of an epoch is already in a lane; router thread only.
     */
    boolean fenceOffered(final long epoch, final boolean control)
    {
        return (control ? controlFenceOfferedEpoch : laneFenceOfferedEpoch) >= epoch;
    }

    void markClosed()
    {
        closed = true;
    }

    /**
     * A reading of this mailbox's counters; any thread.
     *
     * @return the counters.
     */
    public MailboxCounters counters()
    {
        final long produced = producerIndex(lane) + producerIndex(controlLane);
        return new MailboxCounters(
            shardId,
            produced < 0 ? -1 : produced - fencesOffered,
            (long)REJECTED_FULL.getOpaque(this),
            read(DRAINED),
            read(DEAD_LETTERED),
            read(HANDLER_ERRORS),
            (int)read(HELD_COUNT),
            lane.size() + controlLane.size(),
            read(HIGH_WATER_MARK));
    }

    private static long producerIndex(final MessagePassingQueue<FrameSlot> queue)
    {
        return queue instanceof QueueProgressIndicators ? ((QueueProgressIndicators)queue).currentProducerIndex() :
            Long.MIN_VALUE / 4;
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "Mailbox{shardId=" + shardId + ", closed=" + closed + '}';
    }
}
