package io.bitactor.opentelemetry;

import io.bitactor.tracing.SpanData;
import io.bitactor.tracing.SpanKind;
import io.bitactor.tracing.SpanOutcome;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SpanMapperTest
{
    @Test
    void releasedRecordsDoNotPileUpBehindALongWaitingOne()
    {
        final List<Throwable> errors = new ArrayList<>();
        try (InMemoryOpenTelemetry otel = new InMemoryOpenTelemetry())
        {
            final int maxPending = 4;
            final SpanMapper mapper = new SpanMapper(
                otel.sdk.getTracer(MessagingAttributes.INSTRUMENTATION_SCOPE), errors::add, 1024, maxPending,
                Long.MAX_VALUE, false);
            // Waits for a parent that never comes, at the head of the arrival queue.
            mapper.onRecord(span(1_000_000, 999_999), 0);

            for (int i = 1; i <= 1_000; i++)
            {
                final long parent = 2L * i;
                mapper.onRecord(span(parent + 1, parent), i);
                mapper.onRecord(span(parent, 0), i);
                assertThat(mapper.arrivalQueueLength()).isLessThanOrEqualTo(2 * maxPending + 17);
            }

            assertThat(mapper.pendingCount()).isEqualTo(1);
            assertThat(mapper.exportedCount()).isEqualTo(2_000);
            assertThat(mapper.orphanedCount()).isZero();
            assertThat(mapper.expire(0, true)).isEqualTo(1);
            assertThat(mapper.orphanedCount()).isEqualTo(1);
            assertThat(mapper.arrivalQueueLength()).isZero();
        }
        assertThat(errors).isEmpty();
    }

    private static SpanData span(final long span, final long parent)
    {
        return new SpanData(1, 2, span, parent, 1, SpanKind.CAST, 10, parent == 0 ? -1 : 10, span, 0,
            1_000_000L, 2_000_000L, 3_000_000L, SpanOutcome.OK, null, 0);
    }
}
