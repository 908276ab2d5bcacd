package io.bitactor.journal;

import org.agrona.BitUtil;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.zip.CRC32C;

/**
 * The layout of a journal segment file: a 64-byte header, then 64-byte aligned records, each holding one frame
 * (see {@link io.bitactor.core.FrameDescriptor}) exactly as it was routed, then the ack area, where consumers
 * acknowledge handled records. All fields are little-endian.
 * <pre>
 * Segment file of length L (the header's Segment Length), n = (L - 64) / 66 record slots:
 *  +--------------------+----------------------------------------+---------------------------+
 *  | Header (64 bytes)  | Records: n slots of 64 bytes           | Ack area: n shorts        |
 *  +--------------------+----------------------------------------+---------------------------+
 *  0                    64                          recordsEnd = 64 + 64 * n      64 + 66 * n <= L
 *   The ack of the record at offset o is the short at recordsEnd + 2 * ((o - 64) / 64).
 *

 * Segment header:
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 Magic "BAJOURNL" (8 bytes)                    |  0
 *  |                                                               |
 *  +-------------------------------+-------------------------------+
 *  |        Version (i32)          |     Header Length (i32)       |  8
 *  +-------------------------------+-------------------------------+
 *  |                     Segment Index (i64)                       | 16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                Segment Length (i64, file bytes)               | 24
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 Created (i64, epoch milliseconds)             | 32
 *  |                                                               |
 *  +-------------------------------+-------------------------------+
 *  |  Header CRC32C of bytes 0..39 |      Earlier Uses (i32)       | 40
 *  +-------------------------------+-------------------------------+
 *  |     Handled Mark (i64: every record below this offset is      | 48
 *  |     handled or cancelled; kept by the journal's agent)        |
 *  +---------------------------------------------------------------+
 *  |     Handled Mark Complement (i64, ~mark: a damaged mark is    | 56
 *  |     noticed and recovery scans the whole segment)             |
 *  +---------------------------------------------------------------+
 *
 * Record, at a 64-byte aligned offset:
 *  +-+-----------------------------+-------------------------------+
 *  |C|  Tag (14)  |  Length (17)   |          State (i32)          |  0
 *  +-+-----------------------------+-------------------------------+
 *  |           Frame (header, payload, CRC32C), as routed         ...  8
 * ...                                                              |
 *  +---------------------------------------------------------------+
 *  |     padding to the next 64-byte boundary (not read)           |
 *  +---------------------------------------------------------------+
 *   Length word (i32): bit 31 C = claimed, not committed yet; bits 30..17 the segment's tag; bits 16..0 a length.
 *
 * Ack area, at recordsEnd: one 16-bit ack per 64-byte record slot (only the ack of a record's first slot is read):
 *  +---------------+---------------+---------------+---------------+
 *  | Ack slot 0    | Ack slot 1    | Ack slot 2    | Ack slot 3    |  recordsEnd
 *  +---------------+---------------+---------------+---------------+
 *  |              ... 32 acks per 64-byte line ...                ...
 *   Ack (i16): 0 = not acknowledged; {@link #ACK} = handled; anything else is damage (read as pending).
 * </pre>
 * <b>Tag.</b> Each segment has a tag, {@code 1 + index % 16383}, stored in every record's length word: a word
 * whose tag is not the segment's own (from another segment's file, or a damaged word) is never taken for a
 * record. Files are zero-filled when created. A file reused for a later segment has its ack area zeroed, but its
 * record area only when needed: records left from the file's earlier uses may follow the new use's records, and
 * they are told apart by their tags. The journal zeroes the record area whenever one of those earlier uses could
 * share the new segment's tag (16,383 or more segments back), so a leftover never carries the tag of the segment
 * it is found in. <b>Earlier Uses</b> (header, offset 40 + 4) says how many segments back the oldest possible
 * leftover was written: 0 for a file whose record area was all zeros when its segment began. It is a reporting
 * aid only (outside the header's CRC): with it, recovery reports as a torn tail only the claims of the segment's
 * own use, not the leftovers after them; no record is ever accepted or refused by it.
 * <p>
 * <b>Commit protocol.</b> A writer claims {@code align(8 + frameLength, 64)} bytes, stores a claim word (C set, the
 * tag, the aligned length: a reader can skip the region) and the state {@link #PENDING}, writes the frame, then
 * publishes the commit word (the tag and the exact {@code 8 + frameLength}) with a store-release. A reader trusts
 * a record only when its commit word carries the segment's tag and its frame passes length and CRC32C
 * verification, so a torn write is always detected.
 * <p>
 * <b>State.</b> The state word is written by the sender only: {@link #PENDING} (0) when written; a sender whose
 * offer failed after the append stores {@link #CANCELLED}; {@link #PADDING} fills the end of a segment's record area.
 * States are 32-bit patterns far apart from each other and from 0, so a damaged state word is noticed and read as
 * pending (delivered again rather than lost).
 * <p>
 * <b>Ack.</b> The consumer that handled a frame does not write the record (a line the sender has just written: a
 * store there would pull the line across cores once per message); it stores {@link #ACK} into the record's ack
 * short in the ack area, compact lines that no sender writes. A record's <em>effective state</em>
 * ({@link #state(UnsafeBuffer, long, long)}) is {@link #HANDLED} when its ack is {@link #ACK}, else its state word;
 * an ack that is neither 0 nor {@link #ACK} is damage, read as a damaged state (pending: delivered again). Both bytes
 * of {@link #ACK} are non-zero, so no single damaged byte turns an unacknowledged 0 into an ack. A file cut short
 * before a record's ack leaves that record unacknowledged (pending).
 * <p>
 * Static helpers only; they never allocate and may be called from any thread that may access the buffer.
 */
