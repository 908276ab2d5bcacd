package io.bitactor.tracing.internal;

import io.bitactor.tracing.SpanKind;
import io.bitactor.tracing.SpanOutcome;
import io.bitactor.tracing.SpanRecord;

/**
 * A reusable, mutable {@link SpanRecord}: each worker owns one (and the actor system one for the call-timeout
 * thread), filled field by field just before {@code SpanSink.onSpan} and valid only during that call; the slots of
 * {@code RingBufferSpanSink} are these too. No allocation per span. Internal (the package is not exported); each
 * instance is confined to the thread that owns it at the time.
 */
public class MutableSpanRecord implements SpanRecord
{
    public long traceIdHigh;
    public long traceIdLow;
    public long spanId;
    public long parentSpanId;
    public int traceFlags;
    public SpanKind kind;
    public int actorId;
    public int sourceActorId;
    public long messageId;
    public long correlationId;
    public long sentEpochNs;
    public long startEpochNs;
    public long endEpochNs;
    public SpanOutcome outcome;
    public Class<? extends Throwable> errorClass;
    public int retryCount;

    /**
     * Copies every field of another record.
     *
     * @param span the record to copy.
     */
    public void copyFrom(final SpanRecord span)
    {
        traceIdHigh = span.traceIdHigh();
        traceIdLow = span.traceIdLow();
        spanId = span.spanId();
        parentSpanId = span.parentSpanId();
        traceFlags = span.traceFlags();
        kind = span.kind();
        actorId = span.actorId();
        sourceActorId = span.sourceActorId();
        messageId = span.messageId();
        correlationId = span.correlationId();
        sentEpochNs = span.sentEpochNs();
        startEpochNs = span.startEpochNs();
        endEpochNs = span.endEpochNs();
        outcome = span.outcome();
        errorClass = span.errorClass();
        retryCount = span.retryCount();
    }

    /**
     * Drops the references a used record would keep reachable (the exception class, and with it its class loader).
     */
    public void clearReferences()
    {
        errorClass = null;
    }

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
