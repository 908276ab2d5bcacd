package io.bitactor.core;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

import static io.bitactor.core.FrameDescriptor.*;

/**
 * Flyweight that writes a frame (see {@link FrameDescriptor}) into a {@link MutableDirectBuffer}: wrap, set the
 * fields, set the payload, then {@link #seal()} to write the CRC32C. Fields not set keep whatever the buffer held,
 * so wrap zeroed memory or set every field. Nothing is allocated per frame.
 * <p>
 * The payload limit is checked before any byte is copied ({@link PayloadTooLargeException}).
 * <p>
 * <b>Threads:</b> not thread-safe; one encoder per thread.
 */
public final class FrameEncoder
{
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private final int maxPayloadLength;
    private final FrameChecksum checksum = new FrameChecksum();
    private MutableDirectBuffer buffer;
    private int offset;
    private int payloadLength;

    /**
     * An encoder with the default 128-byte payload limit.
     */
    public FrameEncoder()
    {
        this(DEFAULT_MAX_PAYLOAD_LENGTH);
    }

    /**
     * An encoder with a payload limit.
     *
     * @param maxPayloadLength the limit, 0 to {@link FrameDescriptor#MAX_PAYLOAD_LENGTH}.
     */
    public FrameEncoder(final int maxPayloadLength)
    {
        checkMaxPayloadLength(maxPayloadLength);
        this.maxPayloadLength = maxPayloadLength;
    }