public final class JournalDescriptor
{
    /** "BAJOURNL" read as a little-endian long. */
    public static final long MAGIC = 0x4C4E52554F4A4142L;
    /** Current layout version. */
    public static final int VERSION = 2;
    /** Bytes of the segment header. */
    public static final int HEADER_LENGTH = 64;
    /** Offset of the magic. */
    public static final int MAGIC_OFFSET = 0;
    /** Offset of the version. */
    public static final int VERSION_OFFSET = 8;
    /** Offset of the header length. */
    public static final int HEADER_LENGTH_OFFSET = 12;
    /** Offset of the segment index. */
    public static final int SEGMENT_INDEX_OFFSET = 16;
    /** Offset of the segment length. */
    public static final int SEGMENT_LENGTH_OFFSET = 24;
    /** Offset of the creation time. */
    public static final int CREATED_OFFSET = 32;
    /** Offset of the header's CRC32C, which covers bytes 0 to 39. */
    public static final int HEADER_CRC_OFFSET = 40;
    /**
     * Offset of the Earlier Uses count (i32): how many segments back the oldest record left in the file from an
     * earlier use may have been written; 0 when the record area was zero-filled for this segment.
     */
    public static final int EARLIER_USES_OFFSET = 44;
    /** Offset of the handled mark. */
    public static final int HANDLED_MARK_OFFSET = 48;
    /** Offset of the handled mark's bitwise complement. */
    public static final int HANDLED_MARK_CHECK_OFFSET = 56;

    /** Bits of the length in a length word. */
    public static final int LENGTH_BITS = 17;
    /** Mask of the length in a length word. */
    public static final int LENGTH_MASK = (1 << LENGTH_BITS) - 1;
    /** Number of distinct tags. */
    public static final int TAG_COUNT = 16383;
    /** The claim bit of a length word. */
    public static final int CLAIM_BIT = 0x8000_0000;

    /** Records start at multiples of this. */
    public static final int RECORD_ALIGNMENT = BitUtil.CACHE_LINE_LENGTH;
    /** Bytes of a record's header (length and state words). */
    public static final int RECORD_HEADER_LENGTH = 8;
    /** Offset of the length word in a record. */
    public static final int LENGTH_OFFSET = 0;
    /** Offset of the state word in a record. */
    public static final int STATE_OFFSET = 4;
    /** Offset of the frame in a record. */
    public static final int FRAME_OFFSET = RECORD_HEADER_LENGTH;

