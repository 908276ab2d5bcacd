package io.bitactor.actor;

/**
 * A call kept open by {@link Reply#defer()}, to be answered later with
 * {@link ActorContext#reply(DeferredReply, org.agrona.DirectBuffer, int, int)} from a callback of the same actor
 * (like {@code gen_server:reply/2} with a kept {@code From}). Answer it exactly once; if the actor never answers,
 * the caller times out.
 */
public final class DeferredReply
{
    final int ownerId;
    final int callerId;
    final long correlationId;
    final long messageId;
    final long traceIdHigh;
    final long traceIdLow;
    final long spanId;
    final int traceFlags;
    boolean answered;

    DeferredReply(
        final int ownerId, final int callerId, final long correlationId, final long messageId,
        final long traceIdHigh, final long traceIdLow, final long spanId, final int traceFlags)
    {
        this.ownerId = ownerId;
        this.callerId = callerId;
        this.correlationId = correlationId;
        this.messageId = messageId;
        this.traceIdHigh = traceIdHigh;
        this.traceIdLow = traceIdLow;
        this.spanId = spanId;
        this.traceFlags = traceFlags;
    }

    /**
     * The caller's id (> 0 an actor, < 0 a plain thread's endpoint).
     *
     * @return the caller id.
     */
    public int callerId()
    {
        return callerId;
    }

    /**
     * The call's correlation id.
     *
     * @return the correlation id.
     */
    public long correlationId()
    {
        return correlationId;
    }

    /**
     * The message id of the request.
     *
     * @return the message id.
     */
    public long messageId()
    {
        return messageId;
    }

    /**
     * Whether it has been answered.
     *
     * @return true once answered.
     */
    public boolean isAnswered()
    {
        return answered;
    }

    /** {@inheritDoc} */
    public String toString()
    {
        return "DeferredReply{caller=" + callerId + ", correlationId=" + correlationId + ", answered=" + answered +
            "}";
    }
}
