package io.bitactor.core;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TraceContextTest
{
    private static final String EXAMPLE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

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

    @Property(tries = 500)
    void roundTrip(@ForAll final long high, @ForAll final long low, @ForAll final long span,
        @ForAll @IntRange(min = 0, max = 255) final int flags)
    {
        final long traceLow = high == 0 && low == 0 ? 1 : low;
        final long spanId = span == 0 ? 1 : span;
        final TraceContext ctx = TraceContext.of(high, traceLow, spanId, 0, flags);
        final TraceContext parsed = TraceContext.parseTraceparent(ctx.toTraceparent());
        assertThat(parsed).isEqualTo(ctx).hasSameHashCodeAs(ctx);
        assertThat(parsed.isSampled()).isEqualTo((flags & 1) != 0);
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
