package io.bitactor.opentelemetry;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.util.concurrent.TimeUnit;

/**
 * Configuration of an {@link OpenTelemetrySpanSink} (Aeron style: fluent setters, {@link #conclude()} validates).
 * Not to be confused with OpenTelemetry's {@code io.opentelemetry.context.Context}. Create one per sink (the idle
 * strategy it holds is the exporter thread's own), set it up on one thread, pass it to
 * {@link OpenTelemetrySpanSink#OpenTelemetrySpanSink(io.opentelemetry.api.OpenTelemetry, OpenTelemetrySinkContext)}
 * and do not change it afterwards.
 */
public final class OpenTelemetrySinkContext
{
    /** Default {@link #bufferCapacity(int)}: spans buffered between the workers and the exporter. */
    public static final int BUFFER_CAPACITY_DEFAULT = 16 * 1024;

    /** Default {@link #drainLimit(int)}: spans taken from the buffer per export pass. */
    public static final int DRAIN_LIMIT_DEFAULT = 1024;

    /** Default {@link #contextCapacity(int)}: exported spans whose OpenTelemetry context is remembered. */
    public static final int CONTEXT_CAPACITY_DEFAULT = 64 * 1024;

    /** Default {@link #maxPendingSpans(int)}: spans kept waiting for their parent. */
    public static final int MAX_PENDING_SPANS_DEFAULT = 4 * 1024;

    /** Default {@link #parentWaitNs(long)}: one second. */
    public static final long PARENT_WAIT_NS_DEFAULT = TimeUnit.SECONDS.toNanos(1);

    private int bufferCapacity = BUFFER_CAPACITY_DEFAULT;
    private int drainLimit = DRAIN_LIMIT_DEFAULT;
    private int contextCapacity = CONTEXT_CAPACITY_DEFAULT;
    private int maxPendingSpans = MAX_PENDING_SPANS_DEFAULT;
    private long parentWaitNs = PARENT_WAIT_NS_DEFAULT;
    private boolean awaitPlainThreadParents = false;
    private boolean exporterThread = true;
    private IdleStrategy idleStrategy = null;
    private NanoClock nanoClock = SystemNanoClock.INSTANCE;
    private ErrorHandler errorHandler = null;

    /**
     * Creates a context with the defaults.
     */
    public OpenTelemetrySinkContext()
    {
    }

    /**
     * Validates the settings and fills in the defaults that are objects.
     *
     * @return this.
     * @throws IllegalArgumentException naming the first invalid setting.
     */
    public OpenTelemetrySinkContext conclude()
    {
        if (!(bufferCapacity >= 1 && Integer.bitCount(bufferCapacity) == 1))
        {
            throw new IllegalArgumentException("bufferCapacity must be a power of two: " + bufferCapacity);
        }
        if (!(drainLimit >= 1))
        {
            throw new IllegalArgumentException("drainLimit must be >= 1: " + drainLimit);
        }
        if (!(contextCapacity >= 1))
        {
            throw new IllegalArgumentException("contextCapacity must be >= 1: " + contextCapacity);
        }
        if (!(maxPendingSpans >= 0))
        {
            throw new IllegalArgumentException("maxPendingSpans must be >= 0: " + maxPendingSpans);
        }
        if (!(parentWaitNs >= 0))
        {
            throw new IllegalArgumentException("parentWaitNs must be >= 0: " + parentWaitNs);
        }
        if (!(nanoClock != null))
        {
            throw new IllegalArgumentException("nanoClock must not be null");
        }
        if (null == idleStrategy)
        {
            idleStrategy = new BackoffIdleStrategy(10, 10, 1_000, 1_000_000);
        }
        if (null == errorHandler)
        {
            errorHandler = Throwable::printStackTrace;
        }
        return this;
    }

    /**
     * Capacity of the bounded buffer between the workers and the exporter: a span handed to the sink while it is
     * full is dropped and counted.
     *
     * @param bufferCapacity a power of two.
     * @return this.
     */
    public OpenTelemetrySinkContext bufferCapacity(final int bufferCapacity)
    {
        this.bufferCapacity = bufferCapacity;
        return this;
    }

    /**
     * @return the buffer capacity.
     * @see #bufferCapacity(int)
     */
    public int bufferCapacity()
    {
        return bufferCapacity;
    }

    /**
     * How many spans one export pass ({@link OpenTelemetrySpanSink#exportPending()}) takes from the buffer at most.
     *
     * @param drainLimit >= 1.
     * @return this.
     */
    public OpenTelemetrySinkContext drainLimit(final int drainLimit)
    {
        this.drainLimit = drainLimit;
        return this;
    }

    /**
     * @return the drain limit.
     * @see #drainLimit(int)
     */
    public int drainLimit()
    {
        return drainLimit;
    }

    /**
     * How many exported spans the sink remembers (BitActor span id to the OpenTelemetry context of its CONSUMER
     * span), so that spans of messages sent while handling them become their children. The oldest is forgotten
     * beyond this; a child of a forgotten span waits, then is exported with a remote parent.
     *
     * @param contextCapacity >= 1.
     * @return this.
     */
    public OpenTelemetrySinkContext contextCapacity(final int contextCapacity)
    {
        this.contextCapacity = contextCapacity;
        return this;
    }

