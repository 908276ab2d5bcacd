package io.bitactor.journal;

/**
 * When the journal's agent writes mapped pages to the device ({@code msync} through
 * {@link java.nio.MappedByteBuffer#force(int, int)}). Never on a sender's thread: a sender's record is in mapped
 * memory when {@code route()} returns, which survives the death of the process; what survives a power loss
 * depends on this policy (docs/GUARANTEES.md).
 */
public enum FlushPolicy
{
    /** The journal never forces; the operating system writes dirty pages back on its own schedule. */
    NONE,
    /** Every {@link JournalContext#flushIntervalNs()}, whatever was appended since the last force is forced. */
    INTERVAL,
    /**
     * Group commit: as soon as the agent sees new records it forces them, then looks again; each force covers the
     * batch appended while the previous one ran.
     */
    EVERY_BATCH
}
