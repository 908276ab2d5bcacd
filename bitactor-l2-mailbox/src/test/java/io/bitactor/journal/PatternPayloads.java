package io.bitactor.journal;

import io.bitactor.core.FrameDecoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Payloads that carry their own check, shared by the journal tests: actor (4 bytes), sequence (8 bytes), then a
 * pattern derived from both, so a frame delivered from the journal can be checked byte by byte.
 */
final class PatternPayloads
{
    private PatternPayloads()
    {
    }

    /**
     * A payload for an actor and sequence number.
     *
     * @param actor  the target actor.
     * @param seq    the sequence number.
     * @param length the payload length, at least 12.
     * @return the payload.
     */
    static UnsafeBuffer payload(final int actor, final long seq, final int length)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[length]);
        buffer.putInt(0, actor);
        buffer.putLong(4, seq);
        for (int i = 12; i < length; i++)
        {
            buffer.putByte(i, (byte)(actor * 31 + seq + i));
        }
        return buffer;
    }

    /**
     * Checks a frame: it verifies, its target is the actor in its payload, and the pattern is intact.
     *
     * @param decoder a decoder to use.
     * @param buffer  holding the frame.
     * @param offset  of the frame.
     * @param length  of the frame.
     * @return the decoder, wrapped over the checked frame.
     */
    static FrameDecoder check(final FrameDecoder decoder, final DirectBuffer buffer, final int offset, final int length)
    {
        decoder.wrap(buffer, offset, length);
        assertThat(decoder.verify().isValid()).isTrue();
        final int at = decoder.payloadOffset();
        final int actor = actor(decoder);
        final long seq = seq(decoder);
        assertThat(decoder.targetActorId()).isEqualTo(actor);
        for (int i = 12; i < decoder.payloadLength(); i++)
        {
            assertThat(buffer.getByte(at + i)).isEqualTo((byte)(actor * 31 + seq + i));
        }
        return decoder;
    }

    /**
     * @param decoder wrapped over a checked frame.
     * @return the actor in its payload.
     */
    static int actor(final FrameDecoder decoder)
    {
        return decoder.buffer().getInt(decoder.payloadOffset());
    }

    /**
     * @param decoder wrapped over a checked frame.
     * @return the sequence number in its payload.
     */
    static long seq(final FrameDecoder decoder)
    {
        return decoder.buffer().getLong(decoder.payloadOffset() + 4);
    }
}
