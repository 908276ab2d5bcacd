package io.bitactor.actor;

import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A single-threaded FIFO of frames copied into one growable heap buffer: a worker's outbox (frames waiting for a
 * full mailbox) and an actor's stash (frames waiting while it is suspended). Records are 8-byte aligned:
 * <pre>
 *  +--------------------+--------------------+----------------------+-----------------+
 *  | frame length (32)  | extra (32)         | tag (64)             | frame ...       |
 *  +--------------------+--------------------+----------------------+-----------------+
 * </pre>
 * It grows by doubling up to its maximum; it allocates only when it grows, which happens only under overload or
 * failure, never in steady state.
 */
final class FrameQueue
{
    static final int RECORD_HEADER_LENGTH = 16;

    private final int maxCapacity;
    private UnsafeBuffer buffer;
    private int head;
    private int tail;
    private int size;

    FrameQueue(final int initialCapacity, final int maxCapacity)
    {
        this.maxCapacity = maxCapacity;
        this.buffer = new UnsafeBuffer(new byte[Math.min(initialCapacity, maxCapacity)]);
    }

    boolean isEmpty()
    {
        return size == 0;
    }

    int size()
    {
        return size;
    }

    /**
     * Appends a copy of a frame.
     *
     * @return false when the queue is at its maximum capacity (nothing appended).
     */
    boolean append(final DirectBuffer src, final int offset, final int length, final long tag)
    {
        return append(src, offset, length, tag, 0);
    }

    /**
     * Appends a copy of a frame with a tag and an extra int.
     *
     * @return false when the queue is at its maximum capacity (nothing appended).
     */
    boolean append(final DirectBuffer src, final int offset, final int length, final long tag, final int extra)
    {
        final int recordLength = BitUtil.align(RECORD_HEADER_LENGTH + length, 8);
        if (tail + recordLength > buffer.capacity() && !makeRoom(recordLength))
        {
            return false;
        }
        final UnsafeBuffer b = buffer;
        b.putInt(tail, length);
        b.putInt(tail + 4, extra);
        b.putLong(tail + 8, tag);
        b.putBytes(tail + RECORD_HEADER_LENGTH, src, offset, length);
        tail += recordLength;
        size++;
        return true;
    }

    private boolean makeRoom(final int recordLength)
    {
        final int used = tail - head;
        final int needed = used + recordLength;
        if (needed > maxCapacity)
        {
            return false;
        }
        // Grow until the live records fill at most half of the buffer (amortised O(1) appends); otherwise
        // compact in place. arraycopy handles the overlap of an in-place move.
        int capacity = buffer.capacity();
        while (capacity < 2L * needed && capacity < maxCapacity)
        {
            capacity = (int)Math.min(2L * capacity, maxCapacity);
        }
        final byte[] current = buffer.byteArray();
        final byte[] next = capacity == current.length ? current : new byte[capacity];
        System.arraycopy(current, head, next, 0, used);
        if (next != current)
        {
            buffer = new UnsafeBuffer(next);
        }
        head = 0;
        tail = used;
        return tail + recordLength <= buffer.capacity();
    }

    /** The buffer holding the oldest frame (valid until the next append or pop). */
    DirectBuffer headBuffer()
    {
        return buffer;
    }

    /** Offset of the oldest frame; the queue must not be empty. */
    int headOffset()
    {
        return head + RECORD_HEADER_LENGTH;
    }

    /** Length of the oldest frame. */
    int headLength()
    {
        return buffer.getInt(head);
    }

    /** Tag of the oldest frame. */
    long headTag()
    {
        return buffer.getLong(head + 8);
    }

    int headExtra()
    {
        return buffer.getInt(head + 4);
    }

    /** Removes the oldest frame. */
    void pop()
    {
        head += BitUtil.align(RECORD_HEADER_LENGTH + buffer.getInt(head), 8);
        if (--size == 0)
        {
            head = 0;
            tail = 0;
        }
    }
}
