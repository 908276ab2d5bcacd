package io.bitactor.mailbox;

import java.util.Arrays;

/**
 * An immutable consistent-hash ring that maps actor ids to mailbox shard ids.
 * <p>
 * Every shard owns {@link #virtualNodes()} points on a 32-bit ring; an actor belongs to the shard that owns the
 * first point at or after the actor's hash, wrapping around at the end. Adding a shard therefore only takes over
 * the arcs in front of its own points (about 1/(N+1) of the actors), and removing one only hands its own actors to
 * their ring successors.
 * <p>
 * Lookup is O(1): a bucket table indexed by the top bits of the hash has four buckets per ring point. A bucket
 * that no point falls inside (about three in four) stores its owner directly, so most lookups are one table read;
 * the others store the index of the first point at or after the bucket and scan from there (about one point).
 * Actor ids are hashed with an integer finaliser ({@link #hashActorId(int)}): no boxing, no strings, no
 * allocation.
 * <p>
 * Changing the ring ({@link #withShard(int)}, {@link #withoutShard(int)}) builds a new ring; the caller publishes
 * it (see {@link Router}). Instances are immutable and safe to share between any threads.
 */
public final class ConsistentHashRing
{
    /** Virtual nodes per shard used when none is given: with 32 shards and 100,000 actors, max/mean load is 1.124. */
    public static final int DEFAULT_VIRTUAL_NODES = 256;

    /** Upper bound on virtual nodes per shard, to keep a ring's memory bounded. */
    public static final int MAX_VIRTUAL_NODES = 65_536;

    private final int[] shardIds;
    private final int virtualNodes;
    /** Ring points, stored with the sign bit flipped so that signed comparison gives unsigned ring order. */
    private final int[] points;
    /** {@code owners[i]} is the shard owning {@code points[i]}. */
    private final int[] owners;
    /**
     * Per bucket: {@code DIRECT | shardIndex} when no point falls inside the bucket (every key in it has the same
     * owner), else the index of the first point whose unsigned hash is at or after the bucket's start.
     */
    private final int[] buckets;
    private final int bucketShift;
    private static final int DIRECT = 0x8000_0000;

    private ConsistentHashRing(final int[] shardIds, final int virtualNodes)
    {
        this.shardIds = shardIds;
        this.virtualNodes = virtualNodes;

        final int pointCount = shardIds.length * virtualNodes;
        final long[] packed = new long[pointCount];
        int p = 0;
        for (final int shardId : shardIds)
        {
            for (int v = 0; v < virtualNodes; v++)
            {
                final int hash = pointHash(shardId, v) ^ Integer.MIN_VALUE;
                // Sort by (hash, shardId) so that equal hashes order deterministically, independent of insertion.
                packed[p++] = ((long)hash << 32) | (shardId & 0xFFFF_FFFFL);
            }
        }
        Arrays.sort(packed);

        points = new int[pointCount];
        owners = new int[pointCount];
        for (int i = 0; i < pointCount; i++)
        {
            points[i] = (int)(packed[i] >> 32);
            owners[i] = (int)packed[i];
        }

        final int bucketBits = Math.max(1, Math.min(20, 33 - Integer.numberOfLeadingZeros(Math.max(1, pointCount))));
        bucketShift = 32 - bucketBits;
        buckets = new int[1 << bucketBits];
        int index = 0;
        for (int b = 0; b < buckets.length; b++)
        {
            final int start = ((int)((long)b << bucketShift)) ^ Integer.MIN_VALUE;
            while (index < pointCount && points[index] < start)
            {
                index++;
            }
            final long end = (long)(b + 1) << bucketShift; // unsigned end of the bucket, exclusive
            final boolean pointInside = index < pointCount &&
                Integer.toUnsignedLong(points[index] ^ Integer.MIN_VALUE) < end - 1;
            if (!pointInside && pointCount > 0)
            {
                // Every key in the bucket maps to the first point at or after the bucket's last key.
                final int owner = owners[index == pointCount ? 0 : index];
                buckets[b] = DIRECT | Arrays.binarySearch(shardIds, owner);
            }
            else
            {
                buckets[b] = index;
            }
        }
    }

