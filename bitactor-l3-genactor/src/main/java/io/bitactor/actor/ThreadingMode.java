package io.bitactor.actor;

/**
 * How an {@link ActorSystem} runs its workers (Aeron style).
 */
public enum ThreadingMode
{
    /** One thread per worker. */
    DEDICATED,
    /** Every worker on one shared thread, in turn. */
    SHARED,
    /**
     * No thread: the application drives the workers by calling {@link ActorSystem#invoke()} (for example
     * {@link ActorSystem#runUntilIdle()} in tests). Deterministic.
     */
    INVOKER
}
