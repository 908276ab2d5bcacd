package io.bitactor.opentelemetry;

import io.bitactor.tracing.SpanData;
import io.bitactor.tracing.SpanKind;
import io.bitactor.tracing.SpanOutcome;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.bitactor.opentelemetry.MessagingAttributes.BITACTOR_OUTCOME;
import static io.bitactor.opentelemetry.MessagingAttributes.BITACTOR_RETRY_COUNT;
import static io.bitactor.opentelemetry.MessagingAttributes.BITACTOR_SOURCE_ACTOR_ID;
import static io.bitactor.opentelemetry.MessagingAttributes.BITACTOR_SPAN_ID;
import static io.bitactor.opentelemetry.MessagingAttributes.BITACTOR_TRACE_ID;
import static io.bitactor.opentelemetry.MessagingAttributes.ERROR_TYPE;
import static io.bitactor.opentelemetry.MessagingAttributes.MESSAGING_DESTINATION_NAME;
import static io.bitactor.opentelemetry.MessagingAttributes.MESSAGING_DESTINATION_TEMPORARY;
import static io.bitactor.opentelemetry.MessagingAttributes.MESSAGING_MESSAGE_CONVERSATION_ID;
import static io.bitactor.opentelemetry.MessagingAttributes.MESSAGING_MESSAGE_ID;
import static io.bitactor.opentelemetry.MessagingAttributes.MESSAGING_OPERATION_NAME;
import static io.bitactor.opentelemetry.MessagingAttributes.MESSAGING_OPERATION_TYPE;
import static io.bitactor.opentelemetry.MessagingAttributes.MESSAGING_SYSTEM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpenTelemetrySpanSinkTest
{
    private static final long TRACE_HIGH = 0x0af7651916cd43ddL;
    private static final long TRACE_LOW = 0x8448eb211c80319cL;
    private static final String TRACE_HEX = "0af7651916cd43dd8448eb211c80319c";
    private static final long WAIT_NS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long T0 = 1_700_000_000_000_000_000L;

    private final InMemoryOpenTelemetry otel = new InMemoryOpenTelemetry();
    private final CachedNanoClock clock = new CachedNanoClock();
    private final List<Throwable> errors = new ArrayList<>();
    private OpenTelemetrySpanSink sink;

    @AfterEach
    void closeAll()
    {
        if (null != sink)
        {
            sink.close();
        }
        otel.close();
    }

    private OpenTelemetrySinkContext manual()
    {
        return new OpenTelemetrySinkContext()
            .exporterThread(false)
            .nanoClock(clock)
            .parentWaitNs(WAIT_NS)
            .errorHandler(errors::add);
    }

    private OpenTelemetrySpanSink sink(final OpenTelemetrySinkContext context)
    {
        sink = new OpenTelemetrySpanSink(otel.sdk, context);
        return sink;
    }

    /** A call handled by {@code actor}, sent by {@code source} while it handled {@code parent}. */
    private static SpanData call(final long span, final long parent, final int actor, final int source)
    {
        return span(SpanKind.CALL, span, parent, actor, source, 0, SpanOutcome.OK, null);
    }

    private static SpanData span(
        final SpanKind kind,
        final long span,
        final long parent,
        final int actor,
        final int source,
        final long correlationId,
        final SpanOutcome outcome,
        final Class<? extends Throwable> errorClass)
    {
        final long sent = T0 + span * 1_000_000L;
        return new SpanData(TRACE_HIGH, TRACE_LOW, span, parent, 1, kind, actor, source, 1000 + span, correlationId,
            sent, sent + 10_000, sent + 50_000, outcome, errorClass, 0);
    }

    @Test
    void inOrderChainBecomesProducerConsumerPairsLinkedParentToChild()
    {
        sink(manual());
        sink.onSpan(call(1, 0, 10, -1));
        sink.onSpan(call(2, 1, 11, 10));
        sink.onSpan(call(3, 2, 12, 11));

        assertThat(sink.exportPending()).isEqualTo(3);

        assertThat(otel.spans()).hasSize(6);
        assertThat(otel.spans()).extracting(io.opentelemetry.sdk.trace.data.SpanData::getTraceId)
            .containsOnly(otel.producer(1).getTraceId());
        assertThat(otel.producer(1).getParentSpanContext().isValid()).as("root").isFalse();
        otel.assertPair(1);
        otel.assertChildOf(2, 1);
        otel.assertChildOf(3, 2);
        assertThat(otel.spans()).extracting(span -> span.getInstrumentationScopeInfo().getName())
            .containsOnly(MessagingAttributes.INSTRUMENTATION_SCOPE);
        assertThat(sink.exportedSpans()).isEqualTo(3);
        assertThat(sink.orphanedSpans()).isZero();
        assertThat(sink.pendingSpans()).isZero();
    }

    @Test
    void childrenThatArriveBeforeTheirParentWaitAndFollowIt()
    {
        sink(manual());
        sink.onSpan(call(3, 2, 12, 11));
        sink.onSpan(call(4, 2, 13, 11));
        assertThat(sink.exportPending()).isZero();
        assertThat(sink.pendingSpans()).isEqualTo(2);

        clock.advance(WAIT_NS / 2);
        sink.onSpan(call(2, 1, 11, 10));
        assertThat(sink.exportPending()).isZero();
        assertThat(sink.pendingSpans()).isEqualTo(3);
        assertThat(otel.spans()).isEmpty();

        clock.advance(WAIT_NS / 4);
        sink.onSpan(call(1, 0, 10, -1));
        assertThat(sink.exportPending()).isEqualTo(4);

        assertThat(sink.pendingSpans()).isZero();
        assertThat(sink.orphanedSpans()).isZero();
        assertThat(otel.spans()).hasSize(8);
        otel.assertChildOf(2, 1);
        otel.assertChildOf(3, 2);
        otel.assertChildOf(4, 2);
        assertThat(otel.spans()).extracting(io.opentelemetry.sdk.trace.data.SpanData::getTraceId)
            .containsOnly(otel.producer(1).getTraceId());
    }

    @Test
    void parentAndChildInOnePassAreLinkedWhateverTheirOrder()
    {
        sink(manual().parentWaitNs(0));
        sink.onSpan(call(2, 1, 11, 10));
        sink.onSpan(call(1, 0, 10, -1));

        assertThat(sink.exportPending()).isEqualTo(2);

        otel.assertChildOf(2, 1);
        assertThat(sink.orphanedSpans()).isZero();
    }

    @Test
    void spanWhoseParentNeverComesIsExportedAfterTheWaitWithARemoteParentInBitActorsTrace()
    {
        sink(manual());
        sink.onSpan(call(7, 5, 12, 11));
        sink.onSpan(call(8, 7, 13, 12));
        sink.exportPending();
        clock.advance(WAIT_NS - 1);
        assertThat(sink.exportPending()).isZero();
        assertThat(sink.pendingSpans()).isEqualTo(2);

        clock.advance(1);
        assertThat(sink.exportPending()).isEqualTo(2);

        assertThat(sink.orphanedSpans()).isEqualTo(1);
        assertThat(sink.pendingSpans()).isZero();
        final io.opentelemetry.sdk.trace.data.SpanData producer = otel.producer(7);
        assertThat(producer.getTraceId()).isEqualTo(TRACE_HEX);
        assertThat(producer.getParentSpanContext().isRemote()).isTrue();
        assertThat(producer.getParentSpanId()).isEqualTo("0000000000000005");
        otel.assertPair(7);
        otel.assertChildOf(8, 7);
        assertThat(otel.producer(8).getTraceId()).isEqualTo(TRACE_HEX);
    }

    @Test
    void plainThreadSendWithAGivenTraceparentContinuesThatTraceAtOnce()
    {
        sink(manual());
        sink.onSpan(call(0x1234, 0x00f067aa0ba902b7L, 10, -3));
        sink.onSpan(call(0x1235, 0x1234, 11, 10));

        assertThat(sink.exportPending()).isEqualTo(2);

        final io.opentelemetry.sdk.trace.data.SpanData producer = otel.producer(0x1234);
        assertThat(producer.getTraceId()).isEqualTo(TRACE_HEX);
        assertThat(producer.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(producer.getParentSpanContext().isRemote()).isTrue();
        assertThat(producer.getParentSpanContext().isSampled()).isTrue();
        otel.assertChildOf(0x1235, 0x1234);
        assertThat(sink.continuedSpans()).isEqualTo(1);
        assertThat(sink.orphanedSpans()).isZero();
    }

    @Test
    void plainThreadSendWaitsForItsParentWhenConfiguredTo()
    {
        sink(manual().awaitPlainThreadParents(true));
        sink.onSpan(call(2, 1, 11, -3));
        assertThat(sink.exportPending()).isZero();
        sink.onSpan(call(1, 0, 10, -1));

        assertThat(sink.exportPending()).isEqualTo(2);

        otel.assertChildOf(2, 1);
        assertThat(sink.continuedSpans()).isZero();
    }

    @Test
    void callSpansCarryTheMessagingAttributes()
    {
        sink(manual());
        sink.onSpan(new SpanData(TRACE_HIGH, TRACE_LOW, 0xabcL, 0, 1, SpanKind.CALL, 42, -7, 99, 0,
            T0, T0 + 2_000, T0 + 9_000, SpanOutcome.OK, null, 2));
        sink.onSpan(new SpanData(TRACE_HIGH, TRACE_LOW, 0xabdL, 0xabcL, 1, SpanKind.CAST, 43, 42, 100, 0,
            T0 + 1_000, T0 + 12_000, T0 + 13_000, SpanOutcome.OK, null, 0));
        sink.exportPending();

        final io.opentelemetry.sdk.trace.data.SpanData producer = otel.producer(0xabc);
        assertThat(producer.getName()).isEqualTo("send 42");
        assertThat(producer.getKind()).isEqualTo(io.opentelemetry.api.trace.SpanKind.PRODUCER);
        assertThat(producer.getStartEpochNanos()).isEqualTo(T0);
        assertThat(producer.getEndEpochNanos()).isEqualTo(T0);
        assertThat(producer.getAttributes().asMap()).containsOnlyKeys(MESSAGING_SYSTEM, MESSAGING_OPERATION_TYPE,
            MESSAGING_OPERATION_NAME, MESSAGING_DESTINATION_NAME, MESSAGING_MESSAGE_ID, BITACTOR_SOURCE_ACTOR_ID,
            BITACTOR_TRACE_ID, BITACTOR_SPAN_ID);
        final Attributes sent = producer.getAttributes();
        assertThat(sent.get(MESSAGING_SYSTEM)).isEqualTo("bitactor");
        assertThat(sent.get(MESSAGING_OPERATION_TYPE)).isEqualTo("send");
        assertThat(sent.get(MESSAGING_OPERATION_NAME)).isEqualTo("call");
        assertThat(sent.get(MESSAGING_DESTINATION_NAME)).isEqualTo("42");
        assertThat(sent.get(MESSAGING_MESSAGE_ID)).isEqualTo("99");
        assertThat(sent.get(BITACTOR_SOURCE_ACTOR_ID)).isEqualTo(-7L);
        assertThat(sent.get(BITACTOR_TRACE_ID)).isEqualTo(TRACE_HEX);
        assertThat(sent.get(BITACTOR_SPAN_ID)).isEqualTo("0000000000000abc");

        final io.opentelemetry.sdk.trace.data.SpanData consumer = otel.consumer(0xabc);
        assertThat(consumer.getName()).isEqualTo("process 42");
        assertThat(consumer.getKind()).isEqualTo(io.opentelemetry.api.trace.SpanKind.CONSUMER);
        assertThat(consumer.getStartEpochNanos()).isEqualTo(T0 + 2_000);
        assertThat(consumer.getEndEpochNanos()).isEqualTo(T0 + 9_000);
        assertThat(consumer.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        final Attributes handled = consumer.getAttributes();
        assertThat(handled.get(MESSAGING_SYSTEM)).isEqualTo("bitactor");
        assertThat(handled.get(MESSAGING_OPERATION_TYPE)).isEqualTo("process");
        assertThat(handled.get(MESSAGING_OPERATION_NAME)).isEqualTo("handle_call");
        assertThat(handled.get(MESSAGING_DESTINATION_NAME)).isEqualTo("42");
        assertThat(handled.get(MESSAGING_MESSAGE_ID)).isEqualTo("99");
        assertThat(handled.get(MESSAGING_MESSAGE_CONVERSATION_ID)).isNull();
        assertThat(handled.get(BITACTOR_RETRY_COUNT)).isEqualTo(2L);
        assertThat(handled.get(BITACTOR_OUTCOME)).isEqualTo("ok");
        otel.assertPair(0xabc);

        final io.opentelemetry.sdk.trace.data.SpanData cast = otel.producer(0xabd);
        assertThat(cast.getName()).isEqualTo("send 43");
        assertThat(cast.getAttributes().get(MESSAGING_OPERATION_NAME)).isEqualTo("cast");
        assertThat(cast.getStartEpochNanos()).as("sent before the parent started: not before it")
            .isEqualTo(T0 + 2_000);
        assertThat(otel.consumer(0xabd).getAttributes().get(MESSAGING_OPERATION_NAME)).isEqualTo("handle_cast");
        otel.assertChildOf(0xabd, 0xabc);
    }

    @Test
    void replySpansAreNamedReplyAndCarryTheConversationId()
    {
        sink(manual());
        sink.onSpan(call(1, 0, 10, -4));
        sink.onSpan(span(SpanKind.REPLY, 2, 1, -4, 10, 1001, SpanOutcome.OK, null));
        sink.exportPending();

        final io.opentelemetry.sdk.trace.data.SpanData producer = otel.producer(2);
        final io.opentelemetry.sdk.trace.data.SpanData consumer = otel.consumer(2);
        assertThat(producer.getName()).isEqualTo("send reply");
        assertThat(consumer.getName()).isEqualTo("process reply");
        assertThat(consumer.getKind()).isEqualTo(io.opentelemetry.api.trace.SpanKind.CONSUMER);
        assertThat(producer.getAttributes().get(MESSAGING_OPERATION_NAME)).isEqualTo("reply");
        assertThat(consumer.getAttributes().get(MESSAGING_OPERATION_NAME)).isEqualTo("handle_reply");
        assertThat(consumer.getAttributes().get(MESSAGING_MESSAGE_CONVERSATION_ID)).isEqualTo("1001");
        assertThat(consumer.getAttributes().get(MESSAGING_DESTINATION_NAME)).isEqualTo("-4");
        assertThat(consumer.getAttributes().get(MESSAGING_DESTINATION_TEMPORARY)).isTrue();
        assertThat(otel.consumer(1).getAttributes().get(MESSAGING_DESTINATION_TEMPORARY)).isNull();
        otel.assertChildOf(2, 1);
    }

    @Test
    void failedHandlingIsAnErrorSpanAndOtherOutcomesAreAttributes()
    {
        sink(manual());
        sink.onSpan(span(SpanKind.CALL, 1, 0, 10, -1, 0, SpanOutcome.ERROR, IllegalStateException.class));
        sink.onSpan(span(SpanKind.CAST, 2, 0, 10, -1, 0, SpanOutcome.REJECTED, null));
        sink.onSpan(span(SpanKind.REPLY, 3, 0, -1, 10, 1001, SpanOutcome.TIMED_OUT, null));
        sink.exportPending();

        final io.opentelemetry.sdk.trace.data.SpanData failed = otel.consumer(1);
        assertThat(failed.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(failed.getStatus().getDescription()).isEqualTo("java.lang.IllegalStateException");
        assertThat(failed.getAttributes().get(ERROR_TYPE)).isEqualTo("java.lang.IllegalStateException");
        assertThat(failed.getAttributes().get(BITACTOR_OUTCOME)).isEqualTo("error");
        assertThat(otel.producer(1).getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);

        final io.opentelemetry.sdk.trace.data.SpanData rejected = otel.consumer(2);
        assertThat(rejected.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(rejected.getAttributes().get(BITACTOR_OUTCOME)).isEqualTo("rejected");
        assertThat(rejected.getAttributes().get(ERROR_TYPE)).isNull();

        final io.opentelemetry.sdk.trace.data.SpanData timedOut = otel.consumer(3);
        assertThat(timedOut.getName()).isEqualTo("process reply");
        assertThat(timedOut.getAttributes().get(BITACTOR_OUTCOME)).isEqualTo("timed_out");
        assertThat(timedOut.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    }

    @Test
    void fullBufferDropsAndCountsWithoutBlocking()
    {
        sink(manual().bufferCapacity(4));
        for (int i = 1; i <= 6; i++)
        {
            sink.onSpan(call(i, 0, 10, -1));
        }

        assertThat(sink.recordedSpans()).isEqualTo(4);
        assertThat(sink.droppedSpans()).isEqualTo(2);
        assertThat(sink.bufferedSpans()).isEqualTo(4);
        assertThat(sink.exportPending()).isEqualTo(4);
        assertThat(otel.byBitActorSpan()).containsOnlyKeys(
            "0000000000000001/PRODUCER", "0000000000000001/CONSUMER", "0000000000000002/PRODUCER",
            "0000000000000002/CONSUMER", "0000000000000003/PRODUCER", "0000000000000003/CONSUMER",
            "0000000000000004/PRODUCER", "0000000000000004/CONSUMER");

        sink.onSpan(call(7, 0, 10, -1));
        assertThat(sink.droppedSpans()).isEqualTo(2);
        assertThat(sink.recordedSpans()).isEqualTo(5);
    }

    @Test
    void exportPassTakesAtMostTheDrainLimit()
    {
        sink(manual().drainLimit(2));
        for (int i = 1; i <= 5; i++)
        {
            sink.onSpan(call(i, 0, 10, -1));
        }

        assertThat(sink.exportPending()).isEqualTo(2);
        assertThat(sink.bufferedSpans()).isEqualTo(3);
        assertThat(sink.flush()).isEqualTo(3);
        assertThat(sink.bufferedSpans()).isZero();
        assertThat(sink.exportedSpans()).isEqualTo(5);
    }

    @Test
    void oldestRememberedSpanIsForgottenBeyondTheContextCapacity()
    {
        sink(manual().contextCapacity(2));
        sink.onSpan(call(1, 0, 10, -1));
        sink.onSpan(call(2, 0, 10, -1));
        sink.onSpan(call(3, 0, 10, -1));
        sink.exportPending();
        assertThat(sink.forgottenSpans()).isEqualTo(1);

        sink.onSpan(call(11, 1, 11, 10));
        sink.onSpan(call(12, 2, 11, 10));
        sink.onSpan(call(13, 3, 11, 10));
        assertThat(sink.exportPending()).as("children of remembered spans").isEqualTo(2);
        assertThat(sink.pendingSpans()).isEqualTo(1);
        otel.assertChildOf(12, 2);
        otel.assertChildOf(13, 3);

        clock.advance(WAIT_NS);
        assertThat(sink.exportPending()).isEqualTo(1);
        assertThat(sink.orphanedSpans()).isEqualTo(1);
        assertThat(otel.producer(11).getParentSpanContext().isRemote()).isTrue();
        assertThat(otel.producer(11).getParentSpanId()).isEqualTo("0000000000000001");
        assertThat(otel.producer(11).getTraceId()).isEqualTo(TRACE_HEX);
    }

    @Test
    void waitingSpansBeyondTheLimitAreOrphanedOldestFirst()
    {
        sink(manual().maxPendingSpans(2));
        sink.onSpan(call(11, 1, 11, 10));
        sink.onSpan(call(12, 2, 11, 10));
        assertThat(sink.exportPending()).isZero();

        sink.onSpan(call(13, 3, 11, 10));
        assertThat(sink.exportPending()).isEqualTo(1);

        assertThat(sink.pendingSpans()).isEqualTo(2);
        assertThat(sink.orphanedSpans()).isEqualTo(1);
        assertThat(otel.byBitActorSpan()).containsOnlyKeys("000000000000000b/PRODUCER", "000000000000000b/CONSUMER");
    }

    @Test
    void flushExportsWaitingChainsFromTheirTopSoChildrenKeepTheirParents()
    {
        sink(manual());
        sink.onSpan(call(3, 2, 12, 11));
        sink.onSpan(call(2, 1, 11, 10));
        sink.exportPending();
        sink.onSpan(call(4, 3, 13, 12));
        assertThat(sink.pendingSpans()).isEqualTo(2);

        assertThat(sink.flush()).isEqualTo(3);

        assertThat(sink.pendingSpans()).isZero();
        assertThat(sink.orphanedSpans()).as("only the top of the chain").isEqualTo(1);
        assertThat(otel.producer(2).getParentSpanContext().isRemote()).isTrue();
        otel.assertChildOf(3, 2);
        otel.assertChildOf(4, 3);
    }

    @Test
    void expiredSpanWhoseParentStillWaitsIsExportedWithItsChain()
    {
        sink(manual());
        sink.onSpan(call(3, 2, 12, 11));
        sink.exportPending();
        clock.advance(WAIT_NS / 2);
        sink.onSpan(call(2, 1, 11, 10));
        sink.exportPending();

        clock.advance(WAIT_NS / 2);
        assertThat(sink.exportPending()).isEqualTo(2);

        assertThat(sink.orphanedSpans()).isEqualTo(1);
        otel.assertChildOf(3, 2);
    }

    @Test
    void closeExportsEverythingAndLaterSpansAreDropped()
    {
        sink(manual());
        sink.onSpan(call(1, 0, 10, -1));
        sink.onSpan(call(3, 2, 12, 11));

        sink.close();

        assertThat(sink.isClosed()).isTrue();
        assertThat(sink.exportedSpans()).isEqualTo(2);
        assertThat(sink.orphanedSpans()).isEqualTo(1);
        sink.onSpan(call(5, 0, 10, -1));
        assertThat(sink.droppedSpans()).isEqualTo(1);
        assertThat(sink.recordedSpans()).isEqualTo(2);
        sink.close();
        assertThat(sink.exportedSpans()).isEqualTo(2);
    }

    @Test
    void exporterThreadExportsWithoutBeingDriven() throws InterruptedException
    {
        final CountDownLatch twoConsumerSpans = new CountDownLatch(2);
        try (SdkTracerProvider provider = SdkTracerProvider.builder()
            .addSpanProcessor(new CountingProcessor(twoConsumerSpans))
            .build())
        {
            final OpenTelemetry openTelemetry = io.opentelemetry.sdk.OpenTelemetrySdk.builder()
                .setTracerProvider(provider).build();
            sink = new OpenTelemetrySpanSink(openTelemetry, new OpenTelemetrySinkContext().errorHandler(errors::add));
            sink.onSpan(call(1, 0, 10, -1));
            sink.onSpan(call(2, 1, 11, 10));

            assertThat(twoConsumerSpans.await(30, TimeUnit.SECONDS)).isTrue();
            sink.close();
            assertThat(sink.exportedSpans()).isEqualTo(2);
        }
        assertThat(errors).isEmpty();
    }

    @Test
    void failingOpenTelemetryIsReportedAndCountedAndTheExportGoesOn()
    {
        final Tracer sdkTracer = otel.sdk.getTracer(MessagingAttributes.INSTRUMENTATION_SCOPE);
        final Tracer tracer = name ->
        {
            if (name.equals("send 13"))
            {
                throw new IllegalStateException("exporter broke");
            }
            return sdkTracer.spanBuilder(name);
        };
        sink = new OpenTelemetrySpanSink(new FixedTracerOpenTelemetry(tracer), manual());
        sink.onSpan(call(1, 0, 10, -1));
        sink.onSpan(call(3, 2, 11, 13));
        sink.onSpan(call(2, 1, 13, 10));

        assertThat(sink.exportPending()).isEqualTo(2);

        assertThat(sink.failedSpans()).isEqualTo(1);
        assertThat(errors).singleElement().satisfies(e -> assertThat(e).hasMessage("exporter broke"));
        otel.assertPair(1);
        assertThat(otel.producer(3).getParentSpanContext().isRemote()).as("parent 2 was lost").isTrue();
        assertThat(sink.pendingSpans()).isZero();
    }

    @Test
    void invalidSettingsAreRefused()
    {
        assertThatThrownBy(() -> new OpenTelemetrySinkContext().bufferCapacity(3).conclude())
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bufferCapacity");
        assertThatThrownBy(() -> new OpenTelemetrySinkContext().drainLimit(0).conclude())
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("drainLimit");
        assertThatThrownBy(() -> new OpenTelemetrySinkContext().contextCapacity(0).conclude())
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("contextCapacity");
        assertThatThrownBy(() -> new OpenTelemetrySinkContext().maxPendingSpans(-1).conclude())
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxPendingSpans");
        assertThatThrownBy(() -> new OpenTelemetrySinkContext().parentWaitNs(-1).conclude())
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("parentWaitNs");
    }

    /** Counts CONSUMER spans as they end. */
    private static final class CountingProcessor implements SpanProcessor
    {
        private final CountDownLatch consumerSpans;

        CountingProcessor(final CountDownLatch consumerSpans)
        {
            this.consumerSpans = consumerSpans;
        }

        public void onStart(final io.opentelemetry.context.Context parentContext, final ReadWriteSpan span)
        {
        }

        public boolean isStartRequired()
        {
            return false;
        }

        public void onEnd(final ReadableSpan span)
        {
            if (span.getKind() == io.opentelemetry.api.trace.SpanKind.CONSUMER)
            {
                consumerSpans.countDown();
            }
        }

        public boolean isEndRequired()
        {
            return true;
        }
    }

    /** An OpenTelemetry whose every tracer is the given one. */
    private static final class FixedTracerOpenTelemetry implements OpenTelemetry
    {
        private final Tracer tracer;

        FixedTracerOpenTelemetry(final Tracer tracer)
        {
            this.tracer = tracer;
        }

        public TracerProvider getTracerProvider()
        {
            return new TracerProvider()
            {
                public Tracer get(final String instrumentationScopeName)
                {
                    return tracer;
                }

                public Tracer get(final String instrumentationScopeName, final String instrumentationScopeVersion)
                {
                    return tracer;
                }
            };
        }

        public ContextPropagators getPropagators()
        {
            return ContextPropagators.noop();
        }
    }
}
