package io.bitactor.core;

import java.util.concurrent.atomic.AtomicLong;

/**
 * System-wide source of message ids. Each sender takes an {@link Allocator}, which reserves blocks of
 * {@link #BLOCK_SIZE} ids with one atomic increment, so ids cost one atomic per 1,024 messages.
 * <p>
 * Ids are unique across all allocators of a source and strictly increasing per allocator (per sender). Their order
 * across senders is not a send order: the hybrid-logical-clock timestamp carries causality.
 * <p>
 * <b>Threads:</b> the source is thread-safe; an allocator is single-threaded.
 */
public final class MessageIdSource
{
    /** Ids reserved per atomic increment. */
    public static final int BLOCK_SIZE = 1024;

    private final AtomicLong nextBlock = new AtomicLong();

    /**
     * A new allocator for one sender.
     *
     * @return the allocator.
     */
    public Allocator newAllocator()
    {
        return new Allocator(this);
    }

    private long reserveBlock()
    {
        return nextBlock.getAndIncrement() * BLOCK_SIZE + 1;
    }

    /**
     * Hands out the ids of reserved blocks; single-threaded.
     */
    public static final class Allocator
    {
        private final MessageIdSource source;
        private long next;
        private long limit;

        private Allocator(final MessageIdSource source)
        {
            this.source = source;
        }

        /**
         * The next id: unique in the source, greater than this allocator's previous one.
         *
         * @return the id, >= 1.
         */
        public long next()
        {
            if (next == limit)
            {
                final long start = source.reserveBlock();
                next = start;
                limit = start + BLOCK_SIZE;
            }
            return next++;
        }
    }
}
