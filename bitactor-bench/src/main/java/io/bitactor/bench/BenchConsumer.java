package io.bitactor.bench;

import io.bitactor.mailbox.BatchingIdleStrategy;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

/**
 * The concurrent consumer thread shared by the queue benchmarks: a daemon thread running a drain loop that idles
 * with a named strategy when a pass finds nothing.
 */
final class BenchConsumer
{
    private BenchConsumer()
    {
    }

    /**
     * The consumer's idle strategy for a benchmark parameter value: always {@link BatchingIdleStrategy} (a short
     * pause after a pass that found less than a batch, so that the consumer does not take each frame's cache lines
     * from the producer one at a time), over the named strategy for passes that found nothing.
     *
     * @param name {@code spin} for a busy spin when idle; anything else for Agrona's backoff as an L3 worker uses
     *             it (spin, then yield, then park 1 to 100 us).
     * @return a new strategy, for one thread.
     */
    static IdleStrategy idleStrategy(final String name)
    {
        return new BatchingIdleStrategy("spin".equals(name) ? new BusySpinIdleStrategy() :
            new BackoffIdleStrategy(10, 10, 1_000, 100_000));
    }

    /**
     * Starts a daemon consumer thread.
     *
     * @param name the thread name.
     * @param loop the drain loop; it returns when the benchmark clears its running flag.
     * @return the started thread, to join at tear-down.
     */
    static Thread start(final String name, final Runnable loop)
    {
        final Thread thread = new Thread(loop, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
