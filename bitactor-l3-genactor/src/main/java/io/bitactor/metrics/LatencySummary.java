package io.bitactor.metrics;

import org.HdrHistogram.Histogram;

/**
 * A summary of a handling-time histogram, in nanoseconds. Values come from an HdrHistogram with two significant
 * digits: exact below 256 ns, within 1 % above; percentiles and the maximum are reported as the highest value
 * equivalent to the recorded one at that precision. Immutable; any thread.
 *
 * @param count  frames recorded.
 * @param minNs  the shortest time, 0 when nothing was recorded.
 * @param maxNs  the longest time, 0 when nothing was recorded.
 * @param meanNs the mean time.
 * @param p50Ns  the median.
 * @param p90Ns  the 90th percentile.
 * @param p99Ns  the 99th percentile.
 * @param p999Ns the 99.9th percentile.
 */
public record LatencySummary(
    long count, long minNs, long maxNs, double meanNs, long p50Ns, long p90Ns, long p99Ns, long p999Ns)
{
    /** Nothing recorded (or recording switched off). */
    public static final LatencySummary EMPTY = new LatencySummary(0, 0, 0, 0.0, 0, 0, 0, 0);

    /**
     * Summarises a histogram of nanosecond values. Any thread, but the histogram must not change meanwhile.
     *
     * @param histogram the histogram.
     * @return the summary, {@link #EMPTY} for an empty histogram.
     */
    public static LatencySummary of(final Histogram histogram)
    {
        final long count = histogram.getTotalCount();
        if (count == 0)
        {
            return EMPTY;
        }
        return new LatencySummary(
            count,
            histogram.getMinValue(),
            histogram.getMaxValue(),
            histogram.getMean(),
            histogram.getValueAtPercentile(50.0),
            histogram.getValueAtPercentile(90.0),
            histogram.getValueAtPercentile(99.0),
            histogram.getValueAtPercentile(99.9));
    }

    /**
     * The total time, as mean times count (to the histogram's precision).
     *
     * @return nanoseconds.
     */
    public double totalNs()
    {
        return meanNs * count;
    }
}
