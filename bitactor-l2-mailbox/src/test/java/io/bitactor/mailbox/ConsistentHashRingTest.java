package io.bitactor.mailbox;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConsistentHashRingTest
{
    private static final int ACTORS = 100_000;
    private static final int SHARDS = 32;
    private static final long SEED = 0x5EED_2146L;
    private static final int TRIES = 200;
    private static final int[] SHARD_EDGES = { 1, 40 };
    private static final int[] VNODE_EDGES = { 1, 64 };
    private static final int[] ACTOR_EDGES = { 0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE };

    @Test
    void loadIsEvenWithDefaultVirtualNodes()
    {
        final ConsistentHashRing ring = ConsistentHashRing.ofShardCount(SHARDS, ConsistentHashRing.DEFAULT_VIRTUAL_NODES);
        final int[] load = new int[SHARDS];
        for (int actor = 0; actor < ACTORS; actor++)
        {
            load[ring.shardFor(actor)]++;
        }
        final double mean = (double)ACTORS / SHARDS;
        int max = 0;
        for (final int l : load)
        {
            max = Math.max(max, l);
        }
        assertThat(max / mean).as("max shard load / mean").isLessThanOrEqualTo(1.15);
    }

    @Test
    void removingAShardMovesOnlyItsOwnActors()
    {
        final ConsistentHashRing before = ConsistentHashRing.ofShardCount(SHARDS, ConsistentHashRing.DEFAULT_VIRTUAL_NODES);
        final int removed = 17;
        final ConsistentHashRing after = before.withoutShard(removed);
        int moved = 0;
        for (int actor = 0; actor < ACTORS; actor++)
        {
            final int b = before.shardFor(actor);
            final int a = after.shardFor(actor);
            if (b != removed)
            {
                assertThat(a).as("actor %d not on the removed shard must stay", actor).isEqualTo(b);
            }
            else
            {
                assertThat(a).isNotEqualTo(removed);
                moved++;
            }
        }
        assertThat(moved).isPositive();
    }

    @Test
    void addingA33rdShardMovesAtMostItsShare()
    {
        final ConsistentHashRing before = ConsistentHashRing.ofShardCount(SHARDS, ConsistentHashRing.DEFAULT_VIRTUAL_NODES);
        final int added = SHARDS;
        final ConsistentHashRing after = before.withShard(added);
        int moved = 0;
        for (int actor = 0; actor < ACTORS; actor++)
        {
            final int b = before.shardFor(actor);
            final int a = after.shardFor(actor);
            if (a != b)
            {
                assertThat(a).as("an actor may only move to the new shard").isEqualTo(added);
                moved++;
            }
        }
        assertThat((double)moved / ACTORS).as("fraction moved").isLessThanOrEqualTo(1.0 / 33 + 0.01);
        assertThat(moved).isPositive();
    }

    /**
     * Randomized: {@value #TRIES} tries drawn from a {@link SplittableRandom} seeded with {@link #SEED}, 1 to 40
     * shards, 1 to 64 virtual nodes and any actor id. The first tries are every combination of the edge cases
     * (shards 1, 40; virtual nodes 1, 64; actor ids 0, 1, -1, min, max); one draw in eight later on is an edge case
     * too. A failure names the try and its inputs.
     */
    @Test
    void lookupMatchesLinearScanOfTheRing()
    {
        final SplittableRandom random = new SplittableRandom(SEED);
        final int edgeTries = SHARD_EDGES.length * VNODE_EDGES.length * ACTOR_EDGES.length;
        for (int i = 0; i < TRIES; i++)
        {
            final boolean edge = i < edgeTries;
            final int shards = edge ? SHARD_EDGES[i % SHARD_EDGES.length] : intBetween(random, 1, 40);
            final int vnodes = edge ? VNODE_EDGES[i / SHARD_EDGES.length % VNODE_EDGES.length] :
                intBetween(random, 1, 64);
            final int actorId = edge ? ACTOR_EDGES[i / (SHARD_EDGES.length * VNODE_EDGES.length)] :
                random.nextInt(8) == 0 ? ACTOR_EDGES[random.nextInt(ACTOR_EDGES.length)] : random.nextInt();
            final String inputs = String.format("try %d: shards=%d vnodes=%d actorId=%d", i, shards, vnodes, actorId);
            try
            {
                final ConsistentHashRing ring = ConsistentHashRing.ofShardCount(shards, vnodes);
                // Reference: the same ring rebuilt with every shard's points, searched linearly.
                final int expected = referenceLookup(shards, vnodes, actorId);
                assertThat(ring.shardFor(actorId)).as(inputs).isEqualTo(expected);
            }
            catch (final RuntimeException e)
            {
                throw new AssertionError(inputs + ": threw " + e, e);
            }
        }
    }

    /** Uniform in [min, max], but one draw in eight is an edge case: min, max, or -1, 0, 1 clamped into the range. */
    private static int intBetween(final SplittableRandom random, final int min, final int max)
    {
        if (random.nextInt(8) == 0)
        {
            final int pick = random.nextInt(5);
            final int edge = pick == 0 ? min : pick == 1 ? max : pick - 3;
            return Math.max(min, Math.min(max, edge));
        }
        return random.nextInt(min, max + 1);
    }

    @Test
    void emptyRingAnswersMinusOne()
    {
        assertThat(ConsistentHashRing.ofShardCount(0, 8).shardFor(42)).isEqualTo(-1);
    }

    @Test
    void rejectsBadArguments()
    {
        assertThatThrownBy(() -> ConsistentHashRing.of(new int[]{ 1, 1 }, 8))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate shard id 1");
        assertThatThrownBy(() -> ConsistentHashRing.of(new int[]{ 1 }, 0))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("virtualNodes");
        final ConsistentHashRing ring = ConsistentHashRing.ofShardCount(2, 8);
        assertThatThrownBy(() -> ring.withShard(1)).hasMessageContaining("already");
        assertThatThrownBy(() -> ring.withoutShard(7)).hasMessageContaining("not in the ring");
    }

    @Test
    void ringIsIndependentOfShardInsertionOrder()
    {
        final ConsistentHashRing a = ConsistentHashRing.of(new int[]{ 5, 3, 9, 1 }, 64);
        final ConsistentHashRing b = ConsistentHashRing.of(new int[]{ 1, 9, 3 }, 64).withShard(5);
        for (int actor = 0; actor < 10_000; actor++)
        {
            assertThat(a.shardFor(actor)).isEqualTo(b.shardFor(actor));
        }
    }

    /** Rebuilds the ring from single-shard rings' answers: the owner is the shard whose nearest point wins. */
    private static int referenceLookup(final int shards, final int vnodes, final int actorId)
    {
        final long key = Integer.toUnsignedLong(ConsistentHashRing.hashActorId(actorId));
        long bestDistance = Long.MAX_VALUE;
        int best = -1;
        for (int s = 0; s < shards; s++)
        {
            for (int v = 0; v < vnodes; v++)
            {
                final long point = Integer.toUnsignedLong(ReferencePoints.hash(s, v));
                final long distance = point >= key ? point - key : point + (1L << 32) - key;
                if (distance < bestDistance || (distance == bestDistance && s < best))
                {
                    bestDistance = distance;
                    best = s;
                }
            }
        }
        return best;
    }

    /** An independent restatement of the documented point hash (SplitMix64 over shard and vnode, top 32 bits). */
    static final class ReferencePoints
    {
        static int hash(final int shardId, final int vnode)
        {
            long z = (((long)shardId) << 32 | (vnode & 0xFFFF_FFFFL)) + 0x9E3779B97F4A7C15L;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z = z ^ (z >>> 31);
            return (int)(z >>> 32);
        }
    }
}
