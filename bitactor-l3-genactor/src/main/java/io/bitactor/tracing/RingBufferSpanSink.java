package io.bitactor.tracing;

import io.bitactor.tracing.internal.ClaimingSpanSink;
import io.bitactor.tracing.internal.MutableSpanRecord;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * A bounded, lock-free, allocation-free {@link SpanSink}: many producer threads (the workers) copy each span into a
 * preallocated slot of a ring; one consumer thread drains the ring. When the ring is full a span is dropped and
 * counted ({@link #droppedSpans()}); a producer never waits.
 * <p>
 * <b>Algorithm</b> (a bounded ring with a sequence per slot, as in Vyukov's bounded queue and JCTools'
 * {@code MpmcArrayQueue}, with a single consumer). Slot {@code i} starts with sequence {@code i}. A producer reads
 * the producer index {@code p} and the sequence {@code s} of slot {@code p & mask}:
 * <ul>
 *     <li>{@code s == p}: the slot is free for index {@code p}; the producer claims {@code p} by a CAS of the producer
 *     index from {@code p} to {@code p + 1}, copies the span's fields into the slot with plain stores and publishes
 *     them with a release store of the sequence {@code p + 1};</li>
 *     <li>{@code s < p}: the slot still holds index {@code p - capacity}, not yet drained: the ring is full, the
 *     span is dropped and counted;</li>
 *     <li>{@code s > p}: another producer claimed {@code p} first: retry with a fresh producer index.</li>
 * </ul>
 * The consumer reads, for its index {@code c}, the slot's sequence with acquire semantics; {@code c + 1} means
 * published: it hands the slot to the callback, then frees it for index {@code c + capacity} with a release store
 * of that sequence (so its reads of the fields happen before a producer's next writes), and advances {@code c}.
 * Any other sequence means the slot is not published yet and the drain stops there.
 * <p>
 * <b>Consistency.</b> Producers are lock-free (a failed CAS means another producer succeeded) and never block; the
 * consumer never waits either. A drain stops at a slot that a producer has claimed but not yet published, even if
 * later slots are published (they are drained by a later drain, in order): the ring is not linearizable with
 * respect to emptiness while a producer is between its claim and its publication. Spans are drained in claim
 * order, so the spans of one producer thread come out in the order it offered them.
 * <p>
 * <b>Producer lanes.</b> The runtime's workers do not share the ring: each asks for a {@link #producerLane()} of its
 * own, a single-producer ring of {@link #capacity()} more preallocated records (see {@link SpanLane}), into which it
 * writes each span in place and publishes it without an atomic read-modify-write. A drain takes the shared ring's
 * spans first, then each lane's, starting with a different lane each time; the spans of one lane come out in the
 * order they were published, and spans of different producers in no particular order. A retired lane (its worker
 * stopped) is dropped once drained. The counters and {@link #size()} cover the ring and every lane.
 * <p>
 * <b>Threads.</b> {@link #onSpan(SpanRecord)}, {@link #claimSpan()} with its {@link #publishSpan(MutableSpanRecord)},
 * {@link #producerLane()}, {@link #recordedSpans()}, {@link #droppedSpans()},
 * {@link #size()} and {@link #capacity()}: any thread. {@link #drain(Consumer)}, {@link #drain(Consumer, int)}
 * and {@link #drainToList()}: one consumer thread at a time (callers must not drain concurrently).
 */
public final class RingBufferSpanSink implements ClaimingSpanSink
{
    // Counters in one array, 16 longs (128 bytes, two cache lines for the adjacent-line prefetcher) apart from each
    // other and from the array header and end, so producers' CAS on the producer index does not share a line with the
    // consumer's index or the drop counter.
    private static final int PAD = 16;
    private static final int PRODUCER_INDEX = PAD;
    private static final int DROPPED = 2 * PAD;
    private static final int CONSUMER_INDEX = 3 * PAD;
    private static final int COUNTER_SLOTS = 4 * PAD;

    private static final VarHandle COUNTER = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle SEQUENCE;

    static
    {
        try
        {
            SEQUENCE = MethodHandles.lookup().findVarHandle(Slot.class, "sequence", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final long[] counters = new long[COUNTER_SLOTS];
    private final Slot[] slots;
    private final int capacity;
    private final int mask;
    /** The producer lanes and the counts of the lanes dropped so far, replaced as a whole (copy on write). */
    private volatile Lanes lanes = Lanes.NONE;
    private final Object laneLock = new Object();
    /** Consumer only: the lane the next drain starts with. */
    private int nextLane;

    /** An immutable set of lanes, with what the lanes no longer in it recorded and dropped. */
    private static final class Lanes
    {
        static final Lanes NONE = new Lanes(new SpanLane[0], 0, 0);

        final SpanLane[] lanes;
        final long retiredRecorded;
        final long retiredDropped;

        Lanes(final SpanLane[] lanes, final long retiredRecorded, final long retiredDropped)
        {
            this.lanes = lanes;
            this.retiredRecorded = retiredRecorded;
            this.retiredDropped = retiredDropped;
        }
    }

    /**
     * A ring of {@code capacity} preallocated slots. Any thread.
     *
     * @param capacity the number of slots, a power of two, at least 1.
     * @throws IllegalArgumentException if {@code capacity} is not a positive power of two.
     */
    public RingBufferSpanSink(final int capacity)
    {
        if (capacity < 1 || Integer.bitCount(capacity) != 1)
        {
            throw new IllegalArgumentException("capacity must be a positive power of two: " + capacity);
        }
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.slots = new Slot[capacity];
        for (int i = 0; i < capacity; i++)
        {
            final Slot slot = new Slot();
            slot.sequence = i;
            slots[i] = slot;
        }
        // The final fields and the slots are published by the constructor's freeze; a ring handed to other threads
        // through a data race is still safe because every slot is reached through the final array.
    }

    /**
     * Copies the span into a free slot, or drops and counts it when the ring is full. Lock-free, never blocks,
     * allocation-free. Any thread, several at once.
     *
     * @param span the span, read only during this call.
     */
    @Override
    public void onSpan(final SpanRecord span)
    {
        ClaimingSpanSink.super.onSpan(span);
    }

    /**
     * Claims the slot of the next index for a span the caller writes in place (the runtime's path: one copy less
     * than {@link #onSpan(SpanRecord)}), or drops and counts the span when the ring is full. Lock-free, never
     * blocks, allocation-free. Any thread, several at once; the claiming thread must fill every field and then
     * {@link #publishSpan(MutableSpanRecord) publish} the slot, before the next claim: the consumer cannot drain
     * past a claimed slot until it is published.
     *
     * @return the claimed slot, or null if the span was dropped.
     */
    public MutableSpanRecord claimSpan()
    {
        final Slot[] slots = this.slots;
        final int mask = this.mask;
        while (true)
        {
            final long producerIndex = lvProducerIndex();
            final Slot slot = slots[(int)producerIndex & mask];
            final long sequence = lvSequence(slot);
            if (sequence == producerIndex)
            {
                if (casProducerIndex(producerIndex, producerIndex + 1))
                {
                    return slot;
                }
            }
            else if (sequence < producerIndex)
            {
                // The slot still holds index producerIndex - capacity (claimed or published, not drained): full.
                incrementDropped();
                return null;
            }
            // sequence > producerIndex: another producer claimed producerIndex after we read it; retry.
        }
    }

    /**
     * Publishes a slot filled after {@link #claimSpan()} (release store of its sequence). The thread that claimed it.
     *
     * @param claimed the slot {@link #claimSpan()} returned.
     * @throws ClassCastException if {@code claimed} is not a slot of a ring.
     */
    public void publishSpan(final MutableSpanRecord claimed)
    {
        final Slot slot = (Slot)claimed;
        // Until this store the slot's sequence is still the index it was claimed for: no other thread writes it
        // (producers only CAS the producer index; the consumer writes it after it drained a published slot), so a
        // plain read of our own claim is enough.
        soSequence(slot, (long)SEQUENCE.get(slot) + 1);
    }

    /**
     * A lane of this sink for one producer thread at a time (a runtime worker): a single-producer ring of
     * {@link #capacity()} preallocated records, drained with the shared ring. Allocates the records; any thread.
     * Call {@link ClaimingSpanSink#retireLane()} on the lane when its producer stops.
     *
     * @return the new lane.
     */
    public ClaimingSpanSink producerLane()
    {
        final SpanLane lane = new SpanLane(capacity);
        synchronized (laneLock)
        {
            final Lanes current = lanes;
            final SpanLane[] grown = Arrays.copyOf(current.lanes, current.lanes.length + 1);
            grown[current.lanes.length] = lane;
            lanes = new Lanes(grown, current.retiredRecorded, current.retiredDropped);
        }
        return lane;
    }

    /**
     * Drains up to {@code limit} published spans, handing each to {@code consumer}: the shared ring's in claim order,
     * then each producer lane's in publication order. The record passed is
     * valid only during the callback (copy it with {@link SpanData#copyOf(SpanRecord)} to keep it). Stops early at
     * the first slot that is not published yet. Allocation-free. If the callback throws, the span it was given
     * counts as drained and the exception propagates. One consumer thread at a time.
     *
     * @param consumer receives each span.
     * @param limit    the most spans to drain.
     * @return the number of spans drained.
     */
    public int drain(final Consumer<? super SpanRecord> consumer, final int limit)
    {
        int drained = drainShared(consumer, limit);
        final SpanLane[] lanes = this.lanes.lanes;
        final int n = lanes.length;
        if (n == 0)
        {
            return drained;
        }
        final int first = nextLane < n ? nextLane : 0;
        nextLane = first + 1 < n ? first + 1 : 0;
        boolean retiredAndEmpty = false;
        for (int i = 0; i < n && drained < limit; i++)
        {
            final SpanLane lane = lanes[(first + i) % n];
            drained += lane.drain(consumer, limit - drained);
            retiredAndEmpty |= lane.isRetired() && lane.size() == 0;
        }
        if (retiredAndEmpty)
        {
            dropRetiredLanes();
        }
        return drained;
    }

    /**
     * The producer lanes not yet let go (for tests). Any thread.
     *
     * @return the count.
     */
    int laneCount()
    {
        return lanes.lanes.length;
    }

    private void dropRetiredLanes()
    {
        synchronized (laneLock)
        {
            final Lanes current = lanes;
            final ArrayList<SpanLane> kept = new ArrayList<>(current.lanes.length);
            long recorded = current.retiredRecorded;
            long dropped = current.retiredDropped;
            for (final SpanLane lane : current.lanes)
            {
                // Retired: its producer publishes nothing more, so an empty lane stays empty.
                if (lane.isRetired() && lane.size() == 0)
                {
                    recorded += lane.recordedSpans();
                    dropped += lane.droppedSpans();
                }
                else
                {
                    kept.add(lane);
                }
            }
            lanes = new Lanes(kept.toArray(new SpanLane[0]), recorded, dropped);
        }
    }

    private int drainShared(final Consumer<? super SpanRecord> consumer, final int limit)
    {
        final Slot[] slots = this.slots;
        final int mask = this.mask;
        long consumerIndex = lpConsumerIndex();
        int drained = 0;
        try
        {
            while (drained < limit)
            {
                final Slot slot = slots[(int)consumerIndex & mask];
                if (lvSequence(slot) != consumerIndex + 1)
                {
                    break;
                }
                drained++;
                try
                {
                    consumer.accept(slot);
                }
                finally
                {
                    slot.clearReferences();
                    // Release: the callback's reads of the slot happen before any producer that sees this sequence
                    // overwrites the fields for index consumerIndex + capacity.
                    soSequence(slot, consumerIndex + capacity);
                    consumerIndex++;
                }
            }
        }
        finally
        {
            // Release: size() readers see the index after the slot was freed; only this thread writes it.
            soConsumerIndex(consumerIndex);
        }
        return drained;
    }

    /**
     * Drains up to {@link #capacity()} published spans for the shared ring and as many for each producer lane, as
     * {@link #drain(Consumer, int)}: everything published before the call, and a ring being refilled as fast as it is
     * drained does not keep the caller here forever. One consumer thread at a time.
     *
     * @param consumer receives each span, valid only during the callback.
     * @return the number of spans drained.
     */
    public int drain(final Consumer<? super SpanRecord> consumer)
    {
        return drain(consumer, (int)Math.min(Integer.MAX_VALUE, (long)capacity * (1 + lanes.lanes.length)));
    }

    /**
     * Drains, as {@link #drain(Consumer)}, the published spans into a new list of immutable copies (allocates; for
     * tests and debugging). One consumer thread at a time.
     *
     * @return the spans, in the order they were recorded.
     */
    public List<SpanData> drainToList()
    {
        final List<SpanData> spans = new ArrayList<>();
        drain(span -> spans.add(SpanData.copyOf(span)));
        return spans;
    }

    /**
     * Spans accepted into the ring since it was created, drained or not. A span counts from the moment its producer
     * claimed a slot, which is before the span is published: a drain running at the same time may not see it yet.
     * Once producers are quiet, {@code recordedSpans() + droppedSpans()} is the number of spans offered. Any thread.
     *
     * @return the count.
     */
    public long recordedSpans()
    {
        final Lanes lanes = this.lanes;
        long recorded = lvProducerIndex() + lanes.retiredRecorded;
        for (final SpanLane lane : lanes.lanes)
        {
            recorded += lane.recordedSpans();
        }
        return recorded;
    }

    /**
     * Spans dropped because the ring was full. A drop is counted just after the producer found the ring full, so a
     * drain running at the same time may already have freed a slot. Any thread.
     *
     * @return the count.
     */
    public long droppedSpans()
    {
        // Acquire read of a counter only changed by atomic adds.
        final Lanes lanes = this.lanes;
        long dropped = (long)COUNTER.getVolatile(counters, DROPPED) + lanes.retiredDropped;
        for (final SpanLane lane : lanes.lanes)
        {
            dropped += lane.droppedSpans();
        }
        return dropped;
    }

    /**
     * The number of slots of the shared ring, and of each producer lane. Any thread.
     *
     * @return the capacity.
     */
    public int capacity()
    {
        return capacity;
    }

    /**
     * Spans accepted and not yet drained, in the shared ring and every lane (an estimate while producers or the
     * consumer run). Any thread.
     *
     * @return between 0 and {@link #capacity()} times one more than the number of lanes.
     */
    public int size()
    {
        // Consumer first: both indexes only grow, so a later producer read cannot make the difference negative,
        // and a stale consumer index can only overstate it, which the clamp bounds.
        final long consumerIndex = lvConsumerIndex();
        final long producerIndex = lvProducerIndex();
        long size = Math.max(0, Math.min(capacity, producerIndex - consumerIndex));
        for (final SpanLane lane : lanes.lanes)
        {
            size += lane.size();
        }
        return (int)Math.min(Integer.MAX_VALUE, size);
    }

    /**
     * Diagnostic text (any thread).
     *
     * @return the counters.
     */
    public String toString()
    {
        return "RingBufferSpanSink{capacity=" + capacity + ", size=" + size() + ", recorded=" + recordedSpans() +
            ", dropped=" + droppedSpans() + '}';
    }

    private long lvProducerIndex()
    {
        // Volatile read: orders the following acquire read of the slot sequence after it.
        return (long)COUNTER.getVolatile(counters, PRODUCER_INDEX);
    }

    private boolean casProducerIndex(final long expected, final long update)
    {
        // Volatile CAS: the claim; the slot's field writes that follow cannot move before it.
        return COUNTER.compareAndSet(counters, PRODUCER_INDEX, expected, update);
    }

    private long lpConsumerIndex()
    {
        // Plain read: only the consumer thread writes the consumer index.
        return (long)COUNTER.get(counters, CONSUMER_INDEX);
    }

    private long lvConsumerIndex()
    {
        // Acquire read for other threads (size()).
        return (long)COUNTER.getAcquire(counters, CONSUMER_INDEX);
    }

    private void soConsumerIndex(final long value)
    {
        // Release store (ordered store): single writer, no CAS needed.
        COUNTER.setRelease(counters, CONSUMER_INDEX, value);
    }

    private void incrementDropped()
    {
        // Atomic add: several producers may drop at once.
        COUNTER.getAndAdd(counters, DROPPED, 1L);
    }

    private static long lvSequence(final Slot slot)
    {
        // Acquire read: a producer that sees a freed slot sees the consumer done with it; the consumer that sees a
        // published slot sees every field the producer wrote before the release store.
        return (long)SEQUENCE.getAcquire(slot);
    }

    private static void soSequence(final Slot slot, final long sequence)
    {
        // Release store: publishes the preceding plain field writes (producer) or reads (consumer).
        SEQUENCE.setRelease(slot, sequence);
    }

    /**
     * One preallocated, reused span; its fields are written by the producer that claimed it and read by the consumer
     * after the sequence published them.
     */
    static final class Slot extends MutableSpanRecord
    {
        // Accessed through SEQUENCE only, after construction.
        long sequence;
    }
}