    /**
     * @return the context capacity.
     * @see #contextCapacity(int)
     */
    public int contextCapacity()
    {
        return contextCapacity;
    }

    /**
     * How many spans may wait for their parent's span at once; beyond it the one that waited longest is exported
     * with a remote parent (orphaned). 0 exports spans with an unknown parent at once.
     *
     * @param maxPendingSpans >= 0.
     * @return this.
     */
    public OpenTelemetrySinkContext maxPendingSpans(final int maxPendingSpans)
    {
        this.maxPendingSpans = maxPendingSpans;
        return this;
    }

    /**
     * @return the maximum number of waiting spans.
     * @see #maxPendingSpans(int)
     */
    public int maxPendingSpans()
    {
        return maxPendingSpans;
    }

    /**
     * How long (on {@link #nanoClock(NanoClock)}) a span whose parent has not been exported yet waits for it: the
     * parent's handling may end, and reach the sink, after the child's. When the time is up the span is exported
     * with a remote parent (orphaned).
     *
     * @param parentWaitNs >= 0 nanoseconds.
     * @return this.
     */
    public OpenTelemetrySinkContext parentWaitNs(final long parentWaitNs)
    {
        this.parentWaitNs = parentWaitNs;
        return this;
    }

    /**
     * @return the parent wait in nanoseconds.
     * @see #parentWaitNs(long)
     */
    public long parentWaitNs()
    {
        return parentWaitNs;
    }

    /**
     * Whether a call or cast sent by a plain thread with a given trace context waits for its parent like any other
     * span. By default (false) its parent is taken to be outside BitActor (an incoming request's
     * {@code traceparent}) and it is exported at once as a child of that remote parent. Set it when plain threads
     * continue contexts of spans that BitActor itself exports (an actor handing its context to an executor), so
     * that those spans become real parents.
     *
     * @param awaitPlainThreadParents true to wait.
     * @return this.
     */
    public OpenTelemetrySinkContext awaitPlainThreadParents(final boolean awaitPlainThreadParents)
    {
        this.awaitPlainThreadParents = awaitPlainThreadParents;
        return this;
    }

    /**
     * @return whether plain-thread sends wait for their parent.
     * @see #awaitPlainThreadParents(boolean)
     */
    public boolean awaitPlainThreadParents()
    {
        return awaitPlainThreadParents;
    }

    /**
     * Whether the sink starts an exporter thread of its own (an Agrona {@code AgentRunner} on a daemon thread, idling
     * with {@link #idleStrategy(IdleStrategy)}). Without it, the application (or a test) calls
     * {@link OpenTelemetrySpanSink#exportPending()} or {@link OpenTelemetrySpanSink#flush()}.
     *
     * @param exporterThread true (the default) to start the thread.
     * @return this.
     */
    public OpenTelemetrySinkContext exporterThread(final boolean exporterThread)
    {
        this.exporterThread = exporterThread;
        return this;
    }

    /**
     * @return whether the sink starts an exporter thread.
     * @see #exporterThread(boolean)
     */
    public boolean exporterThread()
    {
        return exporterThread;
    }

    /**
     * How the exporter thread idles when there is nothing to export. Default: back off from spinning to parking
     * for up to a millisecond.
     *
     * @param idleStrategy the strategy, used by the exporter thread only.
     * @return this.
     */
    public OpenTelemetrySinkContext idleStrategy(final IdleStrategy idleStrategy)
    {
        this.idleStrategy = idleStrategy;
        return this;
    }

    /**
     * @return the exporter thread's idle strategy (null before {@link #conclude()} unless set).
     * @see #idleStrategy(IdleStrategy)
     */
    public IdleStrategy idleStrategy()
    {
        return idleStrategy;
    }

    /**
     * The clock that times how long spans wait for their parent (inject one in tests).
     *
     * @param nanoClock the clock.
     * @return this.
     */
    public OpenTelemetrySinkContext nanoClock(final NanoClock nanoClock)
    {
        this.nanoClock = nanoClock;
        return this;
    }

    /**
     * @return the clock.
     * @see #nanoClock(NanoClock)
     */
    public NanoClock nanoClock()
    {
        return nanoClock;
    }

    /**
     * Receives exceptions thrown by the OpenTelemetry implementation while a span is exported (the span is counted
     * as failed and the export goes on) and by the exporter thread. Default: print the stack trace.
     *
     * @param errorHandler the handler, called on the exporting thread.
     * @return this.
     */
    public OpenTelemetrySinkContext errorHandler(final ErrorHandler errorHandler)
    {
        this.errorHandler = errorHandler;
        return this;
    }

    /**
     * @return the error handler (null before {@link #conclude()} unless set).
     * @see #errorHandler(ErrorHandler)
     */
    public ErrorHandler errorHandler()
    {
        return errorHandler;
    }
}
