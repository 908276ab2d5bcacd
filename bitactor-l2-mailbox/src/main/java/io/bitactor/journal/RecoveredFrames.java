package io.bitactor.journal;

import io.bitactor.core.FrameDescriptor;
import io.bitactor.mailbox.FrameHandler;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.IntArrayList;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The messages a journal found accepted but not handled when it opened: to be delivered again, each actor's in
 * its original order, before any new message to that actor. Frames are delivered straight from the mapped segment
 * (zero-copy; every one was verified, length and CRC32C, when the journal opened); after the handler returns, the
 * record is acknowledged (its ack short in the segment's ack area), so it is not delivered again by a later
 * recovery (at-least-once: a crash during the handler delivers it again; message ids are unchanged so behaviours
 * can deduplicate).
 * <p>
 * <b>Threads:</b> {@link #replay(int, FrameHandler)} may be called concurrently for different actors (each actor
 * from one thread at a time); {@link #replayAll(FrameHandler)} from one thread while nothing else replays.
 */
public final class RecoveredFrames
{
    private final JournalSegment[] segments;
    private final int[] recordOffsets;
    private final int[] targets;
    private final boolean[] delivered;
    private final Int2ObjectHashMap<IntArrayList> byActor = new Int2ObjectHashMap<>();
    private final AtomicLong pending;
    private final Journal journal;

    RecoveredFrames(final Journal journal, final List<JournalSegment> segments, final IntArrayList offsets)
    {
        this.journal = journal;
        final int n = offsets.size();
        this.segments = segments.toArray(new JournalSegment[0]);
        this.recordOffsets = new int[n];
        this.targets = new int[n];
        this.delivered = new boolean[n];
        for (int i = 0; i < n; i++)
        {
            recordOffsets[i] = offsets.getInt(i);
            targets[i] = FrameDescriptor.targetActorId(
                this.segments[i].buffer, recordOffsets[i] + JournalDescriptor.FRAME_OFFSET);
            byActor.computeIfAbsent(targets[i], k -> new IntArrayList()).addInt(i);
        }
        this.pending = new AtomicLong(n);
    }

    /**
     * Messages recovered in all.
     *
     * @return the count found at open.
     */
    public int count()
    {
        return recordOffsets.length;
    }

    /**
     * Messages not delivered yet.
     *
     * @return the count.
     */
    public long pendingCount()
    {
        return pending.get();
    }

    /**
     * Whether an actor has recovered messages not yet delivered.
     *
     * @param actorId the actor.
     * @return true if {@link #replay(int, FrameHandler)} would deliver something.
     */
    public boolean hasPending(final int actorId)
    {
        final IntArrayList list = byActor.get(actorId);
        if (list == null)
        {
            return false;
        }
        for (int i = 0, n = list.size(); i < n; i++)
        {
            if (!delivered[list.getInt(i)])
            {
                return true;
            }
        }
        return false;
    }

    /**
     * The actors with recovered messages.
     *
     * @return their ids, in no particular order.
     */
    public int[] actorIds()
    {
        final int[] ids = new int[byActor.size()];
        int i = 0;
        for (final Integer id : byActor.keySet())
        {
            ids[i++] = id;
        }
        return ids;
    }

    /**
     * Delivers an actor's recovered messages, in their original order, and marks each handled after the handler
     * returns. Messages already delivered are not delivered again.
     *
     * @param actorId the target actor.
     * @param handler receives each frame.
     * @return how many were delivered.
     */
    public int replay(final int actorId, final FrameHandler handler)
    {
        final IntArrayList list = byActor.get(actorId);
        if (list == null)
        {
            return 0;
        }
        int count = 0;
        for (int i = 0, n = list.size(); i < n; i++)
        {
            count += deliver(list.getInt(i), handler);
        }
        return count;
    }

    /**
     * Delivers every recovered message not yet delivered, in journal order (per-actor order kept).
     *
     * @param handler receives each frame.
     * @return how many were delivered.
     */
    public int replayAll(final FrameHandler handler)
    {
        int count = 0;
        for (int i = 0; i < recordOffsets.length; i++)
        {
            count += deliver(i, handler);
        }
        return count;
    }

    private int deliver(final int index, final FrameHandler handler)
    {
        if (delivered[index])
        {
            return 0;
        }
        delivered[index] = true;
        final JournalSegment segment = segments[index];
        final int offset = recordOffsets[index];
        final int frameLength = JournalDescriptor.lengthOf(segment.buffer.getInt(offset)) -
            JournalDescriptor.RECORD_HEADER_LENGTH;
        try
        {
            handler.onFrame(segment.buffer, offset + JournalDescriptor.FRAME_OFFSET, frameLength);
        }
        finally
        {
            // Release store of the record's ack (see JournalDescriptor#markHandled): after the handler's effects.
            JournalDescriptor.markHandled(segment.buffer, segment.recordsEnd, offset);
            pending.decrementAndGet();
            journal.onRecoveredHandled(segment);
        }
        return 1;
    }
}
