package io.bitactor.mailbox;

import io.bitactor.core.FrameDescriptor;
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
    private static final VarHandle PASSED_EPOCH;
    private static final VarHandle REJECTED_FULL;
    private static final VarHandle DRAINED;
    private static final VarHandle DEAD_LETTERED;
    private static final VarHandle HANDLER_ERRORS;
    private static final VarHandle HIGH_WATER_MARK;
    private static final VarHandle HELD_COUNT;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            HANDOVER = lookup.findVarHandle(Mailbox.class, "handover", Handover.class);
            PASSED_EPOCH = lookup.findVarHandle(Mailbox.class, "passedEpoch", long.class);
            REJECTED_FULL = lookup.findVarHandle(Mailbox.class, "rejectedFull", long.class);
            DRAINED = lookup.findVarHandle(Mailbox.class, "drained", long.class);
            DEAD_LETTERED = lookup.findVarHandle(Mailbox.class, "deadLettered", long.class);
            HANDLER_ERRORS = lookup.findVarHandle(Mailbox.class, "handlerErrors", long.class);
            HIGH_WATER_MARK = lookup.findVarHandle(Mailbox.class, "highWaterMark", int.class);
            HELD_COUNT = lookup.findVarHandle(Mailbox.class, "heldCount", int.class);
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

    // Consumer-owned state; counters are published with ordered stores for readers on other threads.
    private FrameSlot[] held;
    @SuppressWarnings("unused")
    private volatile int heldCount;
    private boolean[] passedSnapshot = new boolean[0];
    private long laneFenceEpoch;
    private long controlFenceEpoch;
    @SuppressWarnings("unused")
    private volatile long passedEpoch;
    @SuppressWarnings("unused")
    private volatile long drained;
    @SuppressWarnings("unused")
    private volatile long deadLettered;
    @SuppressWarnings("unused")
    private volatile long handlerErrors;
    @SuppressWarnings("unused")
    private volatile int highWaterMark;

    Mailbox(final int shardId, final MailboxContext ctx, final Router router)
    {
        this.shardId = shardId;
        this.lane = ctx.laneFactory().apply(ctx.mailboxCapacity());
        this.controlLane = ctx.laneFactory().apply(ctx.controlCapacity());
        this.deadLetterSink = ctx.deadLetterSink();
        this.errorHandler = ctx.errorHandler();
        this.router = router;
        this.holdMovedActors = ctx.holdMovedActors();
        final UnsafeBuffer none = new UnsafeBuffer(new byte[0]);
        this.laneFence = new FrameSlot(none, 0, FrameSlot.KIND_FENCE);
        this.controlFence = new FrameSlot(none, 0, FrameSlot.KIND_FENCE);
        this.controlFence.controlLane = true;
        this.held = new FrameSlot[Math.max(16, lane.capacity())];
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
     * Single consumer thread only. Allocation free except while a ring change grows the shard-id space.
     *
     * @param handler receives each frame.
     * @param limit   maximum frames to hand over in this call, > 0.
     * @return the number of frames handed to the handler (or dead-lettered).
     */
    public int drain(final FrameHandler handler, final int limit)
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
            if (allPassed && heldCount == 0)
            {
                // Every previous shard is past its fence and nothing is held: back to the fast path.
                HANDOVER.compareAndSet(this, h, null);
                h = null;
            }
        }

        final int depth = lane.size() + controlLane.size();
        if (depth > highWaterMark)
        {
            HIGH_WATER_MARK.setRelease(this, depth);
        }

        count += drainLane(controlLane, handler, h, limit - count);
        count += drainLane(lane, handler, h, limit - count);
        return count;
    }

    private int drainLane(
        final MessagePassingQueue<FrameSlot> queue, final FrameHandler handler, final Handover h, final int limit)
    {
        final FrameSlot[] held = this.held;
        int count = 0;
        while (count < limit)
        {
            if (h != null && heldCount == held.length)
            {
                break; // hold buffer full: leave the rest queued (senders see backpressure), never drop.
            }
            // poll(), not relaxedPoll(): when a producer has claimed the next index but not yet stored its
            // element, poll() waits those few instructions instead of stopping early, so a drain never misses
            // a frame whose send already returned ACCEPTED behind a send still in progress (linearizable drain).
            final FrameSlot slot = queue.poll();
            if (null == slot)
            {
                break;
            }
            if (slot.kind == FrameSlot.KIND_FENCE)
            {
                onFence(slot);
            }
            else if (h != null && mustHold(slot, h))
            {
                held[heldCount] = slot;
                HELD_COUNT.setRelease(this, heldCount + 1);
            }
            else
            {
                deliver(slot, handler);
                count++;
            }
        }
        return count;
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
        final int n = heldCount;
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
        HELD_COUNT.setRelease(this, kept);
        return released;
    }

    private void deliver(final FrameSlot slot, final FrameHandler handler)
    {
        try
        {
            handler.onFrame(slot.buffer, slot.offset, slot.length);
        }
        catch (final Throwable t)
        {
            HANDLER_ERRORS.setRelease(this, handlerErrors + 1);
            errorHandler.onError(t);
        }
        // Release: every read of the frame above happens-before the owner's next write into this slot.
        slot.soState(FrameSlot.FREE);
        DRAINED.setRelease(this, drained + 1);
    }

    private void onFence(final FrameSlot fence)
    {
        if (fence.controlLane)
        {
            controlFenceEpoch = fence.fenceEpoch;
        }
        else
        {
            laneFenceEpoch = fence.fenceEpoch;
        }
        fence.soState(FrameSlot.FREE);
        final long passed = Math.min(controlFenceEpoch, laneFenceEpoch);
        if (passed > passedEpoch)
        {
            // Release: every frame consumed before the fence happens-before a new shard's consumer that
            // acquires this epoch and then handles the moved actor's newer frames.
            PASSED_EPOCH.setRelease(this, passed);
        }
    }

    private int drainToDeadLetters()
    {
        int count = 0;
        count += deadLetterAll(controlLane);
        count += deadLetterAll(lane);
        final int n = heldCount;
        for (int i = 0; i < n; i++)
        {
            deadLetter(held[i]);
            held[i] = null;
            count++;
        }
        HELD_COUNT.setRelease(this, 0);
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
        router.deadLetter(deadLetterSink, DeadLetterReason.MAILBOX_CLOSED, slot.buffer, slot.offset, slot.length);
        slot.soState(FrameSlot.FREE);
        DEAD_LETTERED.setRelease(this, deadLettered + 1);
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
        return (long)PASSED_EPOCH.getAcquire(this) >= epoch;
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
            (long)DRAINED.getOpaque(this),
            (long)DEAD_LETTERED.getOpaque(this),
            (long)HANDLER_ERRORS.getOpaque(this),
            (int)HELD_COUNT.getOpaque(this),
            lane.size() + controlLane.size(),
            (int)HIGH_WATER_MARK.getOpaque(this));
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
