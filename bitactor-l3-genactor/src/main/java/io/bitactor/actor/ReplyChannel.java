package io.bitactor.actor;

import io.bitactor.core.FrameDecoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;

/**
 * The worker's reusable {@link Reply}: reset for each call it dispatches. A reply goes to the caller's id with the
 * call's correlation id, carrying the call's trace (same trace id, new span, the call's span as parent).
 */
final class ReplyChannel implements Reply
{
    private final Worker worker;
    private final UnsafeBuffer wrapper = new UnsafeBuffer(0, 0);
    private ActorCell cell;
    private int callerId;
    private long correlationId;
    private long messageId;
    private long traceIdHigh;
    private long traceIdLow;
    private long spanId;
    private int traceFlags;
    private int attempt;
    private boolean done;

    ReplyChannel(final Worker worker)
    {
        this.worker = worker;
    }

    ReplyChannel reset(final ActorCell cell, final FrameDecoder call, final int attempt)
    {
        this.cell = cell;
        this.callerId = call.sourceActorId();
        this.correlationId = call.correlationId();
        this.messageId = call.messageId();
        this.traceIdHigh = call.traceIdHigh();
        this.traceIdLow = call.traceIdLow();
        this.spanId = call.spanId();
        this.traceFlags = call.traceFlags();
        this.attempt = attempt;
        this.done = false;
        return this;
    }

    private void answer()
    {
        if (done)
        {
            throw new IllegalStateException("call " + correlationId + " from " + callerId +
                " was already answered or deferred: a call is answered exactly once");
        }
        done = true;
    }

    /** {@inheritDoc} */
    public SendStatus ok(final DirectBuffer buffer, final int offset, final int length)
    {
        answer();
        return worker.send(Worker.REPLY, cell.id, callerId, correlationId, buffer, offset, length,
            traceIdHigh, traceIdLow, spanId, traceFlags);
    }

    /** {@inheritDoc} */
    public SendStatus ok(final byte[] payload)
    {
        wrapper.wrap(payload);
        return ok(wrapper, 0, payload.length);
    }

    /** {@inheritDoc} */
    public SendStatus ok(final String payload)
    {
        return ok(payload.getBytes(StandardCharsets.UTF_8));
    }

    /** {@inheritDoc} */
    public SendStatus error(final Throwable error)
    {
        answer();
        return send(error.getClass().getName(), String.valueOf(error.getMessage()));
    }

    /** Answers with a failure report on behalf of the runtime. */
    SendStatus fail(final String className, final String message)
    {
        done = true;
        return send(className, message);
    }

    private SendStatus send(final String className, final String message)
    {
        return worker.sendError(cell.id, callerId, correlationId, className, message, attempt, traceIdHigh,
            traceIdLow, spanId, traceFlags);
    }

    /** {@inheritDoc} */
    public DeferredReply defer()
    {
        answer();
        return new DeferredReply(cell.id, callerId, correlationId, messageId, traceIdHigh, traceIdLow, spanId,
            traceFlags);
    }

    /** {@inheritDoc} */
    public boolean isDone()
    {
        return done;
    }
}
