package io.bitactor.core;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

import static io.bitactor.core.FrameDescriptor.*;

/**
 * Flyweight that reads a frame (see {@link FrameDescriptor}) from a {@link DirectBuffer}. Call {@link #verify()}
 * before trusting any field: it checks lengths, type, reserved byte and CRC32C without allocating.
 * <p>
 * Header fields are read without a bounds check each: {@link #wrap} checks once that a whole header lies inside
 * the buffer and keeps the buffer's array and address, as {@code UnsafeBuffer} does for its own region. Re-wrap the
 * decoder after re-wrapping or releasing the buffer's memory. Where no header fits, the header fields read as 0
 * (and {@link #verify()} answers {@link FrameVerification#TRUNCATED}). Payload bytes are read through
 * {@link #buffer()}, checked as usual.
 * <p>
 * <b>Threads:</b> not thread-safe; one decoder per thread.
 */
public final class FrameDecoder
{
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private final int maxPayloadLength;
    private final FrameChecksum checksum = new FrameChecksum();
    private DirectBuffer buffer;
    private int offset;
    private int length;
    // Where the header is read (see the class comment): the buffer's array (null off-heap) and the header's address.
    private byte[] headerArray;
    private long headerAddress;

    /**
     * A decoder with the default 128-byte payload limit.
     */
    public FrameDecoder()
    {
        this(DEFAULT_MAX_PAYLOAD_LENGTH);
    }

    /**
     * A decoder with a payload limit.
     *
     * @param maxPayloadLength the limit, 0 to {@link FrameDescriptor#MAX_PAYLOAD_LENGTH}.
     */
    public FrameDecoder(final int maxPayloadLength)
    {
        checkMaxPayloadLength(maxPayloadLength);
        this.maxPayloadLength = maxPayloadLength;
    }

