package io.bitactor.actor;

/**
 * Receives the answer to a call made by an actor with {@link ActorContext#call}. Runs on the calling actor's
 * worker, as a callback of the calling actor (its state may be used freely; a throw is the calling actor's
 * failure).
 */
public interface ReplyHandler
{
    /**
     * The callee answered with a payload.
     *
     * @param ctx   the calling actor's context.
     * @param reply the reply; valid during this call only.
     * @throws Exception on failure.
     */
    void onReply(ActorContext ctx, Message reply) throws Exception;

    /**
     * The call failed: {@link CallFailedException} (the callee's handler failed or answered with an error),
     * {@link CallTimeoutException}, or {@link RejectedException} (the call could not be delivered, for example to
     * an actor that stopped). Ignored by default.
     *
     * @param ctx           the calling actor's context.
     * @param correlationId the call's correlation id, as returned by {@link ActorContext#call}.
     * @param error         what went wrong.
     * @throws Exception on failure.
     */
    default void onError(final ActorContext ctx, final long correlationId, final Throwable error) throws Exception
    {
    }
}
