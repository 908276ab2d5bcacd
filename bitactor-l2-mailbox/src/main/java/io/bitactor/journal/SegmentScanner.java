package io.bitactor.journal;

import io.bitactor.core.FrameDecoder;
import io.bitactor.core.FrameDescriptor;
import org.agrona.BitUtil;
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
         * @param state        its effective state ({@link JournalDescriptor#HANDLED} when its ack says so, else its
         *                     state word, or a {@link JournalDescriptor#DAMAGED_ACK} state for a damaged ack).
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
     * Scans records from {@code start} to the end of the record area (or of the file, if it was cut short before).
     *
     * @param buffer     the segment (its capacity is the file's length).
     * @param tag        the segment's tag ({@link JournalDescriptor#tag(long)}).
     * @param recordsEnd the end of the segment's record area ({@link JournalDescriptor#recordsEnd(long)} of the
     *                   header's segment length), where its ack area starts.
     * @param start      a record offset to start at.
     * @param visitor    receives records and skipped regions.
     * @return the offset where data ends: after it no record of this segment verifies.
     */
    long scan(final UnsafeBuffer buffer, final int tag, final long recordsEnd, final long start, final Visitor visitor)
    {
        final long limit = Math.min(recordsEnd, buffer.capacity());
        long offset = start;
        while (offset + RECORD_HEADER_LENGTH <= limit)
        {
            final int lengthWord = buffer.getIntVolatile((int)offset + LENGTH_OFFSET);
            final int state = buffer.getIntVolatile((int)offset + STATE_OFFSET);
            if (isPadding(lengthWord, state, tag, offset, limit))
            {
                offset += lengthOf(lengthWord);
                continue;
            }
            if (isCommitted(lengthWord, tag) && isRecord(buffer, offset, lengthOf(lengthWord), limit))
            {
                visitor.onRecord(offset, effectiveState(buffer, recordsEnd, offset, state), buffer,
                    (int)offset + FRAME_OFFSET, lengthOf(lengthWord) - RECORD_HEADER_LENGTH);
                offset = nextRecordOffset(offset, lengthWord);
                continue;
            }
            final int claimed = lengthOf(lengthWord);
            if (isClaimed(lengthWord, tag) && claimed >= RECORD_ALIGNMENT && (claimed & (RECORD_ALIGNMENT - 1)) == 0 &&
                offset + claimed <= limit && nextValid(buffer, tag, offset + claimed, limit) == offset + claimed)
            {
                visitor.onSkipped(offset, claimed, "claimed, never committed");
                offset += claimed;
                continue;
            }
            final long next = nextValid(buffer, tag, offset + RECORD_ALIGNMENT, limit);
            if (next < 0)
            {
                return offset; // nothing valid follows: the rest is a torn tail, never written, or left over
            }
            visitor.onSkipped(offset, next - offset, isCommitted(lengthWord, tag) ?
                "record failing verification (length or CRC32C)" : "unreadable bytes before the next valid record");
            offset = next;
        }
        return Math.min(offset, limit);
    }

    /**
     * The extent of a segment's torn tail, for a file that may hold records of earlier uses after its own (see
     * {@link JournalDescriptor#mayHoldLeftovers}): the run of regions from {@code end} that this segment's appenders
     * claimed (claim or commit words with its tag), which {@link #scan} did not take as records. What follows them
     * was written by earlier uses (other tags) and is not part of this segment. For a file without leftovers it is
     * {@link #tornTailLength(UnsafeBuffer, long, long)}. Only reads.
     *
     * @param buffer the segment.
     * @param tag    the segment's tag.
     * @param end    where data ends.
     * @param limit  the end of the readable bytes.
     * @return the torn tail's length in bytes.
     */
    static long tornTailLength(final UnsafeBuffer buffer, final int tag, final long end, final long limit)
    {
        if (!JournalDescriptor.mayHoldLeftovers(buffer))
        {
            return tornTailLength(buffer, end, limit);
        }
        long offset = end;
        while (offset + RECORD_HEADER_LENGTH <= limit)
        {
            final int lengthWord = buffer.getIntVolatile((int)offset + LENGTH_OFFSET);
            final long next = BitUtil.align((long)lengthOf(lengthWord), RECORD_ALIGNMENT);
            if (!(isClaimed(lengthWord, tag) || isCommitted(lengthWord, tag)) || next > limit - offset)
            {
                break;
            }
            offset += next;
        }
        return offset - end;
    }

    /**
     * The extent of a torn tail: the bytes from {@code end} (what {@link #scan} returned) up to and including the
     * last non-zero byte before {@code limit} (segment files are zero where nothing was written). Only reads.
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

    private boolean isPadding(final int lengthWord, final int state, final int tag, final long offset, final long limit)
    {
        final int length = lengthOf(lengthWord);
        return state == PADDING && isCommitted(lengthWord, tag) && offset + length <= limit &&
            ((offset + length) & (RECORD_ALIGNMENT - 1)) == 0;
    }

    /**
     * The offset of the next record or padding of this segment at or after {@code from} that verifies, or -1.
     */
    private long nextValid(final UnsafeBuffer buffer, final int tag, final long from, final long limit)
    {
        for (long offset = from; offset + RECORD_HEADER_LENGTH <= limit; offset += RECORD_ALIGNMENT)
        {
            final int lengthWord = buffer.getIntVolatile((int)offset + LENGTH_OFFSET);
            if (!isCommitted(lengthWord, tag))
            {
                continue;
            }
            if (isPadding(lengthWord, buffer.getIntVolatile((int)offset + STATE_OFFSET), tag, offset, limit) ||
                isRecord(buffer, offset, lengthOf(lengthWord), limit))
            {
                return offset;
            }
        }
        return -1;
    }

    private boolean isRecord(final UnsafeBuffer buffer, final long offset, final int length, final long limit)
    {
        final int frameLength = length - RECORD_HEADER_LENGTH;
        if (frameLength < FrameDescriptor.frameLength(0) || offset + length > limit)
        {
            return false;
        }
        // The frame must fill the record exactly, as appenders write it: the decoder also accepts a region padded
        // to 8 bytes, so a damaged length word grown by up to 7 bytes would otherwise pass and deliver those bytes.
        return decoder.wrap(buffer, (int)offset + FRAME_OFFSET, frameLength).verify().isValid() &&
            frameLength == FrameDescriptor.frameLength(decoder.payloadLength());
    }
}
