package io.bitactor.actor;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.Objects;

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
public final class CircuitBreaker
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

    // Statistics slots of one array. The writer's slots and the senders' slots are 16 longs (128 bytes) apart so
    // refused senders do not contend with the writer's cache line.
    private static final int SUCCESSES = 0;
    private static final int FAILURES = 1;
    private static final int SLOW_CALLS = 2;
    private static final int OPENED = 3;
    private static final int CLOSED_TRANSITIONS = 4;
    private static final int REOPENED = 5;
    private static final int NOT_PERMITTED = 16;
    private static final int HALF_OPENED = 17;
    private static final int COUNTER_SLOTS = 32;

    private static final VarHandle STATE;
    private static final VarHandle COUNTER = MethodHandles.arrayElementVarHandle(long[].class);

    static
    {
        try
        {
            STATE = MethodHandles.lookup().findVarHandle(CircuitBreaker.class, "state", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final String name;
    private final CircuitBreakerConfig config;
    private final StateListener listener;
    private final int halfOpenTrials;
    private final long slowCallThresholdNs;
    private final Outcomes outcomes;
    private final long[] counters = new long[COUNTER_SLOTS];

    // The packed state word, accessed through STATE; 0 is CLOSED, generation 0.
    @SuppressWarnings("unused")
    private volatile long state;
    // Written by the outcome writer before the word that publishes OPEN, so a sender that read that word sees it.
    private volatile long openUntilNs;
    private volatile long currentOpenTimeNs;

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
        this.name = Objects.requireNonNull(name, "name");
        this.config = Objects.requireNonNull(config, "config");
        this.listener = listener;
        this.halfOpenTrials = config.halfOpenTrials();
        this.slowCallThresholdNs = config.slowCallThresholdNs();
        this.outcomes = new Outcomes(config);
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
                    COUNTER.getAndAdd(counters, NOT_PERMITTED, 1L);
                    return false;
                }

                // Deadline elapsed: one CAS on the whole word moves to HALF_OPEN and takes the first trial permit in
                // the same step, so exactly one thread wins the transition and nothing can come between it and
                // its permit. A stale word (another generation) fails and retries with the current state.
                if (STATE.compareAndSet(this, word, transition(word, HALF_OPEN) + PERMIT_ONE))
                {
                    COUNTER.getAndAdd(counters, HALF_OPENED, 1L);
                    notifyHalfOpen(nowNs);
                    return true;
                }
                continue;
            }

            // HALF_OPEN: take a trial permit by CAS; the count only grows up to K, so no more than K are granted.
            if (((word & PERMIT_MASK) >>> PERMIT_SHIFT) >= halfOpenTrials)
            {
                COUNTER.getAndAdd(counters, NOT_PERMITTED, 1L);
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
            increment(SLOW_CALLS);
            recordFailure(nowNs);
            return;
        }

        increment(SUCCESSES);
        final long word = (long)STATE.getAcquire(this);
        final int current = (int)(word & STATE_MASK);
        if (current == CLOSED)
        {
            if (outcomes.recordOutcome(false))
            {
                trip(word, State.CLOSED, nowNs);
            }
        }
        else if (current == HALF_OPEN)
        {
            if (++outcomes.trialSuccesses >= halfOpenTrials)
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
        increment(FAILURES);
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
        return counter(SUCCESSES);
    }

    /**
     * Failed outcomes reported by {@link #onFailure(long, long)}. Any thread; may be slightly stale.
     *
     * @return the count.
     */
    public long failureCount()
    {
        return counter(FAILURES);
    }

    /**
     * Successes slower than the slow-call threshold, which counted as failures. Any thread; may be slightly stale.
     *
     * @return the count.
     */
    public long slowCallCount()
    {
        return counter(SLOW_CALLS);
    }

    /**
     * Permission calls refused. Any thread; may be slightly stale.
     *
     * @return the count.
     */
    public long notPermittedCount()
    {
        return counter(NOT_PERMITTED);
    }

    /**
     * Transitions into OPEN. Any thread; may be slightly stale.
     *
     * @return the count.
     */
    public long openedCount()
    {
        return counter(OPENED);
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
        return counter(REOPENED);
    }

    /**
     * Transitions into HALF_OPEN. Any thread; may be slightly stale.
     *
     * @return the count.
     */
    public long halfOpenedCount()
    {
        return counter(HALF_OPENED);
    }

    /**
     * Transitions into CLOSED (not counting the initial state). Any thread; may be slightly stale.
     *
     * @return the count.
     */
    public long closedCount()
    {
        return counter(CLOSED_TRANSITIONS);
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
            if (outcomes.recordOutcome(true))
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
        final long openTimeNs = config.openTimeNs(outcomes.consecutiveTrips);
        outcomes.tripped();
        currentOpenTimeNs = openTimeNs;
        // Before the word: a sender that sees OPEN of this generation also sees this deadline.
        openUntilNs = nowNs + openTimeNs;
        publish(word, OPEN);
        increment(OPENED);
        if (from == State.HALF_OPEN)
        {
            increment(REOPENED);
        }
        notifyListener(from, State.OPEN, nowNs);
    }

    /** Outcome writer: HALF_OPEN to CLOSED. */
    private void close(final long word, final long nowNs)
    {
        outcomes.reset();
        publish(word, CLOSED);
        increment(CLOSED_TRANSITIONS);
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

    /** Single-writer increment: plain read of our own slot, opaque store so readers never see a torn long. */
    private void increment(final int slot)
    {
        COUNTER.setOpaque(counters, slot, counters[slot] + 1L);
    }

    private long counter(final int slot)
    {
        return (long)COUNTER.getOpaque(counters, slot);
    }

    /**
     * The outcome writer's plain state: consecutive failures, the failure-rate window (a ring of outcome bits),
     * consecutive trips and the half-open trial successes. Kept apart from the state word that senders read.
     */
    private static final class Outcomes
    {
        private final int consecutiveThreshold;
        private final double ratePercent;
        private final int minimumCalls;
        private final int windowSize;
        private final long[] window;
        private int recorded;
        private int failures;
        private int next;
        private int consecutiveFailures;
        int consecutiveTrips;
        int trialSuccesses;

        Outcomes(final CircuitBreakerConfig config)
        {
            consecutiveThreshold = config.consecutiveFailures();
            ratePercent = config.failureRatePercent();
            minimumCalls = config.minimumCalls();
            windowSize = config.windowSize();
            window = new long[(windowSize + 63) >>> 6];
        }

        /**
         * Records a CLOSED-state outcome.
         *
         * @return true when a trip threshold is reached.
         */
        boolean recordOutcome(final boolean failed)
        {
            consecutiveFailures = failed ? consecutiveFailures + 1 : 0;
            if (windowSize > 0)
            {
                final int index = next >>> 6;
                final long bit = 1L << next; // shifts use the low 6 bits
                if (recorded == windowSize)
                {
                    // Full: the oldest outcome sits in the slot we overwrite.
                    if ((window[index] & bit) != 0)
                    {
                        failures--;
                    }
                }
                else
                {
                    recorded++;
                }
                if (failed)
                {
                    window[index] |= bit;
                    failures++;
                }
                else
                {
                    window[index] &= ~bit;
                }
                next = next + 1 == windowSize ? 0 : next + 1;
            }

            return (consecutiveThreshold > 0 && consecutiveFailures >= consecutiveThreshold) ||
                (windowSize > 0 && recorded >= minimumCalls && failures * 100.0 >= ratePercent * recorded);
        }

        void tripped()
        {
            if (consecutiveTrips < Integer.MAX_VALUE)
            {
                consecutiveTrips++;
            }
            trialSuccesses = 0;
        }

        void reset()
        {
            Arrays.fill(window, 0L);
            recorded = 0;
            failures = 0;
            next = 0;
            consecutiveFailures = 0;
            consecutiveTrips = 0;
            trialSuccesses = 0;
        }
    }
}
