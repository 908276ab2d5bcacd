package io.bitactor.mailbox;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Causal order while the ring changes: 2 producers send sequence-numbered messages to 10,000 actors while shards
 * are added and removed; 2 consumers drain the shards (an actor that moves usually moves to the other consumer).
 * Every message must arrive exactly once and in order per (producer, actor).
 */
@Tag("stress")
class CausalRingChangeTest
{
    private static final int PRODUCERS = 2;
    private static final int ACTORS = 10_000;
    private static final long MESSAGES_PER_PRODUCER = 2_000_000L;

    private static MailboxContext context()
    {
        return new MailboxContext()
            .shardCount(8)
            .virtualNodes(64)
            .mailboxCapacity(1024)
            .senderSlots(4096)
            .errorHandler(t -> { throw new AssertionError(t); });
    }

    private static StressHarness.Result runWithRingChanges(final MailboxContext ctx) throws InterruptedException
    {
        final SplittableRandom random = new SplittableRandom(42);
        return StressHarness.run(ctx, PRODUCERS, 2, ACTORS, MESSAGES_PER_PRODUCER,
            (router, step) ->
            {
                final ConsistentHashRing ring = router.ring();
                final int[] ids = ring.shardIds();
                if (ids.length > 4 && (ids.length >= 16 || random.nextBoolean()))
                {
                    router.removeShard(ids[random.nextInt(ids.length)]);
                }
                else
                {
                    int id;
                    do
                    {
                        id = random.nextInt(32);
                    }
                    while (ring.contains(id));
                    router.addShard(id);
                }
                return true;
            });
    }

    @Test
    void orderHoldsWhileShardsAreAddedAndRemoved() throws InterruptedException
    {
        final StressHarness.Result result = runWithRingChanges(context());

        System.out.println("[CausalRingChangeTest] " + result);
        assertThat(result.ringChanges()).as("ring changes during the run").isGreaterThanOrEqualTo(20);
        assertThat(result.violations()).as("violations: %s", result.firstViolations()).isZero();
        assertThat(result.delivered()).isEqualTo(PRODUCERS * MESSAGES_PER_PRODUCER);
        assertThat(result.incompletePairs()).isZero();
        assertThat(result.deadLetters()).isZero();
    }

    @Test
    void theCheckFailsWhenNewShardsDoNotHoldMovedActors() throws InterruptedException
    {
        // Without holds a reordering needs a moved actor's new frame to be drained before its old one: that happens
        // in almost every run, but not in every one, so up to 5 runs are made; one detected reordering is the point.
        StressHarness.Result result = null;
        for (int run = 0; run < 5 && (result == null || result.violations() == 0); run++)
        {
            result = runWithRingChanges(context().holdMovedActors(false));
            System.out.println("[CausalRingChangeTest without hold] run " + run + ": " + result);
        }
        assertThat(result.ringChanges()).isGreaterThanOrEqualTo(20);
        assertThat(result.violations()).as("reorderings detected without the handover").isPositive();
    }
}
