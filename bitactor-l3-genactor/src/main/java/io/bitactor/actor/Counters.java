package io.bitactor.actor;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Accounting counters of one actor, worker or client. Most are written by one thread (the owning worker or client
 * thread) with an ordered store of an incremented value, which is as cheap as a plain store on x86 and lets any
 * thread read a recent value; the rejection counters are written by any sender and use atomic adds.
 */
final class Counters
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

    private final AtomicLongArray values = new AtomicLongArray(COUNT);

    /** Single-writer increment. */
    void increment(final int index)
    {
        values.lazySet(index, values.get(index) + 1);
    }

    /** Increment from any thread. */
    void incrementShared(final int index)
    {
        values.getAndIncrement(index);
    }

    long get(final int index)
    {
        return values.get(index);
    }

    static ActorStats snapshot(final Iterable<Counters> all)
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

    ActorStats snapshot()
    {
        final long[] v = new long[COUNT];
        for (int i = 0; i < COUNT; i++)
        {
            v[i] = get(i);
        }
        return toStats(v);
    }

    private static ActorStats toStats(final long[] v)
    {
        return new ActorStats(v[ACCEPTED], v[HANDLED], v[FAILED], v[RETRIED], v[REJECTED_BREAKER], v[REJECTED_FULL],
            v[DEAD_LETTERED], v[RESTARTS], v[LATE_REPLIES]);
    }
}
