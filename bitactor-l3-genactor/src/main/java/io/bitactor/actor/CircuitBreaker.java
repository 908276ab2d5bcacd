package io.bitactor.actor;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.Objects;

/**
 * The fields of a {@link CircuitBreaker} that senders read, and the settings: the packed state word, the open
 * deadline, the rule parameters. After construction only transitions write here, so these lines stay shared in
 * every sender's cache.
 * <p>
 * Layout: a superclass's fields precede a subclass's in HotSpot's layout, so the breaker's fields come in four
 * groups: these, 64 bytes of padding ({@link CircuitBreakerPad}), the outcome writer's per-call fields
 * ({@link CircuitBreakerWriterFields}), then the writer's rarely changed fields in {@link CircuitBreaker} itself.
 * The writer stores a counter for every outcome; on the state word's line those stores would make every sender's
 * permission check miss. A success in CLOSED reads these lines and writes one line of the writer's (the JCTools
 * pattern; FrameSlot in the mailbox module uses it too).
 */
abstract class CircuitBreakerSharedFields
{
    final String name;
    final CircuitBreakerConfig config;
    final CircuitBreaker.StateListener listener;
    final int halfOpenTrials;
    final long slowCallThresholdNs;
    final int consecutiveThreshold;
    final double ratePercent;
    final int minimumCalls;
    final int windowSize;

    // The packed state word, accessed through CircuitBreaker's STATE handle; 0 is CLOSED, generation 0.
    @SuppressWarnings("unused")
    volatile long state;
    // Written by the outcome writer before the word that publishes OPEN, so a sender that read that word sees it.
    volatile long openUntilNs;
    volatile long currentOpenTimeNs;

    CircuitBreakerSharedFields(
        final String name, final CircuitBreakerConfig config, final CircuitBreaker.StateListener listener)
    {
        this.name = Objects.requireNonNull(name, "name");
        this.config = Objects.requireNonNull(config, "config");
        this.listener = listener;
        this.halfOpenTrials = config.halfOpenTrials();
        this.slowCallThresholdNs = config.slowCallThresholdNs();
        this.consecutiveThreshold = config.consecutiveFailures();
        this.ratePercent = config.failureRatePercent();
        this.minimumCalls = config.minimumCalls();
        this.windowSize = config.windowSize();
    }
}

/** 64 bytes between the senders' fields and the writer's (see {@link CircuitBreakerSharedFields}). */
abstract class CircuitBreakerPad extends CircuitBreakerSharedFields
{
    @SuppressWarnings("unused")
    private long p00, p01, p02, p03, p04, p05, p06, p07;

    CircuitBreakerPad(
        final String name, final CircuitBreakerConfig config, final CircuitBreaker.StateListener listener)
    {
        super(name, config, listener);
    }
}

/**
 * The outcome writer's per-call fields (see {@link CircuitBreakerSharedFields}), together on one line: the success
 * counter (stored with opaque writes, so other threads read it untorn), the consecutive failures and the half-open
 * trial successes.
 */
abstract class CircuitBreakerWriterFields extends CircuitBreakerPad
{
    long successes;
    int consecutiveFailures;
    int trialSuccesses;

    CircuitBreakerWriterFields(
        final String name, final CircuitBreakerConfig config, final CircuitBreaker.StateListener listener)
    {
        super(name, config, listener);
    }
}

