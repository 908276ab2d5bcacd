package io.bitactor.journal;

import io.bitactor.core.FrameDecoder;
import io.bitactor.core.FrameDescriptor;
import io.bitactor.core.MessageType;
import io.bitactor.mailbox.FrameHandler;
import io.bitactor.mailbox.Mailbox;
import io.bitactor.mailbox.MailboxContext;
import io.bitactor.mailbox.OfferStatus;
import io.bitactor.mailbox.Router;
import io.bitactor.mailbox.Sender;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JournalTest
{
    private static final int SEGMENT = 64 * 1024;

    @TempDir
    Path dir;

    private final List<Router> routers = new ArrayList<>();
    private final List<Throwable> errors = new ArrayList<>();

    @AfterEach
    void closeAll()
    {
        routers.forEach(Router::close);
    }

    private JournalContext journal()
    {
        return new JournalContext().directory(dir.resolve("journal")).segmentLength(SEGMENT)
            .diskLimitBytes(64L * SEGMENT).useAgentThread(false).flushPolicy(FlushPolicy.EVERY_BATCH)
            .errorHandler(errors::add);
    }

    /** Closes every router so far (their unhandled records stay pending: nothing drains them) and launches anew. */
    private Router restart()
    {
        routers.forEach(Router::close);
        return launch(journal());
    }

    private Router launch(final JournalContext journal)
    {
        final Router router = Router.launch(new MailboxContext().shardCount(4).mailboxCapacity(1 << 16)
            .journal(journal).errorHandler(errors::add));
        routers.add(router);
        return router;
    }

    private static OfferStatus send(final Sender sender, final int actor, final long seq)
    {
        return sender.send(actor, MessageType.CAST, PatternPayloads.payload(actor, seq, 64), 0, 64);
    }

    /** Sends, running the journal's agent duty while the next segment is not ready (JOURNAL_FULL). */
    private static OfferStatus sendPreparingSegments(
        final Journal journal, final Sender sender, final int actor, final long seq)
    {
        OfferStatus status;
        while ((status = send(sender, actor, seq)) == OfferStatus.JOURNAL_FULL)
        {
            journal.doWork(); // the next segment is prepared by the agent
        }
        return status;
    }

    /** Records "actor:seq" and checks every frame verifies and carries its own pattern. */
    private static final class Recorder implements FrameHandler
    {
        final List<String> seen = new ArrayList<>();
        final FrameDecoder decoder = new FrameDecoder(FrameDescriptor.MAX_PAYLOAD_LENGTH);

        public void onFrame(final DirectBuffer buffer, final int offset, final int length)
        {
            PatternPayloads.check(decoder, buffer, offset, length);
            seen.add(PatternPayloads.actor(decoder) + ":" + PatternPayloads.seq(decoder));
        }
    }

    private static int drainAll(final Router router, final FrameHandler handler)
    {
        int total = 0;
        int n;
        do
        {
            n = 0;
            for (int shard = 0; shard < 4; shard++)
            {
                n += router.mailbox(shard).drain(handler, 1000);
            }
            total += n;
        }
        while (n > 0);
        return total;
    }

    @Test
    void acceptedButUnhandledMessagesAreRecoveredInTheirOrderAndHandledOnesAreNot()
    {
        final Router first = launch(journal());
        final Sender sender = first.newSender(0);
        for (int seq = 0; seq < 100; seq++)
        {
            assertThat(send(sender, seq % 3, seq)).isEqualTo(OfferStatus.ACCEPTED);
        }
        // Handle what shard of actor 0 holds; the others stay unhandled ("the process dies" = no close).
        final Mailbox shardOfActor0 = first.mailbox(first.ring().shardFor(0));
        final Recorder handled = new Recorder();
        shardOfActor0.drain(handled, 1000);
        final List<String> expected = new ArrayList<>();
        for (int seq = 0; seq < 100; seq++)
        {
            final String key = (seq % 3) + ":" + seq;
            if (!handled.seen.contains(key))
            {
                expected.add(key);
            }
        }
        assertThat(handled.seen).isNotEmpty();
        assertThat(expected).isNotEmpty();

        final Router second = restart();
        final RecoveryReport report = second.journal().recoveryReport();
        assertThat(report.recovered()).isEqualTo(expected.size());
        // Handled records below the segment's handled mark (advanced at close) are not even read again.
        assertThat(report.recordsSettled()).isLessThanOrEqualTo(handled.seen.size());
        assertThat(report.recordsValid()).isEqualTo(report.recordsSettled() + expected.size());
        assertThat(report.repairedAnything()).isFalse();
        final Recorder replayed = new Recorder();
        assertThat(second.journal().recovered().replayAll(replayed)).isEqualTo(expected.size());
        assertThat(replayed.seen).containsExactlyElementsOf(expected);
        assertThat(second.journal().recovered().pendingCount()).isZero();

        // Replayed records are marked handled: a third start recovers nothing.
        final Router third = restart();
        assertThat(third.journal().recoveryReport().recovered()).isZero();
    }

    @Test
    void messagesStillQueuedAtCloseAreDeadLettersNowAndDeliveredByTheNextRun()
    {
        final Router first = launch(journal());
        final Sender sender = first.newSender(0);
        for (int seq = 0; seq < 5; seq++)
        {
            assertThat(send(sender, 1, seq)).isEqualTo(OfferStatus.ACCEPTED);
        }
        first.close();
        final Recorder nothing = new Recorder();
        drainAll(first, nothing); // a closed mailbox reports what it holds as dead letters
        assertThat(nothing.seen).isEmpty();
        assertThat(first.mailbox(first.ring().shardFor(1)).counters().deadLettered()).isEqualTo(5);

        final Router second = restart();
        final Recorder replayed = new Recorder();
        second.journal().recovered().replayAll(replayed);
        assertThat(replayed.seen).containsExactly("1:0", "1:1", "1:2", "1:3", "1:4");
    }

    @Test
    void replayByActorKeepsEachActorsOrder()
    {
        final Router first = launch(journal());
        final Sender sender = first.newSender(0);
        for (int seq = 0; seq < 60; seq++)
        {
            assertThat(send(sender, 10 + seq % 4, seq)).isEqualTo(OfferStatus.ACCEPTED);
        }
        final Router second = restart();
        final RecoveredFrames recovered = second.journal().recovered();
        assertThat(recovered.actorIds()).containsExactlyInAnyOrder(10, 11, 12, 13);
        final Recorder actor12 = new Recorder();
        assertThat(recovered.hasPending(12)).isTrue();
        assertThat(recovered.replay(12, actor12)).isEqualTo(15);
        assertThat(recovered.hasPending(12)).isFalse();
        assertThat(recovered.replay(12, actor12)).as("delivered once").isZero();
        final List<String> expected = new ArrayList<>();
        for (int seq = 2; seq < 60; seq += 4)
        {
            expected.add("12:" + seq);
        }
        assertThat(actor12.seen).containsExactlyElementsOf(expected);
        assertThat(recovered.pendingCount()).isEqualTo(45);
    }

    @Test
    void repliesAndSystemFramesAreNotJournaled()
    {
        final Router first = launch(journal());
        final Sender sender = first.newSender(0);
        final UnsafeBuffer payload = PatternPayloads.payload(1, 1, 16);
        assertThat(sender.send(0, 1, MessageType.REPLY, 5, payload, 0, 16)).isEqualTo(OfferStatus.ACCEPTED);
        assertThat(sender.send(0, 1, MessageType.SYSTEM, 0, payload, 0, 16)).isEqualTo(OfferStatus.ACCEPTED);
        assertThat(sender.send(0, 1, MessageType.CALL, 6, payload, 0, 16)).isEqualTo(OfferStatus.ACCEPTED);
        final Router second = restart();
        assertThat(second.journal().recoveryReport().recovered()).isEqualTo(1);
    }

    @Test
    void aMessageRefusedByAFullMailboxIsCancelledInTheJournal()
    {
        final Router router = Router.launch(new MailboxContext().shardCount(1).mailboxCapacity(2).journal(journal())
            .errorHandler(errors::add));
        routers.add(router);
        final Sender sender = router.newSender(0);
        assertThat(send(sender, 1, 0)).isEqualTo(OfferStatus.ACCEPTED);
        assertThat(send(sender, 1, 1)).isEqualTo(OfferStatus.ACCEPTED);
        assertThat(send(sender, 1, 2)).isEqualTo(OfferStatus.MAILBOX_FULL);

        final Router second = restart();
        final RecoveryReport report = second.journal().recoveryReport();
        assertThat(report.recovered()).isEqualTo(2);
        assertThat(report.recordsSettled()).as("the refused one, cancelled").isEqualTo(1);
    }

    @Test
    void segmentsRollAndAreDeletedOnceEveryRecordIsHandled()
    {
        final Router router = launch(journal());
        final Journal journal = router.journal();
        final Sender sender = router.newSender(0);
        final Recorder recorder = new Recorder();
        int accepted = 0;
        // 64-byte payload -> 140-byte frame -> 192-byte record: about 340 records a segment.
        for (int seq = 0; seq < 2_000; seq++)
        {
            final OfferStatus status = sendPreparingSegments(journal, sender, seq % 7, seq);
            assertThat(status).isEqualTo(OfferStatus.ACCEPTED);
            accepted++;
            if (seq % 100 == 99)
            {
                drainAll(router, recorder);
                journal.doWork();
            }
        }
        drainAll(router, recorder);
        journal.doWork();
        journal.doWork();
        assertThat(recorder.seen).hasSize(accepted);
        assertThat(journal.segmentsCreated()).isGreaterThanOrEqualTo(6);
        assertThat(journal.segmentsRemoved()).isEqualTo(journal.segmentsCreated() - 2); // active + prepared remain
        assertThat(journal.segmentsRecycled()).as("removed files are reused").isPositive();
        assertThat(segmentFiles()).as("active, prepared and at most two spares").hasSizeBetween(2, 4);
        assertThat(journal.forces()).isPositive();
        assertThat(errors).isEmpty();
    }

    @Test
    void recordsLeftInARecycledSegmentAreNeverRecoveredNorReportedAsDamage() throws IOException
    {
        final Router router = launch(journal());
        final Journal journal = router.journal();
        final Sender sender = router.newSender(0);
        final Recorder recorder = new Recorder();
        for (int seq = 0; seq < 3_000; seq++)
        {
            sendPreparingSegments(journal, sender, 5, seq);
            if (seq % 50 == 49)
            {
                drainAll(router, recorder);
                journal.doWork();
            }
        }
        assertThat(journal.segmentsRecycled()).isGreaterThan(3);
        // Leave the last messages unhandled, "crash" and recover: exactly those come back, nothing older.
        final int unhandled = 3_000 - recorder.seen.size();
        final Router second = restart();
        assertThat(leftoverRecordWords()).as("reused files keep their earlier uses' records").isPositive();
        assertThat(second.journal().recoveryReport().recovered()).isEqualTo(unhandled);
        assertThat(second.journal().recoveryReport().repairedAnything())
            .as("%s", second.journal().recoveryReport()).isFalse();
        final Recorder replayed = new Recorder();
        second.journal().recovered().replayAll(replayed);
        for (int i = 0; i < unhandled; i++)
        {
            assertThat(replayed.seen.get(i)).isEqualTo("5:" + (recorder.seen.size() + i));
        }
    }

    @Test
    void segmentFilesLeftUnderATemporaryNameByACrashAreDeletedAtOpenAndNothingElseIsLost() throws IOException
    {
        final Router router = launch(journal());
        final Sender sender = router.newSender(0);
        for (int seq = 0; seq < 10; seq++)
        {
            assertThat(send(sender, 3, seq)).isEqualTo(OfferStatus.ACCEPTED);
        }
        routers.forEach(Router::close); // the 10 stay pending
        // What a kill leaves behind: a creation stopped before its first write, and a reuse stopped after the file
        // was renamed to its temporary name and half zeroed (only a segment whose records are all settled is reused).
        final Path directory = dir.resolve("journal");
        final List<Path> before = segmentFiles();
        final Path createdTemporary = directory.resolve(JournalDescriptor.fileName(1_000) + ".tmp");
        final Path reusedTemporary = directory.resolve(JournalDescriptor.fileName(1_001) + ".tmp");
        Files.write(createdTemporary, new byte[0]);
        final byte[] halfZeroed = new byte[SEGMENT];
        Arrays.fill(halfZeroed, 0, SEGMENT / 2, (byte)0x5A);
        Files.write(reusedTemporary, halfZeroed);

        final Router second = launch(journal());
        final RecoveryReport report = second.journal().recoveryReport();
        assertThat(createdTemporary).doesNotExist();
        assertThat(reusedTemporary).doesNotExist();
        assertThat(report.details()).as("%s", report.details())
            .anySatisfy(line -> assertThat(line).startsWith(createdTemporary.getFileName() + ":"))
            .anySatisfy(line -> assertThat(line).startsWith(reusedTemporary.getFileName() + ":"));
        assertThat(report.segmentsScanned()).isEqualTo(before.size());
        assertThat(report.recovered()).isEqualTo(10);
        assertThat(report.repairedAnything()).as("%s", report).isFalse();
        final Recorder replayed = new Recorder();
        second.journal().recovered().replayAll(replayed);
        assertThat(replayed.seen).hasSize(10).first().isEqualTo("3:0");
        assertThat(replayed.seen).last().isEqualTo("3:9");
        assertThat(errors).isEmpty();
    }

    @Test
    void anArchiverReceivesHandledSegmentsInsteadOfDeletion() throws IOException
    {
        final Path archive = Files.createDirectories(dir.resolve("archive"));
        final Router router = launch(journal().archiver(path -> {
            try
            {
                Files.move(path, archive.resolve(path.getFileName()));
            }
            catch (final IOException ex)
            {
                throw new RuntimeException(ex);
            }
        }));
        final Sender sender = router.newSender(0);
        for (int seq = 0; seq < 1_000; seq++)
        {
            sendPreparingSegments(router.journal(), sender, 1, seq);
            drainAll(router, new Recorder());
        }
        router.journal().doWork();
        try (var files = Files.list(archive))
        {
            assertThat(files.count()).isEqualTo(router.journal().segmentsRemoved()).isPositive();
        }
    }

    @Test
    void theDiskLimitIsBackpressureNotLoss()
    {
        final Router router = launch(journal().diskLimitBytes(2L * SEGMENT));
        final Journal journal = router.journal();
        final Sender sender = router.newSender(0);
        journal.doWork(); // prepares the second (last allowed) segment
        int accepted = 0;
        OfferStatus status;
        while ((status = send(sender, 1, accepted)) == OfferStatus.ACCEPTED)
        {
            accepted++;
            journal.doWork();
        }
        assertThat(status).isEqualTo(OfferStatus.JOURNAL_FULL);
        assertThat(status.isBackPressure()).isTrue();
        assertThat(accepted).isBetween(500, 700); // two 64 KiB segments of 192-byte records
        assertThat(journal.fullRejections()).isPositive();

        // Handling frees the first segment; then sends are accepted again.
        final Recorder recorder = new Recorder();
        assertThat(drainAll(router, recorder)).isEqualTo(accepted);
        journal.doWork();
        journal.doWork();
        assertThat(send(sender, 1, accepted)).isEqualTo(OfferStatus.ACCEPTED);
        for (int i = 0; i < accepted; i++)
        {
            assertThat(recorder.seen.get(i)).isEqualTo("1:" + i);
        }
    }

    @Test
    void aDirectoryInUseByAnotherJournalIsATypedErrorAtStart()
    {
        launch(journal());
        assertThatThrownBy(() -> launch(journal()))
            .isInstanceOfSatisfying(JournalException.class,
                ex -> assertThat(ex.reason()).isEqualTo(JournalException.Reason.LOCKED));
    }

    @Test
    void waitingForTheNextSegmentDoesNotUseUpTheSendersSlots()
    {
        // The default 1,024 sender slots; a 64 KiB segment holds about 340 of these records, which stay in flight.
        final Router router = launch(journal());
        final Journal journal = router.journal();
        final Sender sender = router.newSender(0);
        int accepted = 0;
        OfferStatus status;
        while ((status = send(sender, 1, accepted)) == OfferStatus.ACCEPTED)
        {
            accepted++; // the agent does not run: no next segment is prepared
        }
        assertThat(status).isEqualTo(OfferStatus.JOURNAL_FULL);
        assertThat(accepted).isBetween(200, 500);

        // A sender retrying for longer than it has slots must keep meeting the journal's answer, not its own.
        for (int retry = 0; retry < 3 * 1024; retry++)
        {
            assertThat(send(sender, 1, accepted)).as("retry %d", retry).isEqualTo(OfferStatus.JOURNAL_FULL);
        }
        journal.doWork(); // prepares the next segment
        assertThat(send(sender, 1, accepted)).isEqualTo(OfferStatus.ACCEPTED);
        accepted++;

        final Recorder recorder = new Recorder();
        assertThat(drainAll(router, recorder)).isEqualTo(accepted);
        for (int i = 0; i < accepted; i++)
        {
            assertThat(recorder.seen.get(i)).isEqualTo("1:" + i);
        }
    }

    @Test
    void everyBatchForcesWhateverWasAppendedSinceTheLastForce()
    {
        final Router router = launch(journal().flushPolicy(FlushPolicy.EVERY_BATCH));
        final Journal journal = router.journal();
        final Sender sender = router.newSender(0);
        journal.doWork();
        final long before = journal.forces();
        assertThat(send(sender, 1, 0)).isEqualTo(OfferStatus.ACCEPTED);
        journal.doWork();
        assertThat(journal.forces()).isEqualTo(before + 1);
        journal.doWork();
        assertThat(journal.forces()).as("nothing new, no force").isEqualTo(before + 1);
        send(sender, 1, 1);
        send(sender, 1, 2);
        journal.doWork();
        assertThat(journal.forces()).as("one force for the batch").isEqualTo(before + 2);
    }

    @Test
    void intervalForcesOncePerIntervalAndNoneNeverForcesBeforeClose()
    {
        final CachedNanoClock clock = new CachedNanoClock();
        final Router interval = launch(journal().flushPolicy(FlushPolicy.INTERVAL).flushIntervalNs(10_000_000L)
            .nanoClock(clock));
        final Sender sender = interval.newSender(0);
        send(sender, 1, 0);
        interval.journal().doWork();
        assertThat(interval.journal().forces()).isZero();
        clock.advance(10_000_000L);
        interval.journal().doWork();
        assertThat(interval.journal().forces()).isEqualTo(1);
        send(sender, 1, 1);
        clock.advance(9_000_000L);
        interval.journal().doWork();
        assertThat(interval.journal().forces()).isEqualTo(1);
        clock.advance(1_000_000L);
        interval.journal().doWork();
        assertThat(interval.journal().forces()).isEqualTo(2);
        interval.close();

        final Router none = launch(journal().directory(dir.resolve("none")).flushPolicy(FlushPolicy.NONE)
            .nanoClock(clock));
        send(none.newSender(0), 1, 0);
        clock.advance(1_000_000_000L);
        none.journal().doWork();
        assertThat(none.journal().forces()).isZero();
        final Journal journal = none.journal();
        none.close();
        assertThat(journal.forces()).as("a clean close forces whatever the policy").isEqualTo(1);
    }

    @Test
    void filesAreOwnerReadWriteOnly() throws IOException
    {
        launch(journal());
        for (final Path file : segmentFiles())
        {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        }
    }

    @Test
    void anUnwritableDirectoryIsATypedErrorAtStart() throws IOException
    {
        final Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
        assertThatThrownBy(() -> launch(journal().directory(notADirectory.resolve("journal"))))
            .isInstanceOfSatisfying(JournalException.class,
                ex -> assertThat(ex.reason()).isEqualTo(JournalException.Reason.UNWRITABLE_DIRECTORY))
            .hasMessageContaining("plain-file");
    }

    @Test
    void aForeignFileNamedLikeASegmentIsATypedErrorAtStartAndIsLeftAlone() throws IOException
    {
        final Path journalDir = Files.createDirectories(dir.resolve("journal"));
        final Path foreign = journalDir.resolve(JournalDescriptor.fileName(0));
        final byte[] content = new byte[SEGMENT];
        content[0] = 'P';
        Files.write(foreign, content);
        assertThatThrownBy(() -> launch(journal()))
            .isInstanceOfSatisfying(JournalException.class,
                ex -> assertThat(ex.reason()).isEqualTo(JournalException.Reason.FOREIGN_FILE))
            .hasMessageContaining("not a BitActor journal segment");
        assertThat(Files.readAllBytes(foreign)).isEqualTo(content);
    }

    @Test
    void aSendAfterCloseIsClosedNotLost()
    {
        final Router router = launch(journal());
        final Sender sender = router.newSender(0);
        router.close();
        assertThat(send(sender, 1, 0)).isEqualTo(OfferStatus.CLOSED);
    }

    @Test
    void theAckAreaFollowsTheRecordAreaWithOneShortPerRecordSlot()
    {
        // 64 + 64 * n + 2 * n <= L for the largest n.
        assertThat(JournalDescriptor.recordsEnd(SEGMENT)).isEqualTo(64 + 64L * 992); // 64 + 66 * 992 = 65536
        assertThat(JournalDescriptor.recordsEnd(64 + 66 * 10)).isEqualTo(64 + 64 * 10);
        assertThat(JournalDescriptor.recordsEnd(64 + 66 * 10 - 1)).isEqualTo(64 + 64 * 9);
        final long recordsEnd = JournalDescriptor.recordsEnd(SEGMENT);
        assertThat(JournalDescriptor.ackOffset(SEGMENT, 64)).isEqualTo(recordsEnd);
        assertThat(JournalDescriptor.ackOffset(SEGMENT, 64 + 64 * 5)).isEqualTo(recordsEnd + 10);
        assertThat(JournalDescriptor.ackOffset(SEGMENT, recordsEnd - 64) + 2).isLessThanOrEqualTo(SEGMENT);
        assertThat(JournalDescriptor.ACK & 0xFF).isNotZero();
        assertThat((JournalDescriptor.ACK >>> 8) & 0xFF).isNotZero();
    }

    @Test
    void settledBytesCountOnlyOnceTheSettlerPublishesThem()
    {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[100]);
        try (Journal journal = Journal.open(journal()))
        {
            final Journal.Appender appender = journal.newAppender();
            final List<Long> firstSegment = new ArrayList<>();
            long reference;
            while ((reference = appender.append(frame, 0, 100)) > 0)
            {
                firstSegment.add(reference);
            }
            assertThat(reference).isEqualTo(Journal.FULL);
            journal.doWork(); // prepares the next segment
            assertThat(appender.append(frame, 0, 100)).as("rotated to the prepared segment").isPositive();

            final Journal.Settler settler = journal.newSettler();
            for (final long record : firstSegment)
            {
                settler.handled(record, 100);
            }
            settler.flush(Long.MAX_VALUE); // below the threshold: nothing published
            journal.doWork();
            assertThat(journal.segmentsRemoved()).as("settled bytes not yet published").isZero();

            settler.flush(1);
            journal.doWork();
            assertThat(journal.segmentsRemoved()).as("published: the whole first segment is settled").isEqualTo(1);
        }
    }

    @Test
    void anIdleSettlerPublishesOnlyOnceItsSegmentIsNoLongerActive()
    {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[100]);
        try (Journal journal = Journal.open(journal()))
        {
            final Journal.Appender appender = journal.newAppender();
            final Journal.Settler settler = journal.newSettler();
            final List<Long> firstSegment = new ArrayList<>();
            long reference;
            while ((reference = appender.append(frame, 0, 100)) > 0)
            {
                firstSegment.add(reference);
                settler.handled(reference, 100);
            }
            settler.flushIfRetired();
            journal.doWork(); // prepares the next segment; the first is still active
            assertThat(journal.segmentsRemoved()).as("the active segment keeps its count unpublished").isZero();

            assertThat(appender.append(frame, 0, 100)).as("rotated to the prepared segment").isPositive();
            journal.doWork();
            assertThat(journal.segmentsRemoved()).as("not yet published").isZero();
            settler.flushIfRetired();
            journal.doWork();
            assertThat(journal.segmentsRemoved()).as("retired segment published and removed").isEqualTo(1);
            assertThat(firstSegment).isNotEmpty();
        }
    }

    @Test
    void aClaimedAndCommittedRecordIsTheRecordAnAppendWritesAndAnUncommittedClaimIsNotCommitted() throws IOException
    {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[100]);
        frame.setMemory(0, 100, (byte)0x3C);
        try (Journal journal = Journal.open(journal()))
        {
            final Journal.Appender appender = journal.newAppender();
            assertThat(appender.append(frame, 0, 100)).isPositive();
            final long claimed = appender.claim(100);
            assertThat(claimed).isPositive();
            appender.buffer(claimed).putBytes(appender.frameOffset(claimed), frame, 0, 100);
            appender.commit(claimed, 100);
            final long torn = appender.claim(100);
            assertThat(torn).isPositive();
            appender.buffer(torn).putBytes(appender.frameOffset(torn), frame, 0, 50); // never committed
        }
        final UnsafeBuffer file = new UnsafeBuffer(Files.readAllBytes(segmentFiles().get(0)));
        final int aligned = JournalDescriptor.alignedRecordLength(100);
        final int appended = JournalDescriptor.HEADER_LENGTH;
        for (int i = 0; i < aligned; i++)
        {
            assertThat(file.getByte(appended + aligned + i)).as("byte %d of the claimed record", i)
                .isEqualTo(file.getByte(appended + i));
        }
        assertThat(file.getInt(appended + 2 * aligned + JournalDescriptor.LENGTH_OFFSET))
            .as("an uncommitted claim keeps its claim word")
            .isNotEqualTo(file.getInt(appended + JournalDescriptor.LENGTH_OFFSET));
    }

    @Test
    void handlingStoresTheAckAndNeverTheRecordAndAppendsStopAtTheAckArea() throws IOException
    {
        final int recordsEnd = (int)JournalDescriptor.recordsEnd(SEGMENT);
        final List<Long> references = new ArrayList<>();
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[100]);
        frame.setMemory(0, 100, (byte)0x5A);
        try (Journal journal = Journal.open(journal()))
        {
            final Journal.Appender appender = journal.newAppender();
            long reference;
            while ((reference = appender.append(frame, 0, 100)) > 0)
            {
                references.add(reference);
            }
            assertThat(reference).as("no segment prepared: the first one fills up").isEqualTo(Journal.FULL);
            final Journal.Settler settler = journal.newSettler();
            for (int i = 0; i < references.size(); i += 2)
            {
                settler.handled(references.get(i), 100);
            }
            settler.flush();
        }
        final byte[] bytes = Files.readAllBytes(segmentFiles().get(0));
        final UnsafeBuffer file = new UnsafeBuffer(bytes);
        final int aligned = JournalDescriptor.alignedRecordLength(100);
        assertThat(references).hasSize((recordsEnd - JournalDescriptor.HEADER_LENGTH) / aligned);
        for (int i = 0; i < references.size(); i++)
        {
            final int at = JournalDescriptor.HEADER_LENGTH + i * aligned;
            assertThat(file.getInt(at + JournalDescriptor.STATE_OFFSET)).as("state word @%d", at)
                .isEqualTo(JournalDescriptor.PENDING);
            assertThat(file.getShort((int)JournalDescriptor.ackOffset(SEGMENT, at))).as("ack @%d", at)
                .isEqualTo(i % 2 == 0 ? JournalDescriptor.ACK : (short)0);
        }
        final int padding = JournalDescriptor.HEADER_LENGTH + references.size() * aligned;
        if (padding < recordsEnd)
        {
            assertThat(file.getInt(padding + JournalDescriptor.STATE_OFFSET)).isEqualTo(JournalDescriptor.PADDING);
            assertThat(JournalDescriptor.lengthOf(file.getInt(padding))).as("padding up to the ack area")
                .isEqualTo(recordsEnd - padding);
        }
        for (int at = recordsEnd + 2 * references.size() * aligned / 64; at < SEGMENT; at++)
        {
            assertThat(bytes[at]).as("ack area @%d: no record writes it", at).isZero();
        }
    }

    @Test
    void theLargestRecordMustFitTheRecordAreaNotTheWholeSegment()
    {
        // Fits in the segment after its header, not in its record area (the ack area takes the rest).
        final int payload = 64_000;
        final int largest = JournalDescriptor.alignedRecordLength(FrameDescriptor.maxFrameLength(payload));
        assertThat(largest).isLessThanOrEqualTo(SEGMENT - JournalDescriptor.HEADER_LENGTH)
            .isGreaterThan((int)JournalDescriptor.recordsEnd(SEGMENT) - JournalDescriptor.HEADER_LENGTH);
        assertThatThrownBy(() -> new MailboxContext().maxPayloadLength(payload).journal(journal()).conclude())
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot hold a record");
        new MailboxContext().maxPayloadLength(60_000).journal(journal()).conclude();
    }

    @Test
    void aTornClaimInARecycledSegmentIsTheWholeTornTailAndTheLeftoversAfterItStay() throws IOException
    {
        final Router router = launch(journal());
        final Journal journal = router.journal();
        final Sender sender = router.newSender(0);
        final Recorder recorder = new Recorder();
        for (int seq = 0; seq < 3_000 || journal.segmentsRecycled() < 4; seq++)
        {
            sendPreparingSegments(journal, sender, 3, seq);
            drainAll(router, recorder);
            journal.doWork();
        }
        // A sender that dies between its claim and its commit, in a segment whose file held earlier segments.
        final int frameLength = FrameDescriptor.frameLength(64);
        final long torn = journal.newAppender().claim(frameLength);
        assertThat(torn).isPositive();
        journal.newAppender().buffer(torn).setMemory(journal.newAppender().frameOffset(torn), 40, (byte)0x5A);
        final Path active = segmentFiles().stream().filter(path -> claimWords(path) > 0).findFirst().orElseThrow();
        final int after = (int)torn + JournalDescriptor.alignedRecordLength(frameLength); // the reference's offset
        final int leftoversBefore = countRecordWords(active, false, after);
        assertThat(leftoversBefore).as("the claim's segment is a reused file").isPositive();

        final Router second = restart();
        final RecoveryReport report = second.journal().recoveryReport();
        assertThat(report.recovered()).as("%s", report).isZero();
        assertThat(report.skippedRegions()).as("%s", report).isZero();
        assertThat(report.truncatedBytes()).as("only the claim is the torn tail: %s", report)
            .isEqualTo(JournalDescriptor.alignedRecordLength(frameLength));
        assertThat(claimWords(active)).as("the torn claim is zeroed").isZero();
        assertThat(countRecordWords(active, false, after)).as("leftovers are neither zeroed nor reported")
            .isEqualTo(leftoversBefore);
    }

    @Test
    void aRecordAreaIsZeroedBeforeItCouldHoldARecordWithTheNewSegmentsTag()
    {
        final long index = 3L * JournalDescriptor.TAG_COUNT + 17;
        assertThat(Journal.recordAreaNeedsZeroing(index - 1, index)).isFalse();
        assertThat(Journal.recordAreaNeedsZeroing(index - JournalDescriptor.TAG_COUNT + 1, index)).isFalse();
        assertThat(Journal.recordAreaNeedsZeroing(index - JournalDescriptor.TAG_COUNT, index))
            .as("segment index - TAG_COUNT has the same tag").isTrue();
        assertThat(JournalDescriptor.tag(index - JournalDescriptor.TAG_COUNT)).isEqualTo(JournalDescriptor.tag(index));
        assertThat(Journal.recordAreaNeedsZeroing(Long.MIN_VALUE, 5)).as("a file found at open").isTrue();
        assertThat(Journal.recordAreaNeedsZeroing(5, 5)).isFalse();
    }

    /**
     * Record-start words, over every segment file, that carry a tag other than their file's own: records written by
     * earlier uses of the file. Only files whose header says they may hold such leftovers are looked at.
     */
    private int leftoverRecordWords() throws IOException
    {
        int leftovers = 0;
        for (final Path path : segmentFiles())
        {
            leftovers += leftoverRecordWords(path);
        }
        return leftovers;
    }

    private static int leftoverRecordWords(final Path path)
    {
        return countRecordWords(path, false, JournalDescriptor.HEADER_LENGTH);
    }

    /** Claim words (claimed, never committed) with the file's own tag. */
    private static int claimWords(final Path path)
    {
        return countRecordWords(path, true, JournalDescriptor.HEADER_LENGTH);
    }

    private static int countRecordWords(final Path path, final boolean ownClaims, final int from)
    {
        final UnsafeBuffer file;
        try
        {
            file = new UnsafeBuffer(Files.readAllBytes(path));
        }
        catch (final IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
        if (!ownClaims && file.getInt(JournalDescriptor.EARLIER_USES_OFFSET) == 0)
        {
            return 0;
        }
        final int tag = JournalDescriptor.tag(file.getLong(JournalDescriptor.SEGMENT_INDEX_OFFSET));
        final long recordsEnd = JournalDescriptor.recordsEnd(file.capacity());
        int count = 0;
        for (int at = from; at < recordsEnd; at += JournalDescriptor.RECORD_ALIGNMENT)
        {
            final int word = file.getInt(at + JournalDescriptor.LENGTH_OFFSET);
            final int wordTag = (word >>> JournalDescriptor.LENGTH_BITS) & JournalDescriptor.TAG_COUNT;
            if (ownClaims ? JournalDescriptor.isClaimed(word, tag) :
                wordTag != 0 && wordTag != tag && JournalDescriptor.isCommitted(word, wordTag))
            {
                count++;
            }
        }
        return count;
    }

    private List<Path> segmentFiles()
    {
        return Journal.segmentFiles(dir.resolve("journal"));
    }
}