    /** The value of an ack short of a handled record ("AK"): both bytes non-zero and different. */
    public static final short ACK = 0x4B41;
    /** Bytes of one ack. */
    public static final int ACK_LENGTH = 2;
    /**
     * High half of the effective state of a record whose ack is damaged (neither 0 nor {@link #ACK}); the low half
     * is the damaged ack. Read as pending, like a damaged state word.
     */
    public static final int DAMAGED_ACK = 0xDA4B_0000;

    // The effective state of a record whose state word reads HANDLED (damage: never written there).
    private static final int DAMAGED_HANDLED_WORD = 0x8000_0000 | 0x4C444E48;

    /** State of a record written and not yet handled. */
    public static final int PENDING = 0;
    /**
     * Effective state of a record whose frame a consumer has handled ("HNDL"): its ack is {@link #ACK}. (Version 1
     * stored it into the state word; now it is only ever reported by {@link #state(UnsafeBuffer, long, long)}.)
     */
    public static final int HANDLED = 0x4C444E48;
    /** State of a record whose message was not accepted after all ("CNCL"): the sender saw a failed offer. */
    public static final int CANCELLED = 0x4C434E43;
    /** State of the record that fills the end of a segment ("PADD"). */
    public static final int PADDING = 0x44444150;

    /** Segment file names: {@code journal-} + 20-digit index + {@code .seg}. */
    public static final String FILE_PREFIX = "journal-";
    /** Segment file suffix. */
    public static final String FILE_SUFFIX = ".seg";

    private JournalDescriptor()
    {
    }

    /**
     * Aligned bytes a record for a frame takes.
     *
     * @param frameLength the frame's length.
     * @return the aligned record length.
     */
    public static int alignedRecordLength(final int frameLength)
    {
        return BitUtil.align(RECORD_HEADER_LENGTH + frameLength, RECORD_ALIGNMENT);
    }

    /**
     * Where a segment's record area ends and its ack area begins: {@code 64 + 64 * n} for the largest {@code n} with
     * {@code 64 + 64 * n + 2 * n <= segmentLength} (one ack short per 64-byte record slot).
     *
     * @param segmentLength the segment's length (the header's Segment Length).
     * @return the end of the record area (the header's length for a length too short to hold one slot).
     */
    public static long recordsEnd(final long segmentLength)
    {
        if (segmentLength < HEADER_LENGTH)
        {
            return HEADER_LENGTH;
        }
        return HEADER_LENGTH + RECORD_ALIGNMENT * ((segmentLength - HEADER_LENGTH) / (RECORD_ALIGNMENT + ACK_LENGTH));
    }

    /**
     * Offset of a record's ack short.
     *
     * @param segmentLength the segment's length (the header's Segment Length).
     * @param recordOffset  the record's offset, 64-byte aligned, below {@link #recordsEnd(long)}.
     * @return the offset of its ack.
     */
    public static long ackOffset(final long segmentLength, final long recordOffset)
    {
        return ackOffsetAt(recordsEnd(segmentLength), recordOffset);
    }

    /**
     * Offset of a record's ack short, from the end of the record area.
     *
     * @param recordsEnd   {@link #recordsEnd(long)} of the segment.
     * @param recordOffset the record's offset, 64-byte aligned.
     * @return {@code recordsEnd + 2 * ((recordOffset - 64) / 64)}.
     */
    static long ackOffsetAt(final long recordsEnd, final long recordOffset)
    {
        return recordsEnd + ACK_LENGTH * ((recordOffset - HEADER_LENGTH) / RECORD_ALIGNMENT);
    }

    /**
     * Offset of the record following one, from its commit or claim word.
     *
     * @param recordOffset offset of the record.
     * @param lengthWord   its length word.
     * @return the next record's offset.
     */
    public static long nextRecordOffset(final long recordOffset, final int lengthWord)
    {
        return recordOffset + BitUtil.align(lengthOf(lengthWord), RECORD_ALIGNMENT);
    }

    /**
     * The tag of a segment.
     *
     * @param segmentIndex the segment's index.
     * @return its tag, 1 to {@value #TAG_COUNT}.
     */
    public static int tag(final long segmentIndex)
    {
        return (int)(segmentIndex % TAG_COUNT) + 1;
    }

