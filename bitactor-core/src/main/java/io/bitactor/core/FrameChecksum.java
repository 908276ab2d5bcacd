package io.bitactor.core;

import org.agrona.DirectBuffer;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * CRC32C over a region of an Agrona buffer, through {@link CRC32C} (a JIT intrinsic), without allocating per call.
 * <ul>
 *   <li>Buffers over a {@code byte[]}: {@link CRC32C#update(byte[], int, int)} on the array.</li>
 *   <li>Buffers over a {@link ByteBuffer} (direct or mapped): {@link CRC32C#update(ByteBuffer)} on a duplicate that
 *       is created once per underlying buffer and repositioned per call. Duplicates are kept for up to
 *       {@value #VIEWS} buffers at once (by identity hash), so a consumer that verifies frames from a few sources in
 *       turn (a sender's slot slab, the journal's segments) allocates only when it first meets each.</li>
 *   <li>Buffers over a raw address: bytes are copied in chunks into a small scratch array (correct, slower).</li>
 * </ul>
 * <b>Threads:</b> not thread-safe; one instance per thread or per flyweight.
 */
public final class FrameChecksum
{
    private static final int SCRATCH_LENGTH = 256;
    /** Buffers whose duplicate is kept at once: a power of two. */
    private static final int VIEWS = 16;

    private final CRC32C crc = new CRC32C();
    private final ByteBuffer[] sources = new ByteBuffer[VIEWS];
    private final ByteBuffer[] views = new ByteBuffer[VIEWS];
    private ByteBuffer lastSource;
    private ByteBuffer lastView;
    private byte[] scratch;

    /**
     * CRC32C of {@code length} bytes at {@code offset}.
     *
     * @param buffer the buffer.
     * @param offset first byte.
     * @param length number of bytes.
     * @return the checksum as an int.
     */
    public int compute(final DirectBuffer buffer, final int offset, final int length)
    {
        buffer.boundsCheck(offset, length);
        final CRC32C crc = this.crc;
        crc.reset();
        final byte[] array = buffer.byteArray();
        if (null != array)
        {
            crc.update(array, buffer.wrapAdjustment() + offset, length);
            return (int)crc.getValue();
        }

        final ByteBuffer byteBuffer = buffer.byteBuffer();
        if (null != byteBuffer)
        {
            ByteBuffer view = lastView;
            if (byteBuffer != lastSource)
            {
                view = view(byteBuffer);
                lastSource = byteBuffer;
                lastView = view;
            }
            final int start = buffer.wrapAdjustment() + offset;
            view.limit(start + length).position(start);
            crc.update(view);
            return (int)crc.getValue();
        }

        if (null == scratch)
        {
            scratch = new byte[SCRATCH_LENGTH];
        }
        final byte[] scratch = this.scratch;
        int done = 0;
        while (done < length)
        {
            final int chunk = Math.min(SCRATCH_LENGTH, length - done);
            buffer.getBytes(offset + done, scratch, 0, chunk);
            crc.update(scratch, 0, chunk);
            done += chunk;
        }
        return (int)crc.getValue();
    }

    private ByteBuffer view(final ByteBuffer byteBuffer)
    {
        final int slot = System.identityHashCode(byteBuffer) & (VIEWS - 1);
        ByteBuffer view = views[slot];
        if (sources[slot] != byteBuffer)
        {
            sources[slot] = byteBuffer;
            view = byteBuffer.duplicate();
            views[slot] = view;
        }
        return view;
    }
}
