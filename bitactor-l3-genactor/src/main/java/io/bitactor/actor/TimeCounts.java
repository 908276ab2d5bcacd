package io.bitactor.actor;

import org.HdrHistogram.Histogram;

/**
 * The counts of an HdrHistogram {@code Histogram(1, highest, digits)}, in the same index layout, without its
 * bookkeeping: for the worker's per-frame handling times, recorded on the hot path and moved into a real
 * {@link Histogram} when a reader collects them.
 * <p>
 * {@link Histogram#recordValue(long)} also keeps the total count and the minimum and maximum (volatile fields, updated
 * by CAS loops) and normalizes the index for shifted histograms, behind a few calls; here a value costs a leading-zero
 * count, two shifts and one increment. {@link #moveInto(Histogram)} records each non-zero count with the lowest value
 * of its bucket, which a histogram of the same range and precision puts in the same bucket: the result equals
 * recording every value into that histogram directly (HandlingTimesTest checks this).
 * <p>
 * The layout (lowest discernible value 1, so the unit magnitude is 0): with {@code 2 * 10^digits} values at unit
 * resolution, a sub-bucket count {@code S} (a power of two), the first bucket holds values {@code 0 .. S - 1}
 * one per index, and each further bucket {@code b} holds {@code S / 2} sub-buckets of width {@code 2^b}.
 * <p>
 * <b>Threads:</b> one writer; {@link #moveInto} only while the writer is known not to write (the caller's phaser).
 */
final class TimeCounts
{
    private final int subBucketHalfCountMagnitude;
    private final int subBucketHalfCount;
    private final long subBucketMask;
    private final int leadingZeroCountBase;
    private final long highest;
    private final long[] counts;

    /**
     * Counts laid out as {@code new Histogram(1, highest, digits)}.
     *
     * @param highest the highest value recorded (larger ones must be clamped by the caller).
     * @param digits  significant decimal digits, 0 to 5.
     */
    TimeCounts(final long highest, final int digits)
    {
        final long largestValueWithSingleUnitResolution = 2 * (long)Math.pow(10, digits);
        final int subBucketCountMagnitude =
            (int)Math.ceil(Math.log(largestValueWithSingleUnitResolution) / Math.log(2));
        subBucketHalfCountMagnitude = Math.max(subBucketCountMagnitude, 1) - 1;
        final int subBucketCount = 1 << (subBucketHalfCountMagnitude + 1);
        subBucketHalfCount = subBucketCount / 2;
        subBucketMask = subBucketCount - 1;
        leadingZeroCountBase = 64 - subBucketHalfCountMagnitude - 1;
        int buckets = 1;
        long smallestUntrackable = subBucketCount;
        while (smallestUntrackable <= highest)
        {
            if (smallestUntrackable > Long.MAX_VALUE / 2)
            {
                buckets++;
                break;
            }
            smallestUntrackable <<= 1;
            buckets++;
        }
        this.highest = highest;
        this.counts = new long[(buckets + 1) * subBucketHalfCount];
    }

    /**
     * Counts one value. Writer thread; no allocation.
     *
     * @param value between 0 and the highest value.
     */
    void record(final long value)
    {
        counts[index(value)]++;
    }

    /**
     * Records every count into {@code target} (same range and precision), then clears them.
     *
     * @param target the histogram to add to.
     */
    void moveInto(final Histogram target)
    {
        final long[] counts = this.counts;
        for (int i = 0; i < counts.length; i++)
        {
            final long count = counts[i];
            if (count != 0)
            {
                target.recordValueWithCount(Math.min(valueAt(i), highest), count);
                counts[i] = 0;
            }
        }
    }

    int index(final long value)
    {
        final int bucket = leadingZeroCountBase - Long.numberOfLeadingZeros(value | subBucketMask);
        final int subBucket = (int)(value >>> bucket);
        return ((bucket + 1) << subBucketHalfCountMagnitude) + (subBucket - subBucketHalfCount);
    }

    long valueAt(final int index)
    {
        int bucket = (index >> subBucketHalfCountMagnitude) - 1;
        int subBucket = (index & (subBucketHalfCount - 1)) + subBucketHalfCount;
        if (bucket < 0)
        {
            subBucket -= subBucketHalfCount;
            bucket = 0;
        }
        return (long)subBucket << bucket;
    }
}
