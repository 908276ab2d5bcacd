package io.bitactor.core;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.UnsafeApi;

import java.nio.ByteOrder;

/**
 * Little-endian reads and writes of a frame header at an address checked once, when a flyweight is wrapped.
 * <p>
 * Agrona's {@code UnsafeBuffer} checks the bounds of every access (unless {@code agrona.disable.bounds.checks} is
 * set for the whole JVM). A frame header is read or written a field at a time, some twenty accesses per message, all
 * within {@link FrameDescriptor#HEADER_LENGTH} bytes of the frame's start: {@link FrameDecoder} and
 * {@link FrameEncoder} check once at {@code wrap} that those bytes lie inside the buffer, keep the buffer's array
 * and address, and access the fields through these methods, without a check each. That is the contract of
 * {@code UnsafeBuffer} itself, one level up: the region is checked when it is wrapped; re-wrapping or freeing the
 * buffer's memory while a flyweight still points at it is a misuse (wrap the flyweight again instead).
 * <p>
 * <b>Threads:</b> stateless; any thread.
 */
final class HeaderAccess
{
    private static final boolean NATIVE_LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    /** A header of zeros, read when a decoder is wrapped at a position with no room for a header. */
    private static final byte[] NO_HEADER = new byte[FrameDescriptor.HEADER_LENGTH];

    /** The address {@link #NO_HEADER} is read at. */
    static final long NO_HEADER_ADDRESS = BufferUtil.ARRAY_BASE_OFFSET;

    private HeaderAccess()
    {
    }

    /**
     * Whether a whole header fits at {@code offset}.
     *
     * @param buffer the buffer.
     * @param offset the frame's offset.
     * @return true if {@code [offset, offset + HEADER_LENGTH)} lies inside the buffer.
     */
    static boolean headerFits(final DirectBuffer buffer, final int offset)
    {
        return offset >= 0 && offset <= buffer.capacity() - FrameDescriptor.HEADER_LENGTH;
    }

    /**
     * The array a decoder reads a header from when {@link #headerFits} is false: zeros, never written.
     *
     * @return the shared zero header.
     */
    static byte[] noHeader()
    {
        return NO_HEADER;
    }

    static long getLong(final byte[] array, final long address)
    {
        final long value = UnsafeApi.getLong(array, address);
        return NATIVE_LITTLE_ENDIAN ? value : Long.reverseBytes(value);
    }

    static int getInt(final byte[] array, final long address)
    {
        final int value = UnsafeApi.getInt(array, address);
        return NATIVE_LITTLE_ENDIAN ? value : Integer.reverseBytes(value);
    }

    static byte getByte(final byte[] array, final long address)
    {
        return UnsafeApi.getByte(array, address);
    }

    static void putLong(final byte[] array, final long address, final long value)
    {
        UnsafeApi.putLong(array, address, NATIVE_LITTLE_ENDIAN ? value : Long.reverseBytes(value));
    }

    static void putInt(final byte[] array, final long address, final int value)
    {
        UnsafeApi.putInt(array, address, NATIVE_LITTLE_ENDIAN ? value : Integer.reverseBytes(value));
    }

    static void putByte(final byte[] array, final long address, final byte value)
    {
        UnsafeApi.putByte(array, address, value);
    }
}
