package io.bitactor.actor;

import io.bitactor.journal.JournalDescriptor;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.bitactor.actor.JournalCrashChild.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kills a journaling child process ({@link JournalCrashChild}) with SIGKILL at random moments, {@value #KILLS} times,
 * restarting it on the same journal directory each time, then lets a last run handle what is left and checks, per
 * actor, from the state file the child keeps in mapped memory:
 * <ul>
 *   <li>every message acknowledged as accepted before a kill was handled before it or after a restart
 *   (highest handled >= highest acknowledged, and sequence numbers were handled without a gap);</li>
 *   <li>per-actor order held across every kill and recovery (no sequence number out of order);</li>
 *   <li>no payload arrived damaged.</li>
 * </ul>
 * Kills land anywhere: during JVM start, during recovery and replay, while producing.
 */
class JournalCrashTest
{
    private static final int KILLS = 24;
    private static final long SEED = 20261125L;

    @TempDir
    Path tmp;

    @Test
    void everyAcceptedMessageSurvivesSigkillInOrderAndIntact() throws Exception
    {
        final Path journal = tmp.resolve("journal");
        final Path stateFile = tmp.resolve("state");
        final Random random = new Random(SEED);
        final List<String> recoveredLines = new CopyOnWriteArrayList<>();
        int killedWhileProducing = 0;
        int killsWithReusedFiles = 0;
        for (int kill = 0; kill < KILLS; kill++)
        {
            final Child child = Child.start(journal, stateFile, "run", recoveredLines);
            // Half of the kills wait for READY (the kill lands while producing), the others land anywhere from JVM
            // start through recovery and replay.
            final boolean afterReady = random.nextBoolean();
            if (afterReady)
            {
                assertThat(child.awaitReady(30)).as("child %d became ready: %s", kill, child.output).isTrue();
                killedWhileProducing++;
            }
            Thread.sleep(afterReady ? 50 + random.nextInt(400) : random.nextInt(900));
            child.process.destroyForcibly();
            assertThat(child.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            child.drain();
            assertThat(child.output).as("child output, kill %d", kill).noneMatch(l -> l.startsWith("REFUSED") ||
                l.contains("Exception"));
            if (reusedSegmentFiles(journal) > 0)
            {
                killsWithReusedFiles++; // the next run recovers segments that may hold an earlier use's records
            }
        }

        final Child last = Child.start(journal, stateFile, "final", recoveredLines);
        assertThat(last.process.waitFor(90, TimeUnit.SECONDS)).as("final run finished").isTrue();
        last.drain();
        assertThat(last.process.exitValue()).as("final run: %s", last.output).isZero();
        assertThat(last.output).contains("PENDING 0", "FINAL");

        final UnsafeBuffer state;
        try (FileChannel channel = FileChannel.open(stateFile, StandardOpenOption.READ))
        {
            state = new UnsafeBuffer(channel.map(FileChannel.MapMode.READ_ONLY, 0, STATE_LENGTH));
        }
        long accepted = 0;
        long handled = 0;
        long duplicates = 0;
        for (int actor = 0; actor < ACTORS; actor++)
        {
            final int base = actor * STRIDE;
            final long acceptedMax = state.getLong(base + ACCEPTED);
            final long handledMax = state.getLong(base + HANDLED);
            assertThat(handledMax).as("actor %d: every acknowledged message handled", actor)
                .isGreaterThanOrEqualTo(acceptedMax);
            assertThat(state.getLong(base + VIOLATIONS)).as("actor %d: order violations", actor).isZero();
            assertThat(state.getLong(base + CORRUPT)).as("actor %d: corrupt payloads", actor).isZero();
            accepted += acceptedMax;
            handled += handledMax;
            duplicates += state.getLong(base + DUPLICATES);
        }
        long recovered = 0;
        for (final String line : recoveredLines)
        {
            recovered += Long.parseLong(line.split(" ")[1]);
        }
        System.out.printf("JournalCrashTest: %d SIGKILLs (%d while producing), accepted %,d, handled %,d, " +
            "recovered after kills %,d, delivered again and deduplicated %,d, order violations 0, corrupt 0, " +
            "kills that left reused segment files %d%n",
            KILLS, killedWhileProducing, accepted, handled, recovered, duplicates, killsWithReusedFiles);
        assertThat(accepted).as("the child produced").isGreaterThan(10_000);
        assertThat(recovered).as("kills left unhandled messages that recovery delivered").isPositive();
        assertThat(killsWithReusedFiles).as("recoveries ran over reused segment files, leftovers and all")
            .isPositive();
    }

    /** Segment files whose header says the file was reused and may hold records of an earlier segment. */
    private static int reusedSegmentFiles(final Path journal) throws IOException
    {
        int reused = 0;
        if (!Files.isDirectory(journal))
        {
            return 0; // killed before the journal was opened
        }
        try (Stream<Path> files = Files.list(journal))
        {
            for (final Path file : (Iterable<Path>)files::iterator)
            {
                final ByteBuffer header = ByteBuffer.allocate(JournalDescriptor.HEADER_LENGTH);
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
                {
                    while (header.hasRemaining() && channel.read(header) > 0)
                    {
                        // reads the header, or what there is of it
                    }
                }
                final UnsafeBuffer buffer = new UnsafeBuffer(header.array());
                if (!header.hasRemaining() &&
                    buffer.getLong(JournalDescriptor.MAGIC_OFFSET) == JournalDescriptor.MAGIC &&
                    buffer.getInt(JournalDescriptor.EARLIER_USES_OFFSET) != 0)
                {
                    reused++;
                }
            }
        }
        return reused;
    }

    /** A child JVM with its output collected by a reader thread. */
    private static final class Child
    {
        final Process process;
        final List<String> output = new CopyOnWriteArrayList<>();
        final Thread reader;

        private Child(final Process process, final List<String> recoveredLines)
        {
            this.process = process;
            this.reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
                {
                    String line;
                    while ((line = in.readLine()) != null)
                    {
                        output.add(line);
                        if (line.startsWith("RECOVERED "))
                        {
                            recoveredLines.add(line);
                        }
                    }
                }
                catch (final IOException ignore)
                {
                    // the process was killed
                }
            }, "child-output");
            reader.setDaemon(true);
            reader.start();
        }

        static Child start(final Path journal, final Path stateFile, final String mode, final List<String> recovered)
            throws IOException
        {
            final List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-Xmx256m");
            command.add("-XX:+UseSerialGC");
            command.add("-XX:TieredStopAtLevel=1");
            command.add("--add-exports");
            command.add("java.base/jdk.internal.misc=ALL-UNNAMED"); // Agrona 2 uses jdk.internal.misc.Unsafe
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(JournalCrashChild.class.getName());
            command.add(journal.toString());
            command.add(stateFile.toString());
            command.add(mode);
            return new Child(new ProcessBuilder(command).redirectErrorStream(true).start(), recovered);
        }

        boolean awaitReady(final int seconds) throws InterruptedException
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < deadline)
            {
                if (output.contains("READY"))
                {
                    return true;
                }
                if (!process.isAlive() && !reader.isAlive())
                {
                    return output.contains("READY");
                }
                Thread.sleep(5);
            }
            return false;
        }

        void drain() throws InterruptedException
        {
            reader.join(10_000);
        }
    }
}
