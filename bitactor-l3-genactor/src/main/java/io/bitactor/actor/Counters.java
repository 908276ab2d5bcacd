package io.bitactor.actor;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Accounting counters of one actor, worker or client. An actor cell extends this class, so its per-message counters
 * (accepted, handled, failed) share the cell's cache lines instead of costing another object per message; the
 * others are in an array of their own, so senders counting rejections never write the lines the owner writes.
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

    // The per-message counters are fields (on the owner's lines: an actor cell's own); the others live in an array
    // of their own, so that senders adding to the rejection counters never touch the lines the owner writes per
    // message. Slot of counter i (i >= RETRIED) in that array: i - RETRIED; then the held gauge and its mark.
    private static final int HELD = COUNT - RETRIED;
    private static final int HELD_HIGH_WATER_MARK = HELD + 1;
    private static final int RARE_SLOTS = HELD_HIGH_WATER_MARK + 1;

    // One constant VarHandle per field: the JIT inlines accesses through a static final handle.
    private static final VarHandle ACCEPTED_VH;
    private static final VarHandle HANDLED_VH;
    private static final VarHandle FAILED_VH;
    private static final VarHandle RARE_VH = MethodHandles.arrayElementVarHandle(long[].class);

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            ACCEPTED_VH = lookup.findVarHandle(Counters.class, "accepted", long.class);
            HANDLED_VH = lookup.findVarHandle(Counters.class, "handled", long.class);
            FAILED_VH = lookup.findVarHandle(Counters.class, "failed", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private long accepted;
    private long handled;
    private long failed;
    private final long[] rare = new long[RARE_SLOTS];

    /** Single-writer increment (the index is a constant at every call site, so the switch folds away). */
    final void increment(final int index)
    {
        switch (index)
        {
            case ACCEPTED -> ACCEPTED_VH.setOpaque(this, accepted + 1);
            case HANDLED -> HANDLED_VH.setOpaque(this, handled + 1);
            case FAILED -> FAILED_VH.setOpaque(this, failed + 1);
            case REJECTED_BREAKER, REJECTED_FULL -> incrementShared(index);
            default -> RARE_VH.setOpaque(rare, index - RETRIED, rare[index - RETRIED] + 1);
        }
    }

    /**
     * Single-writer change of the held-messages gauge (the owning worker only); raises its high-water mark.
     *
     * @param delta +1 when a message is stashed or a retry scheduled, -1 when it leaves.
     */
    final void held(final int delta)
    {
        final long value = rare[HELD] + delta;
        RARE_VH.setOpaque(rare, HELD, value);
        if (value > rare[HELD_HIGH_WATER_MARK])
        {
            RARE_VH.setOpaque(rare, HELD_HIGH_WATER_MARK, value);
        }
    }

    /** Any thread: the held-messages gauge. */
    final long held()
    {
        return (long)RARE_VH.getOpaque(rare, HELD);
    }

    /** Any thread: the most messages held at once. */
    final long heldHighWaterMark()
    {
        return (long)RARE_VH.getOpaque(rare, HELD_HIGH_WATER_MARK);
    }

    /** Adds a stopped actor's counts to this (any thread: atomic adds). */
    final void addShared(final Counters other)
    {
        for (int i = 0; i < COUNT; i++)
        {
            final long value = other.get(i);
            if (value != 0)
            {
                add(i, value);
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
        add(index, 1L);
    }

    private void add(final int index, final long value)
    {
        switch (index)
        {
            case ACCEPTED -> ACCEPTED_VH.getAndAdd(this, value);
            case HANDLED -> HANDLED_VH.getAndAdd(this, value);
            case FAILED -> FAILED_VH.getAndAdd(this, value);
            default -> RARE_VH.getAndAdd(rare, slot(index), value);
        }
    }

    final long get(final int index)
    {
        switch (index)
        {
            case ACCEPTED: return (long)ACCEPTED_VH.getOpaque(this);
            case HANDLED: return (long)HANDLED_VH.getOpaque(this);
            case FAILED: return (long)FAILED_VH.getOpaque(this);
            default: return (long)RARE_VH.getOpaque(rare, slot(index));
        }
    }

    private static int slot(final int index)
    {
        if (index < RETRIED || index >= COUNT)
        {
            throw new IllegalArgumentException("no counter " + index);
        }
        return index - RETRIED;
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
