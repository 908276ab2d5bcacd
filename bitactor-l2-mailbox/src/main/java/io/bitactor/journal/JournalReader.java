package io.bitactor.journal;

import io.bitactor.core.FrameDescriptor;
import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a journal directory without changing it: for dumps, audits and deterministic replay of what an actor
 * received. Segment files are opened read-only and mapped read-only; nothing is ever written (torn tails are
 * reported, not zeroed; nothing is marked handled; no segment is created or deleted), so reading a journal after a
 * crash does not disturb what the next {@link Journal#open(JournalContext)} recovers.
 * <p>
 * Records are walked in journal order (segments by index, records by offset), and every frame is verified exactly
 * as recovery verifies it (see {@link JournalDescriptor}): a record whose frame fails verification, a claim never
 * committed, or unreadable bytes are reported as skipped regions and never handed to a {@link RecordVisitor}.
 * <pre>{@code
 * try (JournalReader reader = JournalReader.open(directory))
 * {
 *     reader.forEach(actorId, (segment, offset, state, buffer, frameOffset, frameLength) ->
 *         System.out.println(JournalDescriptor.stateName(state) + " " +
 *             FrameDescriptor.messageId(buffer, frameOffset)));
 * }
 * }</pre>
 * <b>Live journals.</b> No journal needs to be open on the directory. One may be (in this process or another):
 * the reader then sees the segment files that existed at {@link #open(Path)}, records committed before a walk
 * reaches them, and states as they are when read; a record still being written shows as a skipped claim or as a
 * torn tail.
 * <p>
 * <b>Threads:</b> not thread-safe. Open, walk and close on one thread (or hand the reader over with a
 * happens-before); visitors are called on the walking thread, one record at a time. The buffer a visitor receives
 * is a read-only mapping valid only until {@link #close()}: copy what must outlive the reader, and never write to
 * it (a write into a read-only mapping crashes the JVM).
 */
public final class JournalReader implements AutoCloseable
{
    /** The {@code what} of a {@link SkipVisitor} report for the non-zero bytes after a segment's last record. */
    public static final String TORN_TAIL = "torn tail (non-zero bytes after the last valid record)";

    /**
     * Receives the records of a walk, in journal order.
     */
    @FunctionalInterface
    public interface RecordVisitor
    {
        /**
         * A committed record whose frame verified. Called on the walking thread.
         *
         * @param segmentIndex the index of the segment holding it.
         * @param recordOffset the record's offset in that segment file.
         * @param state        its effective state ({@link JournalDescriptor#state}): {@link JournalDescriptor#HANDLED}
         *                     when its ack in the ack area says so, else its state word:
         *                     {@link JournalDescriptor#PENDING}, {@link JournalDescriptor#CANCELLED}, or a damaged
         *                     value, of the state word or of the ack (see {@link JournalDescriptor#stateName(int)};
         *                     recovery treats it as pending).
         * @param buffer       the mapped segment, read-only; valid until the reader is closed.
         * @param frameOffset  offset of the frame in {@code buffer}; read it with {@link FrameDescriptor} or a
         *                     {@link io.bitactor.core.FrameDecoder}.
         * @param frameLength  length of the frame.
         */
        void onRecord(
            long segmentIndex, long recordOffset, int state, DirectBuffer buffer, int frameOffset, int frameLength);
    }

    /**
     * Receives the regions of a walk that hold no readable record.
     */
    @FunctionalInterface
    public interface SkipVisitor
    {
        /**
         * A region that was skipped: a record whose frame failed verification, a claim never committed, unreadable
         * bytes before the next valid record, or ({@code what} is {@link #TORN_TAIL}) non-zero bytes after the
         * segment's last valid record, up to the segment's ack area, which recovery would zero. Called on the walking thread, in journal order
         * with the records.
         *
         * @param segmentIndex the index of the segment.
         * @param offset       where the region starts in the segment file.
         * @param length       its length in bytes.
         * @param what         what it was.
         */
        void onSkipped(long segmentIndex, long offset, long length, String what);
    }

    /**
     * What a whole walk found.
     *
     * @param segments       segment files read.
     * @param records        records whose frame verified.
     * @param pending        of those, records written and not handled (recovery would deliver them again).
     * @param handled        records handled.
     * @param cancelled      records cancelled (their message was not accepted after all).
     * @param damagedStates  records whose state word is none of the known states or whose ack is damaged (recovery
     *                       delivers them again).
     * @param skippedRegions regions skipped: records failing verification, claims never committed, unreadable bytes.
     * @param skippedBytes   bytes in those regions.
     * @param tornTailBytes  non-zero bytes after the last valid record of each segment, added up.
     */
    public record Summary(
        int segments,
        long records,
        long pending,
        long handled,
        long cancelled,
        long damagedStates,
        long skippedRegions,
        long skippedBytes,
        long tornTailBytes)
    {
        /**
         * Whether the walk found anything damaged.
         *
         * @return true if a region was skipped, a tail was torn or a state word was damaged.
         */
        public boolean foundDamage()
        {
            return skippedRegions > 0 || tornTailBytes > 0 || damagedStates > 0;
        }
    }

    private static final int NO_FILTER = 0;
    private static final int BY_TARGET = 1;

    private final Path directory;
    private final Segment[] segments;
    private final SegmentScanner scanner = new SegmentScanner();
    private boolean closed;

    /** One mapped segment file. */
    private static final class Segment
    {
        final long index;
        final MappedByteBuffer mapped;
        final UnsafeBuffer buffer;
        final int length;

        Segment(final long index, final MappedByteBuffer mapped, final int length)
        {
            this.index = index;
            this.mapped = mapped;
            this.buffer = new UnsafeBuffer(mapped);
            this.length = length;
        }
    }

    private JournalReader(final Path directory, final Segment[] segments)
    {
        this.directory = directory;
        this.segments = segments;
    }

    /**
     * Opens a journal directory for reading: lists its segment files, maps each read-only and checks its header.
     * Files not named like segments are ignored.
     *
     * @param directory the journal's directory.
     * @return the reader; close it to release the mappings.
     * @throws JournalException {@link JournalException.Reason#IO_ERROR} if the directory cannot be listed or a
     *                          file cannot be read; {@link JournalException.Reason#FOREIGN_FILE} if a file named like
     *                          a segment has a foreign or damaged header (or is larger than 2 GiB).
     */
    public static JournalReader open(final Path directory)
    {
        if (!Files.isDirectory(directory))
        {
            throw new JournalException(JournalException.Reason.IO_ERROR, directory, "not a directory", null);
        }
        final List<Path> files = Journal.segmentFiles(directory);
        final List<Segment> mapped = new ArrayList<>(files.size());
        try
        {
            for (final Path file : files)
            {
                mapped.add(map(file, JournalDescriptor.segmentIndex(file.getFileName().toString())));
            }
        }
        catch (final RuntimeException ex)
        {
            for (final Segment segment : mapped)
            {
                IoUtil.unmap(segment.mapped);
            }
            throw ex;
        }
        return new JournalReader(directory, mapped.toArray(new Segment[0]));
    }

    private static Segment map(final Path file, final long index)
    {
        final MappedByteBuffer mapped;
        final long size;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            size = channel.size();
            if (size > Integer.MAX_VALUE)
            {
                throw new JournalException(JournalException.Reason.FOREIGN_FILE, file, "larger than 2 GiB", null);
            }
            if (size < JournalDescriptor.HEADER_LENGTH)
            {
                throw new JournalException(JournalException.Reason.FOREIGN_FILE, file,
                    JournalDescriptor.checkHeader(new UnsafeBuffer(new byte[0]), size, index), null);
            }
            // The mapping stays valid after the channel is closed.
            mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
        catch (final IOException ex)
        {
            throw new JournalException(JournalException.Reason.IO_ERROR, file, "cannot read: " + ex, ex);
        }
        final Segment segment = new Segment(index, mapped, (int)size);
        final String problem = JournalDescriptor.checkHeader(segment.buffer, size, index);
        if (problem != null)
        {
            IoUtil.unmap(mapped);
            throw new JournalException(JournalException.Reason.FOREIGN_FILE, file, problem, null);
        }
        return segment;
    }

    /**
     * The directory being read.
     *
     * @return the directory. Any thread.
     */
    public Path directory()
    {
        return directory;
    }

    /**
     * How many segment files were found at {@link #open(Path)}.
     *
     * @return the count. Any thread.
     */
    public int segmentCount()
    {
        return segments.length;
    }

    /**
     * The indexes of the segment files found at {@link #open(Path)}, ascending.
     *
     * @return a new array. Any thread.
     */
    public long[] segmentIndexes()
    {
        final long[] indexes = new long[segments.length];
        for (int i = 0; i < segments.length; i++)
        {
            indexes[i] = segments[i].index;
        }
        return indexes;
    }

    /**
     * Walks every record, in journal order.
     *
     * @param visitor receives each record whose frame verified.
     * @return how many records were visited.
     * @throws IllegalStateException if the reader is closed.
     */
    public long forEach(final RecordVisitor visitor)
    {
        return walk(NO_FILTER, 0, visitor, null);
    }

    /**
     * Walks the records of the messages sent to one actor, in journal order: the order of the appends, which keeps
     * each sender's order and every happens-before between sends (two threads sending at the same moment may have
     * reached the mailbox in the other order).
     *
     * @param targetActorId the target actor id to select.
     * @param visitor       receives each of its records whose frame verified.
     * @return how many records were visited.
     * @throws IllegalStateException if the reader is closed.
     */
    public long forEach(final int targetActorId, final RecordVisitor visitor)
    {
        return walk(BY_TARGET, targetActorId, visitor, null);
    }

    /**
     * Walks every record and every skipped region, in journal order.
     *
     * @param visitor     receives each record whose frame verified.
     * @param skipVisitor receives each skipped region and torn tail.
     * @return how many records were visited.
     * @throws IllegalStateException if the reader is closed.
     */
    public long forEach(final RecordVisitor visitor, final SkipVisitor skipVisitor)
    {
        return walk(NO_FILTER, 0, visitor, skipVisitor);
    }

    /**
     * Walks the records of the messages sent to one actor, and every skipped region (whatever actor it may have
     * been for: a region that does not verify cannot be attributed), in journal order.
     *
     * @param targetActorId the target actor id to select.
     * @param visitor       receives each of its records whose frame verified.
     * @param skipVisitor   receives each skipped region and torn tail.
     * @return how many records were visited.
     * @throws IllegalStateException if the reader is closed.
     */
    public long forEach(final int targetActorId, final RecordVisitor visitor, final SkipVisitor skipVisitor)
    {
        return walk(BY_TARGET, targetActorId, visitor, skipVisitor);
    }

    /**
     * Walks everything and counts: records by state, skipped regions and torn tails.
     *
     * @return the summary.
     * @throws IllegalStateException if the reader is closed.
     */
    public Summary summary()
    {
        final long[] counts = new long[7]; // pending, handled, cancelled, damaged, skipped, skippedBytes, torn
        final long records = walk(NO_FILTER, 0,
            (segmentIndex, recordOffset, state, buffer, frameOffset, frameLength) ->
            {
                switch (state)
                {
                    case JournalDescriptor.PENDING -> counts[0]++;
                    case JournalDescriptor.HANDLED -> counts[1]++;
                    case JournalDescriptor.CANCELLED -> counts[2]++;
                    default -> counts[3]++;
                }
            },
            (segmentIndex, offset, length, what) ->
            {
                if (TORN_TAIL.equals(what))
                {
                    counts[6] += length;
                }
                else
                {
                    counts[4]++;
                    counts[5] += length;
                }
            });
        return new Summary(segments.length, records, counts[0], counts[1], counts[2], counts[3], counts[4],
            counts[5], counts[6]);
    }

    private long walk(final int filter, final int targetActorId, final RecordVisitor visitor,
        final SkipVisitor skipVisitor)
    {
        if (closed)
        {
            throw new IllegalStateException("the journal reader is closed");
        }
        final long[] visited = new long[1];
        for (final Segment segment : segments)
        {
            final long index = segment.index;
            final long recordsEnd = JournalDescriptor.recordsEnd(
                segment.buffer.getLong(JournalDescriptor.SEGMENT_LENGTH_OFFSET));
            final long end = scanner.scan(segment.buffer, JournalDescriptor.tag(index), recordsEnd,
                JournalDescriptor.HEADER_LENGTH,
                new SegmentScanner.Visitor()
                {
                    public void onRecord(
                        final long recordOffset, final int state, final UnsafeBuffer buffer, final int frameOffset,
                        final int frameLength)
                    {
                        if (filter == NO_FILTER || FrameDescriptor.targetActorId(buffer, frameOffset) == targetActorId)
                        {
                            visited[0]++;
                            visitor.onRecord(index, recordOffset, state, buffer, frameOffset, frameLength);
                        }
                    }

                    public void onSkipped(final long offset, final long length, final String what)
                    {
                        if (skipVisitor != null)
                        {
                            skipVisitor.onSkipped(index, offset, length, what);
                        }
                    }
                });
            if (skipVisitor != null)
            {
                final long torn = SegmentScanner.tornTailLength(
                    segment.buffer, JournalDescriptor.tag(index), end, Math.min(recordsEnd, segment.length));
                if (torn > 0)
                {
                    skipVisitor.onSkipped(index, end, torn, TORN_TAIL);
                }
            }
        }
        return visited[0];
    }

    /**
     * Releases the mappings. Buffers handed to visitors must not be read afterwards. Idempotent; on the thread
     * that walks (never while a walk runs).
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        for (final Segment segment : segments)
        {
            IoUtil.unmap(segment.mapped);
        }
    }

    @Override
    public String toString()
    {
        return "JournalReader{" + directory + ", segments=" + segments.length + (closed ? ", closed" : "") + "}";
    }
}
