package io.bitactor.core;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FrameTest
{
    /** Header fields of one frame. */
    record Header(long messageId, long correlationId, long timestamp, int source, int target, MessageType type,
        int priority, long traceHigh, long traceLow, long span, long parentSpan, int flags)
    {
    }

    @Provide
    Arbitrary<Header> headers()
    {
        return Combinators.combine(
            Combinators.combine(Arbitraries.longs(), Arbitraries.longs(), Arbitraries.longs(),
                Arbitraries.integers(), Arbitraries.integers(), Arbitraries.of(MessageType.class))
                .as((a, b, c, d, e, f) -> new Object[]{ a, b, c, d, e, f }),
            Combinators.combine(Arbitraries.integers().between(0, 255), Arbitraries.longs(), Arbitraries.longs(),
                Arbitraries.longs(), Arbitraries.longs(), Arbitraries.integers().between(0, 255))
                .as((a, b, c, d, e, f) -> new Object[]{ a, b, c, d, e, f }))
            .as((x, y) -> new Header((long)x[0], (long)x[1], (long)x[2], (int)x[3], (int)x[4], (MessageType)x[5],
                (int)y[0], (long)y[1], (long)y[2], (long)y[3], (long)y[4], (int)y[5]));
    }

    private static int encode(final FrameEncoder encoder, final MutableDirectBuffer buffer, final int offset,
        final Header h, final byte[] payload)
    {
        return encoder.wrap(buffer, offset)
            .messageId(h.messageId()).correlationId(h.correlationId()).timestamp(h.timestamp())
            .sourceActorId(h.source()).targetActorId(h.target()).messageType(h.type()).priority(h.priority())
            .traceIdHigh(h.traceHigh()).traceIdLow(h.traceLow()).spanId(h.span()).parentSpanId(h.parentSpan())
            .traceFlags(h.flags())
            .payload(payload)
            .seal();
    }

    private static void assertFields(final FrameDecoder d, final Header h, final byte[] payload)
    {
        assertThat(d.messageId()).isEqualTo(h.messageId());
        assertThat(d.correlationId()).isEqualTo(h.correlationId());
        assertThat(d.timestamp()).isEqualTo(h.timestamp());
        assertThat(d.sourceActorId()).isEqualTo(h.source());
        assertThat(d.targetActorId()).isEqualTo(h.target());
        assertThat(d.messageType()).isEqualTo(h.type());
        assertThat(d.priority()).isEqualTo(h.priority());
        assertThat(d.traceIdHigh()).isEqualTo(h.traceHigh());
        assertThat(d.traceIdLow()).isEqualTo(h.traceLow());
        assertThat(d.spanId()).isEqualTo(h.span());
        assertThat(d.parentSpanId()).isEqualTo(h.parentSpan());
        assertThat(d.traceFlags()).isEqualTo(h.flags());
        assertThat(d.payloadLength()).isEqualTo(payload.length);
        assertThat(d.payloadAsBytes()).isEqualTo(payload);

        final int o = d.offset();
        assertThat(FrameDescriptor.messageId(d.buffer(), o)).isEqualTo(h.messageId());
        assertThat(FrameDescriptor.correlationId(d.buffer(), o)).isEqualTo(h.correlationId());
        assertThat(FrameDescriptor.timestamp(d.buffer(), o)).isEqualTo(h.timestamp());
        assertThat(FrameDescriptor.sourceActorId(d.buffer(), o)).isEqualTo(h.source());
        assertThat(FrameDescriptor.targetActorId(d.buffer(), o)).isEqualTo(h.target());
        assertThat(FrameDescriptor.messageTypeCode(d.buffer(), o)).isEqualTo(h.type().code());
        assertThat(FrameDescriptor.priority(d.buffer(), o)).isEqualTo(h.priority());
        assertThat(FrameDescriptor.traceIdHigh(d.buffer(), o)).isEqualTo(h.traceHigh());
        assertThat(FrameDescriptor.traceIdLow(d.buffer(), o)).isEqualTo(h.traceLow());
        assertThat(FrameDescriptor.spanId(d.buffer(), o)).isEqualTo(h.span());
        assertThat(FrameDescriptor.parentSpanId(d.buffer(), o)).isEqualTo(h.parentSpan());
        assertThat(FrameDescriptor.traceFlags(d.buffer(), o)).isEqualTo(h.flags());
        assertThat(FrameDescriptor.payloadLength(d.buffer(), o)).isEqualTo(payload.length);
    }

    @Property(tries = 300)
    void roundTripOnHeapAndDirectBuffersAtAnyOffset(
        @ForAll("headers") final Header header,
        @ForAll final byte[] payloadSeed,
        @ForAll @IntRange(min = 0, max = 128) final int payloadLength,
        @ForAll @IntRange(min = 1, max = 100) final int offset,
        @ForAll final boolean direct)
    {
        final byte[] payload = Arrays.copyOf(payloadSeed, payloadLength);
        final int capacity = offset + FrameDescriptor.alignedFrameLength(payloadLength) + 8;
        final UnsafeBuffer buffer = direct ?
            new UnsafeBuffer(ByteBuffer.allocateDirect(capacity)) : new UnsafeBuffer(new byte[capacity]);

        final int length = encode(new FrameEncoder(), buffer, offset, header, payload);

        assertThat(length).isEqualTo(FrameDescriptor.frameLength(payloadLength));
        final FrameDecoder decoder = new FrameDecoder().wrap(buffer, offset, length);
        assertThat(decoder.verify()).isEqualTo(FrameVerification.VALID);
        assertThat(decoder.wrap(buffer, offset, FrameDescriptor.alignedFrameLength(payloadLength)).verify())
            .isEqualTo(FrameVerification.VALID);
        assertFields(decoder, header, payload);
    }

    @Property(tries = 30)
    void roundTripWithALargerLimit(
        @ForAll("headers") final Header header, @ForAll @IntRange(min = 129, max = 4096) final int payloadLength)
    {
        final byte[] payload = new byte[payloadLength];
        new Random(payloadLength).nextBytes(payload);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[FrameDescriptor.alignedFrameLength(payloadLength)]);
        final int length = encode(new FrameEncoder(4096), buffer, 0, header, payload);
        final FrameDecoder decoder = new FrameDecoder(4096).wrap(buffer, 0, length);
        assertThat(decoder.verify()).isEqualTo(FrameVerification.VALID);
        assertFields(decoder, header, payload);
        assertThat(new FrameDecoder().wrap(buffer, 0, length).verify())
            .as("a decoder with the default limit refuses it").isEqualTo(FrameVerification.PAYLOAD_TOO_LARGE);
    }

    @Test
    void everySingleBitFlipIsDetected()
    {
        final Random random = new Random(7);
        for (int frame = 0; frame < 21; frame++)
        {
            final int payloadLength = frame == 0 ? 128 : random.nextInt(129);
            final byte[] payload = new byte[payloadLength];
            random.nextBytes(payload);
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[FrameDescriptor.frameLength(payloadLength)]);
            final Header header = new Header(random.nextLong(), random.nextLong(), random.nextLong(),
                random.nextInt(), random.nextInt(), MessageType.values()[random.nextInt(5)], random.nextInt(256),
                random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong(), random.nextInt(256));
            final int length = encode(new FrameEncoder(), buffer, 0, header, payload);
            final FrameDecoder decoder = new FrameDecoder().wrap(buffer, 0, length);

            int flips = 0;
            for (int bit = 0; bit < length * 8; bit++)
            {
                flip(buffer, bit);
                assertThat(decoder.verify()).as("frame %d, bit %d flipped", frame, bit)
                    .isNotEqualTo(FrameVerification.VALID);
                flip(buffer, bit);
                assertThat(decoder.verify()).isEqualTo(FrameVerification.VALID);
                flips++;
            }
            assertThat(flips).isEqualTo(length * 8);
        }
    }

    private static void flip(final UnsafeBuffer buffer, final int bit)
    {
        buffer.putByte(bit / 8, (byte)(buffer.getByte(bit / 8) ^ (1 << (bit % 8))));
    }

    private static UnsafeBuffer validFrame(final int payloadLength)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[FrameDescriptor.alignedFrameLength(payloadLength) + 8]);
        new FrameEncoder().wrap(buffer, 0).messageId(1).targetActorId(2).messageType(MessageType.CAST)
            .payload(new byte[payloadLength]).seal();
        return buffer;
    }

    private static void reseal(final UnsafeBuffer buffer, final int payloadLength)
    {
        final int crcOffset = FrameDescriptor.crcOffset(payloadLength);
        buffer.putInt(crcOffset, new FrameChecksum().compute(buffer, 0, crcOffset), java.nio.ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void verificationNamesEachKindOfDamage()
    {
        final FrameDecoder decoder = new FrameDecoder();
        UnsafeBuffer buffer = validFrame(16);
        final int length = FrameDescriptor.frameLength(16);
        assertThat(decoder.wrap(buffer, 0, length - 1).verify()).isEqualTo(FrameVerification.TRUNCATED);
        assertThat(decoder.wrap(buffer, 0, 10).verify()).isEqualTo(FrameVerification.TRUNCATED);
        assertThat(decoder.wrap(buffer, 0, length + 1).verify()).isEqualTo(FrameVerification.LENGTH_MISMATCH);

        buffer.putInt(FrameDescriptor.PAYLOAD_LENGTH_OFFSET, 129, java.nio.ByteOrder.LITTLE_ENDIAN);
        assertThat(decoder.wrap(buffer, 0, length).verify()).isEqualTo(FrameVerification.PAYLOAD_TOO_LARGE);
        buffer.putInt(FrameDescriptor.PAYLOAD_LENGTH_OFFSET, -1, java.nio.ByteOrder.LITTLE_ENDIAN);
        assertThat(decoder.wrap(buffer, 0, length).verify()).isEqualTo(FrameVerification.PAYLOAD_TOO_LARGE);

        buffer = validFrame(16);
        buffer.putByte(FrameDescriptor.MESSAGE_TYPE_OFFSET, (byte)9);
        reseal(buffer, 16);
        assertThat(decoder.wrap(buffer, 0, length).verify()).isEqualTo(FrameVerification.UNKNOWN_TYPE);

        buffer = validFrame(16);
        buffer.putByte(FrameDescriptor.RESERVED_OFFSET, (byte)1);
        reseal(buffer, 16);
        assertThat(decoder.wrap(buffer, 0, length).verify()).isEqualTo(FrameVerification.RESERVED_NOT_ZERO);

        buffer = validFrame(16);
        buffer.putByte(FrameDescriptor.PAYLOAD_OFFSET + 3, (byte)7);
        assertThat(decoder.wrap(buffer, 0, length).verify()).isEqualTo(FrameVerification.CRC_MISMATCH);
    }

    @Test
    void payloadOverTheLimitIsRejectedBeforeAnyByteIsCopied()
    {
        final byte[] backing = new byte[512];
        Arrays.fill(backing, (byte)0x5A);
        final UnsafeBuffer buffer = new UnsafeBuffer(backing);
        final FrameEncoder encoder = new FrameEncoder().wrap(buffer, 0);
        final byte[] before = backing.clone();

        assertThatThrownBy(() -> encoder.payload(new byte[129]))
            .isInstanceOfSatisfying(PayloadTooLargeException.class, e ->
            {
                assertThat(e.payloadLength()).isEqualTo(129);
                assertThat(e.maxPayloadLength()).isEqualTo(128);
                assertThat(e).hasMessageContaining("129").hasMessageContaining("128");
            });
        assertThatThrownBy(() -> encoder.payload(new UnsafeBuffer(new byte[200]), 0, 129))
            .isInstanceOf(PayloadTooLargeException.class);
        assertThatThrownBy(() -> encoder.payloadLength(129)).isInstanceOf(PayloadTooLargeException.class);
        assertThat(backing).isEqualTo(before);

        assertThatThrownBy(() -> new FrameEncoder(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FrameEncoder(FrameDescriptor.MAX_PAYLOAD_LENGTH + 1))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> encoder.priority(256)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> encoder.traceFlags(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FrameEncoder().wrap(new UnsafeBuffer(new byte[100]), 0).payload(new byte[64]))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not fit");
    }

    @Test
    void theHardMaximumPayloadWorks()
    {
        final int max = FrameDescriptor.MAX_PAYLOAD_LENGTH;
        final byte[] payload = new byte[max];
        new Random(1).nextBytes(payload);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[FrameDescriptor.frameLength(max)]);
        final int length = new FrameEncoder(max).wrap(buffer, 0).messageType(MessageType.CAST).payload(payload).seal();
        final FrameDecoder decoder = new FrameDecoder(max).wrap(buffer, 0, length);
        assertThat(decoder.verify()).isEqualTo(FrameVerification.VALID);
        assertThat(decoder.payloadAsBytes()).isEqualTo(payload);
    }

    @Test
    void messageTypesRoundTripAndUnknownCodesAreRejected()
    {
        for (final MessageType type : MessageType.values())
        {
            assertThat(MessageType.fromCode(type.code())).isEqualTo(type);
            assertThat(MessageType.isValid(type.code())).isTrue();
        }
        for (final int code : new int[]{ 0, 6, -1, 255 })
        {
            assertThat(MessageType.isValid(code)).isFalse();
            assertThatThrownBy(() -> MessageType.fromCode(code)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
