package io.bitactor.mailbox.internal;

import io.bitactor.core.FrameDescriptor;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Padding before a slot's fields. Slots are small objects allocated one after another, and each owner writes its
 * slot's frame location for every message while the consumer reads the neighbouring slot's: without padding they
 * share cache lines, and with a consumer right behind its owner every offer misses (L2RoutingBenchmark, 10,000
 * actors, spin, journal off: 94-109 ns/op before, 66-83 after; journal on: 131-144 before, 119-135 after). A
 * superclass's fields precede a subclass's in HotSpot's layout, so the fields live in a class between two classes
 * of padding, 64 bytes each (the JCTools pattern; see Mailbox for the module's others).
 */
abstract class FrameSlotLeftPad
{
    @SuppressWarnings("unused")
    private long p00, p01, p02, p03, p04, p05, p06, p07;
}

/** The fields of a {@link FrameSlot}, between its paddings (see {@link FrameSlotLeftPad}). */
abstract class FrameSlotFields extends FrameSlotLeftPad
{
    /**
     * Buffer holding the frame: the owner's slab, or, for a frame its owner encoded straight into its journal
     * record, the journal segment. Written by the owner while it holds the slot ({@link FrameSlot#FREE} to it), before the
     * offer; the lane's release store publishes it with the frame, and the consumer reads it after its poll.
     */
    public UnsafeBuffer buffer;
    /** Offset of the frame in {@link #buffer}; written and published as {@link #buffer}. */
    public int offset;
    /** {@link FrameSlot#KIND_FRAME} or {@link FrameSlot#KIND_FENCE}. */
    public final int kind;
    final UnsafeBuffer ownBuffer;
    final int ownOffset;
    final UnsafeBuffer states;
    final int stateOffset;
    /**
     * The state word's location, for the accessors: the state array's backing array (null off-heap) and address,
     * checked once in the constructor. The owner's state array is allocated with the slots, never re-wrapped, and
     * kept alive by {@link #states}.
     */
    final byte[] stateArray;
    final long stateAddress;
    /**
     * Reference to the frame's journal record, 0 when not journaled. Owner writes it before the offer; the lane
     * publishes it. A field next to {@link #buffer} and {@link #offset}, on the line the consumer reads for them.
     */
    long journalRef;

    /** For fences: the ring epoch whose handover this fence closes (router writes, lane publishes). */
    public long fenceEpoch;
    /** For fences: true when it travels in the control lane. */
    public final boolean controlLane;

    FrameSlotFields(
        final UnsafeBuffer buffer,
        final int offset,
        final int kind,
        final boolean controlLane,
        final UnsafeBuffer states,
        final int stateOffset)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.ownBuffer = buffer;
        this.ownOffset = offset;
        this.kind = kind;
        this.controlLane = controlLane;
        this.states = states;
        this.stateOffset = stateOffset;
        states.boundsCheck(stateOffset, FrameSlot.STATE_LENGTH);
        this.stateArray = states.byteArray();
        this.stateAddress = states.addressOffset() + stateOffset;
    }
}

/**
 * One frame-sized region of a sender's off-heap slab, passed through mailbox lanes by reference so that nothing is
 * allocated per message. The frame lives in the slab (slots are whole cache lines, so neighbouring slots never
 * share one) or, with a journal, in the frame's journal record (the owner encodes it there and the slot points at
 * it: nothing is copied); the slot's state word lives in a separate, compact state array of its owner.
 * <p>
 * Why a separate state array: consumers write a slot's state when they are done with it. In the frame's own line,
 * that store would turn the line dirty in the consumer's cache and the owner would pay a dirty cross-core miss per
 * message before rewriting the frame. In the compact array, sixteen consecutive slots share one line, consumers
 * free slots roughly in order far behind the owner's cursor, so the owner takes one miss per sixteen messages.
 * <p>
 * Ownership protocol (the state word is the only synchronisation besides the lane itself):
 * <ol>
 *   <li>The owning sender finds a slot in state {@link #FREE} ({@link #lvState()}, acquire: every read the
 *       consumer made of the previous frame is complete), writes the frame, sets {@link #IN_FLIGHT} with a plain
 *       store and offers the slot to a lane. The lane's offer is a release store, so the consumer that polls the
 *       slot sees the frame.</li>
 *   <li>The consumer hands the frame to its handler, then {@link #soState(int)} {@link #FREE}: a release store
 *       ordering all its reads of the frame before the owner's next write.</li>
 * </ol>
 * Fence slots (kind {@link #KIND_FENCE}) belong to a mailbox and carry a ring epoch instead of a frame.
 */
