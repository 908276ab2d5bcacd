package io.bitactor.journal;

import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.collections.IntArrayList;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import static io.bitactor.journal.JournalDescriptor.*;

/**
 * A write-ahead journal of accepted messages on memory-mapped segment files (layout in {@link JournalDescriptor};
 * design in docs/ARCHITECTURE.md, guarantees in docs/GUARANTEES.md).
 * <ul>
 *   <li><b>Append</b> ({@link Appender}, one per sending thread): claim space with one atomic add on the active
 *   segment, copy the frame, publish its length with a store-release. No lock, no allocation, no system call: a
 *   record is in mapped memory, which survives the death of the process, before the message is offered to a
 *   mailbox. One journal serves every shard, so the journal's order respects every happens-before between
 *   sends.</li>
 *   <li><b>Handled</b>: the consumer that handled a frame stores {@link JournalDescriptor#ACK} into the record's
 *   ack short, in the ack area at the end of the segment file: compact lines no sender writes, so the
 *   acknowledgement does not pull the record's line (just written by the sender, on another core) across.</li>
 *   <li><b>Agent</b> (a thread of its own, or {@link #doWork()}): prepares the next segment before it is needed
 *   (zero-filled, so a full disk is found there and not by a write into a mapped page), advances each segment's
 *   handled mark (batched, in the segment header), deletes or archives segments wholly below it, and forces mapped
 *   pages to the device by the {@link FlushPolicy}.</li>
 *   <li><b>Recovery</b> ({@link #open(JournalContext)} on a directory with segments): every record verified, torn
 *   tails zeroed, damaged regions skipped and reported, and the accepted-but-unhandled messages handed out as
 *   {@link RecoveredFrames} for delivery before new messages. New appends go to a new segment.</li>
 * </ul>
 * <p>
 * <b>Threads:</b> {@link #open(JournalContext)} and {@link #close()} on an owner thread; appenders on their own
 * threads; {@link #doWork()} only when the context asked for no agent thread, from one thread; accessors from any
 * thread.
 */
public final class Journal implements AutoCloseable
{
    /** {@link Appender#append(DirectBuffer, int, int)}: the disk limit is reached or the next segment is not ready. */
    public static final int FULL = -1;
    /** {@link Appender#append(DirectBuffer, int, int)}: the journal is closed. */
    public static final int CLOSED = -2;

