package io.bitactor.actor;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Accounting counters of one actor, worker or client. An actor cell extends this class, so its counters share the
 * cell's cache lines instead of costing another object per message.
 * <p>
 * Most counters have a single writer (the owning worker or client thread), which stores the incremented value
 * with an opaque write: as cheap as a plain store, never torn, and visible to readers on other threads soon after.
 * The rejection counters are written by any sender and use atomic adds.
 */
class Counters
{
    static final int ACCEPTED = 0;
    static final int HANDLED = 1;
    static final int FAILED = 2;
    static final int RETRIED = 3;
    static final int REJECTED_BREAKER = 4;
    static final int REJECTED_FULL = 5;
    static final int DEAD_LETTERED = 6;
    static final int RESTARTS = 7;
    static final int LATE_REPLIES = 8;
    static final int COUNT = 9;

    // One constant VarHandle per field: the JIT inlines accesses through a static final handle.
    private static final VarHandle ACCEPTED_VH;
    private static final VarHandle HANDLED_VH;
    private static final VarHandle FAILED_VH;
    private static final VarHandle RETRIED_VH;
    private static final VarHandle REJECTED_BREAKER_VH;
    private static final VarHandle REJECTED_FULL_VH;
    private static final VarHandle DEAD_LETTERED_VH;
    private static final VarHandle RESTARTS_VH;
    private static final VarHandle LATE_REPLIES_VH;
    private static final VarHandle HELD_VH;
    private static final VarHandle HELD_HIGH_WATER_MARK_VH;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            ACCEPTED_VH = lookup.findVarHandle(Counters.class, "accepted", long.class);
            HANDLED_VH = lookup.findVarHandle(Counters.class, "handled", long.class);
            FAILED_VH = lookup.findVarHandle(Counters.class, "failed", long.class);
            RETRIED_VH = lookup.findVarHandle(Counters.class, "retried", long.class);
            REJECTED_BREAKER_VH = lookup.findVarHandle(Counters.class, "rejectedBreaker", long.class);
            REJECTED_FULL_VH = lookup.findVarHandle(Counters.class, "rejectedFull", long.class);
            DEAD_LETTERED_VH = lookup.findVarHandle(Counters.class, "deadLettered", long.class);
            RESTARTS_VH = lookup.findVarHandle(Counters.class, "restarts", long.class);
            LATE_REPLIES_VH = lookup.findVarHandle(Counters.class, "lateReplies", long.class);
            HELD_VH = lookup.findVarHandle(Counters.class, "held", long.class);
            HELD_HIGH_WATER_MARK_VH = lookup.findVarHandle(Counters.class, "heldHighWaterMark", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private long accepted;
    private long handled;
    private long failed;
    private long retried;
    private long rejectedBreaker;
    private long rejectedFull;
    private long deadLettered;
    private long restarts;
    private long lateReplies;
    // Messages an actor holds outside its mailbox (stashed, or calls waiting for a retry), and the most it held.
    private long held;
    private long heldHighWaterMark;

    /** Single-writer increment (the index is a constant at every call site, so the switch folds away). */
    final void increment(final int index)
    {
        switch (index)
        {
            case ACCEPTED -> ACCEPTED_VH.setOpaque(this, accepted + 1);
            case HANDLED -> HANDLED_VH.setOpaque(this, handled + 1);
            case FAILED -> FAILED_VH.setOpaque(this, failed + 1);
            case RETRIED -> RETRIED_VH.setOpaque(this, retried + 1);
            case DEAD_LETTERED -> DEAD_LETTERED_VH.setOpaque(this, deadLettered + 1);
            case RESTARTS -> RESTARTS_VH.setOpaque(this, restarts + 1);
            case LATE_REPLIES -> LATE_REPLIES_VH.setOpaque(this, lateReplies + 1);
            default -> incrementShared(index);
        }
    }

    /**
     * Single-writer change of the held-messages gauge (the owning worker only); raises its high-water mark.
     *
     * @param delta +1 when a message is stashed or a retry scheduled, -1 when it leaves.
     */
    final void held(final int delta)
    {
        final long value = held + delta;
        HELD_VH.setOpaque(this, value);
        if (value > heldHighWaterMark)
        {
            HELD_HIGH_WATER_MARK_VH.setOpaque(this, value);
        }
    }

    /** Any thread: the held-messages gauge. */
    final long held()
    {
        return (long)HELD_VH.getOpaque(this);
    }

    /** Any thread: the most messages held at once. */
    final long heldHighWaterMark()
    {
        return (long)HELD_HIGH_WATER_MARK_VH.getOpaque(this);
    }

    /** Adds a stopped actor's counts to this (any thread: atomic adds). */
    final void addShared(final Counters other)
    {
        for (int i = 0; i < COUNT; i++)
        {
            final long value = other.get(i);
            if (value != 0)
            {
                handle(i).getAndAdd(this, value);
            }
        }
    }

    /** Adds this object's counts into {@code sums} (length {@link #COUNT}); any thread. */
    final void addTo(final long[] sums)
    {
        for (int i = 0; i < COUNT; i++)
        {
            sums[i] += get(i);
        }
    }

    /** Increment from any thread. */
    final void incrementShared(final int index)
    {
        handle(index).getAndAdd(this, 1L);
    }

    final long get(final int index)
    {
        return (long)handle(index).getOpaque(this);
    }

    private static VarHandle handle(final int index)
    {
        switch (index)
        {
            case ACCEPTED: return ACCEPTED_VH;
            case HANDLED: return HANDLED_VH;
            case FAILED: return FAILED_VH;
            case RETRIED: return RETRIED_VH;
            case REJECTED_BREAKER: return REJECTED_BREAKER_VH;
            case REJECTED_FULL: return REJECTED_FULL_VH;
            case DEAD_LETTERED: return DEAD_LETTERED_VH;
            case RESTARTS: return RESTARTS_VH;
            case LATE_REPLIES: return LATE_REPLIES_VH;
            default: throw new IllegalArgumentException("no counter " + index);
        }
    }

    static ActorStats snapshot(final Iterable<? extends Counters> all)
    {
        final long[] sums = new long[COUNT];
        for (final Counters c : all)
        {
            for (int i = 0; i < COUNT; i++)
            {
                sums[i] += c.get(i);
            }
        }
        return toStats(sums);
    }

    final ActorStats snapshot()
    {
        final long[] v = new long[COUNT];
        for (int i = 0; i < COUNT; i++)
        {
            v[i] = get(i);
        }
        return toStats(v);
    }

    static ActorStats toStats(final long[] v)
    {
        return new ActorStats(v[ACCEPTED], v[HANDLED], v[FAILED], v[RETRIED], v[REJECTED_BREAKER], v[REJECTED_FULL],
            v[DEAD_LETTERED], v[RESTARTS], v[LATE_REPLIES]);
    }
}
