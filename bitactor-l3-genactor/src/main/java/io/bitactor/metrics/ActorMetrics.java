package io.bitactor.metrics;

import io.bitactor.actor.ActorStats;

/**
 * A reading of one live actor. The counters are written by the actor's worker (opaque single-writer stores; the
 * rejection counters by senders, with atomic adds) and read here one after the other with opaque reads while the
 * worker runs: each number is one the counter really had, recent but possibly not the latest, and the numbers are
 * consistent with each other exactly only at quiescence (nothing queued or in flight). Immutable; any thread.
 *
 * @param actorId           the actor's id.
 * @param name              the actor's name.
 * @param shard             the shard the actor lives on.
 * @param stats             its accounting (per actor: accepted counts messages delivered to it), including restarts.
 * @param held              messages it holds outside its mailbox now: stashed while it waits for a (re)start, plus
 *                          calls waiting for a retry.
 * @param heldHighWaterMark the most messages it held at once.
 * @param breaker           the circuit breaker guarding it (its own, or its shard's), or null.
 * @param sharedBreaker     whether {@code breaker} is its shard's breaker, shared with the other actors there.
 */
public record ActorMetrics(
    int actorId,
    String name,
    int shard,
    ActorStats stats,
    long held,
    long heldHighWaterMark,
    BreakerMetrics breaker,
    boolean sharedBreaker)
{
    /**
     * Restarts of the actor.
     *
     * @return {@code stats().restarts()}.
     */
    public long restarts()
    {
        return stats.restarts();
    }
}
