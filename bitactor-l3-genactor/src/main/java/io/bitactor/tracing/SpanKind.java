package io.bitactor.tracing;

/**
 * What a span covers: the handling of one message by its target.
 */
public enum SpanKind
{
    /** An actor's {@code handleCall} of a call (one span per attempt is not made: retries are counted in the span). */
    CALL,
    /** An actor's {@code handleCast} of a cast. */
    CAST,
    /**
     * The delivery of a reply (or an error reply, or a timeout) to the caller: an actor's reply handler, or the
     * completion of a plain thread's future.
     */
    REPLY
}
