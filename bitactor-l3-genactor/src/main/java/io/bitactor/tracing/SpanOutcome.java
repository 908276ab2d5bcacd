package io.bitactor.tracing;

/**
 * How the handling recorded by a span ended.
 */
public enum SpanOutcome
{
    /** Handled: the handler returned (a call answered with an error reply by the behaviour counts as handled). */
    OK,
    /** The handler threw (after every retry); {@link SpanRecord#errorClass()} names the exception's class. */
    ERROR,
    /** Refused without running the handler: the actor's circuit breaker was open, or the actor was not running. */
    REJECTED,
    /** A call's reply did not arrive in time: the span of the caller's timeout. */
    TIMED_OUT
}
