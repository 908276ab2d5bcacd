package io.bitactor.opentelemetry;

import io.bitactor.tracing.SpanData;
import io.bitactor.tracing.SpanKind;
import io.bitactor.tracing.SpanOutcome;
import io.bitactor.tracing.SpanRecord;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceId;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import org.agrona.ErrorHandler;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

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
import static io.bitactor.opentelemetry.MessagingAttributes.OPERATION_PROCESS;
import static io.bitactor.opentelemetry.MessagingAttributes.OPERATION_SEND;
import static io.bitactor.opentelemetry.MessagingAttributes.SYSTEM;

/**
 * Turns BitActor span records into OpenTelemetry spans (two per record: PRODUCER for the send, CONSUMER for the
 * handling) and keeps the state that links them: BitActor span id to the OpenTelemetry context of its CONSUMER span
 * (bounded, oldest forgotten first), and the records waiting for a parent that has not been exported yet (bounded
 * in number and in time).
 * <p>
 * <b>Threads.</b> Not thread-safe: one exporting thread at a time (the sink serialises its callers). The counters
 * may be read from any thread.
 */
final class SpanMapper
{
    private static final String[] SEND_OPERATION_NAMES = names(SpanKind.values(), "call", "cast", "reply");
    private static final String[] PROCESS_OPERATION_NAMES =
        names(SpanKind.values(), "handle_call", "handle_cast", "handle_reply");
    private static final String[] OUTCOME_NAMES = names(SpanOutcome.values(), "ok", "error", "rejected", "timed_out");
    private static final String REPLY_DESTINATION = "reply";
    private static final Predicate<Pending> IS_DONE = pending -> pending.done;

    /** An exported span: the context of its CONSUMER span and when its handling started. */
    private static final class Exported
    {
        final SpanContext context;
        final long startEpochNs;

        Exported(final SpanContext context, final long startEpochNs)
        {
            this.context = context;
            this.startEpochNs = startEpochNs;
        }
    }

    /** A record waiting for its parent. */
    private static final class Pending
    {
        final SpanData span;
        final long arrivalNs;
        boolean done;

        Pending(final SpanData span, final long arrivalNs)
        {
            this.span = span;
            this.arrivalNs = arrivalNs;
        }
    }

    private final Tracer tracer;
    private final ErrorHandler errorHandler;
    private final long parentWaitNs;
    private final int maxPendingSpans;
    private final boolean awaitPlainThreadParents;

    private final Long2ObjectHashMap<Exported> exportedBySpanId;
    private final long[] exportedOrder;
    private int exportedOldest;
    private int exportedRemembered;

    private final Long2ObjectHashMap<ArrayList<Pending>> waitingByParent = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<Pending> pendingBySpanId = new Long2ObjectHashMap<>();
    private final ArrayDeque<Pending> pendingByArrival = new ArrayDeque<>();
    private final ArrayDeque<Pending> released = new ArrayDeque<>();

    private volatile int pendingCount;
    private volatile long exportedCount;
    private volatile long orphanedCount;
    private volatile long continuedCount;
    private volatile long failedCount;
    private volatile long forgottenCount;

    SpanMapper(
        final Tracer tracer,
        final ErrorHandler errorHandler,
        final int contextCapacity,
        final int maxPendingSpans,
        final long parentWaitNs,
        final boolean awaitPlainThreadParents)
    {
        this.tracer = tracer;
        this.errorHandler = errorHandler;
        this.maxPendingSpans = maxPendingSpans;
        this.parentWaitNs = parentWaitNs;
        this.awaitPlainThreadParents = awaitPlainThreadParents;
        this.exportedBySpanId = new Long2ObjectHashMap<>(Math.min(contextCapacity, 1 << 16), 0.65f);
        this.exportedOrder = new long[contextCapacity];
    }

    /**
     * Takes one record: exports it (then the records that waited for it) if its parent is known or outside
     * BitActor, else keeps a copy waiting for the parent.
     *
     * @param span  the record, used during this call only.
     * @param nowNs the exporter's clock.
     */
    void onRecord(final SpanRecord span, final long nowNs)
    {
        final long parentSpanId = span.parentSpanId();
        if (0 == parentSpanId)
        {
            exportWithWaitingChildren(span);
            return;
        }
        if (null != exportedBySpanId.get(parentSpanId))
        {
            exportWithWaitingChildren(span);
            return;
        }
        if (!awaitPlainThreadParents && span.sourceActorId() < 0 && span.kind() != SpanKind.REPLY)
        {
            continuedCount++;
            exportWithWaitingChildren(span);
            return;
        }

        final Pending pending = new Pending(SpanData.copyOf(span), nowNs);
        if (pendingByArrival.size() > 2 * maxPendingSpans + 16)
        {
            // Records released by their parent stay in the arrival queue until they reach its head: drop them.
            pendingByArrival.removeIf(IS_DONE);
        }
        pendingByArrival.addLast(pending);
        pendingBySpanId.put(pending.span.spanId(), pending);
        ArrayList<Pending> siblings = waitingByParent.get(parentSpanId);
        if (null == siblings)
        {
            siblings = new ArrayList<>(2);
            waitingByParent.put(parentSpanId, siblings);
        }
        siblings.add(pending);
        pendingCount++;
        while (pendingCount > maxPendingSpans && orphanOldest())
        {
            // The oldest waiting record and what waited for it are exported.
        }
    }

