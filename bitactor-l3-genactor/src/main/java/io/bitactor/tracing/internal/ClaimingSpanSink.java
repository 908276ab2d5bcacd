package io.bitactor.tracing.internal;

import io.bitactor.tracing.SpanRecord;
import io.bitactor.tracing.SpanSink;

/**
 * A sink that lets the runtime write a span straight into the sink's own storage: claim a record, fill its fields,
 * publish it. One copy less than {@link SpanSink#onSpan(io.bitactor.tracing.SpanRecord)}, which fills the worker's
 * record and then copies it into the sink. Internal: the runtime checks for it once, at start.
 * <p>
 * <b>Threads.</b> Any thread, several at once. A thread that claimed a record must publish it before it claims
 * another, and soon: until it does, the consumer cannot drain past it.
 */
public interface ClaimingSpanSink extends SpanSink
{
    /**
     * Claims the record for the next span, or counts a drop when there is no room. Never blocks; no allocation.
     *
     * @return the record to fill completely and then pass to {@link #publishSpan(MutableSpanRecord)}, or null when
     * the span was dropped (counted in {@link #droppedSpans()}).
     */
    MutableSpanRecord claimSpan();

    /**
     * Publishes a record filled after {@link #claimSpan()}: from here on the consumer may read it.
     *
     * @param claimed the record {@link #claimSpan()} returned to this thread.
     */
    void publishSpan(MutableSpanRecord claimed);

    /**
     * Copies a span into the sink's storage: claim, copy, publish, or a counted drop when there is no room. Never
     * blocks; no allocation. The threads {@link #claimSpan()} allows.
     *
     * @param span the span, read only during this call.
     */
    @Override
    default void onSpan(final SpanRecord span)
    {
        final MutableSpanRecord record = claimSpan();
        if (null != record)
        {
            record.copyFrom(span);
            publishSpan(record);
        }
    }

    /**
     * A claiming sink for one producer thread at a time, such as one runtime worker: a sink with per-producer
     * storage claims without atomics there. The default is this sink itself. Any thread; call once per producer,
     * at its start, and {@link #retireLane()} the result when the producer stops.
     *
     * @return the producer's sink.
     */
    default ClaimingSpanSink producerLane()
    {
        return this;
    }

    /**
     * The producer of a {@link #producerLane()} is done with it: its spans are still drained, then its storage is
     * released. The default does nothing. The producer's thread, after its last publish.
     */
    default void retireLane()
    {
    }
}
