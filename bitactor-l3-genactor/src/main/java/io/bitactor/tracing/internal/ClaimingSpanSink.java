package io.bitactor.tracing.internal;

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
}
