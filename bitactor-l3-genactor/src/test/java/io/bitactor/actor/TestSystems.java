package io.bitactor.actor;

import org.agrona.concurrent.CachedNanoClock;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Deterministic systems for tests: invoker mode (the test thread drives the workers), an injected clock that only
 * moves when the test advances it, a fixed random seed, and errors collected instead of printed.
 */
final class TestSystems
{
    final CachedNanoClock clock = new CachedNanoClock();
    final List<Throwable> errors = new CopyOnWriteArrayList<>();

    TestSystems()
    {
        clock.update(1_000_000_000L);
    }

    ActorSystemContext context()
    {
        return new ActorSystemContext()
            .threadingMode(ThreadingMode.INVOKER)
            .workerCount(2)
            .shardCount(4)
            .nanoClock(clock)
            .randomSeed(42)
            .errorHandler(errors::add);
    }

    ActorSystem launch()
    {
        return ActorSystem.launch(context());
    }

    void advanceMillis(final ActorSystem system, final long millis)
    {
        clock.advance(millis * 1_000_000L);
        system.runUntilIdle();
    }
}