/**
 * A lock-free circuit breaker guarding an actor or shard: senders ask it for permission before sending, and the
 * worker that runs the protected code reports each call's outcome. After too many failures it trips OPEN and
 * refuses calls for an open time; then it lets {@code K} trial calls through (HALF_OPEN) and CLOSES if all of them
 * succeed, or re-opens for a longer time if one fails. See {@link CircuitBreakerConfig} for the rules.
 *
 * <h2>Threading contract</h2>
 * <ul>
 *   <li>{@link #tryAcquirePermission(long)}, {@link #releasePermission()}, {@link #retryAfterNs(long)} and all
 *   getters may be called by <b>any thread</b>, concurrently.</li>
 *   <li>{@link #onSuccess(long, long)} and {@link #onFailure(long, long)} must be called by <b>one thread at a
 *   time</b> (the worker running the protected actor or shard: a single writer of the outcome window). They may
 *   race with the permission calls of other threads.</li>
 * </ul>
 * The state, the trip generation and the half-open permits issued live in one packed {@code long}, changed only by
 * compare-and-set, so at most {@code K} trial permits are outstanding in a half-open episode under any contention,
 * and exactly one thread performs each OPEN to HALF_OPEN transition. CLOSED and HALF_OPEN are left only by the
 * outcome writer, OPEN only by a sender. The outcome window is plain state of the writer.
 *
 * <h2>Permits</h2>
 * Every permit granted by {@link #tryAcquirePermission(long)} must be followed by exactly one outcome report, or
 * by {@link #releasePermission()} if the call was never sent; otherwise a half-open breaker waits for the missing
 * trial. Outcomes carry no episode tag: a call admitted while CLOSED whose outcome arrives during a later half-open
 * episode counts as a trial outcome, as in other breakers that work this way.
 *
 * <h2>Time</h2>
 * Every time is a {@code long nowNs} argument from any monotonic nanosecond source (such as
 * {@link System#nanoTime()}); deadlines are compared by subtraction, so the source may wrap.
 *
 * <h2>Hot paths</h2>
 * Permission checks and outcome reports do not allocate, lock, log or throw (except what a {@link StateListener}
 * throws, on the rare calls that change state).
 */
public final class CircuitBreaker extends CircuitBreakerWriterFields
{
    /**
     * The state of a breaker.
     */
    public enum State
    {
        /** Calls pass; outcomes are counted towards the trip thresholds. */
        CLOSED,
        /** Calls are refused until the open deadline. */
        OPEN,
        /** A limited number of trial calls pass; their outcomes decide between CLOSED and OPEN. */
        HALF_OPEN
    }

    /**
     * Told about every state change of a breaker.
     * <p>
     * Called on the thread that made the change, after the change took effect: the outcome writer for trips and
     * closes, the sender whose call found the open deadline elapsed for OPEN to HALF_OPEN. Two changes made on
     * different threads may therefore be reported concurrently or out of order; each call carries its own
     * {@code from} and {@code to}. It should be quick and not throw: an exception propagates to the caller of the
     * breaker method that made the change (the breaker's state stays consistent; a sender that gets the exception
     * holds no permit).
     */
    @FunctionalInterface
    public interface StateListener
    {
        /**
         * One state change. Called on the thread that made it (see {@link StateListener}).
         *
         * @param breaker the breaker that changed.
         * @param from    the state before.
         * @param to      the state after.
         * @param nowNs   the time passed to the call that made the change.
         */
        void onStateChange(CircuitBreaker breaker, State from, State to, long nowNs);
    }

    private static final State[] STATES = State.values();
    private static final int CLOSED = State.CLOSED.ordinal();
    private static final int OPEN = State.OPEN.ordinal();
    private static final int HALF_OPEN = State.HALF_OPEN.ordinal();

    // The state word: bits 0-1 the state's ordinal, bits 2-21 the trial permits issued in the current half-open
    // episode, bits 22-63 a generation bumped by every transition (so a CAS from a stale word always fails).
    private static final long STATE_MASK = 0b11L;
    private static final int PERMIT_SHIFT = 2;
    private static final long PERMIT_ONE = 1L << PERMIT_SHIFT;
    private static final long PERMIT_MASK = (long)CircuitBreakerConfig.MAX_HALF_OPEN_TRIALS << PERMIT_SHIFT;
    private static final int GENERATION_SHIFT = 22;
    private static final long GENERATION_ONE = 1L << GENERATION_SHIFT;
    private static final long GENERATION_MASK = -1L << GENERATION_SHIFT;

    // The senders' counters (refusals, OPEN to HALF_OPEN wins), changed by atomic adds from any thread: in an array
    // of their own, 16 longs (128 bytes) from its header and from each other's end, away from the writer's lines.
    private static final int NOT_PERMITTED = 16;
    private static final int HALF_OPENED = 17;
    private static final int SENDER_COUNTER_SLOTS = 34;

