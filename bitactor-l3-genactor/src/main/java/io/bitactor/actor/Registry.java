package io.bitactor.actor;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Actor cells by id: a two-level array (chunks of 4096 cells created on demand), so a lookup is two loads with no
 * hashing and no boxing. A cell is stored by the spawning thread before the START frame that introduces it is
 * sent; the mailbox lane's release/acquire pair then makes the cell visible to the worker that handles it.
 * Other readers (senders checking a breaker) use acquire loads.
 */
final class Registry
{
    private static final int CHUNK_SHIFT = 12;
    private static final int CHUNK_MASK = (1 << CHUNK_SHIFT) - 1;

    private final AtomicReferenceArray<AtomicReferenceArray<ActorCell>> chunks;
    private final int maxActors;

    Registry(final int maxActors)
    {
        this.maxActors = maxActors;
        this.chunks = new AtomicReferenceArray<>((maxActors >>> CHUNK_SHIFT) + 1);
    }

    int maxActors()
    {
        return maxActors;
    }

    ActorCell get(final int id)
    {
        if (id <= 0 || id >= maxActors)
        {
            return null;
        }
        final AtomicReferenceArray<ActorCell> chunk = chunks.get(id >>> CHUNK_SHIFT);
        return chunk == null ? null : chunk.getAcquire(id & CHUNK_MASK);
    }

    void put(final int id, final ActorCell cell)
    {
        final int index = id >>> CHUNK_SHIFT;
        AtomicReferenceArray<ActorCell> chunk = chunks.get(index);
        if (chunk == null)
        {
            chunks.compareAndSet(index, null, new AtomicReferenceArray<>(1 << CHUNK_SHIFT));
            chunk = chunks.get(index);
        }
        chunk.setRelease(id & CHUNK_MASK, cell);
    }

    void remove(final int id)
    {
        final AtomicReferenceArray<ActorCell> chunk = chunks.get(id >>> CHUNK_SHIFT);
        if (chunk != null)
        {
            chunk.setRelease(id & CHUNK_MASK, null);
        }
    }
}
