package io.bitactor.opentelemetry;

import io.bitactor.tracing.RingBufferSpanSink;
import io.bitactor.tracing.SpanRecord;
import io.bitactor.tracing.SpanSink;
import io.opentelemetry.api.OpenTelemetry;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.NanoClock;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A {@link SpanSink} that exports BitActor spans through the OpenTelemetry API, following the messaging semantic
 * conventions: each record becomes a PRODUCER span {@code send <actor id>} (the send, parented to the CONSUMER span
 * of the message being handled when it was sent) and a CONSUMER span {@code process <actor id>} (the handling, a
 * child of the PRODUCER span with a link to it); replies are {@code send reply} / {@code process reply}. See
 * {@link MessagingAttributes} for the attributes and docs/OBSERVABILITY.md for the whole mapping.
 * <p>
 * <b>Two sides.</b> {@link #onSpan(SpanRecord)} only copies the record into a bounded lock-free ring
 * ({@link RingBufferSpanSink}): it never blocks or allocates, and when the ring is full the span is dropped and
 * counted ({@link #droppedSpans()}). An exporter drains the ring and calls the OpenTelemetry API: the sink's own
 * exporter thread (an Agrona {@link AgentRunner} named {@value #EXPORTER_ROLE_NAME}, unless
 * {@link OpenTelemetrySinkContext#exporterThread(boolean)} is false), and/or whoever calls {@link #exportPending()}
 * or {@link #flush()}. {@link #close()} stops the thread and exports everything left.
 * <p>
 * <b>Ids.</b> OpenTelemetry gives its spans ids of its own, so the sink remembers, for each exported BitActor span,
 * the context of its CONSUMER span (a bounded map, {@link OpenTelemetrySinkContext#contextCapacity(int)}); a child
 * is exported once its parent has been. A record whose parent is not known yet waits (bounded in time and number,
 * see {@link OpenTelemetrySinkContext#parentWaitNs(long)}); if the parent does not come, it is exported as the
 * child of a remote parent built from BitActor's trace and parent span ids, and counted as orphaned. A plain
 * thread's send with a given trace context (an incoming {@code traceparent}) is exported at once that way, so the
 * OpenTelemetry trace is the given trace. A trace that starts in BitActor gets a trace id from the OpenTelemetry
 * SDK; BitActor's ids are kept as the {@code bitactor.trace_id} and {@code bitactor.span_id} attributes.
 * <p>
 * <b>Threads.</b> {@link #onSpan(SpanRecord)} and every counter: any thread (the workers call {@code onSpan}
 * concurrently). {@link #exportPending()}, {@link #flush()} and {@link #close()}: any thread; they are serialised
 * with each other and with the exporter thread by a lock that the workers never take.
 */
public final class OpenTelemetrySpanSink implements SpanSink, AutoCloseable
{
    /** The role name of the exporter agent, also the name of its thread. */
    public static final String EXPORTER_ROLE_NAME = "bitactor-otel-exporter";

    private final OpenTelemetrySinkContext context;
    private final RingBufferSpanSink buffer;
    private final SpanMapper mapper;
    private final NanoClock nanoClock;
    private final int drainLimit;
    private final Consumer<SpanRecord> drainedSpanHandler = this::onDrained;
    private final AtomicLong droppedAfterClose = new AtomicLong();
    private final Object exportLock = new Object();
    private final AgentRunner exporterRunner;
    private long passNowNs;
    private volatile boolean closed;

    /**
     * A sink with the default {@link OpenTelemetrySinkContext}: it starts its exporter thread. Any thread.
     *
     * @param openTelemetry where the spans go; the tracer is named {@value MessagingAttributes#INSTRUMENTATION_SCOPE}.
     */
    public OpenTelemetrySpanSink(final OpenTelemetry openTelemetry)
    {
        this(openTelemetry, new OpenTelemetrySinkContext());
    }

    /**
     * A sink configured by {@code context} (concluded here); starts the exporter thread if the context says so. Any
     * thread.
     *
     * @param openTelemetry where the spans go; the tracer is named {@value MessagingAttributes#INSTRUMENTATION_SCOPE}.
     * @param context       the configuration, not to be changed afterwards.
     */
    public OpenTelemetrySpanSink(final OpenTelemetry openTelemetry, final OpenTelemetrySinkContext context)
    {
        Objects.requireNonNull(openTelemetry, "openTelemetry");
        this.context = context.conclude();
        this.buffer = new RingBufferSpanSink(context.bufferCapacity());
        this.mapper = new SpanMapper(
            openTelemetry.getTracer(MessagingAttributes.INSTRUMENTATION_SCOPE),
            context.errorHandler(),
            context.contextCapacity(),
            context.maxPendingSpans(),
            context.parentWaitNs(),
            context.awaitPlainThreadParents());
        this.nanoClock = context.nanoClock();
        this.drainLimit = context.drainLimit();
        if (context.exporterThread())
        {
            exporterRunner = new AgentRunner(context.idleStrategy(), context.errorHandler(), null, new ExporterAgent());
            AgentRunner.startOnThread(exporterRunner, OpenTelemetrySpanSink::newExporterThread);
        }
        else
        {
            exporterRunner = null;
        }
    }

    private static Thread newExporterThread(final Runnable runnable)
    {
        final Thread thread = new Thread(runnable, EXPORTER_ROLE_NAME);
        thread.setDaemon(true);
        return thread;
    }

    /**
     * Copies a finished span into the buffer; never blocks, never allocates. A span that does not fit, or arrives
     * after {@link #close()}, is dropped and counted. Worker threads, concurrently.
     *
     * @param span the span, valid only during this call.
     */
    public void onSpan(final SpanRecord span)
    {
        if (closed)
        {
            droppedAfterClose.incrementAndGet();
            return;
        }
        buffer.onSpan(span);
    }

    /**
     * One export pass: takes up to {@link OpenTelemetrySinkContext#drainLimit()} spans from the buffer, exports
     * those whose parent is known (and the spans that waited for them), keeps the others waiting, and exports with a
     * remote parent those that waited longer than the parent wait. The exporter thread runs this in a loop; call it
     * by hand when there is no exporter thread (tests drive the sink this way). Any thread, serialised with the
     * other export methods.
     *
     * @return the number of BitActor spans exported by this pass (each as a PRODUCER and a CONSUMER span).
     */
    public int exportPending()
    {
        synchronized (exportLock)
        {
            final long exportedBefore = mapper.exportedCount();
            pass();
            return (int)(mapper.exportedCount() - exportedBefore);
        }
    }

    /**
     * Exports everything now: drains the buffer (the spans in it when the call starts, at least) and exports every
     * waiting span, those whose parent never came with a remote parent (counted as orphaned). Any thread,
     * serialised with the other export methods.
     *
     * @return the number of BitActor spans exported.
     */
    public int flush()
    {
        synchronized (exportLock)
        {
            final long exportedBefore = mapper.exportedCount();
            passNowNs = nanoClock.nanoTime();
            int remaining = buffer.size();
            while (remaining > 0)
            {
                final int drained = buffer.drain(drainedSpanHandler, remaining);
                if (0 == drained)
                {
                    break;
                }
                remaining -= drained;
            }
            mapper.expire(passNowNs, true);
            return (int)(mapper.exportedCount() - exportedBefore);
        }
    }

    /**
     * Stops the exporter thread (waiting for it), then {@link #flush() flushes}. Spans handed to the sink afterwards
     * are dropped and counted. Idempotent. Any thread but the exporter thread; close the actor system first, so that
     * no span is still being handled.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        if (null != exporterRunner)
        {
            exporterRunner.close();
        }
        flush();
    }

    private int pass()
    {
        passNowNs = nanoClock.nanoTime();
        final int drained = buffer.drain(drainedSpanHandler, drainLimit);
        return drained + mapper.expire(passNowNs, false);
    }

    private void onDrained(final SpanRecord span)
    {
        mapper.onRecord(span, passNowNs);
    }

    /**
     * The configuration (concluded). Any thread.
     *
     * @return the context this sink was created with.
     */
    public OpenTelemetrySinkContext context()
    {
        return context;
    }

    /**
     * Whether {@link #close()} was called. Any thread.
     *
     * @return true once closed.
     */
    public boolean isClosed()
    {
        return closed;
    }

    /**
     * Spans accepted into the buffer since the sink was created. Any thread.
     *
     * @return the count.
     */
    public long recordedSpans()
    {
        return buffer.recordedSpans();
    }

    /**
     * Spans dropped: the buffer was full, or the sink was closed. Any thread.
     *
     * @return the count.
     */
    public long droppedSpans()
    {
        return buffer.droppedSpans() + droppedAfterClose.get();
    }

    /**
     * BitActor spans exported to OpenTelemetry (each as a PRODUCER and a CONSUMER span), orphans included. Any
     * thread.
     *
     * @return the count.
     */
    public long exportedSpans()
    {
        return mapper.exportedCount();
    }

    /**
     * Spans that waited for a parent that was not exported in time (or at all, before a {@link #flush()}) and were
     * exported with a remote parent built from BitActor's ids (included in {@link #exportedSpans()}). Any thread.
     *
     * @return the count.
     */
    public long orphanedSpans()
    {
        return mapper.orphanedCount();
    }

    /**
     * Spans of plain-thread sends that continued a given trace context and were exported at once as children of
     * that remote parent (included in {@link #exportedSpans()};
     * see {@link OpenTelemetrySinkContext#awaitPlainThreadParents(boolean)}). Any thread.
     *
     * @return the count.
     */
    public long continuedSpans()
    {
        return mapper.continuedCount();
    }

    /**
     * Spans whose export threw in the OpenTelemetry implementation (passed to the error handler, not exported). Any
     * thread.
     *
     * @return the count.
     */
    public long failedSpans()
    {
        return mapper.failedCount();
    }

    /**
     * Exported spans the sink no longer remembers (beyond {@link OpenTelemetrySinkContext#contextCapacity()}): a
     * message sent while handling one of them, arriving later, gets a remote parent. Any thread.
     *
     * @return the count.
     */
    public long forgottenSpans()
    {
        return mapper.forgottenCount();
    }

    /**
     * Spans waiting for their parent now. Any thread.
     *
     * @return the count.
     */
    public int pendingSpans()
    {
        return mapper.pendingCount();
    }

    /**
     * Spans in the buffer now, not yet taken by an export pass. Any thread.
     *
     * @return the count (a snapshot).
     */
    public int bufferedSpans()
    {
        return buffer.size();
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "OpenTelemetrySpanSink{recorded=" + recordedSpans() + ", exported=" + exportedSpans() +
            ", dropped=" + droppedSpans() + ", orphaned=" + orphanedSpans() + ", continued=" + continuedSpans() +
            ", failed=" + failedSpans() + ", pending=" + pendingSpans() + ", buffered=" + bufferedSpans() + '}';
    }

    /** The exporter thread's duty cycle: one export pass. */
    private final class ExporterAgent implements Agent
    {
        /**
         * One export pass under the export lock. Exporter thread.
         *
         * @return spans taken from the buffer plus waiting spans exported.
         */
        public int doWork()
        {
            synchronized (exportLock)
            {
                return pass();
            }
        }

        /**
         * The agent's name. Any thread.
         *
         * @return {@value OpenTelemetrySpanSink#EXPORTER_ROLE_NAME}.
         */
        public String roleName()
        {
            return EXPORTER_ROLE_NAME;
        }
    }
}
