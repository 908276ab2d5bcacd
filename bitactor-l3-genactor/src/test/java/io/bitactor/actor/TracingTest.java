package io.bitactor.actor;

import io.bitactor.core.TraceContext;
import io.bitactor.tracing.RingBufferSpanSink;
import io.bitactor.tracing.SpanData;
import io.bitactor.tracing.SpanKind;
import io.bitactor.tracing.SpanOutcome;
import io.bitactor.tracing.SpanSink;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.OffsetEpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * W3C trace propagation (plain threads, handlers, replies, timeouts) and span recording into a
 * {@link RingBufferSpanSink}, in invoker mode with injected clocks: deterministic, no sleeps.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TracingTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final String UNSAMPLED_TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";

    private final TestSystems systems = new TestSystems();
    private final RingBufferSpanSink sink = new RingBufferSpanSink(1024);
    private final CountingEpochClock epochClock = new CountingEpochClock();
    private final List<ActorSystem> launched = new ArrayList<>();

    @AfterEach
    void close()
    {
        for (final ActorSystem system : launched)
        {
            system.close();
        }
        assertThat(systems.errors).isEmpty();
    }

    private ActorSystem launch(final ActorSystemContext ctx)
    {
        final ActorSystem system = ActorSystem.launch(ctx);
        launched.add(system);
        return system;
    }

    private ActorSystem traced()
    {
        return launch(systems.context().spanSink(sink).epochNanoClock(epochClock));
    }

    /** An epoch clock that moves 1 µs per reading and counts its readings. */
    static final class CountingEpochClock implements EpochNanoClock
    {
        long reads;

        public long nanoTime()
        {
            reads++;
            return 1_700_000_000_000_000_000L + reads * 1_000L;
        }
    }

    /** What a handler saw of a message's trace. */
    record Seen(long traceIdHigh, long traceIdLow, long spanId, int traceFlags)
    {
        static Seen of(final Message message)
        {
            return new Seen(message.traceIdHigh(), message.traceIdLow(), message.spanId(), message.traceFlags());
        }
    }

    /** Answers every call with "ok"; records the trace of everything it handles. */
    static final class Recorder implements ActorBehavior
    {
        final List<Seen> seen;

        Recorder(final List<Seen> seen)
        {
            this.seen = seen;
        }

        public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
        {
            seen.add(Seen.of(request));
            reply.ok("ok");
        }

        public void handleCast(final ActorContext ctx, final Message message)
        {
            seen.add(Seen.of(message));
        }
    }

    /**
     * Relays each call to the next actor and answers with its reply (a deferred reply, answered from the reply
     * handler); with {@code notify} set, its reply handler also casts to that actor.
     */
    static final class Relay implements ActorBehavior
    {
        final ActorRef next;
        final ActorRef notify;
        final long timeoutNs;
        final List<Seen> seen;

        Relay(final ActorRef next, final ActorRef notify, final long timeoutNs, final List<Seen> seen)
        {
            this.next = next;
            this.notify = notify;
            this.timeoutNs = timeoutNs;
            this.seen = seen;
        }

        public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
        {
            seen.add(Seen.of(request));
            final DeferredReply deferred = reply.defer();
            final UnsafeBuffer payload = new UnsafeBuffer("relay".getBytes(StandardCharsets.UTF_8));
            ctx.call(next.id(), payload, 0, payload.capacity(), timeoutNs, new ReplyHandler()
            {
                public void onReply(final ActorContext c, final Message r)
                {
                    if (notify != null)
                    {
                        c.cast(notify, "replied");
                    }
                    final byte[] bytes = r.payloadAsBytes();
                    c.reply(deferred, new UnsafeBuffer(bytes), 0, bytes.length);
                }

                public void onError(final ActorContext c, final long correlationId, final Throwable error)
                {
                    if (notify != null)
                    {
                        c.cast(notify, error.getClass().getSimpleName());
                    }
                    final byte[] bytes = error.getClass().getSimpleName().getBytes(StandardCharsets.UTF_8);
                    c.reply(deferred, new UnsafeBuffer(bytes), 0, bytes.length);
                }
            });
        }

        public void handleCast(final ActorContext ctx, final Message message)
        {
            seen.add(Seen.of(message));
        }
    }

    /** Takes calls and never answers them (defers and forgets). */
    static final class Silent implements ActorBehavior
    {
        public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
        {
            reply.defer();
        }

        public void handleCast(final ActorContext ctx, final Message message)
        {
        }
    }

    /** Always throws. */
    static final class Failing implements ActorBehavior
    {
        public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
        {
            throw new IllegalStateException("call fails");
        }

        public void handleCast(final ActorContext ctx, final Message message)
        {
            throw new IllegalArgumentException("cast fails");
        }
    }

    /** The reply text of a completed call (never waits: a call still pending fails the test). */
    private static String joined(final CompletableFuture<byte[]> reply)
    {
        assertThat(reply).isDone();
        return new String(reply.join(), StandardCharsets.UTF_8);
    }

    private static SpanData only(final List<SpanData> spans, final SpanKind kind, final int actorId)
    {
        final List<SpanData> matching = spans.stream()
            .filter(span -> span.kind() == kind && span.actorId() == actorId)
            .toList();
        assertThat(matching).as("%s spans of actor %d in %s", kind, actorId, spans).hasSize(1);
        return matching.get(0);
    }

    private static void assertSameTrace(final SpanData span, final long traceIdHigh, final long traceIdLow)
    {
        assertThat(span.traceIdHigh()).isEqualTo(traceIdHigh);
        assertThat(span.traceIdLow()).isEqualTo(traceIdLow);
    }

    private static void assertTimes(final SpanData span)
    {
        assertThat(span.startEpochNs()).isGreaterThan(1_700_000_000_000_000_000L);
        assertThat(span.endEpochNs()).isGreaterThanOrEqualTo(span.startEpochNs());
    }

    @Test
    void plainThreadCallStartsANewRootTraceAndTheReplySpanCarriesIt()
    {
        final ActorSystem system = traced();
        final List<Seen> seen = new ArrayList<>();
        final ActorRef recorder = system.spawn(ActorSpec.of(() -> new Recorder(seen)));
        system.runUntilIdle();

        final CompletableFuture<byte[]> reply = system.call(recorder, "x".getBytes(), TIMEOUT);
        system.runUntilIdle();

        assertThat(joined(reply)).isEqualTo("ok");
        final List<SpanData> spans = sink.drainToList();
        assertThat(spans).hasSize(2);
        final SpanData call = only(spans, SpanKind.CALL, recorder.id());
        assertThat(call.traceIdHigh() | call.traceIdLow()).isNotZero();
        assertThat(call.parentSpanId()).isZero();
        assertThat(call.spanId()).isNotZero();
        assertThat(call.isSampled()).isTrue();
        assertThat(call.outcome()).isEqualTo(SpanOutcome.OK);
        assertThat(call.errorClass()).isNull();
        assertThat(call.retryCount()).isZero();
        assertThat(call.sourceActorId()).isNegative();
        assertThat(call.correlationId()).isZero();
        assertThat(call.sentEpochNs()).isPositive().isEqualTo(call.sentEpochNs() / 1_000_000L * 1_000_000L);
        assertTimes(call);
        assertThat(seen).containsExactly(new Seen(call.traceIdHigh(), call.traceIdLow(), call.spanId(),
            TraceContext.FLAG_SAMPLED));

        final SpanData replySpan = only(spans, SpanKind.REPLY, call.sourceActorId());
        assertSameTrace(replySpan, call.traceIdHigh(), call.traceIdLow());
        assertThat(replySpan.parentSpanId()).isEqualTo(call.spanId());
        assertThat(replySpan.spanId()).isNotIn(0L, call.spanId());
        assertThat(replySpan.sourceActorId()).isEqualTo(recorder.id());
        assertThat(replySpan.correlationId()).isNotZero();
        assertThat(replySpan.outcome()).isEqualTo(SpanOutcome.OK);
        assertTimes(replySpan);

        // A second call starts another trace.
        system.call(recorder, "y".getBytes(), TIMEOUT);
        system.runUntilIdle();
        final SpanData second = only(sink.drainToList(), SpanKind.CALL, recorder.id());
        assertThat(new long[]{second.traceIdHigh(), second.traceIdLow()})
            .isNotEqualTo(new long[]{call.traceIdHigh(), call.traceIdLow()});
        assertThat(second.parentSpanId()).isZero();
    }

    @Test
    void callAndCastWithATraceparentContinueIt()
    {
        final ActorSystem system = traced();
        final List<Seen> seen = new ArrayList<>();
        final ActorRef recorder = system.spawn(ActorSpec.of(() -> new Recorder(seen)));
        system.runUntilIdle();
        final TraceContext incoming = TraceContext.parseTraceparent(TRACEPARENT);

        assertThat(system.callBlocking(recorder, "x".getBytes(), TIMEOUT, incoming)).asString().isEqualTo("ok");
        assertThat(system.cast(recorder, "y".getBytes(), incoming)).isEqualTo(SendStatus.ACCEPTED);
        system.runUntilIdle();

        final List<SpanData> spans = sink.drainToList();
        final SpanData call = only(spans, SpanKind.CALL, recorder.id());
        final SpanData cast = only(spans, SpanKind.CAST, recorder.id());
        for (final SpanData span : List.of(call, cast))
        {
            assertSameTrace(span, incoming.traceIdHigh(), incoming.traceIdLow());
            assertThat(span.parentSpanId()).isEqualTo(0x00f067aa0ba902b7L);
            assertThat(span.spanId()).isNotIn(0L, incoming.spanId());
            assertThat(span.traceFlags()).isEqualTo(TraceContext.FLAG_SAMPLED);
        }
        assertThat(call.spanId()).isNotEqualTo(cast.spanId());
        assertThat(call.traceparent()).startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-").endsWith("-01");
        final SpanData reply = only(spans, SpanKind.REPLY, call.sourceActorId());
        assertThat(reply.parentSpanId()).isEqualTo(call.spanId());
        assertThat(seen).extracting(Seen::traceIdLow).containsOnly(incoming.traceIdLow());
    }

    @Test
    void aChainOfCallsYieldsOneTraceWithExactParentLinks()
    {
        final ActorSystem system = traced();
        final List<Seen> seenA = new ArrayList<>();
        final List<Seen> seenB = new ArrayList<>();
        final List<Seen> seenC = new ArrayList<>();
        final ActorRef c = system.spawn(ActorSpec.of(() -> new Recorder(seenC)));
        final ActorRef b = system.spawn(ActorSpec.of(() -> new Relay(c, null, TIMEOUT.toNanos(), seenB)));
        final ActorRef a = system.spawn(ActorSpec.of(() -> new Relay(b, null, TIMEOUT.toNanos(), seenA)));
        system.runUntilIdle();

        final CompletableFuture<byte[]> reply = system.call(a, "x".getBytes(), TIMEOUT);
        system.runUntilIdle();

        assertThat(joined(reply)).isEqualTo("ok");
        final List<SpanData> spans = sink.drainToList();
        assertThat(spans).hasSize(6);
        final SpanData callA = only(spans, SpanKind.CALL, a.id());
        final SpanData callB = only(spans, SpanKind.CALL, b.id());
        final SpanData callC = only(spans, SpanKind.CALL, c.id());
        final SpanData replyAtB = only(spans, SpanKind.REPLY, b.id());
        final SpanData replyAtA = only(spans, SpanKind.REPLY, a.id());
        final SpanData replyAtCaller = only(spans, SpanKind.REPLY, callA.sourceActorId());
        for (final SpanData span : spans)
        {
            assertSameTrace(span, callA.traceIdHigh(), callA.traceIdLow());
            assertThat(span.isSampled()).isTrue();
            assertThat(span.outcome()).isEqualTo(SpanOutcome.OK);
        }
        assertThat(callA.parentSpanId()).isZero();
        assertThat(callB.parentSpanId()).isEqualTo(callA.spanId());
        assertThat(callC.parentSpanId()).isEqualTo(callB.spanId());
        assertThat(callB.sourceActorId()).isEqualTo(a.id());
        assertThat(callC.sourceActorId()).isEqualTo(b.id());
        assertThat(replyAtB.parentSpanId()).isEqualTo(callC.spanId());
        assertThat(replyAtB.sourceActorId()).isEqualTo(c.id());
        assertThat(replyAtA.parentSpanId()).isEqualTo(callB.spanId());
        assertThat(replyAtCaller.parentSpanId()).isEqualTo(callA.spanId());
        assertThat(spans).extracting(SpanData::spanId).doesNotHaveDuplicates();
        assertThat(seenC).containsExactly(new Seen(callC.traceIdHigh(), callC.traceIdLow(), callC.spanId(), 1));
        assertThat(seenB).containsExactly(new Seen(callB.traceIdHigh(), callB.traceIdLow(), callB.spanId(), 1));
        assertThat(seenA).containsExactly(new Seen(callA.traceIdHigh(), callA.traceIdLow(), callA.spanId(), 1));
    }

    @Test
    void aCastFromAReplyHandlerContinuesTheTraceUnderTheReplySpan()
    {
        final ActorSystem system = traced();
        final List<Seen> seenNotified = new ArrayList<>();
        final ActorRef notified = system.spawn(ActorSpec.of(() -> new Recorder(seenNotified)));
        final ActorRef c = system.spawn(ActorSpec.of(() -> new Recorder(new ArrayList<>())));
        final ActorRef a = system.spawn(ActorSpec.of(() -> new Relay(c, notified, TIMEOUT.toNanos(),
            new ArrayList<>())));
        system.runUntilIdle();

        system.call(a, "x".getBytes(), TIMEOUT);
        system.runUntilIdle();

        final List<SpanData> spans = sink.drainToList();
        final SpanData replyAtA = only(spans, SpanKind.REPLY, a.id());
        final SpanData cast = only(spans, SpanKind.CAST, notified.id());
        assertSameTrace(cast, replyAtA.traceIdHigh(), replyAtA.traceIdLow());
        assertThat(cast.parentSpanId()).isEqualTo(replyAtA.spanId());
        assertThat(seenNotified).containsExactly(new Seen(cast.traceIdHigh(), cast.traceIdLow(), cast.spanId(), 1));
    }

    @Test
    void anUnsampledTraceparentPropagatesButRecordsNoSpan()
    {
        final ActorSystem system = traced();
        final List<Seen> seenA = new ArrayList<>();
        final List<Seen> seenC = new ArrayList<>();
        final ActorRef c = system.spawn(ActorSpec.of(() -> new Recorder(seenC)));
        final ActorRef a = system.spawn(ActorSpec.of(() -> new Relay(c, null, TIMEOUT.toNanos(), seenA)));
        system.runUntilIdle();
        final TraceContext incoming = TraceContext.parseTraceparent(UNSAMPLED_TRACEPARENT);
        final long readsBefore = epochClock.reads;

        assertThat(system.callBlocking(a, "x".getBytes(), TIMEOUT, incoming)).asString().isEqualTo("ok");

        assertThat(sink.recordedSpans()).isZero();
        assertThat(epochClock.reads).isEqualTo(readsBefore);
        assertThat(seenA).hasSize(1);
        assertThat(seenC).hasSize(1);
        for (final Seen seen : List.of(seenA.get(0), seenC.get(0)))
        {
            assertThat(seen.traceIdHigh()).isEqualTo(incoming.traceIdHigh());
            assertThat(seen.traceIdLow()).isEqualTo(incoming.traceIdLow());
            assertThat(seen.traceFlags()).isZero();
        }
        assertThat(seenA.get(0).spanId()).isNotIn(0L, incoming.spanId());
        assertThat(seenC.get(0).spanId()).isNotIn(0L, incoming.spanId(), seenA.get(0).spanId());
    }

    @Test
    void aSampleRatioOfZeroStartsUnsampledTracesThatStillPropagate()
    {
        final ActorSystem system = launch(systems.context().spanSink(sink).epochNanoClock(epochClock)
            .traceSampleRatio(0.0));
        final List<Seen> seenA = new ArrayList<>();
        final List<Seen> seenC = new ArrayList<>();
        final ActorRef c = system.spawn(ActorSpec.of(() -> new Recorder(seenC)));
        final ActorRef a = system.spawn(ActorSpec.of(() -> new Relay(c, null, TIMEOUT.toNanos(), seenA)));
        system.runUntilIdle();

        for (int i = 0; i < 20; i++)
        {
            system.call(a, "x".getBytes(), TIMEOUT);
        }
        system.runUntilIdle();

        assertThat(sink.recordedSpans()).isZero();
        assertThat(seenA).hasSize(20);
        assertThat(seenC).hasSize(20);
        for (int i = 0; i < 20; i++)
        {
            final Seen atA = seenA.get(i);
            final Seen atC = seenC.get(i);
            assertThat(atA.traceIdHigh() | atA.traceIdLow()).isNotZero();
            assertThat(atA.traceFlags()).isZero();
            assertThat(atC.traceIdHigh()).isEqualTo(atA.traceIdHigh());
            assertThat(atC.traceIdLow()).isEqualTo(atA.traceIdLow());
            assertThat(atC.traceFlags()).isZero();
        }
        // A given sampled context is honoured even at ratio 0.
        system.callBlocking(c, "x".getBytes(), TIMEOUT, TraceContext.parseTraceparent(TRACEPARENT));
        assertThat(sink.drainToList()).extracting(SpanData::kind).contains(SpanKind.CALL, SpanKind.REPLY);
    }

    @Test
    void aHandlerThatFailsEveryRetryRecordsOneErrorSpanWithItsClassAndRetryCount()
    {
        final ActorSystem system = traced();
        final ActorRef failing = system.spawn(ActorSpec.of(Failing::new)
            .withRetry(RetryPolicy.exponential(3, Duration.ofMillis(10), Duration.ofMillis(100))
                .withJitter(RetryPolicy.Jitter.NONE)));
        system.runUntilIdle();

        final CompletableFuture<byte[]> reply = system.call(failing, "x".getBytes(), TIMEOUT);
        system.runUntilIdle();
        assertThat(sink.drainToList()).as("no span while retries are pending").isEmpty();
        for (int i = 0; i < 5; i++)
        {
            systems.advanceMillis(system, 50);
        }

        assertThat(reply).isCompletedExceptionally();
        assertThatThrownBy(reply::join).hasCauseInstanceOf(CallFailedException.class);
        final List<SpanData> spans = sink.drainToList();
        final SpanData call = only(spans, SpanKind.CALL, failing.id());
        assertThat(call.outcome()).isEqualTo(SpanOutcome.ERROR);
        assertThat(call.errorClass()).isEqualTo(IllegalStateException.class);
        assertThat(call.retryCount()).isEqualTo(2);
        final SpanData replySpan = only(spans, SpanKind.REPLY, call.sourceActorId());
        assertThat(replySpan.outcome()).isEqualTo(SpanOutcome.ERROR);
        assertThat(replySpan.errorClass()).isEqualTo(CallFailedException.class);
        assertThat(replySpan.parentSpanId()).isEqualTo(call.spanId());
    }

    @Test
    void aCallThatSucceedsAfterRetriesIsOkWithItsRetryCount()
    {
        final ActorSystem system = traced();
        final ActorRef flaky = system.spawn(ActorSpec.of(() -> new RetryAndBreakerTest.Flaky(1, new ArrayList<>()))
            .withRetry(RetryPolicy.exponential(3, Duration.ofMillis(10), Duration.ofMillis(100))
                .withJitter(RetryPolicy.Jitter.NONE)));
        system.runUntilIdle();

        final CompletableFuture<byte[]> reply = system.call(flaky, "x".getBytes(), TIMEOUT);
        system.runUntilIdle();
        systems.advanceMillis(system, 50);

        assertThat(joined(reply)).isEqualTo("ok after 2");
        final SpanData call = only(sink.drainToList(), SpanKind.CALL, flaky.id());
        assertThat(call.outcome()).isEqualTo(SpanOutcome.OK);
        assertThat(call.retryCount()).isEqualTo(1);
    }

    @Test
    void aCastQueuedBehindTheFailureThatOpenedTheBreakerIsRejected()
    {
        final ActorSystem system = traced();
        final ActorRef failing = system.spawn(ActorSpec.of(Failing::new)
            .withCircuitBreaker(CircuitBreakerConfig.defaults()
                .withConsecutiveFailures(1)
                .withOpenTimeNs(60_000_000_000L, 60_000_000_000L, 1.0)));
        system.runUntilIdle();

        assertThat(system.cast(failing, "first")).isEqualTo(SendStatus.ACCEPTED);
        assertThat(system.cast(failing, "second")).isEqualTo(SendStatus.ACCEPTED);
        for (int i = 0; i < 5; i++)
        {
            systems.advanceMillis(system, 100);
        }

        final List<SpanData> spans = sink.drainToList();
        assertThat(spans).extracting(SpanData::outcome).containsExactly(SpanOutcome.ERROR, SpanOutcome.REJECTED);
        assertThat(spans.get(0).errorClass()).isEqualTo(IllegalArgumentException.class);
        assertThat(spans.get(1).errorClass()).isNull();
        assertThat(spans).extracting(SpanData::actorId).containsOnly(failing.id());
        assertThat(spans).extracting(SpanData::kind).containsOnly(SpanKind.CAST);
        assertThat(spans.get(0).traceIdLow()).isNotEqualTo(spans.get(1).traceIdLow());
    }

    @Test
    void aCastToAnActorThatStoppedWhileItWasQueuedIsRejected()
    {
        final ActorSystem system = traced();
        final ActorRef stopping = system.spawn(ActorSpec.of(() -> new ActorBehavior()
        {
            public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
            {
                reply.ok("ok");
            }

            public void handleCast(final ActorContext ctx, final Message message)
            {
                ctx.stop();
            }
        }).withRestart(RestartType.TEMPORARY));
        system.runUntilIdle();

        system.cast(stopping, "stop");
        system.cast(stopping, "too late");
        system.runUntilIdle();

        final List<SpanData> spans = sink.drainToList();
        assertThat(spans).extracting(SpanData::outcome).containsExactly(SpanOutcome.OK, SpanOutcome.REJECTED);
        assertThat(spans).extracting(SpanData::actorId).containsOnly(stopping.id());
    }

    @Test
    void aCallTimeoutIsATimedOutReplySpanOnTheCallersSideAndItsHandlerContinuesTheTrace()
    {
        final ActorSystem system = traced();
        final List<Seen> seenNotified = new ArrayList<>();
        final ActorRef notified = system.spawn(ActorSpec.of(() -> new Recorder(seenNotified)));
        final ActorRef silent = system.spawn(ActorSpec.of(Silent::new));
        final ActorRef a = system.spawn(ActorSpec.of(() -> new Relay(silent, notified,
            Duration.ofMillis(50).toNanos(), new ArrayList<>())));
        system.runUntilIdle();

        final CompletableFuture<byte[]> reply = system.call(a, "x".getBytes(), TIMEOUT);
        system.runUntilIdle();
        for (int i = 0; i < 4; i++)
        {
            systems.advanceMillis(system, 30);
        }

        assertThat(joined(reply)).isEqualTo("CallTimeoutException");
        final List<SpanData> spans = sink.drainToList();
        final SpanData callA = only(spans, SpanKind.CALL, a.id());
        final SpanData callSilent = only(spans, SpanKind.CALL, silent.id());
        final SpanData timeout = only(spans, SpanKind.REPLY, a.id());
        assertThat(timeout.outcome()).isEqualTo(SpanOutcome.TIMED_OUT);
        assertSameTrace(timeout, callA.traceIdHigh(), callA.traceIdLow());
        assertThat(timeout.parentSpanId()).isEqualTo(callSilent.spanId());
        assertThat(timeout.spanId()).isNotIn(0L, callSilent.spanId(), callA.spanId());
        assertThat(timeout.sourceActorId()).isEqualTo(silent.id());
        assertThat(timeout.correlationId()).isNotZero();
        assertThat(timeout.errorClass()).isNull();
        assertTimes(timeout);
        final SpanData notice = only(spans, SpanKind.CAST, notified.id());
        assertThat(notice.parentSpanId()).isEqualTo(timeout.spanId());
        assertSameTrace(notice, callA.traceIdHigh(), callA.traceIdLow());
        assertThat(seenNotified).hasSize(1);
    }

    @Test
    void aPlainThreadCallTimeoutIsRecordedByTheCallTimeoutThread() throws Exception
    {
        final ActorSystem system = traced();
        final ActorRef silent = system.spawn(ActorSpec.of(Silent::new));
        system.runUntilIdle();
        final TraceContext incoming = TraceContext.parseTraceparent(TRACEPARENT);

        final CompletableFuture<byte[]> reply = system.call(silent, "x".getBytes(), Duration.ofMillis(50), incoming);
        system.runUntilIdle();
        final SpanData call = only(sink.drainToList(), SpanKind.CALL, silent.id());
        // The injected clock passes the deadline; the call-timeout thread's next sweep (every timer tick of real
        // time) completes the future and then records the span: wait for both, bounded.
        systems.clock.advance(Duration.ofMillis(100).toNanos());
        assertThatThrownBy(() -> reply.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(CallTimeoutException.class);
        // Drained until the span is there: size() counts a slot from its claim, before the thread publishes it.
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        final List<SpanData> recorded = new ArrayList<>(sink.drainToList());
        while (recorded.isEmpty() && System.nanoTime() - deadline < 0)
        {
            Thread.onSpinWait();
            recorded.addAll(sink.drainToList());
        }

        final SpanData timeout = only(recorded, SpanKind.REPLY, call.sourceActorId());
        assertThat(timeout.outcome()).isEqualTo(SpanOutcome.TIMED_OUT);
        assertSameTrace(timeout, incoming.traceIdHigh(), incoming.traceIdLow());
        assertThat(timeout.parentSpanId()).isEqualTo(call.spanId());
        assertThat(timeout.spanId()).isNotIn(0L, call.spanId());
        assertThat(timeout.sourceActorId()).isEqualTo(silent.id());
        assertThat(timeout.correlationId()).isNotZero();
        assertTimes(timeout);
    }

    @Test
    void withTheNoneSinkNothingIsRecordedAndTheSpanClockIsNeverRead()
    {
        final ActorSystem system = launch(systems.context().epochNanoClock(epochClock));
        assertThat(system.context().spanSink()).isSameAs(SpanSink.NONE);
        final List<Seen> seenC = new ArrayList<>();
        final ActorRef c = system.spawn(ActorSpec.of(() -> new Recorder(seenC)));
        final ActorRef a = system.spawn(ActorSpec.of(() -> new Relay(c, c, TIMEOUT.toNanos(), new ArrayList<>())));
        system.runUntilIdle();

        assertThat(system.callBlocking(a, "x".getBytes(), TIMEOUT)).asString().isEqualTo("ok");
        system.cast(c, "y".getBytes(), TraceContext.parseTraceparent(TRACEPARENT));
        system.runUntilIdle();

        assertThat(epochClock.reads).isZero();
        assertThat(sink.recordedSpans()).isZero();
        // Propagation does not depend on the sink.
        assertThat(seenC).hasSize(3);
        assertThat(seenC.get(0).traceFlags()).isEqualTo(TraceContext.FLAG_SAMPLED);
        assertThat(seenC.get(2).traceIdLow()).isEqualTo(TraceContext.parseTraceparent(TRACEPARENT).traceIdLow());
    }

    @Test
    void contextValidatesTracingSettingsAndDefaultsToTheOffsetEpochClock()
    {
        assertThatThrownBy(() -> systems.context().traceSampleRatio(1.5).conclude())
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("traceSampleRatio");
        assertThatThrownBy(() -> systems.context().traceSampleRatio(Double.NaN).conclude())
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("traceSampleRatio");
        assertThatThrownBy(() -> systems.context().spanSink(null).conclude())
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("spanSink");
        final ActorSystemContext defaults = new ActorSystemContext();
        assertThat(defaults.spanSink()).isSameAs(SpanSink.NONE);
        assertThat(defaults.traceSampleRatio()).isEqualTo(ActorSystemConfiguration.TRACE_SAMPLE_RATIO_DEFAULT);
        assertThat(defaults.conclude().epochNanoClock()).isInstanceOf(OffsetEpochNanoClock.class);
    }
}
