package io.bitactor.bench;

import io.bitactor.journal.FlushPolicy;
import io.bitactor.journal.JournalContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The write-ahead journal as the benchmarks turn it on: a fresh directory under {@code java.io.tmpdir}, default
 * (64 MiB) segments, flush policy {@link FlushPolicy#NONE} (every accepted message survives a process crash; forcing
 * to the device is the journal agent's business and costs the sender nothing either way), deleted at tear-down.
 */
public final class BenchJournal
{
    private BenchJournal()
    {
    }

    /**
     * Creates a fresh journal directory.
     *
     * @param prefix the directory name's prefix.
     * @return the directory.
     * @throws IOException if it cannot be created.
     */
    public static Path createDirectory(final String prefix) throws IOException
    {
        return Files.createTempDirectory(prefix);
    }

    /**
     * The journal's configuration over a directory.
     *
     * @param directory from {@link #createDirectory(String)}.
     * @return the configuration.
     */
    public static JournalContext context(final Path directory)
    {
        return new JournalContext().directory(directory).flushPolicy(FlushPolicy.NONE);
    }

    /**
     * Deletes a journal directory with everything in it, after the journal is closed. Does nothing for null or a
     * directory that does not exist.
     *
     * @param directory the directory, or null.
     * @throws IOException if a file cannot be deleted.
     */
    public static void delete(final Path directory) throws IOException
    {
        if (directory == null)
        {
            return;
        }
        if (!Files.exists(directory))
        {
            return;
        }
        try (Stream<Path> files = Files.walk(directory))
        {
            for (final Path file : (Iterable<Path>)files.sorted(Comparator.reverseOrder())::iterator)
            {
                Files.delete(file);
            }
        }
    }
}