    /**
     * A commit word.
     *
     * @param tag    the segment's tag.
     * @param length the record's length ({@code 8 + frameLength}, or a padding record's length).
     * @return the word.
     */
    public static int commitWord(final int tag, final int length)
    {
        return (tag << LENGTH_BITS) | length;
    }

    /**
     * A claim word.
     *
     * @param tag           the segment's tag.
     * @param alignedLength the claimed bytes.
     * @return the word.
     */
    public static int claimWord(final int tag, final int alignedLength)
    {
        return CLAIM_BIT | (tag << LENGTH_BITS) | alignedLength;
    }

    /**
     * Whether a length word is a commit word of a segment (not a claim, not left over from a previous use).
     *
     * @param lengthWord the word.
     * @param tag        the segment's tag.
     * @return true if committed in this segment.
     */
    public static boolean isCommitted(final int lengthWord, final int tag)
    {
        return (lengthWord & ~LENGTH_MASK) == (tag << LENGTH_BITS) && (lengthWord & LENGTH_MASK) != 0;
    }

    /**
     * Whether a length word is a claim word of a segment.
     *
     * @param lengthWord the word.
     * @param tag        the segment's tag.
     * @return true if claimed (not committed) in this segment.
     */
    public static boolean isClaimed(final int lengthWord, final int tag)
    {
        return (lengthWord & ~LENGTH_MASK) == (CLAIM_BIT | (tag << LENGTH_BITS)) && (lengthWord & LENGTH_MASK) != 0;
    }

    /**
     * The length in a commit or claim word.
     *
     * @param lengthWord the word.
     * @return the length.
     */
    public static int lengthOf(final int lengthWord)
    {
        return lengthWord & LENGTH_MASK;
    }

    /**
     * The file name of a segment.
     *
     * @param segmentIndex the segment's index.
     * @return e.g. {@code journal-00000000000000000003.seg}.
     */
    public static String fileName(final long segmentIndex)
    {
        return FILE_PREFIX + String.format("%020d", segmentIndex) + FILE_SUFFIX;
    }

