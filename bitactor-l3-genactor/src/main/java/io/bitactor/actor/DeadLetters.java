package io.bitactor.actor;

import io.bitactor.mailbox.DeadLetterReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Dead letters in the log, rate-limited: at most one WARN line per interval
 * ({@link ActorSystemContext#deadLetterLogIntervalNs()}) saying how many dead letters there were since the last
 * line, with the last one's reason and target. Never a line per message.
 * <p>
 * The count is the runtime's own accounting (the workers' dead-letter counters, which the dead-letter path
 * increments anyway), so counting costs nothing extra; the dead-letter path only notes the last target and reason
 * in its own slot ({@link #note}: plain stores, no logging). The check ({@link #poll}) runs in worker 0's duty
 * cycle, and does real work at most once per check period ({@code min(interval, 100 ms)}) of the system's
 * {@link org.agrona.concurrent.NanoClock}, so tests with an injected clock are deterministic. {@link #flush} writes
 * what is left when the system closes.
 * <p>
 * Threads: {@link #note} by the owner of its slot (worker {@code i} writes slot {@code i}; the last slot is for
 * other threads, best effort); {@link #poll} by worker 0 only; {@link #flush} by the closing thread once the
 * workers have stopped. The last target and reason are read without synchronisation: best effort, exact enough for a
 * log line. The counts are exact.
 */
final class DeadLetters
{
    static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    /** Longest time between two checks of the count. */
    static final long MAX_CHECK_PERIOD_NS = TimeUnit.MILLISECONDS.toNanos(100);

    // Slots 16 elements apart (128 bytes of longs): workers noting dead letters do not share a cache line.
    private static final int STRIDE = 16;

    private final long intervalNs;
    private final long checkPeriodNs;
    private final LongSupplier total;
    private final int otherSlot;
    private final int[] lastTarget;
    private final long[] lastNs;
    private final DeadLetterReason[] lastReason;
    private long nextCheckNs;
    private long lastLineNs;
    private long reported;

    /**
     * A reporter whose first line may come at the first check after the first dead letter.
     *
     * @param intervalNs  least time between two lines.
     * @param workerCount workers (each has a slot; one more slot for other threads).
     * @param total       dead letters so far, exact at quiescence.
     * @param nowNs       the system's time at launch.
     */
    DeadLetters(final long intervalNs, final int workerCount, final LongSupplier total, final long nowNs)
    {
        this.intervalNs = intervalNs;
        this.checkPeriodNs = Math.min(intervalNs, MAX_CHECK_PERIOD_NS);
        this.total = total;
        this.otherSlot = workerCount;
        this.lastTarget = new int[(workerCount + 1) * STRIDE];
        this.lastNs = new long[(workerCount + 1) * STRIDE];
        this.lastReason = new DeadLetterReason[(workerCount + 1) * STRIDE];
        this.nextCheckNs = nowNs + checkPeriodNs;
        this.lastLineNs = nowNs - intervalNs; // the first dead letters are reported at the first check
    }

    /**
     * Notes a dead letter's target and reason (the count is kept by the caller's counters). No logging, no
     * allocation.
     *
     * @param workerIndex the noting worker, or -1 for any other thread.
     * @param targetId    the target actor's id.
     * @param reason      why.
     * @param nowNs       the time.
     */
    void note(final int workerIndex, final int targetId, final DeadLetterReason reason, final long nowNs)
    {
        final int slot = (workerIndex < 0 ? otherSlot : workerIndex) * STRIDE;
        lastTarget[slot] = targetId;
        lastReason[slot] = reason;
        lastNs[slot] = nowNs;
    }

    /**
     * Worker 0's duty cycle: once per check period (or when the interval since the last line ends, if sooner),
     * writes a line if there were dead letters and the interval has passed since the last line.
     *
     * @param nowNs the duty cycle's time.
     */
    void poll(final long nowNs)
    {
        if (nowNs - nextCheckNs < 0)
        {
            return;
        }
        nextCheckNs = nowNs + checkPeriodNs;
        final long dueNs = lastLineNs + intervalNs;
        if (nowNs - dueNs >= 0)
        {
            report(nowNs);
        }
        else if (dueNs - nextCheckNs < 0)
        {
            nextCheckNs = dueNs; // the next line may be due before the next regular check: check then
        }
    }

    /**
     * At close, after the workers stopped: writes what was not reported yet, whatever the interval.
     *
     * @param nowNs the time.
     */
    void flush(final long nowNs)
    {
        report(nowNs);
    }

    private void report(final long nowNs)
    {
        final long all = total.getAsLong();
        final long count = all - reported;
        if (count <= 0)
        {
            return;
        }
        reported = all;
        lastLineNs = nowNs;
        if (LOG.isWarnEnabled())
        {
            int last = -1;
            for (int slot = 0; slot <= otherSlot * STRIDE; slot += STRIDE)
            {
                if (null != lastReason[slot] && (last < 0 || lastNs[slot] - lastNs[last] > 0))
                {
                    last = slot;
                }
            }
            LOG.warn("{} dead letter(s) since the last report ({} in all); the last: {} to actor {}", count, all,
                last < 0 ? "unknown" : lastReason[last], last < 0 ? "unknown" : lastTarget[last]);
        }
    }
}
