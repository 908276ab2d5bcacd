package io.bitactor.bench.savina;

/**
 * What the actor runtimes' Savina implementations share: the dispatch from a workload to its preparation, and
 * running the prepared body.
 */
abstract class ActorRuntimeSavina implements SavinaRuntime
{
    /** The prepared workload run, set by the {@code prepare*} methods. */
    protected Runnable body;

    /** Builds the actors of the workload and sets {@link #body}. */
    protected final void prepareActors(final Workload workload)
    {
        switch (workload)
        {
            case PING_PONG -> preparePingPong();
            case COUNTING -> prepareCounting();
            case THREAD_RING -> prepareThreadRing();
            case FORK_JOIN -> prepareForkJoin();
            case SHARDED -> prepareSharded();
            default -> throw new IllegalArgumentException(workload.name());
        }
    }

    protected abstract void preparePingPong();

    protected abstract void prepareCounting();

    protected abstract void prepareThreadRing();

    protected abstract void prepareForkJoin();

    protected abstract void prepareSharded();

    @Override
    public void run()
    {
        body.run();
    }
}
