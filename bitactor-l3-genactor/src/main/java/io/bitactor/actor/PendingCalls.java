package io.bitactor.actor;

import java.util.Arrays;

/**
 * The calls that actors of one worker are waiting for, with their timeouts. Worker thread only.
 * <p>
 * A call gets a slot; its correlation id names the slot and the slot's generation, so a reply finds its call
 * with one array index and a generation check: no hashing, no boxing, and a late reply for a reused slot is
 * recognised as late.
 * <pre>
 *   63        56 55                     32 31                              0
 *  +------------+-------------------------+--------------------------------+
 *  | worker + 1 |  generation (24 bits)   |  slot                          |
 *  +------------+-------------------------+--------------------------------+
 * </pre>
 * Timeouts: a new call's correlation id goes to a short "recent" list; once a timer tick has passed, the list is
 * swept: calls answered meanwhile (almost all of them) are dropped, the few still waiting move to a hashed wheel of
 * buckets by deadline tick, where an entry answered later is skipped lazily when its bucket comes due (its
 * generation no longer matches). So a call costs a few array stores, an answer costs nothing for the timeout, and
 * the memory held is about one tick of calls plus the calls that really wait. Arrays grow (allocate) only when
 * more calls are in flight, or registered within one tick, than ever before.
 */
final class PendingCalls
{
    private static final int SLOT_BITS = 32;
    private static final long SLOT_MASK = 0xFFFF_FFFFL;
    private static final int GENERATION_MASK = 0xFF_FFFF;
    private static final int BUCKETS = 512;

    private final long workerTag;
    private final long tickNs;
    private ReplyHandler[] handlers;
    private ActorCell[] owners;
    private long[] deadlines;
    private long[] timeouts;
    private int[] generations;
    /** Per slot, the call's trace: trace id high, low, the call's span id, flags (high 32 bits) and target. */
    private long[] traces;
    private int[] free;
    private int freeCount;
    private final long[][] buckets = new long[BUCKETS][];
    private final int[] bucketSizes = new int[BUCKETS];
    private long[] due = new long[16];
    private long[] recent = new long[64];
    private int recentCount;
    private long recentTick;
    private long lastTick;
    private int size;

    PendingCalls(final int workerIndex, final long tickNs, final long nowNs, final int initialCapacity)
    {
        this.workerTag = ((long)workerIndex + 1) << 56;
        this.tickNs = tickNs;
        this.lastTick = nowNs / tickNs;
        grow(initialCapacity);
    }

    int size()
    {
        return size;
    }

    /** Whether {@link #expire} has anything to look at. */
    boolean hasWork()
    {
        return size > 0 || recentCount > 0;
    }

    /**
     * Registers a call.
     *
     * @return its correlation id.
     */
    long register(final ActorCell owner, final ReplyHandler handler, final long nowNs, final long timeoutNs)
    {
        if (freeCount == 0)
        {
            grow(handlers.length * 2);
        }
        final int slot = free[--freeCount];
        handlers[slot] = handler;
        owners[slot] = owner;
        final long deadline = nowNs + timeoutNs;
        deadlines[slot] = deadline;
        timeouts[slot] = timeoutNs;
        size++;
        final long correlationId = workerTag | ((long)generations[slot] << SLOT_BITS) | slot;
        if (recentCount == recent.length)
        {
            recent = Arrays.copyOf(recent, recentCount * 2);
        }
        if (recentCount == 0)
        {
            recentTick = nowNs / tickNs;
        }
        recent[recentCount++] = correlationId;
        return correlationId;
    }

    /**
     * The slot of a call still waiting, or -1 when the id is unknown, answered, timed out or not this owner's.
     */
    int find(final long correlationId, final ActorCell owner)
    {
        if ((correlationId & 0xFF00_0000_0000_0000L) != workerTag)
        {
            return -1;
        }
        final long slot = correlationId & SLOT_MASK;
        if (slot >= handlers.length)
        {
            return -1;
        }
        final int s = (int)slot;
        return owners[s] == owner && generations[s] == (int)((correlationId >>> SLOT_BITS) & GENERATION_MASK) ?
            s : -1;
    }

    /**
     * Keeps the trace of a registered call, for its timeout.
     */
    void trace(
        final long correlationId, final long traceHigh, final long traceLow, final long spanId, final int flags,
        final int targetId)
    {
        final int base = (int)(correlationId & SLOT_MASK) << 2;
        final long[] traces = this.traces;
        traces[base] = traceHigh;
        traces[base + 1] = traceLow;
        traces[base + 2] = spanId;
        traces[base + 3] = ((long)flags << 32) | (targetId & 0xFFFF_FFFFL);
    }

    ReplyHandler handler(final int slot)
    {
        return handlers[slot];
    }

