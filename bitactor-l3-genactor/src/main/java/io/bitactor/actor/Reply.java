package io.bitactor.actor;

import org.agrona.DirectBuffer;

/**
 * The answer channel of one call. Exactly one of the {@code ok}/{@code error} methods is called, once, either
 * during {@link ActorBehavior#handleCall} or later through {@link #defer()}. Answering twice throws
 * {@link IllegalStateException}. Worker thread only, during the call.
 * <p>
 * The reply travels back through L2 to the caller by correlation id: to the calling actor's
 * {@link ReplyHandler}, or to a plain thread's future.
 */
public interface Reply
{
    /**
     * Answers with a payload, copied.
     *
     * @param buffer holding the payload.
     * @param offset of the payload.
     * @param length of the payload.
     * @return the outcome of sending the reply (backpressure is absorbed by the worker's outbox).
     * @throws IllegalStateException if already answered or deferred.
     */
    SendStatus ok(DirectBuffer buffer, int offset, int length);

    /**
     * Answers with a payload, copied.
     *
     * @param payload the bytes.
     * @return the outcome of sending the reply.
     * @throws IllegalStateException if already answered or deferred.
     */
    SendStatus ok(byte[] payload);

    /**
     * Answers with a UTF-8 string (allocates: a convenience).
     *
     * @param payload the text.
     * @return the outcome of sending the reply.
     * @throws IllegalStateException if already answered or deferred.
     */
    SendStatus ok(String payload);

    /**
     * Answers with an error: the caller's future completes with a {@link CallFailedException} naming the error's
     * class and message, or the calling actor's {@link ReplyHandler#onError} receives it. Counted as handled: the
     * behaviour chose to answer so.
     *
     * @param error the error to report.
     * @return the outcome of sending the reply.
     * @throws IllegalStateException if already answered or deferred.
     */
    SendStatus error(Throwable error);

    /**
     * Keeps the call open to answer later, from a later callback of the same actor (like
     * {@code gen_server:reply/2}). Allocates one small object.
     *
     * @return a handle that can answer once.
     * @throws IllegalStateException if already answered or deferred.
     */
    DeferredReply defer();

    /**
     * Whether this call has been answered or deferred.
     *
     * @return true once {@code ok}, {@code error} or {@code defer} was called.
     */
    boolean isDone();
}
