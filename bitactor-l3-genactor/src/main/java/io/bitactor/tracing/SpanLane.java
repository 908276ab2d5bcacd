package io.bitactor.tracing;

import io.bitactor.tracing.internal.ClaimingSpanSink;
import io.bitactor.tracing.internal.MutableSpanRecord;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * One producer's lane of a {@link RingBufferSpanSink}: a single-producer, single-consumer ring of preallocated
 * records. The producer (one thread at a time: a runtime worker) claims and publishes without an atomic
 * read-modify-write; the sink's consumer drains it.
 * <p>
 * <b>Algorithm</b> (a bounded SPSC ring in the style of JCTools' {@code SpscArrayQueue}, with reused records
 * instead of elements). The producer owns the producer index {@code p} and a cached limit, the consumer index read
 * when the cache says the ring is full, plus the capacity. Claim: if {@code p} is below the limit, the record of
 * slot {@code p & mask} is free (the consumer released it before the index it published); the producer fills it
 * with plain stores and publishes it with a release store of {@code p + 1}. The consumer reads the producer index
 * with acquire semantics (it then sees every field written before the release store), hands records
 * {@code c .. p - 1} to its callback and after each releases it with a release store of the consumer index (its
 * reads happen before the producer's next writes of that record).
 * <p>
 * Per span the producer does: a plain read of its index and limit, the stores, one release store (a plain store on
 * x86). The shared ring's claim is a CAS on a line every worker writes.
 * <p>
 * <b>Threads.</b> {@link #claimSpan()}, {@link #publishSpan(MutableSpanRecord)}, {@link #onSpan(SpanRecord)} and
 * {@link #retireLane()}: the lane's producer, one thread at a time. {@link #drain(Consumer, int)}: the sink's consumer.
 * The counters: any thread.
 */
final class SpanLane implements ClaimingSpanSink
{
    // Indexes in one array, 16 longs (128 bytes, two lines for the adjacent-line prefetcher) apart from each other
    // and from the array's header and end: the producer's stores of its index and the consumer's of its own do not
    // share a line.
    private static final int PAD = 16;
    private static final int PRODUCER_INDEX = PAD;
    private static final int DROPPED = PAD + 1; // producer-written, on the producer's line
    private static final int CONSUMER_INDEX = 2 * PAD;
    private static final int COUNTER_SLOTS = 3 * PAD;

    private static final VarHandle COUNTER = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] counters = new long[COUNTER_SLOTS];
    private final MutableSpanRecord[] records;
    private final int mask;
    private final int capacity;
    // Producer only: the producer index below which records are known to be free.
    private long producerLimit;
    private volatile boolean retired;

    SpanLane(final int capacity)
    {
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.records = new MutableSpanRecord[capacity];
        for (int i = 0; i < capacity; i++)
        {
            records[i] = new MutableSpanRecord();
        }
        this.producerLimit = capacity;
    }

    /**
     * Claims the record for the producer's next span, or counts a drop when the lane is full. No atomics, no
     * allocation. The producer thread.
     *
     * @return the record to fill and {@link #publishSpan(MutableSpanRecord) publish}, or null if dropped.
     */
    public MutableSpanRecord claimSpan()
    {
        final long producerIndex = lpProducerIndex();
        if (producerIndex >= producerLimit)
        {
            // Acquire: the consumer's reads of the records it released happen before this producer reuses them.
            final long limit = lvConsumerIndex() + capacity;
            if (producerIndex >= limit)
            {
                soDropped(lpDropped() + 1);
                return null;
            }
            producerLimit = limit;
        }
        return records[(int)producerIndex & mask];
    }

    /**
     * Publishes the record {@link #claimSpan()} returned. The producer thread.
     *
     * @param claimed the claimed record.
     * @throws IllegalStateException if {@code claimed} is not the record of this lane's claim.
     */
    public void publishSpan(final MutableSpanRecord claimed)
    {
        final long producerIndex = lpProducerIndex();
        if (records[(int)producerIndex & mask] != claimed)
        {
            throw new IllegalStateException("not the record claimed from this lane");
        }
        soProducerIndex(producerIndex + 1);
    }

    /**
     * Spans this lane dropped because it was full. Any thread.
     *
     * @return the count.
     */
    public long droppedSpans()
    {
        return (long)COUNTER.getAcquire(counters, DROPPED);
    }

    /**
     * The same lane: a lane has one producer already.
     *
     * @return this.
     */
    public ClaimingSpanSink producerLane()
    {
        return this;
    }

    /**
     * The producer is done: the sink drops the lane once its spans are drained. The producer thread; no claim may
     * follow.
     */
    public void retireLane()
    {
        retired = true;
    }

    boolean isRetired()
    {
        return retired;
    }

    /**
     * Spans published into this lane since it was created (drained or not). Any thread.
     *
     * @return the count.
     */
    long recordedSpans()
    {
        return (long)COUNTER.getAcquire(counters, PRODUCER_INDEX);
    }

    /**
     * Spans published and not yet drained (an estimate while the producer or the consumer run). Any thread.
     *
     * @return between 0 and the capacity.
     */
    long size()
    {
        // Consumer first: both only grow, so the difference cannot come out negative.
        final long consumerIndex = lvConsumerIndex();
        final long producerIndex = recordedSpans();
        return Math.max(0, Math.min(capacity, producerIndex - consumerIndex));
    }

    /**
     * Hands up to {@code limit} published spans to {@code consumer}, in the order they were published. If the callback
     * throws, the span it was given counts as drained and the exception propagates. The sink's consumer thread.
     *
     * @return the number drained.
     */
    int drain(final Consumer<? super SpanRecord> consumer, final int limit)
    {
        // Plain read: only this consumer writes its index. Acquire read of the producer's: the records' fields
        // published before it are visible.
        long consumerIndex = (long)COUNTER.get(counters, CONSUMER_INDEX);
        final long available = (long)COUNTER.getAcquire(counters, PRODUCER_INDEX) - consumerIndex;
        final int n = (int)Math.min(available, limit);
        final MutableSpanRecord[] records = this.records;
        final int mask = this.mask;
        for (int i = 0; i < n; i++)
        {
            final MutableSpanRecord record = records[(int)consumerIndex & mask];
            try
            {
                consumer.accept(record);
            }
            finally
            {
                record.clearReferences();
                consumerIndex++;
                // Release: the callback's reads of the record happen before the producer, which sees this index,
                // overwrites it.
                COUNTER.setRelease(counters, CONSUMER_INDEX, consumerIndex);
            }
        }
        return n;
    }

    /**
     * Diagnostic text (any thread).
     *
     * @return the lane's counters.
     */
    public String toString()
    {
        return "SpanLane{capacity=" + capacity + ", size=" + size() + ", recorded=" + recordedSpans() +
            ", dropped=" + droppedSpans() + ", retired=" + retired + '}';
    }

    private long lpProducerIndex()
    {
        // Plain read: only the producer writes its index.
        return (long)COUNTER.get(counters, PRODUCER_INDEX);
    }

    private void soProducerIndex(final long value)
    {
        // Release store: the record's plain field stores before it are visible to a consumer that reads the index.
        COUNTER.setRelease(counters, PRODUCER_INDEX, value);
    }

    private long lvConsumerIndex()
    {
        // Acquire: pairs with the consumer's release store after its reads of the records it freed.
        return (long)COUNTER.getAcquire(counters, CONSUMER_INDEX);
    }

    private long lpDropped()
    {
        // Plain read: only the producer writes the count.
        return (long)COUNTER.get(counters, DROPPED);
    }

    private void soDropped(final long value)
    {
        // Release store: single writer, read by any thread.
        COUNTER.setRelease(counters, DROPPED, value);
    }
}
