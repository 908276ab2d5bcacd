package io.bitactor.actor;

import io.bitactor.mailbox.MailboxCounters;
import io.bitactor.mailbox.Router;
import io.bitactor.metrics.ActorMetrics;
import io.bitactor.metrics.BreakerMetrics;
import io.bitactor.metrics.LatencySummary;
import io.bitactor.metrics.ShardMetrics;
import io.bitactor.metrics.SystemMetrics;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds the metrics snapshots of one system from the counters that workers, senders, mailboxes and breakers keep.
 * Any thread; reads only (opaque and acquire loads), except that collecting handling times swaps the workers'
 * histogram sides (see {@link HandlingTimes}).
 * <p>
 * Shard {@code s} is drained by worker {@code s % workers}, as the shard's index {@code s / workers} among that
 * worker's mailboxes.
 */
final class MetricsSnapshots
{
    private final ActorSystem system;
    private final Router router;
    private final Worker[] workers;
    private final CircuitBreaker[] shardBreakers;
    private final Counters[] stoppedByShard;

    MetricsSnapshots(
        final ActorSystem system, final Router router, final Worker[] workers, final CircuitBreaker[] shardBreakers,
        final Counters[] stoppedByShard)
    {
        this.system = system;
        this.router = router;
        this.workers = workers;
        this.shardBreakers = shardBreakers;
        this.stoppedByShard = stoppedByShard;
    }

    ActorMetrics actor(final ActorCell cell)
    {
        final CircuitBreaker breaker = cell.breaker;
        final boolean shared = breaker != null && shardBreakers != null && breaker == shardBreakers[cell.shard];
        return new ActorMetrics(cell.id, cell.ref.name(), cell.shard, cell.counters.snapshot(),
            cell.counters.held(), cell.counters.heldHighWaterMark(),
            breaker == null ? null : BreakerMetrics.of(breaker), shared);
    }

    SystemMetrics system()
    {
        final int shardCount = stoppedByShard.length;
        final long[][] sums = new long[shardCount][];
        final long[] held = new long[shardCount];
        for (int s = 0; s < shardCount; s++)
        {
            sums[s] = new long[Counters.COUNT];
            stoppedByShard[s].addTo(sums[s]);
        }
        final Registry registry = system.registry;
        final int end = system.nextActorId();
        for (int id = ActorSystem.ROOT_ID; id < end; id++)
        {
            final ActorCell cell = registry.get(id);
            if (cell != null)
            {
                cell.counters.addTo(sums[cell.shard]);
                held[cell.shard] += cell.counters.held();
            }
        }

        final Histogram[] times = collectHandlingTimes();
        final Histogram merged = HandlingTimes.newHistogram();
        final List<ShardMetrics> shards = new ArrayList<>(shardCount);
        long depth = 0;
        long heldTotal = 0;
        for (int s = 0; s < shardCount; s++)
        {
            final MailboxCounters mailbox = router.mailbox(s).counters();
            depth += mailbox.depth();
            heldTotal += held[s];
            final LatencySummary handlingTime;
            if (times == null)
            {
                handlingTime = LatencySummary.EMPTY;
            }
            else
            {
                merged.add(times[s]);
                handlingTime = LatencySummary.of(times[s]);
            }
            shards.add(new ShardMetrics(s, s % workers.length, mailbox.depth(), mailbox.highWaterMark(),
                Counters.toStats(sums[s]), held[s], handlingTime,
                shardBreakers == null ? null : BreakerMetrics.of(shardBreakers[s])));
        }
        return new SystemMetrics(system.stats(), system.actorCount(), depth, heldTotal, shards,
            LatencySummary.of(merged));
    }

    /**
     * Handling-time histograms copied out of the workers.
     *
     * @param shard one shard, or -1 for all merged.
     * @return a new histogram.
     */
    Histogram handlingTimes(final int shard)
    {
        final Histogram result = HandlingTimes.newHistogram();
        final Histogram[] times = collectHandlingTimes();
        if (times != null)
        {
            for (int s = 0; s < times.length; s++)
            {
                if (shard < 0 || shard == s)
                {
                    result.add(times[s]);
                }
            }
        }
        return result;
    }

    /** One histogram per shard id, or null when recording is off. */
    private Histogram[] collectHandlingTimes()
    {
        final int shardCount = stoppedByShard.length;
        Histogram[] byShard = null;
        for (int w = 0; w < workers.length; w++)
        {
            final Worker worker = workers[w];
            final HandlingTimes times = worker.handlingTimes();
            if (times == null)
            {
                continue;
            }
            if (byShard == null)
            {
                byShard = new Histogram[shardCount];
            }
            final Histogram[] slots = new Histogram[(shardCount - w + workers.length - 1) / workers.length];
            for (int i = 0; i < slots.length; i++)
            {
                slots[i] = HandlingTimes.newHistogram();
                byShard[w + i * workers.length] = slots[i];
            }
            times.addTo(slots, worker.isCurrentThread());
        }
        return byShard;
    }
}
