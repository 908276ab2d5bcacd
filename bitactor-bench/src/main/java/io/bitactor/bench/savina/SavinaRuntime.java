package io.bitactor.bench.savina;

/**
 * One runtime's implementation of the Savina workloads. {@link #prepare} builds the actors (untimed), {@link #run}
 * runs one instance of the workload to completion and verifies its result (throwing if wrong), {@link #close}
 * tears everything down (untimed).
 */
public interface SavinaRuntime extends AutoCloseable
{
    /**
     * Builds what {@code workload} needs.
     *
     * @param workload the workload.
     * @throws Exception on failure.
     */
    void prepare(Workload workload) throws Exception;

    /**
     * Runs the prepared workload once, waits for it to finish and checks the result.
     *
     * @throws Exception on failure, or {@link IllegalStateException} when the result is wrong.
     */
    void run() throws Exception;

    /**
     * Whether this runtime implements the workload (the raw-queue floor does not model rings or fork-join).
     *
     * @param workload the workload.
     * @return true if supported.
     */
    default boolean supports(final Workload workload)
    {
        return true;
    }

    @Override
    void close() throws Exception;

    /** Waits for a latch with a generous limit, so that a lost message fails the run instead of hanging it. */
    static void await(final java.util.concurrent.CountDownLatch latch, final String what)
    {
        try
        {
            if (!latch.await(120, java.util.concurrent.TimeUnit.SECONDS))
            {
                throw new IllegalStateException(what + " did not finish within 120 s: a message was lost");
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /** Runs the sharded workload's producers (one thread each, seeded) and waits for them. */
    static void produce(final int producers, final java.util.function.IntConsumer producer)
    {
        final Thread[] threads = new Thread[producers];
        for (int p = 0; p < producers; p++)
        {
            final int index = p;
            threads[p] = new Thread(() -> producer.accept(index), "sharded-producer-" + p);
            threads[p].start();
        }
        for (final Thread thread : threads)
        {
            try
            {
                thread.join();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(ex);
            }
        }
    }

    /** Waits (bounded) until the per-actor counts add up to {@code expected}, then checks them. */
    static void awaitTotal(final java.util.concurrent.atomic.AtomicLongArray counts, final long expected)
    {
        final long deadline = System.nanoTime() + 120_000_000_000L;
        long total;
        do
        {
            java.util.concurrent.locks.LockSupport.parkNanos(100_000);
            total = 0;
            for (int i = 0, n = counts.length(); i < n; i++)
            {
                total += counts.get(i);
            }
        }
        while (total < expected && System.nanoTime() - deadline < 0);
        check("sharded messages handled", expected, total);
    }

    /** Fails the run when a count is not what the workload defines. */
    static void check(final String what, final long expected, final long actual)
    {
        if (expected != actual)
        {
            throw new IllegalStateException(what + ": expected " + expected + " but was " + actual);
        }
    }
}
