package io.bitactor.mailbox;

/**
 * The state of one ring change while actors move between shards. Published to every mailbox of the new ring
 * before the new ring is published to senders, so a consumer that polls a frame routed by the new ring always
 * sees it (the frame's lane offer is ordered after the sender's read of the ring, which is ordered after this
 * publication).
 * <p>
 * A frame for an actor whose previous owner was another shard is held by its new shard until that previous shard
 * has consumed the fence of this epoch in both lanes: every frame routed by the old ring is ahead of the fence
 * (the router only enqueues fences after every sender has left the old ring), so holding preserves each actor's
 * order across the move.
 */
final class Handover
{
    final long epoch;
    final ConsistentHashRing previousRing;
    /** Mailboxes of the previous ring, indexed by shard id. */
    final Mailbox[] previousByShard;
    private final int[] previousShardIds;
    private volatile boolean complete;

    Handover(final long epoch, final ConsistentHashRing previousRing, final Mailbox[] previousByShard)
    {
        this.epoch = epoch;
        this.previousRing = previousRing;
        this.previousByShard = previousByShard;
        this.previousShardIds = previousRing.shardIds();
    }

    /**
     * Records, for each shard of the previous ring, whether it has passed this epoch's fences.
     *
     * @param passed indexed by shard id, at least {@code previousByShard.length} long.
     * @return true when every previous shard has passed.
     */
    boolean snapshot(final boolean[] passed)
    {
        boolean all = true;
        for (final int shardId : previousShardIds)
        {
            final boolean p = previousByShard[shardId].hasPassedFence(epoch);
            passed[shardId] = p;
            all &= p;
        }
        if (all)
        {
            complete = true;
        }
        return all;
    }

    /**
     * Whether every shard of the previous ring has passed its fences (cached once true).
     *
     * @return true when the handover is over.
     */
    boolean isComplete()
    {
        if (complete)
        {
            return true;
        }
        for (final int shardId : previousShardIds)
        {
            if (!previousByShard[shardId].hasPassedFence(epoch))
            {
                return false;
            }
        }
        complete = true;
        return true;
    }

    /**
     * The first previous shard that has not yet passed its fences, for error messages.
     *
     * @return a shard id, or -1.
     */
    int firstPendingShard()
    {
        for (final int shardId : previousShardIds)
        {
            if (!previousByShard[shardId].hasPassedFence(epoch))
            {
                return shardId;
            }
        }
        return -1;
    }
}
