package io.bitactor.bench;

import io.bitactor.core.FrameDescriptor;
import io.bitactor.core.FrameEncoder;
import io.bitactor.core.MessageType;
import io.bitactor.journal.FlushPolicy;
import io.bitactor.journal.Journal;
import io.bitactor.journal.JournalContext;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The write-ahead journal on its own, in a directory under {@code java.io.tmpdir} (disk-backed here).
 * <ul>
 *   <li>{@link Append#append}: <b>one operation</b> = append one record of a 204-byte frame (128-byte payload; a
 *   256-byte record) and mark it handled, as a sender and a consumer would, on one thread, while the journal's
 *   agent thread prepares, recycles and flushes segments (64 MiB). Messages per second = 10^9 / (ns/op); MB/s =
 *   that x 256 bytes. Backpressure ({@link Journal#FULL}) is retried inside the operation.</li>
 *   <li>{@link Recovery#recover}: <b>one operation</b> = open a journal holding {@value #RECORDS} accepted,
 *   unhandled messages (verifying every record), deliver all of them in order to a handler, close. Messages
 *   replayed per second = {@value #RECORDS} / (seconds per op).</li>
 *   <li>{@link Open#open}: <b>one operation</b> = open a journal on an empty directory and close it, as
 *   {@link Recovery#recover} opens it: the part of a recovery that does not depend on what is recovered (the lock
 *   file, the first segment, created zero-filled and forced to the device, and the close).</li>
 * </ul>
 */
public class JournalBenchmark
{
    /** Messages in the journal that {@link Recovery#recover} replays. */
    public static final int RECORDS = 1_000_000;
    private static final int PAYLOAD_LENGTH = 128;

    static UnsafeBuffer frame(final int target)
    {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[FrameDescriptor.maxFrameLength(PAYLOAD_LENGTH)]);
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[PAYLOAD_LENGTH]);
        new FrameEncoder(PAYLOAD_LENGTH).wrap(frame, 0).clearHeader().messageId(1).timestamp(1).targetActorId(target)
            .messageType(MessageType.CAST).payload(payload, 0, PAYLOAD_LENGTH).seal();
        return frame;
    }

    static void delete(final Path directory) throws IOException
    {
        BenchJournal.delete(directory);
    }

    /** Append throughput. */
    @State(Scope.Benchmark)
    @Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED" })
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 5, time = 1)
    public static class Append
    {
        /** When the agent forces pages to the device. */
        @Param({ "NONE", "INTERVAL" })
        public String flushPolicy;

        private Path directory;
        private Journal journal;
        private Journal.Appender appender;
        private Journal.Settler settler;
        private UnsafeBuffer frame;
        private int frameLength;

        /**
         * Opens the journal.
         *
         * @throws IOException if the directory cannot be created.
         */
        @Setup(Level.Trial)
        public void setup() throws IOException
        {
            directory = Files.createTempDirectory("bitactor-journal-bench");
            journal = Journal.open(new JournalContext().directory(directory)
                .flushPolicy(FlushPolicy.valueOf(flushPolicy)));
            appender = journal.newAppender();
            settler = journal.newSettler();
            frame = frame(7);
            frameLength = FrameDescriptor.frameLength(PAYLOAD_LENGTH);
        }

        /**
         * Closes and deletes the journal.
         *
         * @throws IOException if the files cannot be deleted.
         */
        @TearDown(Level.Trial)
        public void tearDown() throws IOException
        {
            journal.close();
            delete(directory);
        }

        /**
         * Appends a record and marks it handled.
         *
         * @return the record's reference.
         */
        @Benchmark
        public long append()
        {
            long record;
            while ((record = appender.append(frame, 0, frameLength)) < 0)
            {
                Thread.onSpinWait();
            }
            settler.handled(record, frameLength);
            settler.flush();
            return record;
        }
    }

    /** Recovery speed. */
    @State(Scope.Benchmark)
    @Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED" })
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 2)
    @Measurement(iterations = 5)
    public static class Recovery
    {
        private Path directory;
        private long checksum;

        /**
         * Writes a journal of {@value #RECORDS} unhandled messages (for every iteration: replay marks them handled).
         *
         * @throws IOException if the directory cannot be created.
         */
        @Setup(Level.Iteration)
        public void setup() throws IOException
        {
            // The journal written below is closed holding unhandled records, so Journal#close leaves its mappings
            // to the garbage collector (a consumer could still be handling one). Collect the previous iteration's
            // now, or the mapped memory of deleted files piles up and later iterations measure that.
            System.gc();
            directory = Files.createTempDirectory("bitactor-journal-recovery-bench");
            final Journal journal = Journal.open(new JournalContext().directory(directory)
                .flushPolicy(FlushPolicy.NONE).diskLimitBytes(4L * 1024 * 1024 * 1024));
            final Journal.Appender appender = journal.newAppender();
            final UnsafeBuffer frame = frame(7);
            final int frameLength = FrameDescriptor.frameLength(PAYLOAD_LENGTH);
            for (int i = 0; i < RECORDS; i++)
            {
                while (appender.append(frame, 0, frameLength) < 0)
                {
                    Thread.onSpinWait();
                }
            }
            journal.close();
        }

        /**
         * Deletes the journal.
         *
         * @throws IOException if the files cannot be deleted.
         */
        @TearDown(Level.Iteration)
        public void tearDown() throws IOException
        {
            delete(directory);
        }

        /**
         * Opens (verifying every record), replays everything in order, closes.
         *
         * @return messages replayed.
         */
        @Benchmark
        public int recover()
        {
            try (Journal journal = Journal.open(new JournalContext().directory(directory).useAgentThread(false)
                .diskLimitBytes(4L * 1024 * 1024 * 1024)))
            {
                final int replayed = journal.recovered().replayAll(this::onFrame);
                if (replayed != RECORDS)
                {
                    throw new IllegalStateException("replayed " + replayed + " of " + RECORDS);
                }
                return replayed;
            }
        }

        private void onFrame(final DirectBuffer buffer, final int offset, final int length)
        {
            checksum += FrameDescriptor.messageId(buffer, offset) + length;
        }
    }

    /** The fixed cost of opening a journal, for comparison with {@link Recovery#recover}. */
    @State(Scope.Benchmark)
    @Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED" })
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 2)
    @Measurement(iterations = 5)
    public static class Open
    {
        private Path directory;

        /**
         * Creates an empty directory.
         *
         * @throws IOException if it cannot be created.
         */
        @Setup(Level.Iteration)
        public void setup() throws IOException
        {
            directory = Files.createTempDirectory("bitactor-journal-open-bench");
        }

        /**
         * Deletes the journal.
         *
         * @throws IOException if the files cannot be deleted.
         */
        @TearDown(Level.Iteration)
        public void tearDown() throws IOException
        {
            delete(directory);
        }

        /**
         * Opens the journal on the empty directory and closes it.
         *
         * @return the number of messages recovered (0).
         */
        @Benchmark
        public int open()
        {
            try (Journal journal = Journal.open(new JournalContext().directory(directory).useAgentThread(false)
                .diskLimitBytes(4L * 1024 * 1024 * 1024)))
            {
                return journal.recovered().replayAll((buffer, offset, length) -> { });
            }
        }
    }
}
