package io.bitactor.opentelemetry;

import io.bitactor.actor.ActorBehavior;
import io.bitactor.actor.ActorContext;
import io.bitactor.actor.ActorRef;
import io.bitactor.actor.ActorSpec;
import io.bitactor.actor.ActorSystem;
import io.bitactor.actor.ActorSystemContext;
import io.bitactor.actor.CallFailedException;
import io.bitactor.actor.DeferredReply;
import io.bitactor.actor.Message;
import io.bitactor.actor.Reply;
import io.bitactor.actor.ReplyHandler;
import io.bitactor.actor.SendStatus;
import io.bitactor.actor.ThreadingMode;
import io.bitactor.core.TraceContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.bitactor.opentelemetry.MessagingAttributes.BITACTOR_OUTCOME;
import static io.bitactor.opentelemetry.MessagingAttributes.ERROR_TYPE;
import static io.bitactor.opentelemetry.MessagingAttributes.MESSAGING_DESTINATION_NAME;
import static io.bitactor.opentelemetry.MessagingAttributes.MESSAGING_MESSAGE_CONVERSATION_ID;
import static io.bitactor.opentelemetry.MessagingAttributes.MESSAGING_MESSAGE_ID;
import static io.bitactor.opentelemetry.MessagingAttributes.MESSAGING_OPERATION_NAME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The sink behind a real actor system (invoker mode: the test thread drives the workers, the sink is driven by
 * hand): a plain thread calls A, A calls B, B calls C, and the answers travel back.
 */
class ActorSystemOpenTelemetryTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final long CALL_TIMEOUT_NS = 5_000_000_000L;

    private final InMemoryOpenTelemetry otel = new InMemoryOpenTelemetry();
    private final CachedNanoClock clock = new CachedNanoClock();
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private final OpenTelemetrySpanSink sink = new OpenTelemetrySpanSink(otel.sdk, new OpenTelemetrySinkContext()
        .exporterThread(false)
        .nanoClock(clock)
        .errorHandler(errors::add));
    private final ActorSystem system = ActorSystem.launch(new ActorSystemContext()
        .threadingMode(ThreadingMode.INVOKER)
        .workerCount(2)
        .shardCount(4)
        .nanoClock(clock)
        .randomSeed(42)
        .errorHandler(errors::add)
        .spanSink(sink));

    @AfterEach
    void close()
    {
        system.close();
        sink.close();
        otel.close();
    }

    /** Answers "name" itself, or calls its next actor and answers "name<-answer". */
    static final class Link implements ActorBehavior
    {
        private final String name;
        private int next;

        Link(final String name)
        {
            this.name = name;
        }

        public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
        {
            if (0 == next)
            {
                reply.ok(name);
                return;
            }
            final DeferredReply kept = reply.defer();
            final byte[] forward = request.payloadAsString().getBytes(StandardCharsets.UTF_8);
            ctx.call(next, new UnsafeBuffer(forward), 0, forward.length, CALL_TIMEOUT_NS, new ReplyHandler()
            {
                public void onReply(final ActorContext replyCtx, final Message answer)
                {
                    final byte[] text = (name + "<-" + answer.payloadAsString()).getBytes(StandardCharsets.UTF_8);
                    replyCtx.reply(kept, new UnsafeBuffer(text), 0, text.length);
                }
            });
        }

        public void handleCast(final ActorContext ctx, final Message message)
        {
        }
    }

    private ActorRef[] chain()
    {
        final Link a = new Link("A");
        final Link b = new Link("B");
        final Link c = new Link("C");
        final ActorRef refA = system.spawn(ActorSpec.of(() -> a).withName("A"));
        final ActorRef refB = system.spawn(ActorSpec.of(() -> b).withName("B"));
        final ActorRef refC = system.spawn(ActorSpec.of(() -> c).withName("C"));
        a.next = refB.id();
        b.next = refC.id();
        return new ActorRef[]{ refA, refB, refC };
    }

    private SpanData span(final SpanKind kind, final String name, final ActorRef destination)
    {
        final List<SpanData> found = otel.spans().stream()
            .filter(span -> span.getKind() == kind && span.getName().equals(name) &&
                span.getAttributes().get(MESSAGING_DESTINATION_NAME).equals(Integer.toString(destination.id())))
            .toList();
        assertThat(found).as("%s %s to %s", kind, name, destination).hasSize(1);
        return found.get(0);
    }

    private SpanData replyToPlainThread(final SpanKind kind)
    {
        final List<SpanData> found = otel.spans().stream()
            .filter(span -> span.getKind() == kind && span.getName().endsWith(" reply") &&
                Integer.parseInt(span.getAttributes().get(MESSAGING_DESTINATION_NAME)) < 0)
            .toList();
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    private static void assertParent(final SpanData child, final SpanData parent)
    {
        assertThat(child.getTraceId()).as("trace of %s", child.getName()).isEqualTo(parent.getTraceId());
        assertThat(child.getParentSpanId()).as("parent of %s is %s", child.getName(), parent.getName())
            .isEqualTo(parent.getSpanId());
    }

    private String callAndExport(final ActorRef target, final TraceContext traceContext)
    {
        final byte[] request = "go".getBytes(StandardCharsets.UTF_8);
        final CompletableFuture<byte[]> answer = null == traceContext ?
            system.call(target, request, TIMEOUT) : system.call(target, request, TIMEOUT, traceContext);
        system.runUntilIdle();
        sink.flush();
        return new String(answer.join(), StandardCharsets.UTF_8);
    }

    @Test
    void callChainFromAPlainThreadIsOneTraceWithTheRightParents()
    {
        final ActorRef[] refs = chain();
        final ActorRef a = refs[0];
        final ActorRef b = refs[1];
        final ActorRef c = refs[2];

        assertThat(callAndExport(a, null)).isEqualTo("A<-B<-C");

        assertThat(errors).isEmpty();
        assertThat(sink.exportedSpans()).as("3 calls and 3 replies").isEqualTo(6);
        assertThat(sink.droppedSpans()).isZero();
        assertThat(sink.orphanedSpans()).isZero();
        assertThat(sink.pendingSpans()).isZero();
        assertThat(otel.spans()).hasSize(12);
        assertThat(otel.spans()).extracting(SpanData::getTraceId).containsOnly(otel.spans().get(0).getTraceId());

        final SpanData sendA = span(SpanKind.PRODUCER, "send " + a.id(), a);
        final SpanData processA = span(SpanKind.CONSUMER, "process " + a.id(), a);
        final SpanData sendB = span(SpanKind.PRODUCER, "send " + b.id(), b);
        final SpanData processB = span(SpanKind.CONSUMER, "process " + b.id(), b);
        final SpanData sendC = span(SpanKind.PRODUCER, "send " + c.id(), c);
        final SpanData processC = span(SpanKind.CONSUMER, "process " + c.id(), c);
        assertThat(sendA.getParentSpanContext().isValid()).as("the plain thread's call is the root").isFalse();
        assertParent(processA, sendA);
        assertParent(sendB, processA);
        assertParent(processB, sendB);
        assertParent(sendC, processB);
        assertParent(processC, sendC);
        for (final SpanData consumer : List.of(processA, processB, processC))
        {
            assertThat(consumer.getLinks()).singleElement()
                .satisfies(link -> assertThat(link.getSpanContext().getSpanId())
                    .isEqualTo(consumer.getParentSpanId()));
        }

        // The answers: each is a child of the call it answers, also when it is sent later, from the reply handler
        // (a deferred reply keeps the context of its call).
        final SpanData sendReplyToB = span(SpanKind.PRODUCER, "send reply", b);
        final SpanData processReplyAtB = span(SpanKind.CONSUMER, "process reply", b);
        final SpanData sendReplyToA = span(SpanKind.PRODUCER, "send reply", a);
        final SpanData processReplyAtA = span(SpanKind.CONSUMER, "process reply", a);
        final SpanData sendReplyToThread = replyToPlainThread(SpanKind.PRODUCER);
        final SpanData processReplyAtThread = replyToPlainThread(SpanKind.CONSUMER);
        assertParent(sendReplyToB, processC);
        assertParent(processReplyAtB, sendReplyToB);
        assertParent(sendReplyToA, processB);
        assertParent(processReplyAtA, sendReplyToA);
        assertParent(sendReplyToThread, processA);
        assertParent(processReplyAtThread, sendReplyToThread);
        assertThat(processReplyAtB.getAttributes().get(MESSAGING_MESSAGE_CONVERSATION_ID)).isNotNull();
        assertThat(processC.getAttributes().get(MESSAGING_MESSAGE_ID)).isNotNull();
    }

    @Test
    void plainThreadCallWithAGivenTraceparentJoinsThatTrace()
    {
        final ActorRef[] refs = chain();
        final TraceContext incoming =
            TraceContext.parseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");

        assertThat(callAndExport(refs[0], incoming)).isEqualTo("A<-B<-C");

        assertThat(errors).isEmpty();
        assertThat(sink.orphanedSpans()).isZero();
        assertThat(sink.continuedSpans()).isEqualTo(1);
        assertThat(otel.spans()).hasSize(12);
        assertThat(otel.spans()).extracting(SpanData::getTraceId).containsOnly("4bf92f3577b34da6a3ce929d0e0e4736");
        final SpanData sendA = span(SpanKind.PRODUCER, "send " + refs[0].id(), refs[0]);
        assertThat(sendA.getParentSpanContext().isRemote()).isTrue();
        assertThat(sendA.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
        assertParent(span(SpanKind.PRODUCER, "send " + refs[1].id(), refs[1]),
            span(SpanKind.CONSUMER, "process " + refs[0].id(), refs[0]));
        assertParent(span(SpanKind.PRODUCER, "send " + refs[2].id(), refs[2]),
            span(SpanKind.CONSUMER, "process " + refs[1].id(), refs[1]));
    }

    /** Fails every call, ignores casts. */
    static final class Failing implements ActorBehavior
    {
        public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
        {
            throw new IllegalStateException("cannot");
        }

        public void handleCast(final ActorContext ctx, final Message message)
        {
        }
    }

    @Test
    void failedCallIsAnErrorSpanAndACastIsACastSpan()
    {
        final ActorRef failing = system.spawn(ActorSpec.of(Failing::new).withName("failing"));
        final TraceContext incoming =
            TraceContext.parseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");

        assertThat(system.cast(failing, "note".getBytes(StandardCharsets.UTF_8), incoming))
            .isEqualTo(SendStatus.ACCEPTED);
        final CompletableFuture<byte[]> answer = system.call(failing, "go".getBytes(StandardCharsets.UTF_8), TIMEOUT);
        system.runUntilIdle();
        sink.flush();

        assertThatThrownBy(answer::join).hasCauseInstanceOf(CallFailedException.class);
        final List<SpanData> consumers = otel.spans().stream()
            .filter(span -> span.getKind() == SpanKind.CONSUMER && span.getName().equals("process " + failing.id()))
            .toList();
        assertThat(consumers).hasSize(2);
        final SpanData cast = consumers.stream()
            .filter(span -> "handle_cast".equals(span.getAttributes().get(MESSAGING_OPERATION_NAME)))
            .findFirst().orElseThrow();
        assertThat(cast.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(cast.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(cast.getAttributes().get(BITACTOR_OUTCOME)).isEqualTo("ok");
        final SpanData call = consumers.stream()
            .filter(span -> "handle_call".equals(span.getAttributes().get(MESSAGING_OPERATION_NAME)))
            .findFirst().orElseThrow();
        assertThat(call.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(call.getAttributes().get(ERROR_TYPE)).isEqualTo(IllegalStateException.class.getName());
        assertThat(call.getAttributes().get(BITACTOR_OUTCOME)).isEqualTo("error");
        final SpanData errorReply = replyToPlainThread(SpanKind.PRODUCER);
        assertParent(errorReply, call);
        assertThat(sink.orphanedSpans()).isZero();
    }
}
