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
    static void await(final java.util.concurrent.CountDownLatch latch, final String what) throws InterruptedException
    {
        if (!latch.await(120, java.util.concurrent.TimeUnit.SECONDS))
        {
            throw new IllegalStateException(what + " did not finish within 120 s: a message was lost");
        }
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
