package io.bitactor.actor;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class HandlingTimesTest
{
    @Test
    void countsMovedIntoAHistogramEqualRecordingEveryValueDirectly()
    {
        final TimeCounts counts = new TimeCounts(HandlingTimes.HIGHEST_TRACKABLE_NS, HandlingTimes.SIGNIFICANT_DIGITS);
        final Histogram direct = HandlingTimes.newHistogram();
        final SplittableRandom random = new SplittableRandom(42);
        final long[] edges = { 0, 1, 2, 127, 128, 255, 256, 257, 511, 512, 1_000, 65_535, 65_536,
            HandlingTimes.HIGHEST_TRACKABLE_NS - 1, HandlingTimes.HIGHEST_TRACKABLE_NS };
        for (final long value : edges)
        {
            counts.record(value);
            direct.recordValue(value);
        }
        for (int i = 0; i < 200_000; i++)
        {
            // Log-uniform over the whole range, so that every bucket is hit.
            final long value = Math.min(HandlingTimes.HIGHEST_TRACKABLE_NS,
                (long)Math.pow(2, random.nextDouble() * 42));
            counts.record(value);
            direct.recordValue(value);
        }
        final Histogram moved = HandlingTimes.newHistogram();
        counts.moveInto(moved);

        assertThat(moved).isEqualTo(direct);
        assertThat(moved.getTotalCount()).isEqualTo(direct.getTotalCount());
        assertThat(moved.getMaxValue()).isEqualTo(direct.getMaxValue());
        assertThat(moved.getMinNonZeroValue()).isEqualTo(direct.getMinNonZeroValue());
        assertThat(moved.getValueAtPercentile(99.9)).isEqualTo(direct.getValueAtPercentile(99.9));

        // Moved means cleared.
        final Histogram again = HandlingTimes.newHistogram();
        counts.moveInto(again);
        assertThat(again.getTotalCount()).isZero();
    }

    @Test
    void timesAreKeptPerShardClampedAndSeenOnceThePassIsOver()
    {
        final HandlingTimes times = new HandlingTimes(2);
        for (int i = 0; i < 1_000; i++)
        {
            times.record(0, 100 + i);
        }
        times.record(1, -5);
        times.record(1, Long.MAX_VALUE);
        // A reader on the worker's thread ends the pass it is part of, then reads.
        final Histogram[] targets = { HandlingTimes.newHistogram(), HandlingTimes.newHistogram() };
        times.addTo(targets, true);
        assertThat(targets[0].getTotalCount()).isEqualTo(1_000);
        assertThat(targets[0].getMinValue()).isEqualTo(100);
        assertThat(targets[0].getMaxValue()).isEqualTo(targets[0].highestEquivalentValue(1_099));
        assertThat(targets[1].getTotalCount()).isEqualTo(2);
        assertThat(targets[1].getMinValue()).isZero();
        assertThat(targets[1].getMaxValue())
            .isEqualTo(targets[1].highestEquivalentValue(HandlingTimes.HIGHEST_TRACKABLE_NS));

        // Cumulative: the next read adds what came since to what was read before; null slots are skipped.
        times.record(0, 7);
        times.endPass();
        final Histogram[] second = { HandlingTimes.newHistogram(), null };
        times.addTo(second, false);
        assertThat(second[0].getTotalCount()).isEqualTo(1_001);
        assertThat(second[0].getMinValue()).isEqualTo(7);
    }

    @Test
    @Timeout(60)
    void aConcurrentReaderNeitherLosesNorDoublesAValue() throws Exception
    {
        final HandlingTimes times = new HandlingTimes(3);
        final long passes = 200_000;
        final int perPass = 5;
        final AtomicBoolean writing = new AtomicBoolean(true);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final long[] lastSeen = new long[1];
        final Thread reader = new Thread(() ->
        {
            try
            {
                while (writing.get())
                {
                    final Histogram[] targets = { HandlingTimes.newHistogram(), HandlingTimes.newHistogram(),
                        HandlingTimes.newHistogram() };
                    times.addTo(targets, false);
                    final long seen = targets[0].getTotalCount() + targets[1].getTotalCount() +
                        targets[2].getTotalCount();
                    if (seen < lastSeen[0] || seen % perPass != 0)
                    {
                        throw new AssertionError("saw " + seen + " after " + lastSeen[0] + ": a pass was split");
                    }
                    lastSeen[0] = seen;
                }
            }
            catch (final Throwable t)
            {
                failure.set(t);
            }
        });
        reader.start();
        for (long pass = 0; pass < passes; pass++)
        {
            for (int i = 0; i < perPass; i++)
            {
                times.record((int)((pass + i) % 3), pass + i);
            }
            times.endPass();
        }
        writing.set(false);
        reader.join();

        assertThat(failure.get()).isNull();
        final Histogram[] targets = { HandlingTimes.newHistogram(), HandlingTimes.newHistogram(),
            HandlingTimes.newHistogram() };
        times.addTo(targets, false);
        assertThat(targets[0].getTotalCount() + targets[1].getTotalCount() + targets[2].getTotalCount())
            .isEqualTo(passes * perPass);
        assertThat(lastSeen[0]).isLessThanOrEqualTo(passes * perPass);
    }
}
