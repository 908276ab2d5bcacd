package io.bitactor.actor;

import io.bitactor.tracing.SpanKind;
import io.bitactor.tracing.SpanOutcome;
import io.bitactor.tracing.SpanRecord;

/**
 * The reusable {@link SpanRecord} of one thread that records spans: each worker owns one (and the system one for
 * the call-timeout thread). It is filled field by field just before {@code SpanSink.onSpan} and is valid only
 * during that call: no allocation per span. Confined to its owning thread.
 */
final class MutableSpanRecord implements SpanRecord
{
    long traceIdHigh;
    long traceIdLow;
    long spanId;
    long parentSpanId;
    int traceFlags;
    SpanKind kind;
    int actorId;
    int sourceActorId;
    long messageId;
    long correlationId;
    long sentEpochNs;
    long startEpochNs;
    long endEpochNs;
    SpanOutcome outcome;
    Class<? extends Throwable> errorClass;
    int retryCount;

    /** {@inheritDoc} */
    public long traceIdHigh()
    {
        return traceIdHigh;
    }

    /** {@inheritDoc} */
    public long traceIdLow()
    {
        return traceIdLow;
    }

    /** {@inheritDoc} */
    public long spanId()
    {
        return spanId;
    }

    /** {@inheritDoc} */
    public long parentSpanId()
    {
        return parentSpanId;
    }

    /** {@inheritDoc} */
    public int traceFlags()
    {
        return traceFlags;
    }

    /** {@inheritDoc} */
    public SpanKind kind()
    {
        return kind;
    }

    /** {@inheritDoc} */
    public int actorId()
    {
        return actorId;
    }

    /** {@inheritDoc} */
    public int sourceActorId()
    {
        return sourceActorId;
    }

    /** {@inheritDoc} */
    public long messageId()
    {
        return messageId;
    }

    /** {@inheritDoc} */
    public long correlationId()
    {
        return correlationId;
    }

    /** {@inheritDoc} */
    public long sentEpochNs()
    {
        return sentEpochNs;
    }

    /** {@inheritDoc} */
    public long startEpochNs()
    {
        return startEpochNs;
    }

    /** {@inheritDoc} */
    public long endEpochNs()
    {
        return endEpochNs;
    }

    /** {@inheritDoc} */
    public SpanOutcome outcome()
    {
        return outcome;
    }

    /** {@inheritDoc} */
    public Class<? extends Throwable> errorClass()
    {
        return errorClass;
    }

    /** {@inheritDoc} */
    public int retryCount()
    {
        return retryCount;
    }

    /** {@inheritDoc} */
    public String toString()
    {
        return "MutableSpanRecord{kind=" + kind + ", spanId=" + Long.toHexString(spanId) + ", parent=" +
            Long.toHexString(parentSpanId) + ", actor=" + actorId + ", outcome=" + outcome + '}';
    }
}
