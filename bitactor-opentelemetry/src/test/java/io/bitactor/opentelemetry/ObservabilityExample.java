package io.bitactor.opentelemetry;

import io.bitactor.actor.ActorBehavior;
import io.bitactor.actor.ActorContext;
import io.bitactor.actor.ActorRef;
import io.bitactor.actor.ActorSpec;
import io.bitactor.actor.ActorSystem;
import io.bitactor.actor.ActorSystemContext;
import io.bitactor.actor.DeferredReply;
import io.bitactor.actor.Message;
import io.bitactor.actor.Reply;
import io.bitactor.actor.ReplyHandler;
import io.bitactor.core.TraceContext;
import io.bitactor.micrometer.BitActorMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The example of docs/OBSERVABILITY.md, compiled and run by the build ({@code ObservabilityExampleTest}, which
 * also checks that the document shows the part between the tags verbatim).
 */
public final class ObservabilityExample
{
    private ObservabilityExample()
    {
    }

    // tag::example[]
    /** Answers "hello <name>", asking the backend for the name first (an actor-to-actor call). */
    static final class Frontend implements ActorBehavior
    {
        private final int backendId;

        Frontend(final int backendId)
        {
            this.backendId = backendId;
        }

        @Override
        public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
        {
            final DeferredReply kept = reply.defer();
            final UnsafeBuffer question = new UnsafeBuffer("name?".getBytes(StandardCharsets.UTF_8));
            ctx.call(backendId, question, 0, question.capacity(), TimeUnit.SECONDS.toNanos(1), new ReplyHandler()
            {
                @Override
                public void onReply(final ActorContext replyCtx, final Message name)
                {
                    final byte[] text = ("hello " + name.payloadAsString()).getBytes(StandardCharsets.UTF_8);
                    replyCtx.reply(kept, new UnsafeBuffer(text), 0, text.length);
                }
            });
        }

        @Override
        public void handleCast(final ActorContext ctx, final Message message)
        {
        }
    }

    /** Answers every call with a name. */
    static final class Backend implements ActorBehavior
    {
        @Override
        public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
        {
            reply.ok("world");
        }

        @Override
        public void handleCast(final ActorContext ctx, final Message message)
        {
        }
    }

    /**
     * Handles one request that arrived with a W3C {@code traceparent}: its spans join the caller's trace and are
     * exported through {@code openTelemetry} (the application's SDK, with the exporter of its choice); the system's
     * metrics are published to {@code registry}.
     *
     * @param openTelemetry the application's OpenTelemetry.
     * @param registry      the application's Micrometer registry.
     * @param traceparent   the incoming request's {@code traceparent} header.
     * @return the answer.
     */
    public static String handleRequest(
        final OpenTelemetry openTelemetry, final MeterRegistry registry, final String traceparent)
    {
        // The sink first: the system closes before it, and the sink's close() exports what is left.
        try (OpenTelemetrySpanSink sink = new OpenTelemetrySpanSink(openTelemetry);
            ActorSystem system = ActorSystem.launch(new ActorSystemContext().spanSink(sink)))
        {
            final ActorRef backend = system.spawn(ActorSpec.of(Backend::new).withName("backend"));
            final ActorRef frontend = system.spawn(
                ActorSpec.of(() -> new Frontend(backend.id())).withName("frontend"));
            // Metrics: system and shard meters, plus per-actor meters for the actors named here.
            new BitActorMetrics(system, "example").actor(frontend).maxSnapshotAge(Duration.ZERO).bindTo(registry);

            final TraceContext caller = TraceContext.parseTraceparent(traceparent);
            final byte[] answer = system.callBlocking(
                frontend, "hi".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5), caller);
            return new String(answer, StandardCharsets.UTF_8);
        }
    }
    // end::example[]

    /**
     * Runs the example with an SDK that keeps the spans in memory, and prints them. Main thread.
     *
     * @param args ignored.
     */
    public static void main(final String[] args)
    {
        final InMemorySpanExporter exporter = InMemorySpanExporter.create();
        final SdkTracerProvider tracerProvider = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(exporter))
            .build();
        try (OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(tracerProvider).build())
        {
            final SimpleMeterRegistry registry = new SimpleMeterRegistry();
            System.out.println(handleRequest(sdk, registry, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
            System.out.println(registry.getMetersAsString());
            for (final SpanData span : exporter.getFinishedSpanItems())
            {
                System.out.println(span.getTraceId() + " " + span.getSpanId() + " <- " + span.getParentSpanId() + " " +
                    span.getKind() + " " + span.getName());
            }
        }
    }
}