    /**
     * Points the encoder at a frame position; the payload length starts at 0.
     *
     * @param buffer to write into.
     * @param offset of the frame.
     * @return this.
     */
    public FrameEncoder wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.payloadLength = 0;
        return this;
    }

    /**
     * Zeroes the whole header (nine 8-byte stores), for a frame position that may hold an older frame.
     *
     * @return this.
     */
    public FrameEncoder clearHeader()
    {
        final MutableDirectBuffer buffer = this.buffer;
        final int offset = this.offset;
        for (int i = 0; i < HEADER_LENGTH; i += 8)
        {
            buffer.putLong(offset + i, 0L);
        }
        return this;
    }

    /**
     * @return the payload limit.
     */
    public int maxPayloadLength()
    {
        return maxPayloadLength;
    }

    /**
     * @return the wrapped buffer.
     */
    public MutableDirectBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return the frame offset in the buffer.
     */
    public int offset()
    {
        return offset;
    }

    /**
     * @param value the message id.
     * @return this.
     */
    public FrameEncoder messageId(final long value)
    {
        buffer.putLong(offset + MESSAGE_ID_OFFSET, value, ORDER);
        return this;
    }

    /**
     * @param value the correlation id.
     * @return this.
     */
    public FrameEncoder correlationId(final long value)
    {
        buffer.putLong(offset + CORRELATION_ID_OFFSET, value, ORDER);
        return this;
    }

    /**
     * @param value the hybrid-logical-clock timestamp.
     * @return this.
     */
    public FrameEncoder timestamp(final long value)
    {
        buffer.putLong(offset + TIMESTAMP_OFFSET, value, ORDER);
        return this;
    }

    /**
     * @param value the source actor id.
     * @return this.
     */
    public FrameEncoder sourceActorId(final int value)
    {
        buffer.putInt(offset + SOURCE_ACTOR_ID_OFFSET, value, ORDER);
        return this;
    }

    /**
     * @param value the target actor id.
     * @return this.
     */
    public FrameEncoder targetActorId(final int value)
    {
        buffer.putInt(offset + TARGET_ACTOR_ID_OFFSET, value, ORDER);
        return this;
    }

    /**
     * @param type the message type.
     * @return this.
     */
    public FrameEncoder messageType(final MessageType type)
    {
        buffer.putByte(offset + MESSAGE_TYPE_OFFSET, type.code());
        return this;
    }

    /**
     * @param value the priority, 0 to 255.
     * @return this.
     * @throws IllegalArgumentException when out of range.
     */
    public FrameEncoder priority(final int value)
    {
        buffer.putByte(offset + PRIORITY_OFFSET, checkUnsignedByte("priority", value));
        return this;
    }

    /**
     * Writes the reserved byte (0); {@link #seal()} does it too.
     *
     * @return this.
     */
    public FrameEncoder reserved()
    {
        buffer.putByte(offset + RESERVED_OFFSET, (byte)0);
        return this;
    }

    /**
     * @param value high 64 bits of the trace id.
     * @return this.
     */
    public FrameEncoder traceIdHigh(final long value)
    {
        buffer.putLong(offset + TRACE_ID_HIGH_OFFSET, value, ORDER);
        return this;
    }

    /**
     * @param value low 64 bits of the trace id.
     * @return this.
     */
    public FrameEncoder traceIdLow(final long value)
    {
        buffer.putLong(offset + TRACE_ID_LOW_OFFSET, value, ORDER);
        return this;
    }

    /**
     * @param value the span id.
     * @return this.
     */
    public FrameEncoder spanId(final long value)
    {
        buffer.putLong(offset + SPAN_ID_OFFSET, value, ORDER);
        return this;
    }

    /**
     * @param value the parent span id.
     * @return this.
     */
    public FrameEncoder parentSpanId(final long value)
    {
        buffer.putLong(offset + PARENT_SPAN_ID_OFFSET, value, ORDER);
        return this;
    }

    /**
     * @param value the W3C trace flags, 0 to 255.
     * @return this.
     * @throws IllegalArgumentException when out of range.
     */
    public FrameEncoder traceFlags(final int value)
    {
        buffer.putByte(offset + TRACE_FLAGS_OFFSET, checkUnsignedByte("traceFlags", value));
        return this;
    }

    /**
     * Copies the five trace fields of a context.
     *
     * @param context the trace context.
     * @return this.
     */
    public FrameEncoder traceContext(final TraceContext context)
    {
        return traceIdHigh(context.traceIdHigh())
            .traceIdLow(context.traceIdLow())
            .spanId(context.spanId())
            .parentSpanId(context.parentSpanId())
            .traceFlags(context.flags());
    }

    /**
     * Copies a payload.
     *
     * @param src       holding the payload.
     * @param srcOffset of the payload.
     * @param length    of the payload.
     * @return this.
     * @throws PayloadTooLargeException before copying when over the limit.
     */
    public FrameEncoder payload(final DirectBuffer src, final int srcOffset, final int length)
    {
        payloadLength(length);
        buffer.putBytes(offset + PAYLOAD_OFFSET, src, srcOffset, length);
        return this;
    }

    /**
     * Copies a whole array as the payload.
     *
     * @param src the payload.
     * @return this.
     * @throws PayloadTooLargeException before copying when over the limit.
     */
    public FrameEncoder payload(final byte[] src)
    {
        return payload(src, 0, src.length);
    }

    /**
     * Copies part of an array as the payload.
     *
     * @param src       the array.
     * @param srcOffset first byte.
     * @param length    number of bytes.
     * @return this.
     * @throws PayloadTooLargeException before copying when over the limit.
     */
    public FrameEncoder payload(final byte[] src, final int srcOffset, final int length)
    {
        payloadLength(length);
        buffer.putBytes(offset + PAYLOAD_OFFSET, src, srcOffset, length);
        return this;
    }

    /**
     * Declares the payload length for a payload written in place at {@link #payloadOffset()}.
     *
     * @param length the payload length.
     * @return this.
     * @throws PayloadTooLargeException when over the limit.
     * @throws IllegalArgumentException when negative or when the frame would not fit the buffer.
     */
    public FrameEncoder payloadLength(final int length)
    {
        if (length > maxPayloadLength)
        {
            throw new PayloadTooLargeException(length, maxPayloadLength);
        }
        if (length < 0)
        {
            throw new IllegalArgumentException("payload length must be >= 0 but was " + length);
        }
        final int frameLength = frameLength(length);
        if (offset + frameLength > buffer.capacity())
        {
            throw new IllegalArgumentException("frame of " + frameLength + " bytes at offset " + offset +
                " does not fit a buffer of " + buffer.capacity() + " bytes");
        }
        buffer.putInt(offset + PAYLOAD_LENGTH_OFFSET, length, ORDER);
        payloadLength = length;
        return this;
    }

    /**
     * @return the buffer to write a payload into in place.
     */
    public MutableDirectBuffer payloadBuffer()
    {
        return buffer;
    }

    /**
     * @return the absolute offset of the payload in {@link #payloadBuffer()}.
     */
    public int payloadOffset()
    {
        return offset + PAYLOAD_OFFSET;
    }

    /**
     * @return the payload length declared so far.
     */
    public int payloadLength()
    {
        return payloadLength;
    }

    /**
     * Writes the payload length and reserved byte, then the CRC32C over header and payload.
     *
     * @return the frame length.
     */
    public int seal()
    {
        final MutableDirectBuffer buffer = this.buffer;
        final int offset = this.offset;
        final int payloadLength = this.payloadLength;
        buffer.putInt(offset + PAYLOAD_LENGTH_OFFSET, payloadLength, ORDER);
        buffer.putByte(offset + RESERVED_OFFSET, (byte)0);
        final int crcOffset = crcOffset(payloadLength);
        buffer.putInt(offset + crcOffset, checksum.compute(buffer, offset, crcOffset), ORDER);
        return crcOffset + CRC_LENGTH;
    }

    private static byte checkUnsignedByte(final String name, final int value)
    {
        if (value < 0 || value > 255)
        {
            throw new IllegalArgumentException(name + " must be in [0, 255] but was " + value);
        }
        return (byte)value;
    }
}
