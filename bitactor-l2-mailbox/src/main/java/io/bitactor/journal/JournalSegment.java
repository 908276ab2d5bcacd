package io.bitactor.journal;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * One mapped segment file. Appenders claim space with {@link #getAndAddTail(long)}; everything else belongs to
 * the journal's agent thread (or to recovery before the journal is published).
 */
final class JournalSegment
{
    private static final VarHandle TAIL;
    private static final VarHandle SETTLED;

    static
    {
        try
        {
            TAIL = MethodHandles.lookup().findVarHandle(JournalSegment.class, "tail", long.class);
            SETTLED = MethodHandles.lookup().findVarHandle(JournalSegment.class, "settled", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** What {@link #closeToAppenders()} adds to the tail: far past the end of any segment (at most 2 GiB). */
    static final long CLOSED_TAIL = 1L << 40;

    final long index;
    /** {@link JournalDescriptor#tag(long)} of the index. */
    final int tag;
    final Path path;
    final FileChannel channel;
    final MappedByteBuffer mapped;
    final UnsafeBuffer buffer;
    /** The mapped file's length. */
    final int capacity;
    /** The segment's length from its header (equal to {@link #capacity} for every file the journal maps). */
    final long segmentLength;
    /**
     * The end of the record area and start of the ack area ({@link JournalDescriptor#recordsEnd(long)}): appenders
     * never claim past it, and settled bytes are counted up to it.
     */
    final int recordsEnd;
    /** True for segments found at start: no appends, only recovered records. */
    final boolean recovered;

    // Claimed bytes; may run past recordsEnd when appenders overflow into a rotation. Written by appenders only.
    @SuppressWarnings("unused")
    private volatile long tail;

    // Padded away from the tail: consumers add to it (in batches) while appenders claim.
    @SuppressWarnings("unused")
    private long p01, p02, p03, p04, p05, p06, p07;
    // Bytes of records (and padding) that need no delivery any more: handled, cancelled, padding.
    @SuppressWarnings("unused")
    private volatile long settled;

    /** Slot in the journal's table of live segments (set before publication), -1 for recovered segments. */
    int slot = -1;

    // Agent thread only.
    // The oldest segment index whose records may be left in this file (every use since then wrote over only a prefix
    // of the record area); Long.MIN_VALUE when not known (a file found at open): its next reuse zeroes it all.
    long cleanSince = Long.MIN_VALUE;
    long forcedUpTo;
    long handledMark;

    JournalSegment(
        final long index, final Path path, final FileChannel channel, final MappedByteBuffer mapped, final int capacity,
        final long tail, final boolean recovered)
    {
        this.index = index;
        this.tag = JournalDescriptor.tag(index);
        this.path = path;
        this.channel = channel;
        this.mapped = mapped;
        this.buffer = new UnsafeBuffer(mapped);
        this.capacity = capacity;
        // Every caller maps a file whose header is written (new and reused segments) or checked (recovery).
        this.segmentLength = capacity < JournalDescriptor.HEADER_LENGTH ?
            capacity : buffer.getLong(JournalDescriptor.SEGMENT_LENGTH_OFFSET);
        this.recordsEnd = (int)Math.min(JournalDescriptor.recordsEnd(segmentLength), capacity);
        this.tail = tail;
        this.recovered = recovered;
        this.forcedUpTo = JournalDescriptor.HEADER_LENGTH;
        this.handledMark = capacity < JournalDescriptor.HEADER_LENGTH ?
            JournalDescriptor.HEADER_LENGTH : JournalDescriptor.handledMark(buffer, recordsEnd);
    }

    /**
     * Claims bytes (atomic add): the returned offset is this appender's alone, whether or not it fits.
     */
    long getAndAddTail(final long length)
    {
        return (long)TAIL.getAndAdd(this, length);
    }

    /**
     * Adds settled bytes (atomic: consumers of several shards and cancelling senders add).
     */
    void addSettled(final long bytes)
    {
        SETTLED.getAndAdd(this, bytes);
    }

    /**
     * Whether every byte of this segment's record area after the header is a settled record or padding: nothing in
     * it needs delivery and no appender will write to it again.
     */
    boolean isSettled()
    {
        return (long)TAIL.getVolatile(this) >= recordsEnd &&
            (long)SETTLED.getVolatile(this) >= recordsEnd - JournalDescriptor.HEADER_LENGTH;
    }

    /**
     * Closes this segment to appenders for good and tells whether nothing in its mapping can be touched again, so
     * that it may be unmapped. The tail is moved {@link #CLOSED_TAIL} bytes on by an atomic add: a claim from then
     * on lands past the record area and writes nothing (the appender finds the journal closed). Every claim made
     * before it counts in the returned end; the segment is quiescent when settled bytes cover all of them, because
     * whoever settles a record (a consumer's ack, a cancel, a padding record) writes to it before adding its bytes.
     *
     * @return true when every byte claimed in the record area is settled.
     */
    boolean closeToAppenders()
    {
        final long claimedEnd = (long)TAIL.getAndAdd(this, CLOSED_TAIL);
        // The add above is a full fence: the settled count read here is at least what was added before it.
        return (long)SETTLED.getVolatile(this) >= Math.min(claimedEnd, recordsEnd) - JournalDescriptor.HEADER_LENGTH;
    }

    /**
     * Load-volatile of the tail.
     */
    long lvTail()
    {
        return tail;
    }

    /**
     * The end of what has been claimed inside this segment's record area.
     */
    long usedEnd()
    {
        return Math.min(tail, recordsEnd);
    }

    /**
     * Writes dirty pages of {@code [from, to)} to the device.
     */
    void force(final long from, final long to)
    {
        if (to > from)
        {
            mapped.force((int)from, (int)(to - from));
        }
    }

    /**
     * Closes the channel. The mapping is left to the garbage collector unless {@code unmap}: an appender that read
     * this segment just before a close may still be writing to it, and a consumer may still read or acknowledge a
     * record in it; an explicit unmap would crash them. Unmap only a segment that nothing can touch any more (see
     * {@link #closeToAppenders()}).
     */
    void close(final boolean unmap)
    {
        try
        {
            channel.close();
        }
        catch (final IOException ignore)
        {
            // nothing more to release
        }
        if (unmap)
        {
            IoUtil.unmap(mapped);
        }
    }

    @Override
    public String toString()
    {
        return path.getFileName().toString();
    }
}
