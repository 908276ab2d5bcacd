package io.bitactor.tracing;

/**
 * An immutable copy of a {@link SpanRecord}, for sinks that keep spans and for tests.
 *
 * @param traceIdHigh   high 64 bits of the trace id.
 * @param traceIdLow    low 64 bits of the trace id.
 * @param spanId        the span id.
 * @param parentSpanId  the parent span id, 0 for a root.
 * @param traceFlags    W3C trace flags.
 * @param kind          what was handled.
 * @param actorId       the handling actor.
 * @param sourceActorId the sender.
 * @param messageId     the message id.
 * @param correlationId the call a reply answers, else 0.
 * @param sentEpochNs   send time.
 * @param startEpochNs  handling start.
 * @param endEpochNs    handling end.
 * @param outcome       how it ended.
 * @param errorClass    the failure's class for {@link SpanOutcome#ERROR}, else null.
 * @param retryCount    retries made.
 */
public record SpanData(
    long traceIdHigh,
    long traceIdLow,
    long spanId,
    long parentSpanId,
    int traceFlags,
    SpanKind kind,
    int actorId,
    int sourceActorId,
    long messageId,
    long correlationId,
    long sentEpochNs,
    long startEpochNs,
    long endEpochNs,
    SpanOutcome outcome,
    Class<? extends Throwable> errorClass,
    int retryCount) implements SpanRecord
{
    /**
     * Copies a record (which may be a reused instance valid only during a sink call).
     *
     * @param span the record.
     * @return an immutable copy, or {@code span} itself if it is a {@code SpanData} already.
     */
    public static SpanData copyOf(final SpanRecord span)
    {
        if (span instanceof SpanData data)
        {
            return data;
        }
        return new SpanData(span.traceIdHigh(), span.traceIdLow(), span.spanId(), span.parentSpanId(),
            span.traceFlags(), span.kind(), span.actorId(), span.sourceActorId(), span.messageId(),
            span.correlationId(), span.sentEpochNs(), span.startEpochNs(), span.endEpochNs(), span.outcome(),
            span.errorClass(), span.retryCount());
    }
}
