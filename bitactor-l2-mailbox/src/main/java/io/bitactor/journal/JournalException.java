package io.bitactor.journal;

import java.nio.file.Path;

/**
 * A journal cannot be opened or used: the directory cannot be written, a file in it is not a journal segment of
 * this version, or an I/O operation failed. Thrown at start ({@link Journal#open(JournalContext)}); at send time a
 * journal that cannot take a record answers with a status instead.
 */
public class JournalException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Reason
    {
        /** The directory does not exist and cannot be created, or cannot be written. */
        UNWRITABLE_DIRECTORY,
        /** A file named like a segment has a foreign or damaged header. */
        FOREIGN_FILE,
        /** Another journal (in this or another process) has the directory open. */
        LOCKED,
        /** Another I/O error. */
        IO_ERROR
    }

    private final Reason reason;
    private final transient Path path;

    /**
     * An exception.
     *
     * @param reason  what went wrong.
     * @param path    the file or directory concerned.
     * @param message details.
     * @param cause   the underlying error, or null.
     */
    public JournalException(final Reason reason, final Path path, final String message, final Throwable cause)
    {
        super(reason + " " + path + ": " + message, cause);
        this.reason = reason;
        this.path = path;
    }

    /**
     * What went wrong.
     *
     * @return the reason.
     */
    public Reason reason()
    {
        return reason;
    }

    /**
     * The file or directory concerned.
     *
     * @return the path.
     */
    public Path path()
    {
        return path;
    }
}
