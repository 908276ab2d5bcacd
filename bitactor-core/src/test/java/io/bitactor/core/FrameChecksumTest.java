package io.bitactor.core;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;

class FrameChecksumTest
{
    private static final long SEED = 0x5EED_C2C3_2CL;
    private static final int TRIES = 200;
    private static final int[] LENGTH_EDGES = { 0, 1, 1000 };
    private static final int[] OFFSET_EDGES = { 0, 1, 4, 8, 40 };

    @Test
    void buffersMetInTurnEachGetTheirOwnChecksumAndAReusedViewNeverMixesThemUp()
    {
        // More direct buffers than the views kept at once (16), met in turn and then in a scrambled order: every
        // checksum must be the one of its own buffer's bytes, whichever kept view served it.
        final int buffers = 40;
        final UnsafeBuffer[] sources = new UnsafeBuffer[buffers];
        final int[] expected = new int[buffers];
        final SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < buffers; i++)
        {
            final byte[] bytes = new byte[200];
            new Random(i).nextBytes(bytes);
            final ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length);
            direct.put(bytes).clear();
            sources[i] = new UnsafeBuffer(direct);
            final CRC32C reference = new CRC32C();
            reference.update(bytes, 8, 150);
            expected[i] = (int)reference.getValue();
        }
        final FrameChecksum checksum = new FrameChecksum();
        for (int round = 0; round < 2_000; round++)
        {
            final int i = round < 2 * buffers ? round % buffers : random.nextInt(buffers);
            assertThat(checksum.compute(sources[i], 8, 150)).as("round %d, buffer %d", round, i).isEqualTo(expected[i]);
        }
    }

    @Test
    void knownVector()
    {
        final byte[] bytes = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertThat(new FrameChecksum().compute(new UnsafeBuffer(bytes), 0, bytes.length)).isEqualTo(0xE3069283);
    }

    /**
     * Randomized: {@value #TRIES} tries drawn from a {@link SplittableRandom} seeded with {@link #SEED}; the first
     * tries are every pair of edge cases (lengths 0, 1, 1000; offsets 0, 1, 4, 8, 40), one draw in eight later on
     * is an edge case too. A failure names the try and its inputs.
     */
    @Test
    void heapDirectAndRawAddressBuffersAgreeWithCrc32c()
    {
        final SplittableRandom random = new SplittableRandom(SEED);
        final int edgeTries = LENGTH_EDGES.length * OFFSET_EDGES.length;
        for (int i = 0; i < TRIES; i++)
        {
            final int length = i < edgeTries ? LENGTH_EDGES[i / OFFSET_EDGES.length] : RandomInputs.intBetween(random, 0, 1000);
            final int offset = i < edgeTries ? OFFSET_EDGES[i % OFFSET_EDGES.length] : RandomInputs.intBetween(random, 0, 40);
            final String inputs = String.format("try %d: length=%d offset=%d", i, length, offset);
            try
            {
                checkAgreement(inputs, length, offset);
            }
            catch (final RuntimeException e)
            {
                throw new AssertionError(inputs + ": threw " + e, e);
            }
        }
    }

    private static void checkAgreement(final String inputs, final int length, final int offset)
    {
        final byte[] bytes = new byte[offset + length + 16];
        new Random(length * 31L + offset).nextBytes(bytes);
        final CRC32C reference = new CRC32C();
        reference.update(bytes, offset, length);
        final int expected = (int)reference.getValue();

        final FrameChecksum checksum = new FrameChecksum();
        assertThat(checksum.compute(new UnsafeBuffer(bytes), offset, length))
            .as(inputs + ": a buffer wrapping the array").isEqualTo(expected);
        if (offset >= 8)
        {
            assertThat(checksum.compute(new UnsafeBuffer(bytes, 8, bytes.length - 8), offset - 8, length))
                .as(inputs + ": a buffer wrapping the array at an offset").isEqualTo(expected);
        }

        final ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length);
        direct.put(bytes).clear();
        assertThat(checksum.compute(new UnsafeBuffer(direct), offset, length))
            .as(inputs + ": a direct buffer").isEqualTo(expected);
        final ByteBuffer slice = direct.duplicate().position(4).slice();
        if (offset >= 4)
        {
            assertThat(checksum.compute(new UnsafeBuffer(slice), offset - 4, length))
                .as(inputs + ": a slice of a direct buffer").isEqualTo(expected);
        }
        assertThat(checksum.compute(new UnsafeBuffer(BufferUtil.address(direct), bytes.length), offset, length))
            .as(inputs + ": a raw address").isEqualTo(expected);
    }
}
