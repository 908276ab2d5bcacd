package io.bitactor.metrics;

import io.bitactor.actor.ActorStats;

/**
 * A reading of one mailbox shard and the actors that live on it. Immutable; any thread.
 * <p>
 * The message counts add up the counters of the shard's live actors and of those that stopped (added when they
 * stop); messages to actors that never existed or were gone are counted per system only. Counters are read with
 * opaque or acquire reads while workers run: recent, exact at quiescence.
 *
 * @param shard                the shard id.
 * @param worker               the index of the worker that drains it.
 * @param mailboxDepth         frames queued in the shard's mailbox now (both lanes), read from the lanes' indices.
 * @param mailboxHighWaterMark the largest backlog one drain of the mailbox saw: the frames it took plus, when it
 *                             stopped at its batch limit, the frames still queued; measured by the consumer (no
 *                             cost to senders), so a backlog that builds up between two drains is seen by the
 *                             next one, and a mailbox nobody drains keeps its old mark.
 * @param stats                the accounting of the shard's actors (accepted, handled, failed, retried, rejected by
 *                             breaker or full mailbox, dead-lettered, restarts, late replies).
 * @param held                 messages the shard's live actors hold outside the mailbox (stashed, retries waiting).
 * @param handlingTime         time the worker spent on each frame taken from this mailbox (every frame type), since
 *                             the system started; {@link LatencySummary#EMPTY} when recording is off.
 * @param breaker              the shard's circuit breaker, or null when the system has none per shard.
 */
public record ShardMetrics(
    int shard,
    int worker,
    int mailboxDepth,
    long mailboxHighWaterMark,
    ActorStats stats,
    long held,
    LatencySummary handlingTime,
    BreakerMetrics breaker)
{
    /**
     * Messages handled successfully on this shard.
     *
     * @return {@code stats().handled()}.
     */
    public long handled()
    {
        return stats.handled();
    }

    /**
     * Messages failed on this shard.
     *
     * @return {@code stats().failed()}.
     */
    public long failed()
    {
        return stats.failed();
    }

    /**
     * Retry attempts scheduled on this shard.
     *
     * @return {@code stats().retried()}.
     */
    public long retried()
    {
        return stats.retried();
    }

    /**
     * Sends to this shard's actors refused by a breaker or a full mailbox.
     *
     * @return {@code stats().rejectedByBreaker() + stats().rejectedFull()}.
     */
    public long rejected()
    {
        return stats.rejectedByBreaker() + stats.rejectedFull();
    }

    /**
     * Accepted messages to this shard's actors that were dead-lettered.
     *
     * @return {@code stats().deadLettered()}.
     */
    public long deadLettered()
    {
        return stats.deadLettered();
    }

    /**
     * Restarts of this shard's actors.
     *
     * @return {@code stats().restarts()}.
     */
    public long restarts()
    {
        return stats.restarts();
    }
}