    /**
     * A ring over the given shards.
     *
     * @param shardIds     distinct shard ids (any int values); may be empty, in which case every lookup answers -1.
     * @param virtualNodes points per shard, 1 to {@link #MAX_VIRTUAL_NODES}.
     * @return the ring.
     * @throws IllegalArgumentException for duplicate shard ids or an out-of-range virtual node count.
     */
    public static ConsistentHashRing of(final int[] shardIds, final int virtualNodes)
    {
        if (virtualNodes < 1 || virtualNodes > MAX_VIRTUAL_NODES)
        {
            throw new IllegalArgumentException(
                "virtualNodes must be in [1, " + MAX_VIRTUAL_NODES + "] but was " + virtualNodes);
        }
        final int[] sorted = shardIds.clone();
        Arrays.sort(sorted);
        for (int i = 1; i < sorted.length; i++)
        {
            if (sorted[i] == sorted[i - 1])
            {
                throw new IllegalArgumentException("duplicate shard id " + sorted[i]);
            }
        }
        if ((long)sorted.length * virtualNodes > (1 << 24))
        {
            throw new IllegalArgumentException(
                "ring too large: " + sorted.length + " shards x " + virtualNodes + " virtual nodes");
        }
        return new ConsistentHashRing(sorted, virtualNodes);
    }

    /**
     * A ring over shards {@code 0 .. shardCount-1}.
     *
     * @param shardCount   number of shards, >= 0.
     * @param virtualNodes points per shard.
     * @return the ring.
     */
    public static ConsistentHashRing ofShardCount(final int shardCount, final int virtualNodes)
    {
        if (shardCount < 0)
        {
            throw new IllegalArgumentException("shardCount must be >= 0 but was " + shardCount);
        }
        final int[] ids = new int[shardCount];
        for (int i = 0; i < shardCount; i++)
        {
            ids[i] = i;
        }
        return of(ids, virtualNodes);
    }

    /**
     * The shard owning an actor. Allocation free; any thread.
     *
     * @param actorId the actor id.
     * @return the owning shard id, or -1 when the ring has no shards.
     */
    public int shardFor(final int actorId)
    {
        final int[] points = this.points;
        final int n = points.length;
        if (n == 0)
        {
            return -1;
        }
        final int hash = hashActorId(actorId);
        int i = buckets[hash >>> bucketShift];
        if (i < 0)
        {
            return shardIds[i & ~DIRECT];
        }
        final int key = hash ^ Integer.MIN_VALUE;
        while (i < n && points[i] < key)
        {
            i++;
        }
        return owners[i == n ? 0 : i];
    }

    /**
     * A new ring with one more shard; this ring is unchanged.
     *
     * @param shardId the shard to add, not already present.
     * @return the new ring.
     */
    public ConsistentHashRing withShard(final int shardId)
    {
        if (contains(shardId))
        {
            throw new IllegalArgumentException("shard " + shardId + " is already in the ring");
        }
        final int[] ids = Arrays.copyOf(shardIds, shardIds.length + 1);
        ids[shardIds.length] = shardId;
        return of(ids, virtualNodes);
    }

    /**
     * A new ring without one shard; this ring is unchanged.
     *
     * @param shardId the shard to remove, present in this ring.
     * @return the new ring.
     */
    public ConsistentHashRing withoutShard(final int shardId)
    {
        if (!contains(shardId))
        {
            throw new IllegalArgumentException("shard " + shardId + " is not in the ring");
        }
        final int[] ids = new int[shardIds.length - 1];
        int j = 0;
        for (final int id : shardIds)
        {
            if (id != shardId)
            {
                ids[j++] = id;
            }
        }
        return of(ids, virtualNodes);
    }

    /**
     * Whether a shard is on the ring.
     *
     * @param shardId the shard id.
     * @return true when present.
     */
    public boolean contains(final int shardId)
    {
        return Arrays.binarySearch(shardIds, shardId) >= 0;
    }

    /**
     * The shard ids on this ring, ascending (a copy).
     *
     * @return the shard ids.
     */
    public int[] shardIds()
    {
        return shardIds.clone();
    }

    /**
     * Number of shards.
     *
     * @return the shard count.
     */
    public int shardCount()
    {
        return shardIds.length;
    }

    /**
     * Points per shard.
     *
     * @return the virtual node count.
     */
    public int virtualNodes()
    {
        return virtualNodes;
    }

    /**
     * The 32-bit hash of an actor id: the MurmurHash3 finaliser, a bijection with full avalanche.
     *
     * @param actorId the actor id.
     * @return its ring position (read as unsigned).
     */
    public static int hashActorId(final int actorId)
    {
        int h = actorId;
        h ^= h >>> 16;
        h *= 0x85EB_CA6B;
        h ^= h >>> 13;
        h *= 0xC2B2_AE35;
        h ^= h >>> 16;
        return h;
    }

    private static int pointHash(final int shardId, final int virtualNode)
    {
        // SplitMix64 finaliser over (shard, vnode): independent of the actor hash function.
        long z = (((long)shardId) << 32 | (virtualNode & 0xFFFF_FFFFL)) + 0x9E37_79B9_7F4A_7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        z = z ^ (z >>> 31);
        return (int)(z >>> 32);
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "ConsistentHashRing{shards=" + Arrays.toString(shardIds) + ", virtualNodes=" + virtualNodes + '}';
    }
}
