package io.bitactor.core;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;

class FrameChecksumTest
{
    @Test
    void knownVector()
    {
        final byte[] bytes = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertThat(new FrameChecksum().compute(new UnsafeBuffer(bytes), 0, bytes.length)).isEqualTo(0xE3069283);
    }

    @Property(tries = 200)
    void heapDirectAndRawAddressBuffersAgreeWithCrc32c(
        @ForAll @IntRange(min = 0, max = 1000) final int length, @ForAll @IntRange(min = 0, max = 40) final int offset)
    {
        final byte[] bytes = new byte[offset + length + 16];
        new Random(length * 31L + offset).nextBytes(bytes);
        final CRC32C reference = new CRC32C();
        reference.update(bytes, offset, length);
        final int expected = (int)reference.getValue();

        final FrameChecksum checksum = new FrameChecksum();
        assertThat(checksum.compute(new UnsafeBuffer(bytes), offset, length)).isEqualTo(expected);
        if (offset >= 8)
        {
            assertThat(checksum.compute(new UnsafeBuffer(bytes, 8, bytes.length - 8), offset - 8, length))
                .as("a buffer wrapping the array at an offset").isEqualTo(expected);
        }

        final ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length);
        direct.put(bytes).clear();
        assertThat(checksum.compute(new UnsafeBuffer(direct), offset, length)).isEqualTo(expected);
        final ByteBuffer slice = direct.duplicate().position(4).slice();
        if (offset >= 4)
        {
            assertThat(checksum.compute(new UnsafeBuffer(slice), offset - 4, length)).isEqualTo(expected);
        }
        assertThat(checksum.compute(new UnsafeBuffer(BufferUtil.address(direct), bytes.length), offset, length))
            .isEqualTo(expected);
    }
}
