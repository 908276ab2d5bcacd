package io.bitactor.mailbox;

/**
 * A point-in-time reading of one mailbox's counters. Readings are taken field by field while producers and the
 * consumer run, so they are exact only at quiescence.
 *
 * @param shardId       the shard.
 * @param accepted      frames that entered either lane.
 * @param rejectedFull  offers refused because the lane was full (backpressure).
 * @param drained       frames handed to the consumer's {@link FrameHandler}.
 * @param deadLettered  frames reported to the dead-letter sink after the mailbox closed.
 * @param handlerErrors frames whose handler threw (counted in {@code drained} too).
 * @param held          frames parked during a ring handover, waiting for their previous shard.
 * @param depth         frames in the lanes now (fences included).
 * @param highWaterMark largest backlog one drain saw: frames it took plus frames still queued after it.
 */
public record MailboxCounters(
    int shardId,
    long accepted,
    long rejectedFull,
    long drained,
    long deadLettered,
    long handlerErrors,
    int held,
    int depth,
    long highWaterMark)
{
    /**
     * Offers seen by this mailbox: accepted plus rejected.
     *
     * @return the number of offers.
     */
    public long offered()
    {
        return accepted + rejectedFull;
    }
}
