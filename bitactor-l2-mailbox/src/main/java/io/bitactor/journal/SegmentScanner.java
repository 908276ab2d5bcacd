package io.bitactor.journal;

import io.bitactor.core.FrameDecoder;
import io.bitactor.core.FrameDescriptor;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

import static io.bitactor.journal.JournalDescriptor.*;

/**
 * Walks the records of one segment (see {@link JournalDescriptor}), trusting nothing: every frame is verified
 * (lengths and CRC32C), a claimed-but-uncommitted region is skipped by its claimed length, and after anything
 * implausible the walk searches forward, record boundary by record boundary, for the next record whose frame
 * verifies. Used by recovery and by {@link JournalReader}.
 * <p>
 * Not thread-safe: one scanner per thread.
 */
final class SegmentScanner
{
    /** What a scan reports. */
    interface Visitor
    {
        /**
         * A committed record whose frame verified.
         *
         * @param recordOffset offset of the record.
         * @param state        its state word.
         * @param buffer       the segment.
         * @param frameOffset  offset of the frame.
         * @param frameLength  length of the frame.
         */
        void onRecord(long recordOffset, int state, UnsafeBuffer buffer, int frameOffset, int frameLength);

        /**
         * A region skipped: a record whose frame failed verification, a claim never committed, or unreadable
         * bytes before the next valid record.
         *
         * @param offset where the region starts.
         * @param length its length.
         * @param what   what it was.
         */
        void onSkipped(long offset, long length, String what);
    }

    private final FrameDecoder decoder = new FrameDecoder(FrameDescriptor.MAX_PAYLOAD_LENGTH);

    /**
     * Scans records from {@code start} to {@code limit}.
     *
     * @param buffer  the segment.
     * @param start   a record offset to start at.
     * @param limit   the end of the readable bytes.
     * @param visitor receives records and skipped regions.
     * @return the offset where data ends: after it no record verifies, so any non-zero byte from there to
     * {@code limit} is a torn tail.
     */
    long scan(final UnsafeBuffer buffer, final long start, final long limit, final Visitor visitor)
    {
        long offset = start;
        while (offset + RECORD_HEADER_LENGTH <= limit)
        {
            final int lengthWord = buffer.getIntVolatile((int)offset + LENGTH_OFFSET);
            final int state = buffer.getIntVolatile((int)offset + STATE_OFFSET);
            if (lengthWord > 0 && state == PADDING && offset + lengthWord <= limit &&
                ((offset + lengthWord) & (RECORD_ALIGNMENT - 1)) == 0)
            {
                offset += lengthWord;
                continue;
            }
            if (lengthWord > 0 && isRecord(buffer, offset, lengthWord, limit))
            {
                visitor.onRecord(offset, state, buffer, (int)offset + FRAME_OFFSET, lengthWord - RECORD_HEADER_LENGTH);
                offset = nextRecordOffset(offset, lengthWord);
                continue;
            }
            if (lengthWord < 0 && -lengthWord >= RECORD_ALIGNMENT && (-lengthWord & (RECORD_ALIGNMENT - 1)) == 0 &&
                offset - lengthWord <= limit && nextValid(buffer, offset - lengthWord, limit) == offset - lengthWord)
            {
                visitor.onSkipped(offset, -lengthWord, "claimed, never committed");
                offset -= lengthWord;
                continue;
            }
            final long next = nextValid(buffer, offset + RECORD_ALIGNMENT, limit);
            if (next < 0)
            {
                return offset; // nothing valid follows: the rest is a torn tail (or never written)
            }
            visitor.onSkipped(offset, next - offset, lengthWord > 0 ?
                "record failing verification (length or CRC32C)" : "unreadable bytes before the next valid record");
            offset = next;
        }
        return Math.min(offset, limit);
    }

    /**
     * The extent of a torn tail: the bytes from {@code end} (what {@link #scan} returned) up to and including the
     * last non-zero byte before {@code limit}. Only reads.
     *
     * @param buffer the segment.
     * @param end    where data ends.
     * @param limit  the end of the readable bytes.
     * @return the torn tail's length in bytes, 0 if every byte from {@code end} on is zero.
     */
    static long tornTailLength(final UnsafeBuffer buffer, final long end, final long limit)
    {
        long lastNonZero = -1;
        long i = end;
        for (; i + 8 <= limit; i += 8)
        {
            final long word = buffer.getLong((int)i, ByteOrder.LITTLE_ENDIAN);
            if (word != 0)
            {
                lastNonZero = i + 7 - (Long.numberOfLeadingZeros(word) >>> 3); // its highest non-zero byte
            }
        }
        for (; i < limit; i++)
        {
            if (buffer.getByte((int)i) != 0)
            {
                lastNonZero = i;
            }
        }
        return lastNonZero < 0 ? 0 : lastNonZero + 1 - end;
    }

    /**
     * The offset of the next record at or after {@code from} whose frame verifies, or -1.
     */
    private long nextValid(final UnsafeBuffer buffer, final long from, final long limit)
    {
        for (long offset = from; offset + RECORD_HEADER_LENGTH <= limit; offset += RECORD_ALIGNMENT)
        {
            final int lengthWord = buffer.getIntVolatile((int)offset + LENGTH_OFFSET);
            if (lengthWord > 0 && buffer.getIntVolatile((int)offset + STATE_OFFSET) == PADDING &&
                offset + lengthWord <= limit && ((offset + lengthWord) & (RECORD_ALIGNMENT - 1)) == 0)
            {
                return offset;
            }
            if (lengthWord > 0 && isRecord(buffer, offset, lengthWord, limit))
            {
                return offset;
            }
        }
        return -1;
    }

    private boolean isRecord(final UnsafeBuffer buffer, final long offset, final int lengthWord, final long limit)
    {
        final int frameLength = lengthWord - RECORD_HEADER_LENGTH;
        if (frameLength < FrameDescriptor.frameLength(0) || offset + lengthWord > limit)
        {
            return false;
        }
        // The frame must fill the record exactly, as appenders write it: the decoder also accepts a region padded
        // to 8 bytes, so a damaged length word grown by up to 7 bytes would otherwise pass and deliver those bytes.
        return decoder.wrap(buffer, (int)offset + FRAME_OFFSET, frameLength).verify().isValid() &&
            frameLength == FrameDescriptor.frameLength(decoder.payloadLength());
    }
}
