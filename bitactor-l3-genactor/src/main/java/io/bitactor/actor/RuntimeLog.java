package io.bitactor.actor;

import io.bitactor.journal.Journal;
import io.bitactor.journal.RecoveryReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * The runtime's log lines in one place, through the SLF4J API (the application picks the binding). Every method
 * checks its level before it builds or boxes anything, so a disabled level costs a call and a boolean test. None is
 * called per message: only on lifecycle events, failures, supervision decisions and breaker transitions. Dead
 * letters are summarised by {@link DeadLetters}. See docs/OBSERVABILITY.md, "Logging".
 * <p>
 * Loggers, named by class: {@code io.bitactor.actor.ActorSystem} (launch, close, journal recovery, errors of the
 * default error handler), {@code io.bitactor.actor.ActorCell} (spawn, stop, restart, escalation) and
 * {@code io.bitactor.actor.CircuitBreaker} (transitions of the breakers the system creates).
 */
final class RuntimeLog
{
    static final Logger SYSTEM = LoggerFactory.getLogger(ActorSystem.class);
    static final Logger ACTORS = LoggerFactory.getLogger(ActorCell.class);
    static final Logger BREAKERS = LoggerFactory.getLogger(CircuitBreaker.class);

    /** Tells the log about every transition of a breaker the system creates (per actor or per shard). */
    private static final CircuitBreaker.StateListener BREAKER_LOGGER = RuntimeLog::breakerTransition;

    private RuntimeLog()
    {
    }

    /**
     * The default {@link org.agrona.ErrorHandler} of a system: ERROR with the stack trace, instead of stderr.
     *
     * @param error what was reported.
     */
    static void error(final Throwable error)
    {
        SYSTEM.error("actor system error: {}", error.toString(), error);
    }

    /** INFO: a system started; then the journal's recovery, if it found anything. */
    static void launched(final ActorSystemContext ctx, final Journal journal)
    {
        if (SYSTEM.isInfoEnabled())
        {
            SYSTEM.info("actor system launched: {} worker(s), {} threading, {} shard(s), journal {}",
                ctx.workerCount(), ctx.threadingMode(), ctx.shardCount(),
                null == ctx.journal() ? "off" : ctx.journal().directory());
        }
        final RecoveryReport report = null == journal ? null : journal.recoveryReport();
        if (null != report && (report.recovered() > 0 || report.repairedAnything()))
        {
            if (report.repairedAnything())
            {
                SYSTEM.warn("journal recovery repaired damage: {} message(s) to deliver again, {}",
                    report.recovered(), report);
            }
            else
            {
                SYSTEM.info("journal recovery: {} message(s) to deliver again, {}", report.recovered(), report);
            }
        }
    }

    /** INFO: a system closed, with its {@link ActorSystem.ShutdownReport}. */
    static void closed(final ActorSystem.ShutdownReport report)
    {
        if (SYSTEM.isInfoEnabled())
        {
            SYSTEM.info("actor system closed: {} actor(s) stopped, {} not stopped in time, {} dead letter(s), " +
                "{} late repl(ies), termination cause {}", report.actorsStopped(), report.actorsNotStopped(),
                report.deadLettered(), report.lateReplies(),
                null == report.terminationCause() ? "none" : report.terminationCause().toString());
        }
    }

    /** DEBUG: an actor was spawned (from the spawning thread). */
    static void spawned(final int id, final String name, final int parentId)
    {
        if (ACTORS.isDebugEnabled())
        {
            ACTORS.debug("actor {} '{}' spawned under {}", id, name, parentId);
        }
    }

    /** DEBUG: an actor stopped for good. */
    static void stopped(final ActorCell cell, final StopReason reason)
    {
        if (ACTORS.isDebugEnabled())
        {
            ACTORS.debug("actor {} '{}' (parent {}) stopped: {}", cell.id, cell.spec.name(), cell.parentId, reason);
        }
    }

    /**
     * A restart. After a failure of its own: WARN with the exception's class and message (and its stack trace when
     * DEBUG is on for this logger: a crash-looping actor then does not flood the log with traces at WARN). Without
     * one (a permanent actor that stopped normally, or a sibling of a failed actor): DEBUG.
     */
    static void restarted(final ActorCell cell, final Throwable failure, final long restarts)
    {
        if (null == failure)
        {
            if (ACTORS.isDebugEnabled())
            {
                ACTORS.debug("actor {} '{}' restarted without a failure of its own (restart {})",
                    cell.id, cell.spec.name(), restarts);
            }
        }
        else if (ACTORS.isWarnEnabled())
        {
            final String message = "actor {} '{}' restarted after a failure: {}: {} (restart {})";
            if (ACTORS.isDebugEnabled())
            {
                ACTORS.warn(message, cell.id, cell.spec.name(), failure.getClass().getName(), failure.getMessage(),
                    restarts, failure);
            }
            else
            {
                ACTORS.warn(message, cell.id, cell.spec.name(), failure.getClass().getName(), failure.getMessage(),
                    restarts);
            }
        }
    }

    /**
     * A supervisor exceeded its restart intensity and fails itself: WARN, or ERROR at the root guardian (the system
     * terminates; the error handler also gets the cause).
     */
    static void escalated(
        final ActorCell supervisor, final SupervisorStrategy strategy, final int childId, final boolean root)
    {
        final String message = "supervisor {} '{}' escalates: more than {} restart(s) within {} ms (last: child {}){}";
        final Object[] args = {supervisor.id, supervisor.spec.name(), strategy.maxRestarts(),
            TimeUnit.NANOSECONDS.toMillis(strategy.withinNs()), childId, ""};
        if (root)
        {
            args[args.length - 1] = "; the root guardian fails: the actor system terminates";
            ACTORS.error(message, args);
        }
        else
        {
            ACTORS.warn(message, args);
        }
    }

    /**
     * The listener for a breaker the system creates: logs the transition, then tells the application's listener.
     *
     * @param applicationListener the spec's listener, or null.
     * @return the listener to give the breaker.
     */
    static CircuitBreaker.StateListener breakerListener(final CircuitBreaker.StateListener applicationListener)
    {
        if (null == applicationListener)
        {
            return BREAKER_LOGGER;
        }
        return (breaker, from, to, nowNs) ->
        {
            breakerTransition(breaker, from, to, nowNs);
            applicationListener.onStateChange(breaker, from, to, nowNs);
        };
    }

    /**
     * One transition, on the thread that made it (after the breaker's CAS, never inside a retry loop): into OPEN at
     * WARN, out of OPEN (to HALF_OPEN) and into CLOSED at INFO.
     */
    private static void breakerTransition(
        final CircuitBreaker breaker, final CircuitBreaker.State from, final CircuitBreaker.State to,
        final long nowNs)
    {
        if (to == CircuitBreaker.State.OPEN)
        {
            if (BREAKERS.isWarnEnabled())
            {
                BREAKERS.warn("circuit breaker '{}' {} -> OPEN for {} ms ({} failure(s), {} slow call(s) so far)",
                    breaker.name(), from, TimeUnit.NANOSECONDS.toMillis(breaker.currentOpenTimeNs()),
                    breaker.failureCount(), breaker.slowCallCount());
            }
        }
        else if (BREAKERS.isInfoEnabled())
        {
            BREAKERS.info("circuit breaker '{}' {} -> {}", breaker.name(), from, to);
        }
    }
}
