package io.bitactor.journal;

import io.bitactor.core.FrameDecoder;
import io.bitactor.core.FrameDescriptor;
import io.bitactor.core.MessageType;
import io.bitactor.mailbox.FrameHandler;
import io.bitactor.mailbox.MailboxContext;
import io.bitactor.mailbox.OfferStatus;
import io.bitactor.mailbox.Router;
import io.bitactor.mailbox.Sender;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JournalReaderTest
{
    private static final int SEGMENT = 64 * 1024;
    private static final int PAYLOAD = 64;

    @TempDir
    Path dir;

    private final List<Router> routers = new ArrayList<>();
    private final List<Throwable> errors = new ArrayList<>();

    @AfterEach
    void closeAll()
    {
        routers.forEach(Router::close);
        assertThat(errors).isEmpty();
    }

    private Path journalDir()
    {
        return dir.resolve("journal");
    }

    private Router launch(final int shardCount, final int mailboxCapacity)
    {
        final Router router = Router.launch(new MailboxContext().shardCount(shardCount).mailboxCapacity(mailboxCapacity)
            .senderSlots(1 << 12)
            .journal(new JournalContext().directory(journalDir()).segmentLength(SEGMENT).diskLimitBytes(64L * SEGMENT)
                .useAgentThread(false).errorHandler(errors::add))
            .errorHandler(errors::add));
        routers.add(router);
        return router;
    }

    private static UnsafeBuffer payload(final int actor, final long seq)
    {
        return PatternPayloads.payload(actor, seq, PAYLOAD);
    }

    /** Even sequences are casts, odd ones calls with correlation id {@code 1000 + seq}. */
    private static OfferStatus send(final Sender sender, final int actor, final long seq)
    {
        final boolean call = (seq & 1) == 1;
        return sender.send(-7, actor, call ? MessageType.CALL : MessageType.CAST, call ? 1000 + seq : 0,
            payload(actor, seq), 0, PAYLOAD);
    }

    /** Sends, letting the journal prepare its next segment whenever it asks for one. */
    private static void sendAccepted(final Router router, final Sender sender, final int actor, final long seq)
    {
        OfferStatus status;
        while ((status = send(sender, actor, seq)) == OfferStatus.JOURNAL_FULL)
        {
            router.journal().doWork();
        }
        assertThat(status).isEqualTo(OfferStatus.ACCEPTED);
    }

    /** One record as a visitor saw it. */
    private record Seen(long segment, long offset, int state, int actor, long seq, MessageType type, long correlationId,
        int sourceActorId)
    {
    }

    /** Collects records, checking each frame verifies and carries its own pattern. */
    private static final class Collector implements JournalReader.RecordVisitor
    {
        final List<Seen> seen = new ArrayList<>();
        final FrameDecoder decoder = new FrameDecoder(FrameDescriptor.MAX_PAYLOAD_LENGTH);

        public void onRecord(
            final long segmentIndex, final long recordOffset, final int state, final DirectBuffer buffer,
            final int frameOffset, final int frameLength)
        {
            PatternPayloads.check(decoder, buffer, frameOffset, frameLength);
            assertThat(frameOffset).isEqualTo(recordOffset + JournalDescriptor.FRAME_OFFSET);
            final int actor = PatternPayloads.actor(decoder);
            final long seq = PatternPayloads.seq(decoder);
            seen.add(new Seen(segmentIndex, recordOffset, state, actor, seq, decoder.messageType(),
                decoder.correlationId(), decoder.sourceActorId()));
        }

        List<Long> seqs()
        {
            return seen.stream().map(Seen::seq).toList();
        }
    }

    /** Records "actor:seq" of the frames a mailbox drain handles. */
    private static final class Handled implements FrameHandler
    {
        final Set<Long> seqs = new HashSet<>();

        public void onFrame(final DirectBuffer buffer, final int offset, final int length)
        {
            seqs.add(buffer.getLong(offset + FrameDescriptor.PAYLOAD_OFFSET + 4));
        }
    }

    private static List<Long> range(final int from, final int to)
    {
        final List<Long> list = new ArrayList<>();
        for (long i = from; i < to; i++)
        {
            list.add(i);
        }
        return list;
    }

    private Map<Path, byte[]> snapshot() throws IOException
    {
        final Map<Path, byte[]> files = new TreeMap<>();
        try (var stream = Files.list(journalDir()))
        {
            for (final Path file : stream.toList())
            {
                files.put(file, Files.readAllBytes(file));
            }
        }
        return files;
    }

    private Map<Path, FileTime> modificationTimes() throws IOException
    {
        final Map<Path, FileTime> times = new TreeMap<>();
        try (var stream = Files.list(journalDir()))
        {
            for (final Path file : stream.toList())
            {
                times.put(file, Files.getLastModifiedTime(file));
            }
        }
        return times;
    }

    private static void write(final Path file, final long position, final ByteBuffer bytes) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            channel.write(bytes, position);
        }
    }

    private Path segmentFile(final long index)
    {
        return journalDir().resolve(JournalDescriptor.fileName(index));
    }

    private Collector readAll()
    {
        final Collector collector = new Collector();
        try (JournalReader reader = JournalReader.open(journalDir()))
        {
            assertThat(reader.forEach(collector)).isEqualTo(collector.seen.size());
        }
        return collector;
    }

    @Test
    void everyRecordIsSeenInJournalOrderWithItsStateAndHeader()
    {
        final Router router = launch(4, 1 << 12);
        final Sender sender = router.newSender(0);
        for (int seq = 0; seq < 90; seq++)
        {
            sendAccepted(router, sender, 10 + seq % 3, seq);
        }
        // Handle what the shard of actor 10 holds; the rest stays pending.
        final Handled handled = new Handled();
        assertThat(router.mailbox(router.ring().shardFor(10)).drain(handled, 1000)).isPositive();
        assertThat(handled.seqs).hasSizeLessThan(90);
        router.close();

        final Collector collector = readAll();
        assertThat(collector.seqs()).containsExactlyElementsOf(range(0, 90));
        long previousOffset = -1;
        for (final Seen seen : collector.seen)
        {
            assertThat(seen.segment()).isZero();
            assertThat(seen.offset()).isGreaterThan(previousOffset);
            assertThat(seen.offset() % JournalDescriptor.RECORD_ALIGNMENT).isZero();
            previousOffset = seen.offset();
            assertThat(seen.actor()).isEqualTo(10 + (int)(seen.seq() % 3));
            assertThat(seen.sourceActorId()).isEqualTo(-7);
            assertThat(seen.type()).isEqualTo((seen.seq() & 1) == 1 ? MessageType.CALL : MessageType.CAST);
            assertThat(seen.correlationId()).isEqualTo((seen.seq() & 1) == 1 ? 1000 + seen.seq() : 0);
            assertThat(JournalDescriptor.stateName(seen.state()))
                .as("record %d", seen.seq())
                .isEqualTo(handled.seqs.contains(seen.seq()) ? "HANDLED" : "PENDING");
        }

        try (JournalReader reader = JournalReader.open(journalDir()))
        {
            assertThat(reader.segmentCount()).isEqualTo(1);
            assertThat(reader.segmentIndexes()).containsExactly(0L);
            assertThat(reader.summary()).isEqualTo(
                new JournalReader.Summary(1, 90, 90 - handled.seqs.size(), handled.seqs.size(), 0, 0, 0, 0, 0));
            assertThat(reader.summary().foundDamage()).isFalse();
        }
    }

    @Test
    void recordsAreReadInOrderAcrossSegments()
    {
        final Router router = launch(4, 1 << 12);
        final Sender sender = router.newSender(0);
        // 64-byte payload -> 140-byte frame -> 192-byte record: about 340 records a segment.
        for (int seq = 0; seq < 1_200; seq++)
        {
            sendAccepted(router, sender, seq % 5, seq);
        }
        router.close();

        final Collector collector = readAll();
        assertThat(collector.seqs()).containsExactlyElementsOf(range(0, 1_200));
        final Set<Long> segments = new HashSet<>();
        Seen previous = null;
        for (final Seen seen : collector.seen)
        {
            segments.add(seen.segment());
            if (previous != null)
            {
                assertThat(seen.segment()).isGreaterThanOrEqualTo(previous.segment());
                if (seen.segment() == previous.segment())
                {
                    assertThat(seen.offset()).isGreaterThan(previous.offset());
                }
            }
            previous = seen;
        }
        assertThat(segments).hasSizeGreaterThanOrEqualTo(4);
        try (JournalReader reader = JournalReader.open(journalDir()))
        {
            assertThat(reader.segmentCount()).isEqualTo(segments.size());
            final JournalReader.Summary summary = reader.summary();
            assertThat(summary.records()).isEqualTo(1_200);
            assertThat(summary.pending()).isEqualTo(1_200);
            assertThat(summary.foundDamage()).as("segment ends are padding, not damage").isFalse();
        }
    }

    @Test
    void theActorFilterSelectsOneTargetInOrder()
    {
        final Router router = launch(4, 1 << 12);
        final Sender sender = router.newSender(0);
        for (int seq = 0; seq < 60; seq++)
        {
            sendAccepted(router, sender, 20 + seq % 4, seq);
        }
        router.close();

        try (JournalReader reader = JournalReader.open(journalDir()))
        {
            final Collector actor22 = new Collector();
            assertThat(reader.forEach(22, actor22)).isEqualTo(15);
            final List<Long> expected = new ArrayList<>();
            for (long seq = 2; seq < 60; seq += 4)
            {
                expected.add(seq);
            }
            assertThat(actor22.seqs()).containsExactlyElementsOf(expected);
            assertThat(actor22.seen).allSatisfy(seen -> assertThat(seen.actor()).isEqualTo(22));

            final Collector nobody = new Collector();
            assertThat(reader.forEach(99, nobody)).isZero();
            assertThat(nobody.seen).isEmpty();
        }
    }

    @Test
    void aMessageRefusedByAFullMailboxIsReadAsCancelled()
    {
        final Router router = launch(1, 2);
        final Sender sender = router.newSender(0);
        assertThat(send(sender, 1, 0)).isEqualTo(OfferStatus.ACCEPTED);
        assertThat(send(sender, 1, 2)).isEqualTo(OfferStatus.ACCEPTED);
        assertThat(send(sender, 1, 4)).isEqualTo(OfferStatus.MAILBOX_FULL);
        router.close();

        final Collector collector = readAll();
        assertThat(collector.seqs()).containsExactly(0L, 2L, 4L);
        assertThat(collector.seen.stream().map(seen -> JournalDescriptor.stateName(seen.state())).toList())
            .containsExactly("PENDING", "PENDING", "CANCELLED");
    }

    @Test
    void theReaderNeverChangesAFileEvenWithATornTail() throws IOException
    {
        final Router router = launch(4, 1 << 12);
        final Sender sender = router.newSender(0);
        for (int seq = 0; seq < 30; seq++)
        {
            sendAccepted(router, sender, 1, seq);
        }
        router.close();
        // A torn tail: a few non-zero bytes after the last record (a crash while a record was being written).
        final long end = JournalDescriptor.HEADER_LENGTH + 30L * JournalDescriptor.alignedRecordLength(
            FrameDescriptor.frameLength(PAYLOAD));
        write(segmentFile(0), end + 100, ByteBuffer.wrap(new byte[] {1, 2, 3}));
        final Map<Path, byte[]> before = snapshot();
        final Map<Path, FileTime> timesBefore = modificationTimes();

        final List<String> skipped = new ArrayList<>();
        try (JournalReader reader = JournalReader.open(journalDir()))
        {
            final Collector collector = new Collector();
            assertThat(reader.forEach(collector, (segment, offset, length, what) ->
                skipped.add(segment + "@" + offset + "+" + length + ": " + what))).isEqualTo(30);
            assertThat(collector.seqs()).containsExactlyElementsOf(range(0, 30));
            final JournalReader.Summary summary = reader.summary();
            assertThat(summary.tornTailBytes()).isEqualTo(103);
            assertThat(summary.skippedRegions()).isZero();
            assertThat(summary.foundDamage()).isTrue();
        }
        assertThat(skipped).containsExactly("0@" + end + "+103: " + JournalReader.TORN_TAIL);

        final Map<Path, byte[]> after = snapshot();
        assertThat(after.keySet()).containsExactlyElementsOf(before.keySet());
        for (final Path file : before.keySet())
        {
            assertThat(after.get(file)).as(file.toString()).isEqualTo(before.get(file));
        }
        assertThat(modificationTimes()).isEqualTo(timesBefore);

        // The tail is still there for recovery to find (and repair).
        final Router recovering = launch(4, 1 << 12);
        assertThat(recovering.journal().recoveryReport().truncatedBytes()).isEqualTo(103);
        assertThat(recovering.journal().recoveryReport().recovered()).isEqualTo(30);
    }

    @Test
    void aDamagedRecordIsReportedAsSkippedAndNeverVisited() throws IOException
    {
        final Router router = launch(4, 1 << 12);
        final Sender sender = router.newSender(0);
        for (int seq = 0; seq < 20; seq++)
        {
            sendAccepted(router, sender, 3, seq);
        }
        router.close();
        final Collector intact = readAll();
        final Seen seventh = intact.seen.get(7);
        final Seen twelfth = intact.seen.get(12);
        final int aligned = JournalDescriptor.alignedRecordLength(FrameDescriptor.frameLength(PAYLOAD));

        // Record 7: one payload byte flipped (CRC32C mismatch). Record 12: a claim that was never committed.
        final long flipAt = seventh.offset() + JournalDescriptor.FRAME_OFFSET + FrameDescriptor.PAYLOAD_OFFSET + 20;
        final byte original = Files.readAllBytes(segmentFile(0))[(int)flipAt];
        write(segmentFile(0), flipAt, ByteBuffer.wrap(new byte[] {(byte)(original ^ 0x55)}));
        write(segmentFile(0), twelfth.offset(),
            ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0,
                JournalDescriptor.claimWord(JournalDescriptor.tag(0), aligned)));

        final Collector collector = new Collector();
        final List<String> skipped = new ArrayList<>();
        try (JournalReader reader = JournalReader.open(journalDir()))
        {
            assertThat(reader.forEach(collector, (segment, offset, length, what) ->
                skipped.add(segment + "@" + offset + "+" + length + ": " + what))).isEqualTo(18);
            final JournalReader.Summary summary = reader.summary();
            assertThat(summary.records()).isEqualTo(18);
            assertThat(summary.skippedRegions()).isEqualTo(2);
            assertThat(summary.skippedBytes()).isEqualTo(2L * aligned);
            assertThat(summary.tornTailBytes()).isZero();

            final Collector filtered = new Collector();
            assertThat(reader.forEach(3, filtered)).isEqualTo(18);
            assertThat(filtered.seen).isEqualTo(collector.seen);
        }
        final List<Long> expected = range(0, 20);
        expected.remove(Long.valueOf(7));
        expected.remove(Long.valueOf(12));
        assertThat(collector.seqs()).containsExactlyElementsOf(expected);
        assertThat(skipped).containsExactly(
            "0@" + seventh.offset() + "+" + aligned + ": record failing verification (length or CRC32C)",
            "0@" + twelfth.offset() + "+" + aligned + ": claimed, never committed");
    }

    @Test
    void aLiveJournalCanBeReadAndItsStatesAreReadAsTheyAre()
    {
        final Router router = launch(1, 1 << 12);
        final Sender sender = router.newSender(0);
        for (int seq = 0; seq < 10; seq++)
        {
            sendAccepted(router, sender, 5, seq);
        }
        try (JournalReader reader = JournalReader.open(journalDir()))
        {
            assertThat(reader.summary().pending()).isEqualTo(10);
            assertThat(router.mailbox(0).drain(new Handled(), 4)).isEqualTo(4);
            final JournalReader.Summary summary = reader.summary();
            assertThat(summary.handled()).isEqualTo(4);
            assertThat(summary.pending()).isEqualTo(6);
        }
    }

    @Test
    void aForeignOrDamagedHeaderIsATypedErrorAndTheFileIsLeftAlone() throws IOException
    {
        final Router router = launch(4, 1 << 12);
        sendAccepted(router, router.newSender(0), 1, 0);
        router.close();
        // Damage the creation time: covered by the header's CRC32C.
        final byte created = Files.readAllBytes(segmentFile(0))[JournalDescriptor.CREATED_OFFSET];
        write(segmentFile(0), JournalDescriptor.CREATED_OFFSET, ByteBuffer.wrap(new byte[] {(byte)(created ^ 0x7F)}));
        final byte[] damaged = Files.readAllBytes(segmentFile(0));
        assertThatThrownBy(() -> JournalReader.open(journalDir()))
            .isInstanceOfSatisfying(JournalException.class,
                ex -> assertThat(ex.reason()).isEqualTo(JournalException.Reason.FOREIGN_FILE))
            .hasMessageContaining("CRC32C mismatch");
        assertThat(Files.readAllBytes(segmentFile(0))).isEqualTo(damaged);

        Files.delete(segmentFile(0));
        final byte[] foreign = new byte[4096];
        foreign[0] = 'P';
        Files.write(segmentFile(3), foreign);
        assertThatThrownBy(() -> JournalReader.open(journalDir()))
            .isInstanceOfSatisfying(JournalException.class,
                ex -> assertThat(ex.reason()).isEqualTo(JournalException.Reason.FOREIGN_FILE))
            .hasMessageContaining("not a BitActor journal segment");
        assertThat(Files.readAllBytes(segmentFile(3))).isEqualTo(foreign);

        Files.write(segmentFile(3), new byte[10]);
        assertThatThrownBy(() -> JournalReader.open(journalDir()))
            .isInstanceOfSatisfying(JournalException.class,
                ex -> assertThat(ex.reason()).isEqualTo(JournalException.Reason.FOREIGN_FILE))
            .hasMessageContaining("shorter than a segment header");
    }

    @Test
    void aMissingDirectoryIsAnIoErrorAndOtherFilesAreIgnored() throws IOException
    {
        assertThatThrownBy(() -> JournalReader.open(dir.resolve("missing")))
            .isInstanceOfSatisfying(JournalException.class,
                ex -> assertThat(ex.reason()).isEqualTo(JournalException.Reason.IO_ERROR));
        Files.createDirectories(journalDir());
        Files.writeString(journalDir().resolve("notes.txt"), "not a segment");
        try (JournalReader reader = JournalReader.open(journalDir()))
        {
            assertThat(reader.segmentCount()).isZero();
            assertThat(reader.forEach(new Collector())).isZero();
            assertThat(reader.summary()).isEqualTo(new JournalReader.Summary(0, 0, 0, 0, 0, 0, 0, 0, 0));
        }
    }

    @Test
    void aClosedReaderRefusesToWalk()
    {
        final Router router = launch(4, 1 << 12);
        sendAccepted(router, router.newSender(0), 1, 0);
        router.close();
        final JournalReader reader = JournalReader.open(journalDir());
        reader.close();
        reader.close();
        assertThatThrownBy(() -> reader.forEach(new Collector())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(reader::summary).isInstanceOf(IllegalStateException.class);
    }
}