    private static final VarHandle ACTIVE;
    private static final VarHandle READY;
    private static final long RETRY_AFTER_ERROR_NS = 100_000_000L;
    private static final String TEMPORARY_SUFFIX = ".tmp";
    private static final int PAGE_LENGTH = 4096;
    private static final int MAX_SPARE = 2;
    /** Name of the lock file in the journal directory. */
    public static final String LOCK_FILE = "journal.lock";

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            ACTIVE = lookup.findVarHandle(Journal.class, "active", JournalSegment.class);
            READY = lookup.findVarHandle(Journal.class, "ready", JournalSegment.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final JournalContext ctx;
    private final Path directory;
    private final int maxSegments;
    // Live (appendable) segments by slot: index & (length - 1). Written by the agent before publication.
    private final JournalSegment[] live;
    private final boolean posix;

    @SuppressWarnings("unused")
    private volatile JournalSegment active;
    @SuppressWarnings("unused")
    private volatile JournalSegment ready;
    private volatile boolean closed;

    // Agent state: the agent thread (or the doWork caller) only.
    private final ArrayDeque<JournalSegment> segments = new ArrayDeque<>();
    // Removed segments kept (mapped) for reuse; at most MAX_SPARE.
    private final ArrayDeque<JournalSegment> spare = new ArrayDeque<>();
    // Recovered segment -> its records not yet replayed (replaying threads decrement, the agent reads).
    private final Map<JournalSegment, AtomicLong> recoveredPending = new ConcurrentHashMap<>();
    private long nextIndex;
    private long lastFlushNs;
    private long retryCreateAtNs;

    private final AtomicLong segmentsCreated = new AtomicLong();
    private final AtomicLong segmentsRemoved = new AtomicLong();
    private final AtomicLong segmentsRecycled = new AtomicLong();
    private final AtomicLong fullRejections = new AtomicLong();
    private final AtomicLong forces = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong recoveredHandled = new AtomicLong();

    private FileChannel lockChannel;
    private FileLock lock;
    private RecoveredFrames recovered;
    private RecoveryReport recoveryReport;
    private AgentRunner runner;

    private Journal(final JournalContext ctx)
    {
        this.ctx = ctx;
        this.directory = ctx.directory();
        this.maxSegments = (int)Math.min(1 << 20, ctx.diskLimitBytes() / ctx.segmentLength());
        this.live = new JournalSegment[BitUtil.findNextPositivePowerOfTwo(maxSegments + 2)];
        this.posix = directory.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /**
     * Opens (and recovers) the journal in the context's directory, creating it if needed, and starts its agent.
     *
     * @param ctx the configuration.
     * @return the open journal.
     * @throws JournalException         if the directory cannot be created or written, a segment file has a foreign
     *                                  or damaged header, or the first segment cannot be created.
     * @throws IllegalArgumentException if the context is invalid.
     */
    public static Journal open(final JournalContext ctx)
    {
        ctx.conclude();
        final Journal journal = new Journal(ctx);
        journal.prepareDirectory();
        journal.lock();
        try
        {
            journal.recover();
        }
        catch (final RuntimeException ex)
        {
            journal.unlock();
            throw ex;
        }
        try
        {
            final JournalSegment first = journal.createSegment(journal.nextIndex++);
            journal.segments.addLast(first);
            ACTIVE.setRelease(journal, first);
        }
        catch (final IOException ex)
        {
            journal.closeSegments();
            journal.unlock();
            throw new JournalException(JournalException.Reason.UNWRITABLE_DIRECTORY, journal.directory,
                "cannot create a segment: " + ex, ex);
        }
        journal.lastFlushNs = ctx.nanoClock().nanoTime();
        if (ctx.useAgentThread())
        {
            journal.runner = new AgentRunner(ctx.idleStrategy(), ctx.errorHandler(), null, journal.new Conductor());
            AgentRunner.startOnThread(journal.runner);
        }
        return journal;
    }

    private void prepareDirectory()
    {
        try
        {
            if (!Files.isDirectory(directory))
            {
                if (posix)
                {
                    Files.createDirectories(directory, ownerOnly(true));
                }
                else
                {
                    Files.createDirectories(directory);
                }
            }
        }
        catch (final IOException | UnsupportedOperationException ex)
        {
            throw new JournalException(JournalException.Reason.UNWRITABLE_DIRECTORY, directory,
                "cannot create the journal directory: " + ex, ex);
        }
        if (!Files.isWritable(directory))
        {
            throw new JournalException(JournalException.Reason.UNWRITABLE_DIRECTORY, directory,
                "the journal directory is not writable", null);
        }
    }

    /**
     * Takes the directory's lock file: one journal per directory, across processes (the operating system drops
     * the lock of a process that dies).
     */
    private void lock()
    {
        final Path file = directory.resolve(LOCK_FILE);
        try
        {
            lockChannel = posix && !Files.exists(file) ?
                FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    ownerOnly(false)) :
                FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            lock = lockChannel.tryLock();
        }
        catch (final OverlappingFileLockException ex)
        {
            lock = null;
        }
        catch (final IOException ex)
        {
            throw new JournalException(JournalException.Reason.UNWRITABLE_DIRECTORY, file,
                "cannot create the lock file: " + ex, ex);
        }
        if (lock == null)
        {
            unlock();
            throw new JournalException(JournalException.Reason.LOCKED, directory,
                "another journal has this directory open", null);
        }
    }

    private void unlock()
    {
        try
        {
            if (lock != null)
            {
                lock.release();
            }
            if (lockChannel != null)
            {
                lockChannel.close();
            }
        }
        catch (final IOException ex)
        {
            ctx.errorHandler().onError(ex);
        }
        lock = null;
        lockChannel = null;
    }

    private static FileAttribute<?> ownerOnly(final boolean directory)
    {
        return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(directory ? "rwx------" : "rw-------"));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Recovery
    // ---------------------------------------------------------------------------------------------------------

    private void recover()
    {
        final List<Path> files = segmentFiles(directory);
        final SegmentScanner scanner = new SegmentScanner();
        final List<String> details = new ArrayList<>();
        deleteUnfinishedSegments(details);
        final List<JournalSegment> recoveredSegments = new ArrayList<>();
        final IntArrayList recoveredOffsets = new IntArrayList();
        final long[] counts = new long[7]; // valid, settled, recovered, damagedStates, skipped, skippedBytes, truncated
        try
        {
            for (final Path file : files)
            {
                final long index = segmentIndex(file.getFileName().toString());
                final JournalSegment segment = mapExisting(file, index, details);
                segments.addLast(segment);
                nextIndex = Math.max(nextIndex, index + 1);
                final AtomicLong pending = new AtomicLong();
                final long start = segment.handledMark;
                final long end = scanner.scan(segment.buffer, segment.tag, segment.recordsEnd, start,
                    new SegmentScanner.Visitor()
                {
                    public void onRecord(
                        final long recordOffset, final int state, final UnsafeBuffer buffer, final int frameOffset,
                        final int frameLength)
                    {
                        counts[0]++;
                        if (isSettled(state))
                        {
                            counts[1]++;
                            return;
                        }
                        if (state != PENDING)
                        {
                            counts[3]++;
                            detail(details, segment + " @" + recordOffset + ": damaged state " + stateName(state) +
                                ", delivered again");
                        }
                        counts[2]++;
                        pending.incrementAndGet();
                        recoveredSegments.add(segment);
                        recoveredOffsets.addInt((int)recordOffset);
                    }

                    public void onSkipped(final long offset, final long length, final String what)
                    {
                        counts[4]++;
                        counts[5] += length;
                        detail(details, segment + " @" + offset + ": skipped " + length + " bytes: " + what);
                    }
                });
                final long truncated = zeroTail(segment, end);
                if (truncated > 0)
                {
                    counts[6] += truncated;
                    detail(details, segment + " @" + end + ": torn tail, " + truncated + " bytes zeroed");
                    segment.mapped.force();
                }
                recoveredPending.put(segment, pending);
            }
        }
        catch (final IOException ex)
        {
            closeSegments();
            throw new JournalException(JournalException.Reason.IO_ERROR, directory, "recovery failed: " + ex, ex);
        }
        catch (final RuntimeException ex)
        {
            closeSegments();
            throw ex;
        }
        recovered = new RecoveredFrames(this, recoveredSegments, recoveredOffsets);
        recoveryReport = new RecoveryReport(files.size(), counts[0], counts[1], counts[2], counts[3], counts[4],
            counts[5], counts[6], Collections.unmodifiableList(details));
    }

    /**
     * Deletes segments whose creation a previous process did not finish (never published: no record in them).
     */
    private void deleteUnfinishedSegments(final List<String> details)
    {
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, FILE_PREFIX + "*" + FILE_SUFFIX +
            TEMPORARY_SUFFIX))
        {
            for (final Path file : stream)
            {
                Files.deleteIfExists(file);
                detail(details, file.getFileName() + ": unfinished segment creation, deleted");
            }
        }
        catch (final IOException ex)
        {
            throw new JournalException(JournalException.Reason.IO_ERROR, directory, "cannot clean up: " + ex, ex);
        }
    }

    private static void detail(final List<String> details, final String line)
    {
        if (details.size() < 100)
        {
            details.add(line);
        }
    }

    static List<Path> segmentFiles(final Path directory)
    {
        final List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory))
        {
            for (final Path file : stream)
            {
                if (segmentIndex(file.getFileName().toString()) >= 0)
                {
                    files.add(file);
                }
            }
        }
        catch (final IOException ex)
        {
            throw new JournalException(JournalException.Reason.IO_ERROR, directory, "cannot list: " + ex, ex);
        }
        files.sort((a, b) -> Long.compare(
            segmentIndex(a.getFileName().toString()), segmentIndex(b.getFileName().toString())));
        return files;
    }

    /**
     * Maps a segment found at open, after checking its header. A file cut short (shorter than the length its header
     * gives) is first extended with zeros to that length: what was cut off reads as never written (records there
     * are lost and reported by the scan; acks there read as not acknowledged, so their records are delivered
     * again), and replay can then store the acks of what it delivers, which a second recovery finds.
     */
    private JournalSegment mapExisting(final Path file, final long index, final List<String> details)
        throws IOException
    {
        final FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try
        {
            long size = channel.size();
            if (size > Integer.MAX_VALUE)
            {
                throw new JournalException(JournalException.Reason.FOREIGN_FILE, file, "larger than 2 GiB", null);
            }
            final ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH);
            while (header.hasRemaining() && channel.read(header, header.position()) > 0)
            {
                // reads the header (or what there is of it)
            }
            final UnsafeBuffer headerBuffer = new UnsafeBuffer(header.array());
            final String problem = checkHeader(headerBuffer, size, index);
            if (problem != null)
            {
                throw new JournalException(JournalException.Reason.FOREIGN_FILE, file, problem, null);
            }
            final long segmentLength = headerBuffer.getLong(SEGMENT_LENGTH_OFFSET);
            if (size < segmentLength)
            {
                final ByteBuffer zeros = ByteBuffer.allocate(64 * 1024);
                final long cut = size;
                while (size < segmentLength)
                {
                    zeros.clear().limit((int)Math.min(zeros.capacity(), segmentLength - size));
                    size += channel.write(zeros, size);
                }
                channel.force(true);
                detail(details, file.getFileName() + ": cut short at " + cut + " of " + segmentLength +
                    " bytes, extended with zeros");
            }
            final MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
            return new JournalSegment(index, file, channel, mapped, (int)size, size, true);
        }
        catch (final IOException | RuntimeException ex)
        {
            channel.close();
            throw ex;
        }
    }

    /**
     * Zeroes the torn tail after the last record in the record area (in a file without leftovers: whatever non-zero
     * bytes follow it), so a later scan cannot mistake them for data. Records left from the file's earlier uses stay:
     * their tags keep them out of every scan. The ack area is left alone: its acks are the records', not data.
     */
    private static long zeroTail(final JournalSegment segment, final long end)
    {
        final long length = SegmentScanner.tornTailLength(segment.buffer, segment.tag, end, segment.recordsEnd);
        if (length > 0)
        {
            segment.buffer.setMemory((int)end, (int)length, (byte)0);
        }
        return length;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Appending
    // ---------------------------------------------------------------------------------------------------------

    /**
     * A new appender for one sending thread.
     *
     * @return the appender.
     */
    public Appender newAppender()
    {
        return new Appender();
    }

    /**
     * Appends records for one thread. Not thread-safe; allocation-free.
     */
    public final class Appender
    {
        private Appender()
        {
        }

        /**
         * Appends a frame as a {@link JournalDescriptor#PENDING} record.
         *
         * @param frame  buffer holding the frame (already sealed: its CRC32C is part of it).
         * @param offset of the frame.
         * @param length of the frame: exactly {@link io.bitactor.core.FrameDescriptor#frameLength(int)} of its payload
         *               length, not a padded region (recovery does not trust a record whose length differs).
         * @return a reference to the record (positive: for {@link Settler#handled(long)} or {@link #cancel(long)}),
         * or {@link #FULL} (backpressure: the disk limit is reached or the next segment is not ready yet) or
         * {@link #CLOSED}.
         */
        public long append(final DirectBuffer frame, final int offset, final int length)
        {
            final long reference = claim(length);
            if (reference > 0)
            {
                final JournalSegment segment = segmentOf(reference);
                segment.buffer.putBytes(offsetOf(reference) + FRAME_OFFSET, frame, offset, length);
                commit(segment, offsetOf(reference), length);
            }
            return reference;
        }

        /**
         * Claims a {@link JournalDescriptor#PENDING} record for a frame that the caller then encodes in place, at
         * {@link #frameOffset(long)} of {@link #buffer(long)}, and {@link #commit(long, int)}s: the zero-copy form
         * of {@link #append(DirectBuffer, int, int)}. Until the commit, a reader (a recovery after a crash) skips
         * the record as torn. Every claim must be committed (and may then be {@link #cancel(long)}led).
         *
         * @param frameLength the exact length of the frame to come.
         * @return the record's reference, or {@link #FULL} / {@link #CLOSED} as for
         * {@link #append(DirectBuffer, int, int)}.
         */
        public long claim(final int frameLength)
        {
            final int aligned = alignedRecordLength(frameLength);
            while (true)
            {
                final JournalSegment segment = (JournalSegment)ACTIVE.getAcquire(Journal.this);
                if (null == segment)
                {
                    return CLOSED;
                }
                final long position = segment.getAndAddTail(aligned);
                final UnsafeBuffer buffer = segment.buffer;
                if (position + aligned <= segment.recordsEnd)
                {
                    final int at = (int)position;
                    // Plain stores: the claim (a reader of a torn journal skips the region by it), and the state,
                    // which in a reused file still holds the previous use's value.
                    buffer.putInt(at + LENGTH_OFFSET, claimWord(segment.tag, aligned));
                    buffer.putInt(at + STATE_OFFSET, PENDING);
                    return reference(segment, at);
                }
                if (position < segment.recordsEnd)
                {
                    // This claim straddles the end of the record area: fill the rest of it with a padding record,
                    // which needs no handling (settled at once). The ack area after it is the consumers'.
                    final int at = (int)position;
                    final int padding = segment.recordsEnd - at;
                    buffer.putInt(at + STATE_OFFSET, PADDING);
                    buffer.putIntRelease(at + LENGTH_OFFSET, commitWord(segment.tag, padding));
                    segment.addSettled(padding);
                }
                if (!rotate(segment))
                {
                    return FULL;
                }
            }
        }

        /**
         * The buffer holding a claimed record.
         *
         * @param reference what {@link #claim(int)} returned.
         * @return the segment's buffer (valid until the record is settled).
         */
        public UnsafeBuffer buffer(final long reference)
        {
            return segmentOf(reference).buffer;
        }

        /**
         * Where the frame of a claimed record starts in {@link #buffer(long)}.
         *
         * @param reference what {@link #claim(int)} returned.
         * @return the frame's offset.
         */
        public int frameOffset(final long reference)
        {
            return offsetOf(reference) + FRAME_OFFSET;
        }

        /**
         * Commits a claimed record whose frame has been written in full (sealed).
         *
         * @param reference   what {@link #claim(int)} returned.
         * @param frameLength the frame's length, as claimed.
         */
        public void commit(final long reference, final int frameLength)
        {
            commit(segmentOf(reference), offsetOf(reference), frameLength);
        }

        private void commit(final JournalSegment segment, final int at, final int frameLength)
        {
            // Release: the frame is complete before the commit word says so.
            segment.buffer.putIntRelease(at + LENGTH_OFFSET, commitWord(segment.tag, RECORD_HEADER_LENGTH + frameLength));
        }

        /**
         * Marks a record cancelled: its message was not accepted after all (the offer that followed the append
         * failed), so no recovery may deliver it.
         *
         * @param reference what {@link #append(DirectBuffer, int, int)} returned.
         */
        public void cancel(final long reference)
        {
            final JournalSegment segment = segmentOf(reference);
            final int at = offsetOf(reference);
            markCancelled(segment.buffer, at);
            segment.addSettled(alignedRecordLength(frameLengthAt(segment, at)));
        }
    }

    /**
     * Settles records for one consumer thread: acknowledges each handled record (a store-release of
     * {@link JournalDescriptor#ACK} into its ack short, in the segment's ack area: no store into the record, whose
     * line the sender wrote) and adds its bytes to its segment's settled count in batches. Not thread-safe;
     * allocation-free.
     */
    public final class Settler
    {
        // The byte count, written for every handled frame, is the middle element of a padded long[] (the pattern
        // of Mailbox's consumer state), not a field: a settler is a small object allocated among a mailbox's
        // objects, and a store per frame into a line that senders read on every offer made each offer miss.
        private static final int PAD = 8;
        private static final int BYTES = PAD;
        private final long[] counts = new long[PAD + 1 + PAD];
        private JournalSegment segment;

        private Settler()
        {
        }

        /**
         * Marks a record handled. Call {@link #flush()} at the end of a batch.
         *
         * @param reference   what {@link Appender#append(DirectBuffer, int, int)} returned for the frame.
         * @param frameLength the frame's length (the caller has the frame at hand; reading it from the record
         *                    would pull the sender's cache line to this core).
         */
        public void handled(final long reference, final int frameLength)
        {
            final JournalSegment recordSegment = segmentOf(reference);
            final int at = offsetOf(reference);
            // Release store of the ack (see JournalDescriptor#markHandled): the handler's effects come first.
            markHandled(recordSegment.buffer, recordSegment.recordsEnd, at);
            if (recordSegment != segment)
            {
                flush();
                segment = recordSegment;
            }
            counts[BYTES] += alignedRecordLength(frameLength);
        }

        /**
         * Publishes the settled bytes counted since the last flush (one atomic add per segment touched).
         */
        public void flush()
        {
            final long bytes = counts[BYTES];
            if (bytes != 0)
            {
                segment.addSettled(bytes);
                counts[BYTES] = 0;
            }
        }

        /**
         * Publishes the settled bytes counted since the last flush if they reach {@code minBytes}: a consumer that
         * drains small batches from many mailboxes pays the atomic add (a full fence on its thread) once per
         * {@code minBytes} instead of once per batch.
         *
         * @param minBytes the least number of counted bytes worth publishing now.
         */
        public void flush(final long minBytes)
        {
            if (counts[BYTES] >= minBytes)
            {
                flush();
            }
        }

        /**
         * Publishes the settled bytes counted since the last flush if their segment is no longer the active one.
         * The agent removes only segments that are no longer active, so while a segment is active its settled
         * count can wait for a batch's worth ({@link #flush(long)}); once it has been rotated out, an idle consumer
         * must not keep it on disk. Costs a plain load of the active segment when there is nothing to publish.
         */
        public void flushIfRetired()
        {
            // Acquire load of the active segment: on x86 a plain load, and its line changes once per rotation.
            if (counts[BYTES] != 0 && segment != (JournalSegment)ACTIVE.getAcquire(Journal.this))
            {
                flush();
            }
        }
    }

    /**
     * A new settler for one consumer thread.
     *
     * @return the settler.
     */
    public Settler newSettler()
    {
        return new Settler();
    }

    private long reference(final JournalSegment segment, final int offset)
    {
        return ((long)(segment.slot + 1) << 32) | offset;
    }

    private JournalSegment segmentOf(final long reference)
    {
        return live[(int)(reference >>> 32) - 1];
    }

    private static int offsetOf(final long reference)
    {
        return (int)reference;
    }

    private static int frameLengthAt(final JournalSegment segment, final int at)
    {
        return lengthOf(segment.buffer.getInt(at + LENGTH_OFFSET)) - RECORD_HEADER_LENGTH;
    }

    /**
     * Replaces a full active segment by the prepared one.
     *
     * @return false when no segment is ready (backpressure).
     */
    private boolean rotate(final JournalSegment full)
    {
        if ((JournalSegment)ACTIVE.getAcquire(this) != full)
        {
            return true; // someone else rotated (or the journal closed): look again
        }
        final JournalSegment next = (JournalSegment)READY.getAcquire(this);
        if (null == next)
        {
            fullRejections.incrementAndGet();
            return false;
        }
        if (ACTIVE.compareAndSet(this, full, next))
        {
            READY.compareAndSet(this, next, null);
        }
        return true;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Agent
    // ---------------------------------------------------------------------------------------------------------

    /**
     * One duty cycle of the agent, for journals opened without an agent thread: prepare the next segment, advance
     * handled marks, remove handled segments, flush by the policy.
     *
     * @return work done (0 when idle).
     * @throws IllegalStateException if the journal has an agent thread of its own.
     */
    public int doWork()
    {
        if (runner != null)
        {
            throw new IllegalStateException("the journal runs its own agent thread");
        }
        return closed ? 0 : duty();
    }

    private final class Conductor implements Agent
    {
        public int doWork()
        {
            return closed ? 0 : duty();
        }

        public String roleName()
        {
            return "bitactor-journal";
        }
    }

    private int duty()
    {
        int work = 0;
        final long nowNs = ctx.nanoClock().nanoTime();
        final JournalSegment current = (JournalSegment)ACTIVE.getAcquire(this);
        if (null == current)
        {
            return 0; // closing
        }
        if (segments.peekLast() != current)
        {
            segments.addLast(current); // a rotation happened: the prepared segment is now active
            work++;
        }
        if (READY.getAcquire(this) == null && nowNs - retryCreateAtNs >= 0)
        {
            try
            {
                // A spare (a removed segment's file, still mapped) is reused: no file to create, no page to
                // allocate or fault in, only zeros to write. Otherwise a new file, within the disk limit.
                final JournalSegment prepared = !spare.isEmpty() ? recycle(spare.pollFirst(), nextIndex) :
                    segments.size() + spare.size() < maxSegments ? createSegment(nextIndex) : null;
                if (prepared != null)
                {
                    READY.setRelease(this, prepared);
                    nextIndex++;
                    work++;
                }
            }
            catch (final IOException | RuntimeException ex)
            {
                errors.incrementAndGet();
                retryCreateAtNs = nowNs + RETRY_AFTER_ERROR_NS;
                ctx.errorHandler().onError(new JournalException(JournalException.Reason.IO_ERROR, directory,
                    "cannot prepare the next segment (sends answer JOURNAL_FULL until it can): " + ex, ex));
            }
        }
        work += removeSettled(current);
        work += flush(nowNs, false);
        return work;
    }

    /**
     * Removes every settled segment but the active one (a recovered segment whose actors never come back does not
     * hold later segments on disk). Settled-ness comes from counters the consumers add to in batches, so this
     * thread never reads the records.
     */
    private int removeSettled(final JournalSegment current)
    {
        int work = 0;
        for (final Iterator<JournalSegment> it = segments.iterator(); it.hasNext(); )
        {
            final JournalSegment segment = it.next();
            if (segment != current && isSegmentSettled(segment))
            {
                it.remove();
                recoveredPending.remove(segment);
                if (ctx.archiver() == null && spare.size() < MAX_SPARE && segment.capacity == ctx.segmentLength())
                {
                    spare.addLast(segment); // keeps its file and mapping for reuse as a later segment
                    segmentsRemoved.incrementAndGet();
                }
                else
                {
                    remove(segment);
                }
                work++;
            }
        }
        return work;
    }

    /**
     * Records each live segment's handled mark in its header: every record below it is handled (acknowledged in the
     * ack area) or cancelled, so
     * the next recovery starts there. Reads every record from the old mark on, so it runs at close, not per record
     * while the journal runs.
     */
    private void recordHandledMarks()
    {
        for (final JournalSegment segment : segments)
        {
            if (segment.recovered)
            {
                continue;
            }
            final long end = segment.usedEnd();
            long mark = segment.handledMark;
            final UnsafeBuffer buffer = segment.buffer;
            while (mark < end)
            {
                final int lengthWord = buffer.getIntAcquire((int)mark + LENGTH_OFFSET);
                // Effective state: the ack (acquire load: its handler's effects happen before) or the state word.
                if (!isCommitted(lengthWord, segment.tag) || !isSettled(effectiveState(
                    buffer, segment.recordsEnd, mark, buffer.getIntAcquire((int)mark + STATE_OFFSET))))
                {
                    break;
                }
                mark = nextRecordOffset(mark, lengthWord);
            }
            if (mark != segment.handledMark)
            {
                segment.handledMark = mark;
                putHandledMark(buffer, mark);
            }
        }
    }

    private boolean isSegmentSettled(final JournalSegment segment)
    {
        if (segment.recovered)
        {
            final AtomicLong pending = recoveredPending.get(segment);
            return pending == null || pending.get() == 0;
        }
        return segment.isSettled();
    }

    void onRecoveredHandled(final JournalSegment segment)
    {
        recoveredHandled.incrementAndGet();
        final AtomicLong pending = recoveredPending.get(segment);
        if (pending != null)
        {
            pending.decrementAndGet();
        }
    }

    /**
     * Reuses a removed segment's file as segment {@code index}: renamed to a temporary name (a process that dies
     * from here on leaves a file that the next open deletes), zeroed, given a new header (forced), and renamed to
     * its new name. The zeros need not reach the device first: after a power loss, records of the file's previous
     * use carry the previous segment's tag and are never taken for records of this one.
     */
    private JournalSegment recycle(final JournalSegment old, final long index) throws IOException
    {
        final Path file = directory.resolve(fileName(index));
        final Path temporary = directory.resolve(fileName(index) + TEMPORARY_SUFFIX);
        // Records left in the file by its earlier uses carry their own segments' tags, so a scan of the new
        // segment never takes them for its records: only the ack area (acks carry no tag) must be zeroed. The
        // record area is zeroed too once an earlier use still present could share the new tag (tags repeat
        // every TAG_COUNT segments): every leftover then comes from the last TAG_COUNT - 1 segments. Zeroing
        // 3 % of the file instead of all of it keeps the agent from taking a core's share from the threads
        // that send and handle, on small machines.
        final boolean zeroRecords = recordAreaNeedsZeroing(old.cleanSince, index);
        final long cleanSince = zeroRecords ? index : old.cleanSince;
        try
        {
            Files.move(old.path, temporary, StandardCopyOption.ATOMIC_MOVE);
            if (zeroRecords)
            {
                old.buffer.setMemory(0, old.capacity, (byte)0);
            }
            else
            {
                old.buffer.setMemory(old.recordsEnd, old.capacity - old.recordsEnd, (byte)0);
            }
            writeHeader(old.buffer, index, old.capacity, ctx.epochClock().time(), (int)(index - cleanSince));
            if (ctx.flushPolicy() != FlushPolicy.NONE)
            {
                // The zeroed ack area reaches the device before any new record can be forced: otherwise, after a
                // power loss, acks of the previous use still on the device could mark forced new records handled.
                // A zeroed record area, too: else a power loss could bring back, from the device, records of a use
                // older than the window the new header promises.
                if (zeroRecords)
                {
                    old.mapped.force(HEADER_LENGTH, old.capacity - HEADER_LENGTH);
                }
                else
                {
                    old.mapped.force(old.recordsEnd, old.capacity - old.recordsEnd);
                }
            }
            old.mapped.force(0, HEADER_LENGTH);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final IOException | RuntimeException ex)
        {
            old.close(true);
            Files.deleteIfExists(temporary);
            throw ex;
        }
        segmentsCreated.incrementAndGet();
        segmentsRecycled.incrementAndGet();
        final JournalSegment segment =
            new JournalSegment(index, file, old.channel, old.mapped, old.capacity, HEADER_LENGTH, false);
        segment.cleanSince = cleanSince;
        return live(segment);
    }

    /**
     * Whether a file whose record area may hold records of segments {@code cleanSince} to {@code index - 1} must be
     * zeroed before it becomes segment {@code index}: when one of them could have the new segment's tag.
     *
     * @param cleanSince the oldest segment whose records may be left ({@code Long.MIN_VALUE}: not known).
     * @param index      the new segment's index.
     * @return true if the record area must be zeroed.
     */
    static boolean recordAreaNeedsZeroing(final long cleanSince, final long index)
    {
        return cleanSince <= index - TAG_COUNT;
    }

    /**
     * Registers a segment that appenders will write, so a record reference can name it by slot. The slot's
     * previous occupant is long removed: slots outnumber the segments that can be live at once.
     */
    private JournalSegment live(final JournalSegment segment)
    {
        segment.slot = (int)(segment.index & (live.length - 1));
        live[segment.slot] = segment; // published to appenders by READY / ACTIVE (release), to consumers by lanes
        return segment;
    }

    private void remove(final JournalSegment segment)
    {
        segment.close(true);
        try
        {
            if (ctx.archiver() != null)
            {
                ctx.archiver().accept(segment.path);
            }
            else
            {
                Files.deleteIfExists(segment.path);
            }
            segmentsRemoved.incrementAndGet();
        }
        catch (final IOException | RuntimeException ex)
        {
            errors.incrementAndGet();
            ctx.errorHandler().onError(ex);
        }
    }

    private int flush(final long nowNs, final boolean all)
    {
        final FlushPolicy policy = ctx.flushPolicy();
        if (!all && (policy == FlushPolicy.NONE ||
            (policy == FlushPolicy.INTERVAL && nowNs - lastFlushNs < ctx.flushIntervalNs())))
        {
            return 0;
        }
        lastFlushNs = nowNs;
        int work = 0;
        for (final JournalSegment segment : segments)
        {
            if (segment.recovered)
            {
                continue;
            }
            final long end = committedEnd(segment);
            if (end > segment.forcedUpTo)
            {
                try
                {
                    segment.force(segment.forcedUpTo, end);
                    segment.forcedUpTo = end;
                    forces.incrementAndGet();
                    work++;
                }
                catch (final RuntimeException ex)
                {
                    errors.incrementAndGet();
                    ctx.errorHandler().onError(ex);
                }
            }
        }
        return work;
    }

    /**
     * The end of the run of committed records from the last forced position: a record still being written stops
     * it, so it is forced by a later flush once complete.
     */
    private static long committedEnd(final JournalSegment segment)
    {
        final long end = segment.usedEnd();
        long position = segment.forcedUpTo;
        final UnsafeBuffer buffer = segment.buffer;
        while (position < end)
        {
            final int lengthWord = buffer.getIntAcquire((int)position + LENGTH_OFFSET);
            if (!isCommitted(lengthWord, segment.tag))
            {
                break;
            }
            position = nextRecordOffset(position, lengthWord);
        }
        return position;
    }

    /**
     * Creates a segment under a temporary name, zero-filled and with its header forced, then renames it: a file
     * with a segment's name is always complete, whenever the process dies.
     */
    private JournalSegment createSegment(final long index) throws IOException
    {
        final Path file = directory.resolve(fileName(index));
        final Path temporary = directory.resolve(fileName(index) + TEMPORARY_SUFFIX);
        final int length = ctx.segmentLength();
        Files.deleteIfExists(temporary);
        final FileChannel channel = posix ?
            FileChannel.open(temporary, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE), ownerOnly(false)) :
            FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try
        {
            // Write zeros for real: the blocks are allocated now, so a full disk shows here and not as a fault
            // when an appender touches a page of a sparse file.
            final ByteBuffer zeros = ByteBuffer.allocateDirect(64 * 1024);
            long written = 0;
            while (written < length)
            {
                zeros.clear().limit((int)Math.min(zeros.capacity(), length - written));
                written += channel.write(zeros, written);
            }
            final ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH);
            writeHeader(new UnsafeBuffer(header), index, length, ctx.epochClock().time());
            while (header.hasRemaining())
            {
                channel.write(header, header.position());
            }
            channel.force(true);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
            final MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, length);
            final JournalSegment segment = new JournalSegment(index, file, channel, mapped, length, HEADER_LENGTH, false);
            segment.cleanSince = index; // zero-filled above
            // Touch every page with a write (of the zero already there) on this thread: the page-table entries are
            // then present and writable, so an appender takes no page fault in the segment.
            for (int page = 0; page < length; page += PAGE_LENGTH)
            {
                segment.buffer.putByte(page + PAGE_LENGTH - 1, (byte)0);
            }
            segmentsCreated.incrementAndGet();
            return live(segment);
        }
        catch (final IOException | RuntimeException ex)
        {
            channel.close();
            Files.deleteIfExists(temporary);
            throw ex;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Accessors and close
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Messages found accepted but not handled at open.
     *
     * @return the recovered frames (empty for a new directory).
     */
    public RecoveredFrames recovered()
    {
        return recovered;
    }

    /**
     * What recovery found at open.
     *
     * @return the report.
     */
    public RecoveryReport recoveryReport()
    {
        return recoveryReport;
    }

    /**
     * The journal's directory.
     *
     * @return the directory.
     */
    public Path directory()
    {
        return directory;
    }

    /**
     * The context the journal was opened with.
     *
     * @return the context.
     */
    public JournalContext context()
    {
        return ctx;
    }

    /**
     * Segment files created since open.
     *
     * @return the count.
     */
    public long segmentsCreated()
    {
        return segmentsCreated.get();
    }

    /**
     * Segments removed from the journal since open (every record settled): deleted, archived, or kept as a spare
     * file for reuse.
     *
     * @return the count.
     */
    public long segmentsRemoved()
    {
        return segmentsRemoved.get();
    }

    /**
     * Segments prepared by reusing a removed segment's file (included in {@link #segmentsCreated()}).
     *
     * @return the count.
     */
    public long segmentsRecycled()
    {
        return segmentsRecycled.get();
    }

    /**
     * Appends answered {@link #FULL}.
     *
     * @return the count.
     */
    public long fullRejections()
    {
        return fullRejections.get();
    }

    /**
     * Forces of mapped pages to the device.
     *
     * @return the count.
     */
    public long forces()
    {
        return forces.get();
    }

    /**
     * Errors passed to the error handler.
     *
     * @return the count.
     */
    public long errors()
    {
        return errors.get();
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return true once closed.
     */
    public boolean isClosed()
    {
        return closed;
    }

    /**
     * Stops the agent, forces every committed record to the device (whatever the policy), records the handled
     * marks and closes the files. Appends after this answer {@link #CLOSED}. Idempotent.
     * <p>
     * Segments whose records are all settled (handled, cancelled or padding) are unmapped here. A segment that
     * still holds a record in flight keeps its mapping until the garbage collector frees it, so that a consumer
     * still handling one of its frames, or a sender that raced the close, never touches unmapped memory: close a
     * journal with unhandled messages and reopen it in the same process, and both mappings exist for a while.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        ACTIVE.setRelease(this, null);
        if (runner != null)
        {
            runner.close();
        }
        final JournalSegment current = segments.peekLast();
        removeSettled(current);
        recordHandledMarks();
        flush(ctx.nanoClock().nanoTime(), true);
        closed = true;
        closeSegments();
        unlock();
    }

    /**
     * Closes every file. A segment that nothing can touch any more is unmapped now: a spare, and any other whose
     * claims are all settled (see {@link JournalSegment#closeToAppenders()}). One that still holds a record in
     * flight (unhandled, or being written by a sender that raced the close) keeps its mapping, valid for whoever
     * still uses it, until the garbage collector frees it.
     */
    private void closeSegments()
    {
        for (final JournalSegment segment : segments)
        {
            segment.close(segment.recovered ? isSegmentSettled(segment) : segment.closeToAppenders());
        }
        for (final JournalSegment segment : spare)
        {
            // Settled when it became a spare, its tail past the record area: no claim writes to it.
            segment.close(true);
            deleteQuietly(segment.path); // every record in it was settled
        }
        spare.clear();
        final JournalSegment prepared = (JournalSegment)READY.getAndSet(this, null);
        if (prepared != null && !segments.contains(prepared))
        {
            // A sender that rotated into it just before the close may have claimed a record in it: then it keeps
            // its mapping and its file (the next open recovers or skips what it holds, as for any segment).
            final boolean untouched = prepared.closeToAppenders() && prepared.lvTail() ==
                JournalSegment.CLOSED_TAIL + JournalDescriptor.HEADER_LENGTH;
            prepared.close(untouched);
            if (untouched)
            {
                deleteQuietly(prepared.path); // never written: nothing to recover from it
            }
        }
    }

    private void deleteQuietly(final Path file)
    {
        try
        {
            Files.deleteIfExists(file);
        }
        catch (final IOException ex)
        {
            ctx.errorHandler().onError(ex);
        }
    }

    @Override
    public String toString()
    {
        return "Journal{" + directory + ", segments=" + Arrays.toString(segments.toArray()) + "}";
    }
}
