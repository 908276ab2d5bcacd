package io.bitactor.core;

import org.agrona.BitUtil;
import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * The layout of a BitActor frame: a fixed 72-byte little-endian header, the payload, and a CRC32C over both.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                        Message Id (u64)                       |  0
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                      Correlation Id (u64)                     |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |             Timestamp (u64, hybrid logical clock)             | 16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                      Source Actor Id (u32)                    | 24
 *  +---------------------------------------------------------------+
 *  |                      Target Actor Id (u32)                    | 28
 *  +---------------------------------------------------------------+
 *  |                      Payload Length (i32)                     | 32
 *  +---------------+---------------+---------------+---------------+
 *  |  Message Type |   Priority    |  Trace Flags  | Reserved (0)  | 36
 *  +---------------+---------------+---------------+---------------+
 *  |               Trace Id, high 64 bits (W3C, u64)               | 40
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                Trace Id, low 64 bits (W3C, u64)               | 48
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                         Span Id (u64)                         | 56
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                      Parent Span Id (u64)                     | 64
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                     Payload (0 .. limit bytes)               ...  72
 * ...                                                              |
 *  +---------------------------------------------------------------+
 *  |          CRC32C of every byte above (u32)                     |  72 + payload length
 *  +---------------------------------------------------------------+
 * </pre>
 * All multi-byte fields are little-endian. Everything a router or a dispatcher needs (ids, target, length, type)
 * is in the first 40 bytes, so a frame that starts on a cache line is routed and dispatched from that one line.
 * A frame occupies {@link #frameLength(int)} bytes; a region padded to {@link #FRAME_ALIGNMENT}
 * ({@link #alignedFrameLength(int)}) is accepted too. Static readers take the buffer and the frame's offset; they
 * never allocate and may be called from any thread that may read the buffer.
 */
public final class FrameDescriptor
{
    /** Offset of the message id. */
    public static final int MESSAGE_ID_OFFSET = 0;
    /** Offset of the correlation id. */
    public static final int CORRELATION_ID_OFFSET = 8;
    /** Offset of the hybrid-logical-clock timestamp. */
    public static final int TIMESTAMP_OFFSET = 16;
    /** Offset of the source actor id. */
    public static final int SOURCE_ACTOR_ID_OFFSET = 24;
    /** Offset of the target actor id. */
    public static final int TARGET_ACTOR_ID_OFFSET = 28;
    /** Offset of the high 64 bits of the trace id. */
    public static final int TRACE_ID_HIGH_OFFSET = 40;
    /** Offset of the low 64 bits of the trace id. */
    public static final int TRACE_ID_LOW_OFFSET = 48;
    /** Offset of the span id. */
    public static final int SPAN_ID_OFFSET = 56;
    /** Offset of the parent span id. */
    public static final int PARENT_SPAN_ID_OFFSET = 64;
    /** Offset of the message type code. */
    public static final int MESSAGE_TYPE_OFFSET = 36;
    /** Offset of the priority. */
    public static final int PRIORITY_OFFSET = 37;
    /** Offset of the W3C trace flags. */
    public static final int TRACE_FLAGS_OFFSET = 38;
    /** Offset of the reserved byte, always 0. */
    public static final int RESERVED_OFFSET = 39;
    /** Offset of the payload length. */
    public static final int PAYLOAD_LENGTH_OFFSET = 32;
    /** Length of the header. */
    public static final int HEADER_LENGTH = 72;
    /** Offset of the payload. */
    public static final int PAYLOAD_OFFSET = HEADER_LENGTH;
    /** Length of the trailing CRC32C. */
    public static final int CRC_LENGTH = 4;
    /** Alignment of padded frame regions. */
    public static final int FRAME_ALIGNMENT = 8;
    /** Default payload limit: the seed's 128 bytes. */
    public static final int DEFAULT_MAX_PAYLOAD_LENGTH = 128;
    /** Hard maximum of any configured payload limit: 64 KiB. */
    public static final int MAX_PAYLOAD_LENGTH = 65_536;

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private FrameDescriptor()
    {
    }

    /**
     * Length of a frame with a given payload length.
     *
     * @param payloadLength the payload length.
     * @return header + payload + CRC.
     */
    public static int frameLength(final int payloadLength)
    {
        return HEADER_LENGTH + payloadLength + CRC_LENGTH;
    }

    /**
     * Frame length rounded up to {@link #FRAME_ALIGNMENT}.
     *
     * @param payloadLength the payload length.
     * @return the aligned length.
     */
    public static int alignedFrameLength(final int payloadLength)
    {
        return BitUtil.align(frameLength(payloadLength), FRAME_ALIGNMENT);
    }

    /**
     * Offset of the CRC relative to the frame start.
     *
     * @param payloadLength the payload length.
     * @return the CRC offset.
     */
    public static int crcOffset(final int payloadLength)
    {
        return HEADER_LENGTH + payloadLength;
    }

    /**
     * Largest aligned frame for a payload limit.
     *
     * @param maxPayloadLength the payload limit.
     * @return the aligned frame length.
     */
    public static int maxFrameLength(final int maxPayloadLength)
    {
        return alignedFrameLength(maxPayloadLength);
    }

    /**
     * Validates a payload limit.
     *
     * @param maxPayloadLength the limit.
     * @throws IllegalArgumentException if outside {@code [0, MAX_PAYLOAD_LENGTH]}.
     */
    public static void checkMaxPayloadLength(final int maxPayloadLength)
    {
        if (maxPayloadLength < 0 || maxPayloadLength > MAX_PAYLOAD_LENGTH)
        {
            throw new IllegalArgumentException("maxPayloadLength must be in [0, " + MAX_PAYLOAD_LENGTH +
                "] but was " + maxPayloadLength);
        }
    }

    /**
     * @param buffer      holding the frame.
     * @param frameOffset of the frame.
     * @return the message id.
     */
    public static long messageId(final DirectBuffer buffer, final int frameOffset)
    {
        return buffer.getLong(frameOffset + MESSAGE_ID_OFFSET, ORDER);
    }

    /**
     * @param buffer      holding the frame.
     * @param frameOffset of the frame.
     * @return the correlation id.
     */
    public static long correlationId(final DirectBuffer buffer, final int frameOffset)
    {
        return buffer.getLong(frameOffset + CORRELATION_ID_OFFSET, ORDER);
    }

    /**
     * @param buffer      holding the frame.
     * @param frameOffset of the frame.
     * @return the hybrid-logical-clock timestamp.
     */
    public static long timestamp(final DirectBuffer buffer, final int frameOffset)
    {
        return buffer.getLong(frameOffset + TIMESTAMP_OFFSET, ORDER);
    }

    /**
     * @param buffer      holding the frame.
     * @param frameOffset of the frame.
     * @return the source actor id.
     */
    public static int sourceActorId(final DirectBuffer buffer, final int frameOffset)
    {
        return buffer.getInt(frameOffset + SOURCE_ACTOR_ID_OFFSET, ORDER);
    }

    /**
     * @param buffer      holding the frame.
     * @param frameOffset of the frame.
     * @return the target actor id.
     */
    public static int targetActorId(final DirectBuffer buffer, final int frameOffset)
    {
        return buffer.getInt(frameOffset + TARGET_ACTOR_ID_OFFSET, ORDER);
    }

    /**
     * @param buffer      holding the frame.
     * @param frameOffset of the frame.
     * @return the high 64 bits of the trace id.
     */
    public static long traceIdHigh(final DirectBuffer buffer, final int frameOffset)
    {
        return buffer.getLong(frameOffset + TRACE_ID_HIGH_OFFSET, ORDER);
    }

    /**
     * @param buffer      holding the frame.
     * @param frameOffset of the frame.
     * @return the low 64 bits of the trace id.
     */
    public static long traceIdLow(final DirectBuffer buffer, final int frameOffset)
    {
        return buffer.getLong(frameOffset + TRACE_ID_LOW_OFFSET, ORDER);
    }

    /**
     * @param buffer      holding the frame.
     * @param frameOffset of the frame.
     * @return the span id.
     */
    public static long spanId(final DirectBuffer buffer, final int frameOffset)
    {
        return buffer.getLong(frameOffset + SPAN_ID_OFFSET, ORDER);
    }

    /**
     * @param buffer      holding the frame.
     * @param frameOffset of the frame.
     * @return the parent span id.
     */
    public static long parentSpanId(final DirectBuffer buffer, final int frameOffset)
    {
        return buffer.getLong(frameOffset + PARENT_SPAN_ID_OFFSET, ORDER);
    }

    /**
     * @param buffer      holding the frame.
     * @param frameOffset of the frame.
     * @return the message type code (see {@link MessageType#fromCode(int)}).
     */
    public static byte messageTypeCode(final DirectBuffer buffer, final int frameOffset)
    {
        return buffer.getByte(frameOffset + MESSAGE_TYPE_OFFSET);
    }

    /**
     * @param buffer      holding the frame.
     * @param frameOffset of the frame.
     * @return the priority, 0 to 255.
     */
    public static int priority(final DirectBuffer buffer, final int frameOffset)
    {
        return buffer.getByte(frameOffset + PRIORITY_OFFSET) & 0xFF;
    }

    /**
     * @param buffer      holding the frame.
     * @param frameOffset of the frame.
     * @return the W3C trace flags, 0 to 255.
     */
    public static int traceFlags(final DirectBuffer buffer, final int frameOffset)
    {
        return buffer.getByte(frameOffset + TRACE_FLAGS_OFFSET) & 0xFF;
    }

    /**
     * @param buffer      holding the frame.
     * @param frameOffset of the frame.
     * @return the declared payload length (unverified).
     */
    public static int payloadLength(final DirectBuffer buffer, final int frameOffset)
    {
        return buffer.getInt(frameOffset + PAYLOAD_LENGTH_OFFSET, ORDER);
    }
}