    /**
     * Parses a segment index from a file name.
     *
     * @param fileName a file name.
     * @return the index, or -1 if the name is not a segment's.
     */
    public static long segmentIndex(final String fileName)
    {
        if (!fileName.startsWith(FILE_PREFIX) || !fileName.endsWith(FILE_SUFFIX) ||
            fileName.length() != FILE_PREFIX.length() + 20 + FILE_SUFFIX.length())
        {
            return -1;
        }
        try
        {
            return Long.parseLong(fileName.substring(FILE_PREFIX.length(), FILE_PREFIX.length() + 20));
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }

    /**
     * Writes a segment header (the handled mark starts at the first record).
     *
     * @param buffer        the mapped segment.
     * @param segmentIndex  its index.
     * @param segmentLength its length in bytes.
     * @param createdMs     its creation time.
     */
    public static void writeHeader(
        final UnsafeBuffer buffer, final long segmentIndex, final long segmentLength, final long createdMs)
    {
        writeHeader(buffer, segmentIndex, segmentLength, createdMs, 0);
    }

    /**
     * Writes a segment header (the handled mark starts at the first record) for a file that may hold records of
     * earlier uses after this segment's own.
     *
     * @param buffer        the mapped segment.
     * @param segmentIndex  its index.
     * @param segmentLength its length in bytes.
     * @param createdMs     its creation time.
     * @param earlierUses   how many segments back the oldest leftover record may have been written, 0 to
     *                      {@value #TAG_COUNT} - 1 (0: the record area is all zeros).
     */
    public static void writeHeader(
        final UnsafeBuffer buffer, final long segmentIndex, final long segmentLength, final long createdMs,
        final int earlierUses)
    {
        if (earlierUses < 0 || earlierUses >= TAG_COUNT)
        {
            throw new IllegalArgumentException("earlierUses must be 0 to " + (TAG_COUNT - 1) + ": " + earlierUses);
        }
        buffer.putLong(MAGIC_OFFSET, MAGIC);
        buffer.putInt(VERSION_OFFSET, VERSION);
        buffer.putInt(HEADER_LENGTH_OFFSET, HEADER_LENGTH);
        buffer.putLong(SEGMENT_INDEX_OFFSET, segmentIndex);
        buffer.putLong(SEGMENT_LENGTH_OFFSET, segmentLength);
        buffer.putLong(CREATED_OFFSET, createdMs);
        buffer.putInt(HEADER_CRC_OFFSET, headerCrc(buffer));
        buffer.putInt(EARLIER_USES_OFFSET, earlierUses);
        putHandledMark(buffer, HEADER_LENGTH);
    }

    /**
     * Whether records of earlier uses of the file may follow the segment's own (the header's Earlier Uses is not
     * 0). A damaged count changes only what a recovery report calls a torn tail.
     *
     * @param buffer the mapped segment, its header checked.
     * @return true if leftovers are possible.
     */
    public static boolean mayHoldLeftovers(final UnsafeBuffer buffer)
    {
        return buffer.capacity() >= HEADER_LENGTH && buffer.getInt(EARLIER_USES_OFFSET) != 0;
    }

    /**
     * Records a segment's handled mark with its complement (the complement first: a process that dies between the
     * two stores leaves a pair that does not match, and recovery then scans the whole segment).
     *
     * @param buffer the mapped segment.
     * @param mark   the new mark.
     */
    public static void putHandledMark(final UnsafeBuffer buffer, final long mark)
    {
        buffer.putLongRelease(HANDLED_MARK_CHECK_OFFSET, ~mark);
        buffer.putLongRelease(HANDLED_MARK_OFFSET, mark);
    }

    /**
     * Checks a segment header.
     *
     * @param buffer          the mapped segment.
     * @param fileLength      the file's length.
     * @param expectedIndex   the index its name gives.
     * @return null if valid, else what is wrong.
     */
    public static String checkHeader(final UnsafeBuffer buffer, final long fileLength, final long expectedIndex)
    {
        if (fileLength < HEADER_LENGTH)
        {
            return "shorter than a segment header (" + fileLength + " bytes)";
        }
        if (buffer.getLong(MAGIC_OFFSET) != MAGIC)
        {
            return "not a BitActor journal segment (magic " + Long.toHexString(buffer.getLong(MAGIC_OFFSET)) + ")";
        }
        if (buffer.getInt(HEADER_CRC_OFFSET) != headerCrc(buffer))
        {
            return "segment header CRC32C mismatch";
        }
        if (buffer.getInt(VERSION_OFFSET) != VERSION || buffer.getInt(HEADER_LENGTH_OFFSET) != HEADER_LENGTH)
        {
            return "unsupported journal version " + buffer.getInt(VERSION_OFFSET);
        }
        if (buffer.getLong(SEGMENT_INDEX_OFFSET) != expectedIndex)
        {
            return "segment index " + buffer.getLong(SEGMENT_INDEX_OFFSET) + " does not match its file name";
        }
        final long segmentLength = buffer.getLong(SEGMENT_LENGTH_OFFSET);
        if (segmentLength < HEADER_LENGTH + RECORD_ALIGNMENT + ACK_LENGTH || segmentLength > Integer.MAX_VALUE)
        {
            return "implausible segment length " + segmentLength;
        }
        return null;
    }

    /**
     * The handled mark of a segment, or the first record's offset if the stored mark is not plausible or does not
     * match its complement (the mark is outside the header's CRC: it changes while the segment is in use).
     *
     * @param buffer     the mapped segment.
     * @param recordsEnd the end of its record area ({@link #recordsEnd(long)}): no mark lies beyond it.
     * @return the mark.
     */
    public static long handledMark(final UnsafeBuffer buffer, final long recordsEnd)
    {
        final long mark = buffer.getLongVolatile(HANDLED_MARK_OFFSET);
        return mark != ~buffer.getLongVolatile(HANDLED_MARK_CHECK_OFFSET) || mark < HEADER_LENGTH ||
            mark > recordsEnd || (mark & (RECORD_ALIGNMENT - 1)) != 0 ?
            HEADER_LENGTH : mark;
    }

    /**
     * Marks a record handled: stores {@link #ACK} into its ack short (not into the record: see the class comment).
     *
     * @param buffer       the mapped segment.
     * @param recordsEnd   {@link #recordsEnd(long)} of the segment.
     * @param recordOffset the record's offset.
     */
    public static void markHandled(final UnsafeBuffer buffer, final long recordsEnd, final int recordOffset)
    {
        final int at = (int)ackOffsetAt(recordsEnd, recordOffset);
        buffer.boundsCheck(at, ACK_LENGTH);
        // Store-release: ordered after everything the handler did on this thread (loads of the frame included), so
        // whoever sees the ack (the agent recording the handled mark, a recovery after a crash of the process, not
        // of the machine) also sees those effects. Nothing needs ordering after it: the settled count that lets
        // the agent remove the segment is published later by an atomic add. UnsafeBuffer has no putShortRelease,
        // so the release store goes straight through Agrona's UnsafeApi to the same address.
        UnsafeApi.putShortRelease(buffer.byteArray(), buffer.addressOffset() + at, ACK);
    }

    /**
     * The effective state of a record: {@link #HANDLED} if its ack is {@link #ACK}; {@link #DAMAGED_ACK} with the
     * ack in its low half if the ack is neither 0 nor {@link #ACK}; else its state word ({@link #PENDING},
     * {@link #CANCELLED}, {@link #PADDING}, or a damaged value, {@link #HANDLED} included: it is never stored there). An ack beyond the end of the buffer (a file cut
     * short) is unacknowledged.
     *
     * @param buffer        the mapped segment (its capacity is the file's length).
     * @param segmentLength the segment's length (the header's Segment Length).
     * @param recordOffset  the record's offset.
     * @return the effective state.
     */
    public static int state(final UnsafeBuffer buffer, final long segmentLength, final long recordOffset)
    {
        return effectiveState(
            buffer, recordsEnd(segmentLength), recordOffset, buffer.getIntVolatile((int)recordOffset + STATE_OFFSET));
    }

    /**
     * The effective state of a record from its state word and the ack found at {@code recordsEnd}.
     */
    static int effectiveState(
        final UnsafeBuffer buffer, final long recordsEnd, final long recordOffset, final int stateWord)
    {
        // HANDLED is never stored into a state word (only reported for an ack): a state word holding it is damage.
        final int word = stateWord == HANDLED ? DAMAGED_HANDLED_WORD : stateWord;
        final long at = ackOffsetAt(recordsEnd, recordOffset);
        if (at + ACK_LENGTH > buffer.capacity())
        {
            return word; // the file was cut short before the ack: not acknowledged
        }
        final short ack = buffer.getShortVolatile((int)at);
        if (ack == ACK)
        {
            return HANDLED;
        }
        return ack == 0 ? word : DAMAGED_ACK | (ack & 0xFFFF);
    }

    /**
     * Marks a record cancelled: its message was not accepted.
     *
     * @param buffer       the mapped segment.
     * @param recordOffset the record's offset.
     */
    public static void markCancelled(final UnsafeBuffer buffer, final int recordOffset)
    {
        buffer.putIntRelease(recordOffset + STATE_OFFSET, CANCELLED);
    }

    /**
     * Whether a state word says the record needs no delivery.
     *
     * @param state a state word.
     * @return true for handled, cancelled and padding.
     */
    public static boolean isSettled(final int state)
    {
        return state == HANDLED || state == CANCELLED || state == PADDING;
    }

    /**
     * A readable name of a state word.
     *
     * @param state a state word.
     * @return its name, or {@code DAMAGED(hex)}.
     */
    public static String stateName(final int state)
    {
        return switch (state)
        {
            case PENDING -> "PENDING";
            case HANDLED -> "HANDLED";
            case CANCELLED -> "CANCELLED";
            case PADDING -> "PADDING";
            default -> (state & 0xFFFF_0000) == DAMAGED_ACK ?
                "DAMAGED_ACK(" + Integer.toHexString(state & 0xFFFF) + ")" :
                "DAMAGED(" + Integer.toHexString(state) + ")";
        };
    }

    private static int headerCrc(final UnsafeBuffer buffer)
    {
        final CRC32C crc = new CRC32C();
        final byte[] bytes = new byte[HEADER_CRC_OFFSET];
        buffer.getBytes(0, bytes);
        crc.update(bytes);
        return (int)crc.getValue();
    }
}