    /**
     * Points the decoder at a frame region.
     *
     * @param buffer holding the frame.
     * @param offset of the frame.
     * @param length of the region.
     * @return this.
     */
    public FrameDecoder wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        if (HeaderAccess.headerFits(buffer, offset))
        {
            headerArray = buffer.byteArray();
            headerAddress = buffer.addressOffset() + offset;
        }
        else
        {
            headerArray = HeaderAccess.noHeader();
            headerAddress = HeaderAccess.NO_HEADER_ADDRESS;
        }
        return this;
    }

    /**
     * Checks, in order: truncation, payload length, region length, type, reserved byte, CRC32C.
     *
     * @return {@link FrameVerification#VALID} or the first problem found.
     */
    public FrameVerification verify()
    {
        final int length = this.length;
        if (length < HEADER_LENGTH + CRC_LENGTH || offset < 0 || offset + length > buffer.capacity())
        {
            return FrameVerification.TRUNCATED;
        }
        final int payloadLength = payloadLength();
        if (payloadLength < 0 || payloadLength > maxPayloadLength)
        {
            return FrameVerification.PAYLOAD_TOO_LARGE;
        }
        final int frameLength = FrameDescriptor.frameLength(payloadLength);
        if (length < frameLength)
        {
            return FrameVerification.TRUNCATED;
        }
        if (length != frameLength && length != alignedFrameLength(payloadLength))
        {
            return FrameVerification.LENGTH_MISMATCH;
        }
        if (!MessageType.isValid(messageTypeCode()))
        {
            return FrameVerification.UNKNOWN_TYPE;
        }
        if (HeaderAccess.getByte(headerArray, headerAddress + RESERVED_OFFSET) != 0)
        {
            return FrameVerification.RESERVED_NOT_ZERO;
        }
        final int crcOffset = crcOffset(payloadLength);
        if (buffer.getInt(offset + crcOffset, ORDER) != checksum.compute(buffer, offset, crcOffset))
        {
            return FrameVerification.CRC_MISMATCH;
        }
        return FrameVerification.VALID;
    }

    /**
     * @return the wrapped buffer.
     */
    public DirectBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return the frame offset.
     */
    public int offset()
    {
        return offset;
    }

    /**
     * @return the frame length implied by the payload length.
     */
    public int frameLength()
    {
        return FrameDescriptor.frameLength(payloadLength());
    }

    /**
     * @return the message id.
     */
    public long messageId()
    {
        return HeaderAccess.getLong(headerArray, headerAddress + MESSAGE_ID_OFFSET);
    }

    /**
     * @return the correlation id.
     */
    public long correlationId()
    {
        return HeaderAccess.getLong(headerArray, headerAddress + CORRELATION_ID_OFFSET);
    }

    /**
     * @return the hybrid-logical-clock timestamp.
     */
    public long timestamp()
    {
        return HeaderAccess.getLong(headerArray, headerAddress + TIMESTAMP_OFFSET);
    }

    /**
     * @return the source actor id.
     */
    public int sourceActorId()
    {
        return HeaderAccess.getInt(headerArray, headerAddress + SOURCE_ACTOR_ID_OFFSET);
    }

    /**
     * @return the target actor id.
     */
    public int targetActorId()
    {
        return HeaderAccess.getInt(headerArray, headerAddress + TARGET_ACTOR_ID_OFFSET);
    }

    /**
     * @return the message type code.
     */
    public byte messageTypeCode()
    {
        return HeaderAccess.getByte(headerArray, headerAddress + MESSAGE_TYPE_OFFSET);
    }

    /**
     * @return the message type.
     * @throws IllegalStateException for an unknown code (verify first).
     */
    public MessageType messageType()
    {
        final byte code = messageTypeCode();
        if (!MessageType.isValid(code))
        {
            throw new IllegalStateException("unknown message type code " + code + ": verify() the frame first");
        }
        return MessageType.fromCode(code);
    }

    /**
     * @return the priority, 0 to 255.
     */
    public int priority()
    {
        return HeaderAccess.getByte(headerArray, headerAddress + PRIORITY_OFFSET) & 0xFF;
    }

    /**
     * @return high 64 bits of the trace id.
     */
    public long traceIdHigh()
    {
        return HeaderAccess.getLong(headerArray, headerAddress + TRACE_ID_HIGH_OFFSET);
    }

    /**
     * @return low 64 bits of the trace id.
     */
    public long traceIdLow()
    {
        return HeaderAccess.getLong(headerArray, headerAddress + TRACE_ID_LOW_OFFSET);
    }

    /**
     * @return the span id.
     */
    public long spanId()
    {
        return HeaderAccess.getLong(headerArray, headerAddress + SPAN_ID_OFFSET);
    }

    /**
     * @return the parent span id.
     */
    public long parentSpanId()
    {
        return HeaderAccess.getLong(headerArray, headerAddress + PARENT_SPAN_ID_OFFSET);
    }

    /**
     * @return the W3C trace flags, 0 to 255.
     */
    public int traceFlags()
    {
        return HeaderAccess.getByte(headerArray, headerAddress + TRACE_FLAGS_OFFSET) & 0xFF;
    }

    /**
     * @return the declared payload length.
     */
    public int payloadLength()
    {
        return HeaderAccess.getInt(headerArray, headerAddress + PAYLOAD_LENGTH_OFFSET);
    }

    /**
     * @return the absolute offset of the payload in {@link #buffer()}.
     */
    public int payloadOffset()
    {
        return offset + PAYLOAD_OFFSET;
    }

    /**
     * Copies the payload.
     *
     * @param dst       destination.
     * @param dstOffset where to write.
     */
    public void getPayload(final MutableDirectBuffer dst, final int dstOffset)
    {
        dst.putBytes(dstOffset, buffer, payloadOffset(), payloadLength());
    }

    /**
     * Copies the payload into a new array (allocates: a convenience off the hot path).
     *
     * @return the payload bytes.
     */
    public byte[] payloadAsBytes()
    {
        final byte[] bytes = new byte[payloadLength()];
        buffer.getBytes(payloadOffset(), bytes);
        return bytes;
    }
}
