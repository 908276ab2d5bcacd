package io.bitactor.metrics;

import io.bitactor.actor.ActorStats;

import java.util.List;

/**
 * A reading of a whole actor system: its accounting, its mailboxes and its shards. Immutable; any thread.
 * <p>
 * Taken while workers run: counters are read one by one with opaque or acquire reads (each written by one worker
 * thread, or by senders with atomic adds), so each number is recent and the numbers agree with each other exactly
 * at quiescence; the handling-time summaries are exact snapshots of what was recorded up to each worker's last
 * finished drain pass.
 *
 * @param stats              the system's accounting: every worker and sending thread added up (messages to
 *                           unknown or stopped actors, and those dead-lettered at close, included).
 * @param actorCount         actors alive, the root guardian included.
 * @param mailboxDepth       frames queued in all mailboxes now.
 * @param held               messages live actors hold outside their mailboxes (stashed, retries waiting).
 * @param shards             one reading per shard, by shard id.
 * @param handlingTime       the handling times of all shards merged; {@link LatencySummary#EMPTY} when off.
 */
public record SystemMetrics(
    ActorStats stats,
    int actorCount,
    long mailboxDepth,
    long held,
    List<ShardMetrics> shards,
    LatencySummary handlingTime)
{
    /**
     * A reading; the shard list is copied.
     *
     * @param stats        the system's accounting.
     * @param actorCount   actors alive.
     * @param mailboxDepth frames queued.
     * @param held         messages held outside mailboxes.
     * @param shards       per-shard readings.
     * @param handlingTime merged handling times.
     */
    public SystemMetrics
    {
        shards = List.copyOf(shards);
    }

    /**
     * Restarts of all actors.
     *
     * @return {@code stats().restarts()}.
     */
    public long restarts()
    {
        return stats.restarts();
    }

    /**
     * The largest mailbox high-water mark of any shard.
     *
     * @return frames.
     */
    public long maxMailboxHighWaterMark()
    {
        long max = 0;
        for (final ShardMetrics shard : shards)
        {
            max = Math.max(max, shard.mailboxHighWaterMark());
        }
        return max;
    }
}
