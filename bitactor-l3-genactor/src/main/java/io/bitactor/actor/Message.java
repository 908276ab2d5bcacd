package io.bitactor.actor;

import io.bitactor.core.MessageType;
import org.agrona.DirectBuffer;

/**
 * A read-only view of one received message: the frame's header fields and its payload, read in place from the
 * mailbox slot without copying. Valid only during the callback it is passed to; the same view object is reused
 * for the next message. Worker thread only.
 */
public interface Message
{
    /**
     * The system-unique message id; unchanged across retries of a call.
     *
     * @return the id.
     */
    long messageId();

    /**
     * The id linking a call and its reply; 0 for a cast.
     *
     * @return the correlation id.
     */
    long correlationId();

    /**
     * The sender's actor id: > 0 for an actor, < 0 for a plain thread's endpoint, 0 when unknown.
     *
     * @return the source id.
     */
    int sourceActorId();

    /**
     * The hybrid-logical-clock timestamp of the send.
     *
     * @return the timestamp.
     */
    long timestamp();

    /**
     * The message type: {@link MessageType#CAST}, {@link MessageType#CALL}, {@link MessageType#REPLY} or
     * {@link MessageType#ERROR_REPLY}.
     *
     * @return the type.
     */
    MessageType type();

    /**
     * Which attempt this is: 1 for the first delivery, more when the actor's {@link RetryPolicy} retries a call.
     *
     * @return the attempt number.
     */
    int attempt();

    /**
     * The buffer holding the payload; read it from {@link #payloadOffset()} for {@link #payloadLength()} bytes.
     *
     * @return the buffer (not to be kept).
     */
    DirectBuffer buffer();

    /**
     * Where the payload starts in {@link #buffer()}.
     *
     * @return the offset.
     */
    int payloadOffset();

    /**
     * The payload length in bytes.
     *
     * @return the length.
     */
    int payloadLength();

    /**
     * The payload copied into a new array (allocates: a convenience).
     *
     * @return the bytes.
     */
    byte[] payloadAsBytes();

    /**
     * The payload decoded as UTF-8 (allocates: a convenience).
     *
     * @return the text.
     */
    String payloadAsString();

    /**
     * The W3C trace id, high 64 bits; 0 when the message carries no trace.
     *
     * @return the high bits.
     */
    long traceIdHigh();

    /**
     * The W3C trace id, low 64 bits.
     *
     * @return the low bits.
     */
    long traceIdLow();

    /**
     * The span id of the send.
     *
     * @return the span id.
     */
    long spanId();

    /**
     * The W3C trace flags (bit 0: sampled).
     *
     * @return the flags.
     */
    int traceFlags();
}
