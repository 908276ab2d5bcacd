package io.bitactor.actor;

import io.bitactor.core.FrameDecoder;
import io.bitactor.core.MessageType;
import org.agrona.DirectBuffer;

import java.nio.charset.StandardCharsets;

/**
 * The worker's reusable {@link Message} and {@link Info} view: wraps a decoded frame, or holds a notice.
 */
final class MessageView implements Message, Info
{
    private FrameDecoder frame;
    private int attempt;
    private Kind kind;
    private long tag;
    private long timerId;
    private int actorId;

    MessageView wrap(final FrameDecoder frame, final int attempt)
    {
        this.frame = frame;
        this.attempt = attempt;
        return this;
    }

    MessageView timer(final long timerId, final long tag)
    {
        this.kind = Kind.TIMER;
        this.timerId = timerId;
        this.tag = tag;
        this.actorId = 0;
        return this;
    }

    MessageView terminated(final int actorId)
    {
        this.kind = Kind.TERMINATED;
        this.timerId = 0;
        this.tag = 0;
        this.actorId = actorId;
        return this;
    }

    /** {@inheritDoc} */
    public long messageId()
    {
        return frame.messageId();
    }

    /** {@inheritDoc} */
    public long correlationId()
    {
        return frame.correlationId();
    }

    /** {@inheritDoc} */
    public int sourceActorId()
    {
        return frame.sourceActorId();
    }

    /** {@inheritDoc} */
    public long timestamp()
    {
        return frame.timestamp();
    }

    /** {@inheritDoc} */
    public MessageType type()
    {
        return frame.messageType();
    }

    /** {@inheritDoc} */
    public int attempt()
    {
        return attempt;
    }

    /** {@inheritDoc} */
    public DirectBuffer buffer()
    {
        return frame.buffer();
    }

    /** {@inheritDoc} */
    public int payloadOffset()
    {
        return frame.payloadOffset();
    }

    /** {@inheritDoc} */
    public int payloadLength()
    {
        return frame.payloadLength();
    }

    /** {@inheritDoc} */
    public byte[] payloadAsBytes()
    {
        return frame.payloadAsBytes();
    }

    /** {@inheritDoc} */
    public String payloadAsString()
    {
        return new String(frame.payloadAsBytes(), StandardCharsets.UTF_8);
    }

    /** {@inheritDoc} */
    public long traceIdHigh()
    {
        return frame.traceIdHigh();
    }

    /** {@inheritDoc} */
    public long traceIdLow()
    {
        return frame.traceIdLow();
    }

    /** {@inheritDoc} */
    public long spanId()
    {
        return frame.spanId();
    }

    /** {@inheritDoc} */
    public int traceFlags()
    {
        return frame.traceFlags();
    }

    /** {@inheritDoc} */
    public Kind kind()
    {
        return kind;
    }

    /** {@inheritDoc} */
    public long tag()
    {
        return tag;
    }

    /** {@inheritDoc} */
    public long timerId()
    {
        return timerId;
    }

    /** {@inheritDoc} */
    public int actorId()
    {
        return actorId;
    }

    /** {@inheritDoc} */
    public String toString()
    {
        return frame == null ? "MessageView{}" : "Message{id=" + frame.messageId() + ", type=" +
            frame.messageType() + ", source=" + frame.sourceActorId() + ", target=" + frame.targetActorId() +
            ", attempt=" + attempt + ", payloadLength=" + frame.payloadLength() + "}";
    }
}
