package io.bitactor.opentelemetry;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An OpenTelemetry SDK that keeps finished spans in memory (the SDK's {@link InMemorySpanExporter} behind a
 * {@link SimpleSpanProcessor}), with look-ups for the tests.
 */
final class InMemoryOpenTelemetry implements AutoCloseable
{
    final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    final SdkTracerProvider tracerProvider = SdkTracerProvider.builder()
        .addSpanProcessor(SimpleSpanProcessor.create(exporter))
        .build();
    final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(tracerProvider).build();
    private Map<String, SpanData> indexed;
    private int indexedCount;

    List<SpanData> spans()
    {
        return exporter.getFinishedSpanItems();
    }

    /**
     * The spans by their {@code bitactor.span_id} and kind: key {@code "<16 hex digits>/PRODUCER"}.
     */
    Map<String, SpanData> byBitActorSpan()
    {
        final List<SpanData> spans = spans();
        if (null == indexed || indexedCount != spans.size())
        {
            indexed = spans.stream().collect(Collectors.toMap(
                span -> span.getAttributes().get(MessagingAttributes.BITACTOR_SPAN_ID) + "/" + span.getKind(),
                Function.identity()));
            indexedCount = spans.size();
        }
        return indexed;
    }

    SpanData producer(final long bitActorSpanId)
    {
        return find(bitActorSpanId, SpanKind.PRODUCER);
    }

    SpanData consumer(final long bitActorSpanId)
    {
        return find(bitActorSpanId, SpanKind.CONSUMER);
    }

    private SpanData find(final long bitActorSpanId, final SpanKind kind)
    {
        final String key = String.format("%016x/%s", bitActorSpanId, kind);
        final SpanData span = byBitActorSpan().get(key);
        assertThat(span).as("exported span %s among %s", key, byBitActorSpan().keySet()).isNotNull();
        return span;
    }

    /**
     * The links a BitActor span's exported pair must have: the CONSUMER span is a child of the PRODUCER span and
     * links to it, both in the same trace.
     */
    void assertPair(final long bitActorSpanId)
    {
        final SpanData producer = producer(bitActorSpanId);
        final SpanData consumer = consumer(bitActorSpanId);
        assertThat(consumer.getTraceId()).isEqualTo(producer.getTraceId());
        assertThat(consumer.getParentSpanId()).isEqualTo(producer.getSpanId());
        assertThat(consumer.getLinks()).hasSize(1);
        assertThat(consumer.getLinks().get(0).getSpanContext()).isEqualTo(producer.getSpanContext());
    }

    /**
     * Asserts that the PRODUCER span of {@code child} is a child of the CONSUMER span of {@code parent}.
     */
    void assertChildOf(final long child, final long parent)
    {
        assertPair(child);
        final SpanData childProducer = producer(child);
        final SpanData parentConsumer = consumer(parent);
        assertThat(childProducer.getTraceId()).isEqualTo(parentConsumer.getTraceId());
        assertThat(childProducer.getParentSpanId()).isEqualTo(parentConsumer.getSpanId());
        assertThat(childProducer.getParentSpanContext().isRemote()).isFalse();
    }

    public void close()
    {
        sdk.close();
    }
}