    /** Frees a slot; its generation moves on, so the old correlation id no longer matches. */
    void release(final int slot)
    {
        handlers[slot] = null;
        owners[slot] = null;
        generations[slot] = (generations[slot] + 1) & GENERATION_MASK;
        free[freeCount++] = slot;
        size--;
    }

    /**
     * Times out the calls whose deadline passed: each owner's handler gets a {@link CallTimeoutException}.
     *
     * @return the number of calls timed out.
     */
    int expire(final long nowNs, final Worker worker)
    {
        final long nowTick = nowNs / tickNs;
        if (recentCount > 0 && nowTick != recentTick)
        {
            promoteRecent();
        }
        if (size == 0)
        {
            lastTick = nowTick;
            return 0;
        }
        int expired = 0;
        // After a long pause every bucket is due once; no need to walk the same bucket twice.
        final long from = Math.max(lastTick + 1, nowTick - BUCKETS + 1);
        for (long tick = from; tick <= nowTick; tick++)
        {
            expired += expireBucket((int)(tick & (BUCKETS - 1)), nowNs, worker);
        }
        lastTick = nowTick;
        return expired;
    }

    private int expireBucket(final int bucket, final long nowNs, final Worker worker)
    {
        final int n = bucketSizes[bucket];
        if (n == 0)
        {
            return 0;
        }
        final long[] entries = buckets[bucket];
        // Take the bucket's entries out first (into a reused array): a handler may register new calls, even into
        // this bucket.
        if (due.length < n)
        {
            due = new long[Math.max(n, due.length * 2)];
        }
        final long[] due = this.due;
        System.arraycopy(entries, 0, due, 0, n);
        bucketSizes[bucket] = 0;
        int expired = 0;
        for (int i = 0; i < n; i++)
        {
            final long correlationId = due[i];
            final int slot = (int)(correlationId & SLOT_MASK);
            if (generations[slot] != (int)((correlationId >>> SLOT_BITS) & GENERATION_MASK) || null == owners[slot])
            {
                continue;
            }
            if (deadlines[slot] - nowNs > 0)
            {
                // A deadline more than one wheel turn away: wait for its turn.
                addToBucket(deadlines[slot] / tickNs, correlationId);
                continue;
            }
            final ActorCell owner = owners[slot];
            final ReplyHandler handler = handlers[slot];
            final long timeoutNs = timeouts[slot];
            final int base = slot << 2;
            final long traceHigh = traces[base];
            final long traceLow = traces[base + 1];
            final long spanId = traces[base + 2];
            final long flagsAndTarget = traces[base + 3];
            release(slot);
            owner.onCallTimeout(worker, handler, correlationId, timeoutNs, traceHigh, traceLow, spanId,
                (int)(flagsAndTarget >>> 32), (int)flagsAndTarget);
            expired++;
        }
        return expired;
    }

    /** Calls registered at least one tick ago: drop the answered ones, put the waiting ones on the wheel. */
    private void promoteRecent()
    {
        final long[] recent = this.recent;
        for (int i = 0, n = recentCount; i < n; i++)
        {
            final long correlationId = recent[i];
            final int slot = (int)(correlationId & SLOT_MASK);
            if (generations[slot] == (int)((correlationId >>> SLOT_BITS) & GENERATION_MASK) && null != owners[slot])
            {
                addToBucket(Math.max(deadlines[slot] / tickNs, lastTick + 1), correlationId);
            }
        }
        recentCount = 0;
    }

    private void addToBucket(final long tick, final long correlationId)
    {
        final int bucket = (int)(tick & (BUCKETS - 1));
        long[] entries = buckets[bucket];
        final int n = bucketSizes[bucket];
        if (null == entries)
        {
            entries = new long[16];
            buckets[bucket] = entries;
        }
        else if (n == entries.length)
        {
            entries = Arrays.copyOf(entries, n * 2);
            buckets[bucket] = entries;
        }
        entries[n] = correlationId;
        bucketSizes[bucket] = n + 1;
    }

    private void grow(final int capacity)
    {
        final int old = null == handlers ? 0 : handlers.length;
        handlers = null == handlers ? new ReplyHandler[capacity] : Arrays.copyOf(handlers, capacity);
        owners = null == owners ? new ActorCell[capacity] : Arrays.copyOf(owners, capacity);
        deadlines = null == deadlines ? new long[capacity] : Arrays.copyOf(deadlines, capacity);
        timeouts = null == timeouts ? new long[capacity] : Arrays.copyOf(timeouts, capacity);
        generations = null == generations ? new int[capacity] : Arrays.copyOf(generations, capacity);
        traces = null == traces ? new long[capacity << 2] : Arrays.copyOf(traces, capacity << 2);
        free = null == free ? new int[capacity] : Arrays.copyOf(free, capacity);
        for (int slot = capacity - 1; slot >= old; slot--)
        {
            free[freeCount++] = slot;
        }
    }
}
