package io.bitactor.opentelemetry;

import io.bitactor.tracing.SpanData;
import io.bitactor.tracing.SpanKind;
import io.bitactor.tracing.SpanOutcome;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Producer threads hand spans to a sink whose exporter thread runs at the same time, children often before their
 * parents: every span is exported once, linked to its parent.
 */
class OpenTelemetrySpanSinkConcurrencyTest
{
    private static final int PRODUCERS = 4;
    private static final int CHAINS_PER_PRODUCER = 2_000;

    @Test
    void concurrentProducersAndTheExporterThreadLoseAndMislinkNothing() throws Exception
    {
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        try (InMemoryOpenTelemetry otel = new InMemoryOpenTelemetry())
        {
            final OpenTelemetrySpanSink sink = new OpenTelemetrySpanSink(otel.sdk, new OpenTelemetrySinkContext()
                .bufferCapacity(1 << 16)
                .drainLimit(64)
                .parentWaitNs(TimeUnit.MINUTES.toNanos(10))
                .errorHandler(errors::add));
            final CyclicBarrier start = new CyclicBarrier(PRODUCERS);
            final Thread[] producers = new Thread[PRODUCERS];
            for (int p = 0; p < PRODUCERS; p++)
            {
                final int producer = p;
                producers[p] = new Thread(() ->
                {
                    try
                    {
                        start.await();
                    }
                    catch (final Exception ex)
                    {
                        errors.add(ex);
                        return;
                    }
                    for (int c = 0; c < CHAINS_PER_PRODUCER; c++)
                    {
                        final long root = ((long)(producer * CHAINS_PER_PRODUCER + c) << 2) | 1;
                        // The grandchild first, the root last every other chain.
                        if ((c & 1) == 0)
                        {
                            sink.onSpan(span(root + 2, root + 1));
                            sink.onSpan(span(root + 1, root));
                            sink.onSpan(span(root, 0));
                        }
                        else
                        {
                            sink.onSpan(span(root, 0));
                            sink.onSpan(span(root + 1, root));
                            sink.onSpan(span(root + 2, root + 1));
                        }
                    }
                }, "producer-" + p);
                producers[p].start();
            }
            for (final Thread producer : producers)
            {
                producer.join();
            }
            sink.close();

            final long total = 3L * PRODUCERS * CHAINS_PER_PRODUCER;
            assertThat(errors).isEmpty();
            assertThat(sink.droppedSpans()).isZero();
            assertThat(sink.exportedSpans()).isEqualTo(total);
            assertThat(sink.orphanedSpans()).isZero();
            assertThat(sink.pendingSpans()).isZero();
            final Map<String, io.opentelemetry.sdk.trace.data.SpanData> spans = otel.byBitActorSpan();
            assertThat(spans).hasSize((int)(2 * total));
            for (int i = 0; i < PRODUCERS * CHAINS_PER_PRODUCER; i += 97)
            {
                final long root = ((long)i << 2) | 1;
                otel.assertPair(root);
                otel.assertChildOf(root + 1, root);
                otel.assertChildOf(root + 2, root + 1);
            }
        }
    }

    private static SpanData span(final long span, final long parent)
    {
        return new SpanData(1, 2, span, parent, 1, SpanKind.CAST, 10, parent == 0 ? -1 : 10, span, 0,
            1_000_000L, 2_000_000L, 3_000_000L, SpanOutcome.OK, null, 0);
    }
}
