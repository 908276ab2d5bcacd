package io.bitactor.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TraceContextTest
{
    private static final String EXAMPLE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final long SEED = 0x5EED_7ACEL;
    private static final int TRIES = 500;
    private static final long[] LONG_EDGES = { 0L, 1L, -1L, Long.MIN_VALUE, Long.MAX_VALUE };
    private static final int[] FLAG_EDGES = { 0, 1, 254, 255 };

    @Test
    void parsesAndFormatsTheW3cExample()
    {
        final TraceContext ctx = TraceContext.parseTraceparent(EXAMPLE);
        assertThat(ctx.traceIdHigh()).isEqualTo(0x4bf92f3577b34da6L);
        assertThat(ctx.traceIdLow()).isEqualTo(0xa3ce929d0e0e4736L);
        assertThat(ctx.spanId()).isEqualTo(0x00f067aa0ba902b7L);
        assertThat(ctx.parentSpanId()).isZero();
        assertThat(ctx.isSampled()).isTrue();
        assertThat(ctx.isValid()).isTrue();
        assertThat(ctx.toTraceparent()).isEqualTo(EXAMPLE);
    }

    @Test
    void aHigherVersionMayCarryMoreFields()
    {
        final TraceContext ctx = TraceContext.parseTraceparent(
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-extra");
        assertThat(ctx.isSampled()).isFalse();
        assertThat(ctx.toTraceparent()).isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
    }

    /**
     * Randomized: {@value #TRIES} tries drawn from a {@link SplittableRandom} seeded with {@link #SEED}, any longs
     * and flags in [0, 255]. The first tries are every combination of the long edge cases (0, 1, -1, min, max) for
     * the three ids, with the flag edge cases in turn; one draw in eight later on is an edge case too. A failure
     * names the try and its inputs.
     */
    @Test
    void roundTrip()
    {
        final SplittableRandom random = new SplittableRandom(SEED);
        final int n = LONG_EDGES.length;
        final int edgeTries = n * n * n;
        for (int i = 0; i < TRIES; i++)
        {
            final long high = i < edgeTries ? LONG_EDGES[i % n] : anyLong(random);
            final long low = i < edgeTries ? LONG_EDGES[i / n % n] : anyLong(random);
            final long span = i < edgeTries ? LONG_EDGES[i / (n * n)] : anyLong(random);
            final int flags = i < edgeTries ? FLAG_EDGES[i % FLAG_EDGES.length] : flags(random);
            final String inputs = String.format("try %d: high=%d low=%d span=%d flags=%d", i, high, low, span, flags);
            try
            {
                checkRoundTrip(inputs, high, low, span, flags);
            }
            catch (final RuntimeException e)
            {
                throw new AssertionError(inputs + ": threw " + e, e);
            }
        }
    }

    private static void checkRoundTrip(final String inputs, final long high, final long low, final long span,
        final int flags)
    {
        final long traceLow = high == 0 && low == 0 ? 1 : low;
        final long spanId = span == 0 ? 1 : span;
        final TraceContext ctx = TraceContext.of(high, traceLow, spanId, 0, flags);
        final TraceContext parsed = TraceContext.parseTraceparent(ctx.toTraceparent());
        assertThat(parsed).as(inputs).isEqualTo(ctx).hasSameHashCodeAs(ctx);
        assertThat(parsed.isSampled()).as(inputs + ": sampled").isEqualTo((flags & 1) != 0);
    }

    private static long anyLong(final SplittableRandom random)
    {
        return random.nextInt(8) == 0 ? LONG_EDGES[random.nextInt(LONG_EDGES.length)] : random.nextLong();
    }

    /** Uniform in [0, 255], but one draw in eight is an edge case. */
    private static int flags(final SplittableRandom random)
    {
        return random.nextInt(8) == 0 ? FLAG_EDGES[random.nextInt(FLAG_EDGES.length)] : random.nextInt(256);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736000f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01extra",
    })
    void invalidTraceparentsAreRejectedWithTheInputAndAReason(final String input)
    {
        assertThatThrownBy(() -> TraceContext.parseTraceparent(input))
            .isInstanceOf(InvalidTraceParentException.class)
            .hasMessageContaining("\"" + input + "\"")
            .hasMessageMatching("(?s).*: .+");
    }

    @Test
    void nullIsRejected()
    {
        assertThatThrownBy(() -> TraceContext.parseTraceparent(null))
            .isInstanceOf(InvalidTraceParentException.class).hasMessageContaining("null");
    }

    @Test
    void noneIsInvalidAndFlagsAreChecked()
    {
        assertThat(TraceContext.NONE.isValid()).isFalse();
        assertThat(TraceContext.NONE.isSampled()).isFalse();
        assertThatThrownBy(() -> TraceContext.of(1, 1, 1, 0, 256)).isInstanceOf(IllegalArgumentException.class);
    }
}
