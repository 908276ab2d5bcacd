package io.bitactor.mailbox.internal;

import org.agrona.concurrent.UnsafeBuffer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One frame-sized region of memory that travels through a mailbox lane by reference, so that no object is
 * allocated per message.
 * <p>
 * Ownership protocol (the {@code state} field is the only synchronisation besides the lane itself):
 * <ol>
 *   <li>The owning sender finds a slot in state {@link #FREE} ({@link #lvState()}, acquire: it sees every read the
 *       consumer made of the previous frame as done), writes the frame and {@link #length}, sets
 *       {@link #IN_FLIGHT} with a plain store and offers the slot to a lane. The lane's offer is a release store,
 *       so the consumer that polls the slot sees the frame bytes and the length.</li>
 *   <li>The consumer hands the frame to its handler and then calls {@link #soState(int)} with {@link #FREE}: a
 *       release store ordering all its reads of the frame before the sender's next write.</li>
 * </ol>
 * Fence slots (kind {@link #KIND_FENCE}) belong to a mailbox and carry a ring epoch instead of a frame.
 */
public final class FrameSlot
{
    /** The slot may be written by its owner. */
    public static final int FREE = 0;
    /** The slot is in a lane or being handled; only the consumer may touch it. */
    public static final int IN_FLIGHT = 1;

    /** The slot holds a frame. */
    public static final int KIND_FRAME = 0;
    /** The slot is a ring-change fence. */
    public static final int KIND_FENCE = 1;

    private static final VarHandle STATE;

    static
    {
        try
        {
            STATE = MethodHandles.lookup().findVarHandle(FrameSlot.class, "state", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** Buffer holding the frame (shared by all slots of one owner). */
    public final UnsafeBuffer buffer;
    /** Offset of the frame in {@link #buffer}. */
    public final int offset;
    /** {@link #KIND_FRAME} or {@link #KIND_FENCE}. */
    public final int kind;
    /** Frame length; written by the owner before the offer, read by the consumer after the poll. */
    public int length;
    /** For fences: the ring epoch whose handover this fence closes. */
    public long fenceEpoch;
    /** For fences: true when it travels in the control lane. */
    public boolean controlLane;

    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state;

    /**
     * A slot.
     *
     * @param buffer the owner's buffer.
     * @param offset of the slot in the buffer.
     * @param kind   {@link #KIND_FRAME} or {@link #KIND_FENCE}.
     */
    public FrameSlot(final UnsafeBuffer buffer, final int offset, final int kind)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.kind = kind;
    }

    /**
     * Load-acquire of the state.
     *
     * @return {@link #FREE} or {@link #IN_FLIGHT}.
     */
    public int lvState()
    {
        return (int)STATE.getAcquire(this);
    }

    /**
     * Plain store of the state, for the owner before publication through a lane.
     *
     * @param value the new state.
     */
    public void spState(final int value)
    {
        STATE.set(this, value);
    }

    /**
     * Store-release of the state, for the consumer giving the slot back.
     *
     * @param value the new state.
     */
    public void soState(final int value)
    {
        STATE.setRelease(this, value);
    }
}