    /**
     * Exports, with a remote parent, the records that waited for their parent at least the parent wait, and with
     * them whatever waited for those.
     *
     * @param nowNs the exporter's clock.
     * @param all   true to export every waiting record regardless of time.
     * @return records exported.
     */
    int expire(final long nowNs, final boolean all)
    {
        final long exportedBefore = exportedCount;
        Pending oldest;
        while (null != (oldest = pendingByArrival.peekFirst()))
        {
            if (oldest.done)
            {
                pendingByArrival.pollFirst();
                continue;
            }
            if (!all && nowNs - oldest.arrivalNs < parentWaitNs)
            {
                break;
            }
            orphan(topmostWaitingAncestor(oldest));
        }
        return (int)(exportedCount - exportedBefore);
    }

    private boolean orphanOldest()
    {
        Pending oldest;
        while (null != (oldest = pendingByArrival.peekFirst()) && oldest.done)
        {
            pendingByArrival.pollFirst();
        }
        if (null == oldest)
        {
            return false;
        }
        orphan(topmostWaitingAncestor(oldest));
        return true;
    }

    private Pending topmostWaitingAncestor(final Pending pending)
    {
        Pending top = pending;
        int steps = 0;
        Pending parent;
        while (null != (parent = pendingBySpanId.get(top.span.parentSpanId())) && !parent.done &&
            steps++ < pendingCount)
        {
            top = parent;
        }
        return top;
    }

    private void orphan(final Pending pending)
    {
        markDone(pending);
        final ArrayList<Pending> siblings = waitingByParent.get(pending.span.parentSpanId());
        if (null != siblings)
        {
            siblings.remove(pending);
            if (siblings.isEmpty())
            {
                waitingByParent.remove(pending.span.parentSpanId());
            }
        }
        orphanedCount++;
        exportWithWaitingChildren(pending.span);
    }

    private void markDone(final Pending pending)
    {
        pending.done = true;
        pendingCount--;
        final long spanId = pending.span.spanId();
        if (pendingBySpanId.get(spanId) == pending)
        {
            pendingBySpanId.remove(spanId);
        }
    }

    private void exportWithWaitingChildren(final SpanRecord span)
    {
        export(span);
        release(span.spanId());
        Pending child;
        while (null != (child = released.pollFirst()))
        {
            export(child.span);
            release(child.span.spanId());
        }
    }

    private void release(final long parentSpanId)
    {
        final ArrayList<Pending> children = waitingByParent.remove(parentSpanId);
        if (null != children)
        {
            for (int i = 0, size = children.size(); i < size; i++)
            {
                final Pending child = children.get(i);
                if (!child.done)
                {
                    markDone(child);
                    released.addLast(child);
                }
            }
        }
    }

    private void export(final SpanRecord span)
    {
        try
        {
            exportSpans(span);
            exportedCount++;
        }
        catch (final RuntimeException ex)
        {
            failedCount++;
            errorHandler.onError(ex);
        }
    }

