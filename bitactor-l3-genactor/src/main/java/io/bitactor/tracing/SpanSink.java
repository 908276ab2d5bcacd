package io.bitactor.tracing;

/**
 * Receives finished spans (SPI). Set one with {@code ActorSystemContext.spanSink(...)}; the default is
 * {@link #NONE}, which the runtime recognises and skips (one branch per message, no clock read, no allocation).
 * <p>
 * <b>Threads.</b> {@link #onSpan(SpanRecord)} is called on worker threads, by several at once, and must be
 * thread-safe. It must never block, never throw and never allocate on its steady path: a sink that cannot keep up
 * drops the span and counts it ({@link #droppedSpans()}). The record is valid only during the call.
 */
@FunctionalInterface
public interface SpanSink
{
    /** No tracing: spans are not recorded at all. */
    SpanSink NONE = span -> { };

    /**
     * A finished, sampled span.
     *
     * @param span the span, valid only during this call.
     */
    void onSpan(SpanRecord span);

    /**
     * Spans this sink dropped because it could not keep up.
     *
     * @return the count, 0 for sinks that never drop.
     */
    default long droppedSpans()
    {
        return 0;
    }
}