public final class FrameSlot extends FrameSlotFields
{
    // Padding after the fields (see FrameSlotLeftPad).
    @SuppressWarnings("unused")
    private long p10, p11, p12, p13, p14, p15, p16, p17;

    /** The slot may be written by its owner. */
    public static final int FREE = 0;
    /** The slot is in a lane or being handled; only the consumer may touch it. */
    public static final int IN_FLIGHT = 1;

    /** The slot holds a frame. */
    public static final int KIND_FRAME = 0;
    /** The slot is a ring-change fence. */
    public static final int KIND_FENCE = 1;

    /** Bytes of one state word in a state array. */
    public static final int STATE_LENGTH = 4;

    /**
     * A slot.
     *
     * @param buffer      the owner's buffer.
     * @param offset      of the slot in the buffer.
     * @param kind        {@link #KIND_FRAME} or {@link #KIND_FENCE}.
     * @param controlLane for fences: whether it goes to the control lane.
     * @param states      the owner's state array.
     * @param stateIndex  this slot's index in the state array.
     */
    public FrameSlot(
        final UnsafeBuffer buffer,
        final int offset,
        final int kind,
        final boolean controlLane,
        final UnsafeBuffer states,
        final int stateIndex)
    {
        super(buffer, offset, kind, controlLane, states, stateIndex * STATE_LENGTH);
    }

    /**
     * Points the slot at its own region of the owner's slab (owner only, while it holds the slot).
     */
    public void pointAtOwnRegion()
    {
        // Stored only when it changed: a slot that always holds its frame in the slab is then never written.
        if (buffer != ownBuffer || offset != ownOffset)
        {
            buffer = ownBuffer;
            offset = ownOffset;
        }
    }

    /**
     * Points the slot at a frame elsewhere, such as the frame inside the owner's journal record (owner only, while
     * it holds the slot). The region must stay valid until the consumer frees the slot.
     *
     * @param frameBuffer buffer holding the frame.
     * @param frameOffset offset of the frame.
     */
    public void pointAt(final UnsafeBuffer frameBuffer, final int frameOffset)
    {
        if (buffer != frameBuffer)
        {
            buffer = frameBuffer; // once per journal segment, not per message
        }
        offset = frameOffset;
    }

    /**
     * Length of the frame in this slot, from its header.
     *
     * @return the frame length.
     */
    public int frameLength()
    {
        return FrameDescriptor.frameLength(FrameDescriptor.payloadLength(buffer, offset));
    }

    /**
     * The reference to this frame's journal record.
     *
     * @return the reference, or 0 when the frame is not journaled.
     */
    public long journalRef()
    {
        return journalRef;
    }

    /**
     * Sets the reference to this frame's journal record (owner only, before the offer).
     *
     * @param reference the reference, 0 for none.
     */
    public void journalRef(final long reference)
    {
        journalRef = reference;
    }

    /**
     * Load-acquire of the state.
     *
     * @return {@link #FREE} or {@link #IN_FLIGHT}.
     */
    public int lvState()
    {
        return UnsafeApi.getIntAcquire(stateArray, stateAddress);
    }

    /**
     * Plain store of the state, for the owner before publication through a lane.
     *
     * @param value the new state.
     */
    public void spState(final int value)
    {
        UnsafeApi.putInt(stateArray, stateAddress, value);
    }

    /**
     * Store-release of the state, for the consumer giving the slot back.
     *
     * @param value the new state.
     */
    public void soState(final int value)
    {
        UnsafeApi.putIntRelease(stateArray, stateAddress, value);
    }
}