    private void exportSpans(final SpanRecord span)
    {
        final SpanKind kind = span.kind();
        final int destinationId = span.actorId();
        final String destination = Integer.toString(destinationId);
        final String nameSuffix = kind == SpanKind.REPLY ? REPLY_DESTINATION : destination;
        final long startNs = span.startEpochNs();
        long sendNs = span.sentEpochNs() > 0 ? span.sentEpochNs() : startNs;

        final SpanBuilder producer = tracer.spanBuilder(OPERATION_SEND + " " + nameSuffix)
            .setSpanKind(io.opentelemetry.api.trace.SpanKind.PRODUCER);
        final long parentSpanId = span.parentSpanId();
        final Exported parent = 0 == parentSpanId ? null : exportedBySpanId.get(parentSpanId);
        if (null != parent)
        {
            producer.setParent(Context.root().with(Span.wrap(parent.context)));
            sendNs = Math.max(sendNs, parent.startEpochNs);
        }
        else if (0 != parentSpanId)
        {
            final SpanContext remote = SpanContext.createFromRemoteParent(
                TraceId.fromLongs(span.traceIdHigh(), span.traceIdLow()),
                SpanId.fromLong(parentSpanId),
                TraceFlags.fromByte((byte)span.traceFlags()),
                TraceState.getDefault());
            producer.setParent(Context.root().with(Span.wrap(remote)));
        }
        else
        {
            producer.setNoParent();
        }
        sendNs = Math.min(sendNs, startNs);

        final String traceId = TraceId.fromLongs(span.traceIdHigh(), span.traceIdLow());
        final String spanId = SpanId.fromLong(span.spanId());
        final String messageId = Long.toString(span.messageId());
        final String conversationId = 0 == span.correlationId() ? null : Long.toString(span.correlationId());
        producer.setStartTimestamp(sendNs, TimeUnit.NANOSECONDS);
        setMessagingAttributes(producer, span, OPERATION_SEND, SEND_OPERATION_NAMES[kind.ordinal()], destination,
            messageId, conversationId, traceId, spanId);
        final Span producerSpan = producer.startSpan();
        producerSpan.end(sendNs, TimeUnit.NANOSECONDS);
        final SpanContext producerContext = producerSpan.getSpanContext();

        final SpanBuilder consumer = tracer.spanBuilder(OPERATION_PROCESS + " " + nameSuffix)
            .setSpanKind(io.opentelemetry.api.trace.SpanKind.CONSUMER)
            .setParent(Context.root().with(producerSpan))
            .addLink(producerContext)
            .setStartTimestamp(startNs, TimeUnit.NANOSECONDS);
        setMessagingAttributes(consumer, span, OPERATION_PROCESS, PROCESS_OPERATION_NAMES[kind.ordinal()],
            destination, messageId, conversationId, traceId, spanId);
        final SpanOutcome outcome = span.outcome();
        consumer.setAttribute(BITACTOR_RETRY_COUNT, (long)span.retryCount());
        consumer.setAttribute(BITACTOR_OUTCOME, OUTCOME_NAMES[outcome.ordinal()]);
        final String errorType = SpanOutcome.ERROR == outcome ? errorType(span.errorClass()) : null;
        if (null != errorType)
        {
            consumer.setAttribute(ERROR_TYPE, errorType);
        }
        final Span consumerSpan = consumer.startSpan();
        if (null != errorType)
        {
            consumerSpan.setStatus(StatusCode.ERROR, errorType);
        }
        consumerSpan.end(Math.max(startNs, span.endEpochNs()), TimeUnit.NANOSECONDS);
        remember(span.spanId(), consumerSpan.getSpanContext(), startNs);
    }

    private static void setMessagingAttributes(
        final SpanBuilder builder,
        final SpanRecord span,
        final String operationType,
        final String operationName,
        final String destination,
        final String messageId,
        final String conversationId,
        final String traceId,
        final String spanId)
    {
        builder.setAttribute(MESSAGING_SYSTEM, SYSTEM);
        builder.setAttribute(MESSAGING_OPERATION_TYPE, operationType);
        builder.setAttribute(MESSAGING_OPERATION_NAME, operationName);
        builder.setAttribute(MESSAGING_DESTINATION_NAME, destination);
        if (span.actorId() < 0)
        {
            builder.setAttribute(MESSAGING_DESTINATION_TEMPORARY, Boolean.TRUE);
        }
        builder.setAttribute(MESSAGING_MESSAGE_ID, messageId);
        if (null != conversationId)
        {
            builder.setAttribute(MESSAGING_MESSAGE_CONVERSATION_ID, conversationId);
        }
        builder.setAttribute(BITACTOR_SOURCE_ACTOR_ID, (long)span.sourceActorId());
        builder.setAttribute(BITACTOR_TRACE_ID, traceId);
        builder.setAttribute(BITACTOR_SPAN_ID, spanId);
    }

    private static String errorType(final Class<? extends Throwable> errorClass)
    {
        return null == errorClass ? "_OTHER" : errorClass.getName();
    }

    private void remember(final long spanId, final SpanContext context, final long startEpochNs)
    {
        if (null != exportedBySpanId.put(spanId, new Exported(context, startEpochNs)))
        {
            return;
        }
        final int capacity = exportedOrder.length;
        if (exportedRemembered == capacity)
        {
            exportedBySpanId.remove(exportedOrder[exportedOldest]);
            exportedOrder[exportedOldest] = spanId;
            exportedOldest = exportedOldest + 1 == capacity ? 0 : exportedOldest + 1;
            forgottenCount++;
        }
        else
        {
            final int index = exportedOldest + exportedRemembered;
            exportedOrder[index >= capacity ? index - capacity : index] = spanId;
            exportedRemembered++;
        }
    }

    private static String[] names(final Enum<?>[] constants, final String... names)
    {
        if (constants.length != names.length)
        {
            throw new IllegalStateException("a name for each of " + Arrays.toString(constants));
        }
        return names;
    }

    int arrivalQueueLength()
    {
        return pendingByArrival.size();
    }

    int pendingCount()
    {
        return pendingCount;
    }

    long exportedCount()
    {
        return exportedCount;
    }

    long orphanedCount()
    {
        return orphanedCount;
    }

    long continuedCount()
    {
        return continuedCount;
    }

    long failedCount()
    {
        return failedCount;
    }

    long forgottenCount()
    {
        return forgottenCount;
    }
}
