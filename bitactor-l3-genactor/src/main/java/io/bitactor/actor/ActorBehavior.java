package io.bitactor.actor;

/**
 * What an actor does: the GenActor contract, after Erlang/OTP's {@code gen_server}.
 * <p>
 * Every callback runs on the actor's worker thread, one at a time, so behaviour state needs no synchronisation.
 * A callback must not block: calls to other actors are asynchronous ({@link ActorContext#call}), timers replace
 * sleeps. A callback that throws is a failure: it is counted, reported (a call's caller gets the error, or the
 * call is retried by the actor's {@link RetryPolicy}) and handed to the supervisor, which restarts or stops the
 * actor. The worker thread is never harmed by a throwing behaviour.
 * <p>
 * Buffers and {@link Message} views passed in are valid only during the callback: copy what must outlive it.
 * <p>
 * A new instance is created for every (re)start from the {@link ActorSpec}'s factory, so a restart begins with
 * fresh state; the messages queued behind a failing one stay queued and go to the new instance.
 */
public interface ActorBehavior
{
    /**
     * Called once when the actor (or a new incarnation after a restart) starts, before any message.
     * Typical work: spawn children, start timers. Throwing here is a failure like any other.
     *
     * @param ctx the actor's context.
     * @throws Exception on failure.
     */
    default void init(final ActorContext ctx) throws Exception
    {
    }

    /**
     * A request that expects an answer. The behaviour must answer exactly once through {@code reply}: at once, or
     * later through {@link Reply#defer()} (like {@code gen_server:reply/2}). Returning without answering or
     * deferring is reported to the caller as an error.
     *
     * @param ctx     the actor's context.
     * @param request the request; valid during this call only.
     * @param reply   the reply handle for this request; valid during this call only.
     * @throws Exception on failure (the caller receives the error unless the call is retried).
     */
    void handleCall(ActorContext ctx, Message request, Reply reply) throws Exception;

    /**
     * A one-way message.
     *
     * @param ctx     the actor's context.
     * @param message the message; valid during this call only.
     * @throws Exception on failure.
     */
    void handleCast(ActorContext ctx, Message message) throws Exception;

    /**
     * A notice from the runtime: a timer fired, or a watched actor stopped. Ignored by default.
     *
     * @param ctx  the actor's context.
     * @param info the notice; valid during this call only.
     * @throws Exception on failure.
     */
    default void handleInfo(final ActorContext ctx, final Info info) throws Exception
    {
    }

    /**
     * Called once when this incarnation ends: stopped, failed (before a restart), or at system close.
     * Exceptions thrown here are reported to the system's error handler and otherwise ignored.
     *
     * @param ctx    the actor's context.
     * @param reason why it ends.
     */
    default void terminate(final ActorContext ctx, final StopReason reason)
    {
    }
}
