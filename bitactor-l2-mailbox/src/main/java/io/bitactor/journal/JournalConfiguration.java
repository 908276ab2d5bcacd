package io.bitactor.journal;

/**
 * Defaults for {@link JournalContext}, each overridable by a system property named by its {@code *_PROP_NAME}.
 */
public final class JournalConfiguration
{
    /** Property naming the segment file length in bytes (a multiple of 4096). */
    public static final String SEGMENT_LENGTH_PROP_NAME = "bitactor.journal.segment.length";
    /** Default segment length: 64 MiB. */
    public static final int SEGMENT_LENGTH_DEFAULT = 64 * 1024 * 1024;

    /** Property naming the most bytes the journal's segment files may take together. */
    public static final String DISK_LIMIT_BYTES_PROP_NAME = "bitactor.journal.disk.limit.bytes";
    /** Default disk limit: 1 GiB. */
    public static final long DISK_LIMIT_BYTES_DEFAULT = 1024L * 1024 * 1024;

    /** Property naming the flush policy ({@link FlushPolicy} name). */
    public static final String FLUSH_POLICY_PROP_NAME = "bitactor.journal.flush.policy";
    /** Default flush policy. */
    public static final FlushPolicy FLUSH_POLICY_DEFAULT = FlushPolicy.INTERVAL;

    /** Property naming the flush interval for {@link FlushPolicy#INTERVAL}, in nanoseconds. */
    public static final String FLUSH_INTERVAL_NS_PROP_NAME = "bitactor.journal.flush.interval.ns";
    /** Default flush interval: 10 ms. */
    public static final long FLUSH_INTERVAL_NS_DEFAULT = 10_000_000L;

    private JournalConfiguration()
    {
    }

    /**
     * @return the segment length property or its default.
     */
    public static int segmentLength()
    {
        return Integer.getInteger(SEGMENT_LENGTH_PROP_NAME, SEGMENT_LENGTH_DEFAULT);
    }

    /**
     * @return the disk limit property or its default.
     */
    public static long diskLimitBytes()
    {
        return Long.getLong(DISK_LIMIT_BYTES_PROP_NAME, DISK_LIMIT_BYTES_DEFAULT);
    }

    /**
     * @return the flush policy property or its default.
     */
    public static FlushPolicy flushPolicy()
    {
        final String value = System.getProperty(FLUSH_POLICY_PROP_NAME);
        return value == null ? FLUSH_POLICY_DEFAULT : FlushPolicy.valueOf(value);
    }

    /**
     * @return the flush interval property or its default.
     */
    public static long flushIntervalNs()
    {
        return Long.getLong(FLUSH_INTERVAL_NS_PROP_NAME, FLUSH_INTERVAL_NS_DEFAULT);
    }
}