    private static final VarHandle STATE;
    private static final VarHandle SUCCESSES;
    private static final VarHandle FAILURES;
    private static final VarHandle SLOW_CALLS;
    private static final VarHandle OPENED;
    private static final VarHandle CLOSED_TRANSITIONS;
    private static final VarHandle REOPENED;
    private static final VarHandle COUNTER = MethodHandles.arrayElementVarHandle(long[].class);

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            STATE = lookup.findVarHandle(CircuitBreakerSharedFields.class, "state", long.class);
            SUCCESSES = lookup.findVarHandle(CircuitBreakerWriterFields.class, "successes", long.class);
            FAILURES = lookup.findVarHandle(CircuitBreaker.class, "failures", long.class);
            SLOW_CALLS = lookup.findVarHandle(CircuitBreaker.class, "slowCalls", long.class);
            OPENED = lookup.findVarHandle(CircuitBreaker.class, "opened", long.class);
            CLOSED_TRANSITIONS = lookup.findVarHandle(CircuitBreaker.class, "closedTransitions", long.class);
            REOPENED = lookup.findVarHandle(CircuitBreaker.class, "reopened", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    // The writer's other fields, changed on failures and transitions only: counters (opaque stores, as successes)
    // and the failure-rate window, a ring of outcome bits.
    private long failures;
    private long slowCalls;
    private long opened;
    private long closedTransitions;
    private long reopened;
    private int recorded;
    private int windowFailures;
    private int next;
    private int consecutiveTrips;
    private final long[] window;
    private final long[] senderCounters = new long[SENDER_COUNTER_SLOTS];

    /**
     * A CLOSED breaker without a listener. Any thread.
     *
     * @param name   the name, used in {@link #toString()} and {@link CircuitOpenException}.
     * @param config the settings.
     * @throws NullPointerException if {@code name} or {@code config} is null.
     */
    public CircuitBreaker(final String name, final CircuitBreakerConfig config)
    {
        this(name, config, null);
    }

    /**
     * A CLOSED breaker. Any thread.
     *
     * @param name     the name, used in {@link #toString()} and {@link CircuitOpenException}.
     * @param config   the settings.
     * @param listener told about every state change, or null.
     * @throws NullPointerException if {@code name} or {@code config} is null.
     */
    public CircuitBreaker(final String name, final CircuitBreakerConfig config, final StateListener listener)
    {
        super(name, config, listener);
        window = new long[(windowSize + 63) >>> 6];
    }

    /**
     * Asks to send one call. CLOSED: granted. OPEN: refused before the open deadline; from then on the first caller
     * moves the breaker to HALF_OPEN and takes the first trial permit in the same atomic step (exactly one thread
     * wins that transition and tells the listener). HALF_OPEN: granted while fewer than {@code K} trial permits are
     * issued in this episode. Refusals are counted ({@link #notPermittedCount()}).
     * <p>
     * Any thread. Lock-free; no allocation.
     *
     * @param nowNs the current time in nanoseconds (monotonic source).
     * @return true if the call may be sent: then report its outcome, or {@link #releasePermission()} if it is not
     * sent after all.
     */
    public boolean tryAcquirePermission(final long nowNs)
    {
        while (true)
        {
            final long word = (long)STATE.getAcquire(this);
            final int current = (int)(word & STATE_MASK);
            if (current == CLOSED)
            {
                return true;
            }

            if (current == OPEN)
            {
                final long deadline = openUntilNs;
                if (nowNs - deadline < 0)
                {
                    // The acquire read of the word makes the deadline at least as new as the word. Re-check the
                    // word: the writer stores the next trip's deadline while still HALF_OPEN, and a refusal is
                    // only right when this deadline belongs to the OPEN state that is still current.
                    if ((long)STATE.getAcquire(this) != word)
                    {
                        continue;
                    }
                    COUNTER.getAndAdd(senderCounters, NOT_PERMITTED, 1L);
                    return false;
                }

                // Deadline elapsed: one CAS on the whole word moves to HALF_OPEN and takes the first trial permit in
                // the same step, so exactly one thread wins the transition and nothing can come between it and
                // its permit. A stale word (another generation) fails and retries with the current state.
                if (STATE.compareAndSet(this, word, transition(word, HALF_OPEN) + PERMIT_ONE))
                {
                    COUNTER.getAndAdd(senderCounters, HALF_OPENED, 1L);
                    notifyHalfOpen(nowNs);
                    return true;
                }
                continue;
            }

            // HALF_OPEN: take a trial permit by CAS; the count only grows up to K, so no more than K are granted.
            if (((word & PERMIT_MASK) >>> PERMIT_SHIFT) >= halfOpenTrials)
            {
                COUNTER.getAndAdd(senderCounters, NOT_PERMITTED, 1L);
                return false;
            }
            if (STATE.compareAndSet(this, word, word + PERMIT_ONE))
            {
                return true;
            }
        }
    }

    /**
     * Gives back a trial permit granted in HALF_OPEN for a call that was never sent (for example, the mailbox was
     * full), so another call can be the trial. No-op in any other state, or if no permit is issued.
     * <p>
     * Call it only for a permit just granted and unused: a permit kept across a whole half-open episode cannot be
     * told apart from one of the next episode's.
     * <p>
     * Any thread. Lock-free; no allocation.
     */
    public void releasePermission()
    {
        while (true)
        {
            final long word = (long)STATE.getAcquire(this);
            if ((word & STATE_MASK) != HALF_OPEN || (word & PERMIT_MASK) == 0)
            {
                return;
            }
            // Same word as the permit CAS: a release can only undo an issued permit, never push the count past K.
            if (STATE.compareAndSet(this, word, word - PERMIT_ONE))
            {
                return;
            }
        }
    }

    /**
     * Reports a call that completed normally. A success slower than the slow-call threshold counts as a failure
     * ({@link #slowCallCount()}). In CLOSED, resets the consecutive failures and records the outcome in the window
     * (which may still trip on the failure rate once {@code minimumCalls} is reached); in HALF_OPEN, the {@code K}th
     * successful trial closes the breaker; in OPEN it is only counted.
     * <p>
     * Outcome writer only: one thread at a time. No allocation.
     *
     * @param durationNs how long the call took, in nanoseconds.
     * @param nowNs      the current time in nanoseconds (monotonic source).
     */
    public void onSuccess(final long durationNs, final long nowNs)
    {
        if (slowCallThresholdNs > 0 && durationNs > slowCallThresholdNs)
        {
            SLOW_CALLS.setOpaque(this, slowCalls + 1);
            recordFailure(nowNs);
            return;
        }

        SUCCESSES.setOpaque(this, successes + 1);
        final long word = (long)STATE.getAcquire(this);
        final int current = (int)(word & STATE_MASK);
        if (current == CLOSED)
        {
            if (recordOutcome(false))
            {
                trip(word, State.CLOSED, nowNs);
            }
        }
        else if (current == HALF_OPEN)
        {
            if (++trialSuccesses >= halfOpenTrials)
            {
                close(word, nowNs);
            }
        }
        // OPEN: a call that was in flight when the breaker tripped; counted only.
    }

    /**
     * Reports a call that failed. In CLOSED, counts towards the trip thresholds; in HALF_OPEN, re-opens the breaker
     * at once with a longer open time; in OPEN it is only counted.
     * <p>
     * Outcome writer only: one thread at a time. No allocation.
     *
     * @param durationNs how long the call took, in nanoseconds (not used by the rules; failures are never "slow").
     * @param nowNs      the current time in nanoseconds (monotonic source).
     */
    public void onFailure(final long durationNs, final long nowNs)
    {
        FAILURES.setOpaque(this, failures + 1);
        recordFailure(nowNs);
    }

    /**
     * The current state. A breaker whose open deadline has elapsed reports OPEN until a permission call moves it to
     * HALF_OPEN. Any thread.
     *
     * @return the state.
     */
    public State state()
    {
        return STATES[(int)((long)STATE.getAcquire(this) & STATE_MASK)];
    }

    /**
     * The name given at construction. Any thread.
     *
     * @return the name.
     */
    public String name()
    {
        return name;
    }

    /**
     * The settings given at construction. Any thread.
     *
     * @return the configuration.
     */
    public CircuitBreakerConfig config()
    {
        return config;
    }

    /**
     * The deadline of the current or most recent open period: from then on a permission call moves the breaker to
     * HALF_OPEN. Any thread.
     *
     * @return the deadline in the caller's nanosecond time base, 0 before the first trip.
     */
    public long openUntilNs()
    {
        return openUntilNs;
    }

    /**
     * The length of the current or most recent open period. Any thread.
     *
     * @return nanoseconds, 0 before the first trip.
     */
    public long currentOpenTimeNs()
    {
        return currentOpenTimeNs;
    }

    /**
     * How long a refused caller should wait: the time left until the open deadline when OPEN, otherwise 0. For
     * {@link CircuitOpenException}. Any thread; no allocation.
     *
     * @param nowNs the current time in nanoseconds (monotonic source).
     * @return nanoseconds, >= 0.
     */
    public long retryAfterNs(final long nowNs)
    {
        while (true)
        {
            final long word = (long)STATE.getAcquire(this);
            if ((word & STATE_MASK) != OPEN)
            {
                return 0L;
            }
            final long remainingNs = openUntilNs - nowNs;
            // As in tryAcquirePermission: the deadline is only this OPEN state's if the word is unchanged.
            if ((long)STATE.getAcquire(this) == word)
            {
                return Math.max(0L, remainingNs);
            }
        }
    }

    /**
     * Successful outcomes reported (not counting slow ones). Any thread; may be slightly stale.
     *
     * @return the count.
     */
    public long successCount()
    {
        return (long)SUCCESSES.getOpaque(this);
    }

    /**
     * Failed outcomes reported by {@link #onFailure(long, long)}. Any thread; may be slightly stale.
     *
     * @return the count.
     */
    public long failureCount()
    {
        return (long)FAILURES.getOpaque(this);
    }

    /**
     * Successes slower than the slow-call threshold, which counted as failures. Any thread; may be slightly stale.
     *
     * @return the count.
     */
    public long slowCallCount()
    {
        return (long)SLOW_CALLS.getOpaque(this);
    }

    /**
     * Permission calls refused. Any thread; may be slightly stale.
     *
     * @return the count.
     */
    public long notPermittedCount()
    {
        return (long)COUNTER.getOpaque(senderCounters, NOT_PERMITTED);
    }

    /**
     * Transitions into OPEN. Any thread; may be slightly stale.
     *
     * @return the count.
     */
    public long openedCount()
    {
        return (long)OPENED.getOpaque(this);
    }

    /**
     * Transitions from HALF_OPEN back into OPEN (a trial failed): part of {@link #openedCount()}, so trips from
     * CLOSED are {@code openedCount() - reopenedCount()} (exact when the breaker is quiet: the two counters are
     * read one after the other). Any thread; may be slightly stale.
     *
     * @return the count.
     */
    public long reopenedCount()
    {
        return (long)REOPENED.getOpaque(this);
    }

    /**
     * Transitions into HALF_OPEN. Any thread; may be slightly stale.
     *
     * @return the count.
     */
    public long halfOpenedCount()
    {
        return (long)COUNTER.getOpaque(senderCounters, HALF_OPENED);
    }

    /**
     * Transitions into CLOSED (not counting the initial state). Any thread; may be slightly stale.
     *
     * @return the count.
     */
    public long closedCount()
    {
        return (long)CLOSED_TRANSITIONS.getOpaque(this);
    }

    /**
     * {@inheritDoc}
     * <p>
     * Any thread.
     */
    @Override
    public String toString()
    {
        return "CircuitBreaker{" +
            "name='" + name + '\'' +
            ", state=" + state() +
            ", openUntilNs=" + openUntilNs +
            ", currentOpenTimeNs=" + currentOpenTimeNs +
            ", successes=" + successCount() +
            ", failures=" + failureCount() +
            ", slowCalls=" + slowCallCount() +
            ", notPermitted=" + notPermittedCount() +
            ", opened=" + openedCount() +
            ", reopened=" + reopenedCount() +
            ", halfOpened=" + halfOpenedCount() +
            ", closed=" + closedCount() +
            '}';
    }

    private void recordFailure(final long nowNs)
    {
        final long word = (long)STATE.getAcquire(this);
        final int current = (int)(word & STATE_MASK);
        if (current == CLOSED)
        {
            if (recordOutcome(true))
            {
                trip(word, State.CLOSED, nowNs);
            }
        }
        else if (current == HALF_OPEN)
        {
            trip(word, State.HALF_OPEN, nowNs);
        }
        // OPEN: a call that was in flight when the breaker tripped; counted only.
    }

    /** Outcome writer: CLOSED or HALF_OPEN to OPEN. */
    private void trip(final long word, final State from, final long nowNs)
    {
        final long openTimeNs = config.openTimeNs(consecutiveTrips);
        tripped();
        currentOpenTimeNs = openTimeNs;
        // Before the word: a sender that sees OPEN of this generation also sees this deadline.
        openUntilNs = nowNs + openTimeNs;
        publish(word, OPEN);
        OPENED.setOpaque(this, opened + 1);
        if (from == State.HALF_OPEN)
        {
            REOPENED.setOpaque(this, reopened + 1);
        }
        notifyListener(from, State.OPEN, nowNs);
    }

    /** Outcome writer: HALF_OPEN to CLOSED. */
    private void close(final long word, final long nowNs)
    {
        reset();
        publish(word, CLOSED);
        CLOSED_TRANSITIONS.setOpaque(this, closedTransitions + 1);
        notifyListener(State.HALF_OPEN, State.CLOSED, nowNs);
    }

    /**
     * Outcome writer: leaves CLOSED or HALF_OPEN. Only the writer leaves these states, but senders may still move
     * the permit count of a HALF_OPEN word, so retry the CAS on the fresh word until it lands.
     */
    private void publish(final long word, final int to)
    {
        long expected = word;
        while (!STATE.compareAndSet(this, expected, transition(expected, to)))
        {
            expected = (long)STATE.getAcquire(this);
        }
    }

    private static long transition(final long word, final int to)
    {
        // Next generation (wrapping off the top), permits cleared.
        return ((word & GENERATION_MASK) + GENERATION_ONE) | to;
    }

    /** The winner of OPEN to HALF_OPEN tells the listener; if it throws, the winner's permit is given back. */
    private void notifyHalfOpen(final long nowNs)
    {
        try
        {
            notifyListener(State.OPEN, State.HALF_OPEN, nowNs);
        }
        catch (final RuntimeException | Error ex)
        {
            releasePermission();
            throw ex;
        }
    }

    private void notifyListener(final State from, final State to, final long nowNs)
    {
        if (listener != null)
        {
            listener.onStateChange(this, from, to, nowNs);
        }
    }

    /**
     * Outcome writer: records a CLOSED-state outcome in the consecutive count and the window.
     *
     * @return true when a trip threshold is reached.
     */
    private boolean recordOutcome(final boolean failed)
    {
        if (failed)
        {
            consecutiveFailures++;
        }
        else if (consecutiveFailures != 0)
        {
            consecutiveFailures = 0; // no store when already 0: the common success leaves the line clean
        }
        if (windowSize > 0)
        {
            final int index = next >>> 6;
            final long bit = 1L << next; // shifts use the low 6 bits
            if (recorded == windowSize)
            {
                // Full: the oldest outcome sits in the slot we overwrite.
                if ((window[index] & bit) != 0)
                {
                    windowFailures--;
                }
            }
            else
            {
                recorded++;
            }
            if (failed)
            {
                window[index] |= bit;
                windowFailures++;
            }
            else
            {
                window[index] &= ~bit;
            }
            next = next + 1 == windowSize ? 0 : next + 1;
        }

        return (consecutiveThreshold > 0 && consecutiveFailures >= consecutiveThreshold) ||
            (windowSize > 0 && recorded >= minimumCalls && windowFailures * 100.0 >= ratePercent * recorded);
    }

    /** Outcome writer: a trip. */
    private void tripped()
    {
        if (consecutiveTrips < Integer.MAX_VALUE)
        {
            consecutiveTrips++;
        }
        trialSuccesses = 0;
    }

    /** Outcome writer: a close starts the rules afresh. */
    private void reset()
    {
        Arrays.fill(window, 0L);
        recorded = 0;
        windowFailures = 0;
        next = 0;
        consecutiveFailures = 0;
        consecutiveTrips = 0;
        trialSuccesses = 0;
    }
}
