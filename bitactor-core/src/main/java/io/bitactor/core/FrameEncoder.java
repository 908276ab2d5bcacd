package io.bitactor.core;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;

import java.nio.ByteOrder;

import static io.bitactor.core.FrameDescriptor.*;

/**
 * Flyweight that writes a frame (see {@link FrameDescriptor}) into a {@link MutableDirectBuffer}: wrap, set the
 * fields, set the payload, then {@link #seal()} to write the CRC32C. Fields not set keep whatever the buffer held,
 * so wrap zeroed memory or set every field. Nothing is allocated per frame.
 * <p>
 * The payload limit is checked before any byte is copied ({@link PayloadTooLargeException}).
 * <p>
 * Header fields are written without a bounds check each: {@link #wrap} checks once that a whole header fits and
 * keeps the buffer's array and address, as {@code UnsafeBuffer} does for its own region; the payload's room is
 * checked when its length is set. Re-wrap the encoder after re-wrapping or releasing the buffer's memory.
 * <p>
 * <b>Threads:</b> not thread-safe; one encoder per thread.
 */
public final class FrameEncoder
{
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private final int maxPayloadLength;
    private final FrameChecksum checksum = new FrameChecksum();
    /** Payloads up to this length are copied a long at a time (see {@link #payload(DirectBuffer, int, int)}). */
    private static final int WORD_COPY_MAX_LENGTH = 512;

    private MutableDirectBuffer buffer;
    private int offset;
    private int payloadLength;
    // Where the header is written (see the class comment): the buffer's array (null off-heap) and the frame's address.
    private byte[] frameArray;
    private long frameAddress;

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
     * @throws IllegalArgumentException if a whole header does not fit at {@code offset}.
     */
    public FrameEncoder wrap(final MutableDirectBuffer buffer, final int offset)
    {
        if (!HeaderAccess.headerFits(buffer, offset))
        {
            throw new IllegalArgumentException("a frame header of " + HEADER_LENGTH + " bytes at offset " + offset +
                " does not fit a buffer of " + buffer.capacity() + " bytes");
        }
        this.buffer = buffer;
        this.offset = offset;
        this.payloadLength = 0;
        this.frameArray = buffer.byteArray();
        this.frameAddress = buffer.addressOffset() + offset;
        return this;
    }

    /**
     * Zeroes the whole header (nine 8-byte stores), for a frame position that may hold an older frame.
     *
     * @return this.
     */
    public FrameEncoder clearHeader()
    {
        final byte[] array = frameArray;
        final long address = frameAddress;
        for (int i = 0; i < HEADER_LENGTH; i += 8)
        {
            HeaderAccess.putLong(array, address + i, 0L);
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
        HeaderAccess.putLong(frameArray, frameAddress + MESSAGE_ID_OFFSET, value);
        return this;
    }

    /**
     * @param value the correlation id.
     * @return this.
     */
    public FrameEncoder correlationId(final long value)
    {
        HeaderAccess.putLong(frameArray, frameAddress + CORRELATION_ID_OFFSET, value);
        return this;
    }

    /**
     * @param value the hybrid-logical-clock timestamp.
     * @return this.
     */
    public FrameEncoder timestamp(final long value)
    {
        HeaderAccess.putLong(frameArray, frameAddress + TIMESTAMP_OFFSET, value);
        return this;
    }

    /**
     * @param value the source actor id.
     * @return this.
     */
    public FrameEncoder sourceActorId(final int value)
    {
        HeaderAccess.putInt(frameArray, frameAddress + SOURCE_ACTOR_ID_OFFSET, value);
        return this;
    }

    /**
     * @param value the target actor id.
     * @return this.
     */
    public FrameEncoder targetActorId(final int value)
    {
        HeaderAccess.putInt(frameArray, frameAddress + TARGET_ACTOR_ID_OFFSET, value);
        return this;
    }

    /**
     * @param type the message type.
     * @return this.
     */
    public FrameEncoder messageType(final MessageType type)
    {
        HeaderAccess.putByte(frameArray, frameAddress + MESSAGE_TYPE_OFFSET, type.code());
        return this;
    }

    /**
     * @param value the priority, 0 to 255.
     * @return this.
     * @throws IllegalArgumentException when out of range.
     */
    public FrameEncoder priority(final int value)
    {
        HeaderAccess.putByte(frameArray, frameAddress + PRIORITY_OFFSET, checkUnsignedByte("priority", value));
        return this;
    }

    /**
     * Writes the reserved byte (0); {@link #seal()} does it too.
     *
     * @return this.
     */
    public FrameEncoder reserved()
    {
        HeaderAccess.putByte(frameArray, frameAddress + RESERVED_OFFSET, (byte)0);
        return this;
    }

    /**
     * @param value high 64 bits of the trace id.
     * @return this.
     */
    public FrameEncoder traceIdHigh(final long value)
    {
        HeaderAccess.putLong(frameArray, frameAddress + TRACE_ID_HIGH_OFFSET, value);
        return this;
    }

    /**
     * @param value low 64 bits of the trace id.
     * @return this.
     */
    public FrameEncoder traceIdLow(final long value)
    {
        HeaderAccess.putLong(frameArray, frameAddress + TRACE_ID_LOW_OFFSET, value);
        return this;
    }

    /**
     * @param value the span id.
     * @return this.
     */
    public FrameEncoder spanId(final long value)
    {
        HeaderAccess.putLong(frameArray, frameAddress + SPAN_ID_OFFSET, value);
        return this;
    }

    /**
     * @param value the parent span id.
     * @return this.
     */
    public FrameEncoder parentSpanId(final long value)
    {
        HeaderAccess.putLong(frameArray, frameAddress + PARENT_SPAN_ID_OFFSET, value);
        return this;
    }

    /**
     * @param value the W3C trace flags, 0 to 255.
     * @return this.
     * @throws IllegalArgumentException when out of range.
     */
    public FrameEncoder traceFlags(final int value)
    {
        HeaderAccess.putByte(frameArray, frameAddress + TRACE_FLAGS_OFFSET, checkUnsignedByte("traceFlags", value));
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
        payloadLength(length); // checks the frame's room in this buffer
        src.boundsCheck(srcOffset, length);
        final byte[] srcArray = src.byteArray();
        final long from = src.addressOffset() + srcOffset;
        final byte[] dstArray = frameArray;
        final long to = frameAddress + PAYLOAD_OFFSET;
        if (length > WORD_COPY_MAX_LENGTH || (srcArray == dstArray && Math.abs(from - to) < length))
        {
            UnsafeApi.copyMemory(srcArray, from, dstArray, to, length);
        }
        else
        {
            // A payload of a few hundred bytes is copied a long at a time: cheaper than the call of a copy stub, and
            // a payload the sender has just written with 8-byte stores (a reply built in the scratch buffer) is read
            // back with loads of the same width, which the store buffer forwards; a wider copy's loads would stall
            // until those stores had reached the cache.
            int i = 0;
            for (; i <= length - 8; i += 8)
            {
                UnsafeApi.putLong(dstArray, to + i, UnsafeApi.getLong(srcArray, from + i));
            }
            for (; i < length; i++)
            {
                UnsafeApi.putByte(dstArray, to + i, UnsafeApi.getByte(srcArray, from + i));
            }
        }
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
        HeaderAccess.putInt(frameArray, frameAddress + PAYLOAD_LENGTH_OFFSET, length);
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
        HeaderAccess.putInt(frameArray, frameAddress + PAYLOAD_LENGTH_OFFSET, payloadLength);
        HeaderAccess.putByte(frameArray, frameAddress + RESERVED_OFFSET, (byte)0);
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
