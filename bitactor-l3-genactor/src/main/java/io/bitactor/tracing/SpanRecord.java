package io.bitactor.tracing;

import io.bitactor.core.TraceContext;

/**
 * One finished span: the handling of one message. The span's id is the message's span id (assigned when the
 * message was sent); messages sent while handling it carry this id as their parent, so the spans of a trace form
 * the tree of who sent what while handling what (W3C trace context, see {@link TraceContext}).
 * <p>
 * <b>Lifetime.</b> The runtime hands a sink a reusable instance that is valid only during
 * {@link SpanSink#onSpan(SpanRecord)}: a sink that keeps a span copies its fields (or calls
 * {@link SpanData#copyOf(SpanRecord)}, which allocates). Times are nanoseconds since the epoch from the system's
 * epoch clock.
 */
public interface SpanRecord
{
    /**
     * High 64 bits of the W3C trace id.
     *
     * @return the bits.
     */
    long traceIdHigh();

    /**
     * Low 64 bits of the W3C trace id.
     *
     * @return the bits.
     */
    long traceIdLow();

    /**
     * This span's id: the span id the message was sent with.
     *
     * @return the id, never 0.
     */
    long spanId();

    /**
     * The parent span: the span that was being handled when the message was sent, or the caller's context for a
     * message sent from a plain thread (0 when the plain thread started a new trace).
     *
     * @return the parent's id, or 0 for a root span.
     */
    long parentSpanId();

    /**
     * W3C trace flags of the message (bit 0, {@link TraceContext#FLAG_SAMPLED}: sampled; only sampled spans reach
     * a sink).
     *
     * @return the flags, 0 to 255.
     */
    int traceFlags();

    /**
     * What was handled.
     *
     * @return the kind.
     */
    SpanKind kind();

    /**
     * The actor that handled the message: the target of a call or cast, the caller receiving a reply; a negative
     * id for a plain thread's reply endpoint.
     *
     * @return the actor id.
     */
    int actorId();

    /**
     * The sender of the message (for a reply: the actor that answered).
     *
     * @return the source actor id, negative for a plain thread.
     */
    int sourceActorId();

    /**
     * The message's id (unchanged across retries and journal replays, so it identifies the message).
     *
     * @return the id.
     */
    long messageId();

    /**
     * For a reply, the id of the call it answers; 0 otherwise.
     *
     * @return the correlation id.
     */
    long correlationId();

    /**
     * When the message was sent: the physical part of its hybrid-logical-clock timestamp, in nanoseconds since the
     * epoch (millisecond precision).
     *
     * @return the send time.
     */
    long sentEpochNs();

    /**
     * When handling started.
     *
     * @return nanoseconds since the epoch.
     */
    long startEpochNs();

    /**
     * When handling ended.
     *
     * @return nanoseconds since the epoch, not before {@link #startEpochNs()}.
     */
    long endEpochNs();

    /**
     * How handling ended.
     *
     * @return the outcome.
     */
    SpanOutcome outcome();

    /**
     * The class of the exception that failed the handling, for {@link SpanOutcome#ERROR}.
     *
     * @return the class, or null for any other outcome.
     */
    Class<? extends Throwable> errorClass();

    /**
     * Retry attempts made before this handling ended (0 when the first attempt ended it).
     *
     * @return the count.
     */
    int retryCount();

    /**
     * Whether the span's trace is sampled.
     *
     * @return bit 0 of {@link #traceFlags()}.
     */
    default boolean isSampled()
    {
        return (traceFlags() & TraceContext.FLAG_SAMPLED) != 0;
    }

    /**
     * This span as a W3C {@code traceparent} value (allocates).
     *
     * @return {@code 00-<trace id>-<span id>-<flags>}.
     */
    default String traceparent()
    {
        return TraceContext.of(traceIdHigh(), traceIdLow(), spanId(), parentSpanId(), traceFlags()).toTraceparent();
    }
}
