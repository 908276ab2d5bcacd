package io.bitactor.journal;

import io.bitactor.core.FrameDecoder;
import io.bitactor.core.FrameDescriptor;
import io.bitactor.core.FrameEncoder;
import io.bitactor.core.MessageType;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What {@link Journal#close()} releases: the mapping of every segment nothing can touch any more, and not the
 * mapping of one that a consumer or a racing sender may still use. Mappings are read from {@code /proc/self/maps}
 * (Linux; the tests are skipped where it does not exist).
 */
class JournalCloseTest
{
    private static final int SEGMENT = 64 * 1024;
    private static final int PAYLOAD = 64;
    private static final Path MAPS = Path.of("/proc/self/maps");

    @TempDir
    Path dir;

    private JournalContext journal()
    {
        return new JournalContext().directory(dir.resolve("journal")).segmentLength(SEGMENT)
            .diskLimitBytes(64L * SEGMENT).useAgentThread(false).flushPolicy(FlushPolicy.NONE);
    }

    private static UnsafeBuffer frame(final long messageId)
    {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[FrameDescriptor.maxFrameLength(PAYLOAD)]);
        new FrameEncoder(PAYLOAD).wrap(frame, 0).clearHeader().messageId(messageId).timestamp(1).targetActorId(7)
            .messageType(MessageType.CAST).payload(new UnsafeBuffer(new byte[PAYLOAD]), 0, PAYLOAD).seal();
        return frame;
    }

    /** Lines of this process's memory map that map a file of the journal's directory. */
    private List<String> journalMappings() throws IOException
    {
        final String directory = dir.resolve("journal").toRealPath().toString();
        final List<String> lines = new ArrayList<>();
        for (final String line : Files.readAllLines(MAPS))
        {
            if (line.contains(directory))
            {
                lines.add(line);
            }
        }
        return lines;
    }

    @Test
    void closingAJournalWhoseRecordsAreAllHandledUnmapsEverySegment() throws IOException
    {
        assumeTrue(Files.isReadable(MAPS), "needs /proc/self/maps");
        final int frameLength = FrameDescriptor.frameLength(PAYLOAD);
        final Journal journal = Journal.open(journal());
        final Journal.Appender appender = journal.newAppender();
        final Journal.Settler settler = journal.newSettler();
        final UnsafeBuffer frame = frame(1);
        // Several segments' worth, every record handled: settled segments become spares, one is prepared.
        for (int i = 0; i < 2_000; i++)
        {
            long record;
            while ((record = appender.append(frame, 0, frameLength)) == Journal.FULL)
            {
                settler.flush();
                journal.doWork();
            }
            assertThat(record).isPositive();
            settler.handled(record, frameLength);
        }
        settler.flush();
        journal.doWork();
        assertThat(journal.segmentsRecycled()).as("spares were reused").isPositive();
        assertThat(journalMappings()).as("mapped while open").isNotEmpty();

        journal.close();

        assertThat(journalMappings()).as("every segment was settled: nothing left mapped").isEmpty();
    }

    @Test
    void aSegmentWithAnUnhandledRecordStaysMappedAfterCloseAndItsRecordIsRecovered() throws IOException
    {
        assumeTrue(Files.isReadable(MAPS), "needs /proc/self/maps");
        final int frameLength = FrameDescriptor.frameLength(PAYLOAD);
        final Journal journal = Journal.open(journal());
        final Journal.Appender appender = journal.newAppender();
        final Journal.Settler settler = journal.newSettler();
        settler.handled(appender.append(frame(1), 0, frameLength), frameLength);
        final long unhandled = appender.append(frame(2), 0, frameLength);
        assertThat(unhandled).isPositive();
        settler.flush();

        journal.close();

        // A consumer may still be handling the record: its segment's memory must stay valid.
        assertThat(journalMappings()).as("the segment with a record in flight keeps its mapping").hasSize(1);
        assertThat(journal.isClosed()).isTrue(); // keeps the closed journal, and so its mapping, reachable to here
        try (Journal reopened = Journal.open(journal()))
        {
            final List<Long> ids = new ArrayList<>();
            reopened.recovered().replayAll((buffer, offset, length) -> ids.add(FrameDescriptor.messageId(buffer, offset)));
            assertThat(ids).containsExactly(2L);
        }
    }

    @Test
    void aSenderThatClaimedBeforeTheCloseCanStillWriteItsRecordAndNothingIsLost() throws IOException
    {
        assumeTrue(Files.isReadable(MAPS), "needs /proc/self/maps");
        final int frameLength = FrameDescriptor.frameLength(PAYLOAD);
        final Journal journal = Journal.open(journal());
        final Journal.Appender appender = journal.newAppender();
        final long claimed = appender.claim(frameLength); // a sender that raced the close: claimed, not written

        journal.close();

        assertThat(journalMappings()).as("a claim not settled keeps its segment mapped").hasSize(1);
        assertThat(appender.claim(frameLength)).as("claims after the close").isEqualTo(Journal.CLOSED);
        // The racing sender finishes: its writes land in valid memory, in the file.
        appender.buffer(claimed).putBytes(appender.frameOffset(claimed), frame(3), 0, frameLength);
        appender.commit(claimed, frameLength);
        try (Journal reopened = Journal.open(journal()))
        {
            final FrameDecoder decoder = new FrameDecoder(PAYLOAD);
            final List<Long> ids = new ArrayList<>();
            reopened.recovered().replayAll((buffer, offset, length) ->
            {
                assertThat(decoder.wrap(buffer, offset, length).verify().isValid()).isTrue();
                ids.add(decoder.messageId());
            });
            assertThat(ids).containsExactly(3L);
        }
    }
}
