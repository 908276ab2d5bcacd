package io.bitactor.core;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FrameTest
{
    /** Header fields of one frame. */
    record Header(long messageId, long correlationId, long timestamp, int source, int target, MessageType type,
        int priority, long traceHigh, long traceLow, long span, long parentSpan, int flags)
    {
    }

    /**
     * Randomized round trips draw from a {@link SplittableRandom} seeded with {@link #SEED}: unconstrained longs and
     * ints, bytes 0 to {@value #MAX_SEED_LENGTH} long, ranges as stated; the first tries are edge cases, and one draw
     * in eight of each value later on is an edge case too. A failure names the try and its inputs.
     */
    private static final long SEED = 0x5EED_F4A3EL;
    private static final int MAX_SEED_LENGTH = 255;
    private static final long[] LONG_EDGES = { 0L, 1L, -1L, Long.MIN_VALUE, Long.MAX_VALUE };
    private static final int[] INT_EDGES = { 0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE };
    private static final byte[] BYTE_EDGES = { 0, 1, -1, Byte.MIN_VALUE, Byte.MAX_VALUE };

    private static long anyLong(final SplittableRandom random)
    {
        return random.nextInt(8) == 0 ? LONG_EDGES[random.nextInt(LONG_EDGES.length)] : random.nextLong();
    }

    private static int anyInt(final SplittableRandom random)
    {
        return random.nextInt(8) == 0 ? INT_EDGES[random.nextInt(INT_EDGES.length)] : random.nextInt();
    }


    /** {@code length} random bytes, or (one time in eight) all one edge value. */
    private static byte[] randomBytes(final SplittableRandom random, final int length)
    {
        final byte[] bytes = new byte[length];
        if (random.nextInt(8) == 0)
        {
            Arrays.fill(bytes, BYTE_EDGES[random.nextInt(BYTE_EDGES.length)]);
        }
        else
        {
            random.nextBytes(bytes);
        }
        return bytes;
    }

    private static Header randomHeader(final SplittableRandom random)
    {
        final MessageType[] types = MessageType.values();
        return new Header(anyLong(random), anyLong(random), anyLong(random), anyInt(random), anyInt(random),
            types[random.nextInt(types.length)], RandomInputs.intBetween(random, 0, 255), anyLong(random), anyLong(random),
            anyLong(random), anyLong(random), RandomInputs.intBetween(random, 0, 255));
    }

    /** Edge header k: every long LONG_EDGES[k], every int INT_EDGES[k], priority and flags 0 or 255. */
    private static Header edgeHeader(final int k)
    {
        final long l = LONG_EDGES[k];
        final int n = INT_EDGES[k];
        final int b = k % 2 == 0 ? 0 : 255;
        final MessageType[] types = MessageType.values();
        return new Header(l, l, l, n, n, types[k % types.length], b, l, l, l, l, b);
    }

    /** Header k of a randomized test: the edge headers first, then random ones. */
    private static Header header(final SplittableRandom random, final int k)
    {
        return k < LONG_EDGES.length ? edgeHeader(k) : randomHeader(random);
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

    private static void assertFields(final String inputs, final FrameDecoder d, final Header h, final byte[] payload)
    {
        assertThat(d.messageId()).as(inputs + ": messageId").isEqualTo(h.messageId());
        assertThat(d.correlationId()).as(inputs + ": correlationId").isEqualTo(h.correlationId());
        assertThat(d.timestamp()).as(inputs + ": timestamp").isEqualTo(h.timestamp());
        assertThat(d.sourceActorId()).as(inputs + ": sourceActorId").isEqualTo(h.source());
        assertThat(d.targetActorId()).as(inputs + ": targetActorId").isEqualTo(h.target());
        assertThat(d.messageType()).as(inputs + ": messageType").isEqualTo(h.type());
        assertThat(d.priority()).as(inputs + ": priority").isEqualTo(h.priority());
        assertThat(d.traceIdHigh()).as(inputs + ": traceIdHigh").isEqualTo(h.traceHigh());
        assertThat(d.traceIdLow()).as(inputs + ": traceIdLow").isEqualTo(h.traceLow());
        assertThat(d.spanId()).as(inputs + ": spanId").isEqualTo(h.span());
        assertThat(d.parentSpanId()).as(inputs + ": parentSpanId").isEqualTo(h.parentSpan());
        assertThat(d.traceFlags()).as(inputs + ": traceFlags").isEqualTo(h.flags());
        assertThat(d.payloadLength()).as(inputs + ": payloadLength").isEqualTo(payload.length);
        assertThat(d.payloadAsBytes()).as(inputs + ": payloadAsBytes").isEqualTo(payload);

        final int o = d.offset();
        assertThat(FrameDescriptor.messageId(d.buffer(), o)).as(inputs + ": descriptor messageId")
            .isEqualTo(h.messageId());
        assertThat(FrameDescriptor.correlationId(d.buffer(), o)).as(inputs + ": descriptor correlationId")
            .isEqualTo(h.correlationId());
        assertThat(FrameDescriptor.timestamp(d.buffer(), o)).as(inputs + ": descriptor timestamp")
            .isEqualTo(h.timestamp());
        assertThat(FrameDescriptor.sourceActorId(d.buffer(), o)).as(inputs + ": descriptor sourceActorId")
            .isEqualTo(h.source());
        assertThat(FrameDescriptor.targetActorId(d.buffer(), o)).as(inputs + ": descriptor targetActorId")
            .isEqualTo(h.target());
        assertThat(FrameDescriptor.messageTypeCode(d.buffer(), o)).as(inputs + ": descriptor messageTypeCode")
            .isEqualTo(h.type().code());
        assertThat(FrameDescriptor.priority(d.buffer(), o)).as(inputs + ": descriptor priority")
            .isEqualTo(h.priority());
        assertThat(FrameDescriptor.traceIdHigh(d.buffer(), o)).as(inputs + ": descriptor traceIdHigh")
            .isEqualTo(h.traceHigh());
        assertThat(FrameDescriptor.traceIdLow(d.buffer(), o)).as(inputs + ": descriptor traceIdLow")
            .isEqualTo(h.traceLow());
        assertThat(FrameDescriptor.spanId(d.buffer(), o)).as(inputs + ": descriptor spanId").isEqualTo(h.span());
        assertThat(FrameDescriptor.parentSpanId(d.buffer(), o)).as(inputs + ": descriptor parentSpanId")
            .isEqualTo(h.parentSpan());
        assertThat(FrameDescriptor.traceFlags(d.buffer(), o)).as(inputs + ": descriptor traceFlags")
            .isEqualTo(h.flags());
        assertThat(FrameDescriptor.payloadLength(d.buffer(), o)).as(inputs + ": descriptor payloadLength")
            .isEqualTo(payload.length);
    }

    @Test
    void roundTripOnHeapAndDirectBuffersAtAnyOffset()
    {
        final SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < 300; i++)
        {
            // Tries 0 to 15: each combination of payload length 0 or 128, offset 1 or 100, heap or direct buffer,
            // and an empty or a full-size payload seed.
            final boolean edge = i < 16;
            final Header header = header(random, i);
            final byte[] payloadSeed = edge ?
                randomBytes(random, (i & 8) == 0 ? 0 : MAX_SEED_LENGTH) :
                randomBytes(random, RandomInputs.intBetween(random, 0, MAX_SEED_LENGTH));
            final int payloadLength = edge ? ((i & 1) == 0 ? 0 : 128) : RandomInputs.intBetween(random, 0, 128);
            final int offset = edge ? ((i & 2) == 0 ? 1 : 100) : RandomInputs.intBetween(random, 1, 100);
            final boolean direct = edge ? (i & 4) != 0 : random.nextBoolean();
            final byte[] payload = Arrays.copyOf(payloadSeed, payloadLength);
            final String inputs = String.format("try %d: header=%s payload=%s offset=%d direct=%b",
                i, header, Arrays.toString(payload), offset, direct);
            try
            {
                checkRoundTrip(inputs, header, payload, offset, direct);
            }
            catch (final RuntimeException e)
            {
                throw new AssertionError(inputs + ": threw " + e, e);
            }
        }
    }

    private static void checkRoundTrip(final String inputs, final Header header, final byte[] payload,
        final int offset, final boolean direct)
    {
        final int payloadLength = payload.length;
        final int capacity = offset + FrameDescriptor.alignedFrameLength(payloadLength) + 8;
        final UnsafeBuffer buffer = direct ?
            new UnsafeBuffer(ByteBuffer.allocateDirect(capacity)) : new UnsafeBuffer(new byte[capacity]);

        final int length = encode(new FrameEncoder(), buffer, offset, header, payload);

        assertThat(length).as(inputs + ": frame length").isEqualTo(FrameDescriptor.frameLength(payloadLength));
        final FrameDecoder decoder = new FrameDecoder().wrap(buffer, offset, length);
        assertThat(decoder.verify()).as(inputs + ": verify").isEqualTo(FrameVerification.VALID);
        assertThat(decoder.wrap(buffer, offset, FrameDescriptor.alignedFrameLength(payloadLength)).verify())
            .as(inputs + ": verify the aligned length").isEqualTo(FrameVerification.VALID);
        assertFields(inputs, decoder, header, payload);
    }

    @Test
    void roundTripWithALargerLimit()
    {
        final SplittableRandom random = new SplittableRandom(SEED + 1);
        for (int i = 0; i < 30; i++)
        {
            final Header header = header(random, i);
            final int payloadLength = i == 0 ? 129 : i == 1 ? 4096 : RandomInputs.intBetween(random, 129, 4096);
            final String inputs = String.format("try %d: header=%s payloadLength=%d", i, header, payloadLength);
            try
            {
                checkRoundTripWithALargerLimit(inputs, header, payloadLength);
            }
            catch (final RuntimeException e)
            {
                throw new AssertionError(inputs + ": threw " + e, e);
            }
        }
    }

    private static void checkRoundTripWithALargerLimit(final String inputs, final Header header,
        final int payloadLength)
    {
        final byte[] payload = new byte[payloadLength];
        new Random(payloadLength).nextBytes(payload);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[FrameDescriptor.alignedFrameLength(payloadLength)]);
        final int length = encode(new FrameEncoder(4096), buffer, 0, header, payload);
        final FrameDecoder decoder = new FrameDecoder(4096).wrap(buffer, 0, length);
        assertThat(decoder.verify()).as(inputs + ": verify").isEqualTo(FrameVerification.VALID);
        assertFields(inputs, decoder, header, payload);
        assertThat(new FrameDecoder().wrap(buffer, 0, length).verify())
            .as(inputs + ": a decoder with the default limit refuses it")
            .isEqualTo(FrameVerification.PAYLOAD_TOO_LARGE);
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
