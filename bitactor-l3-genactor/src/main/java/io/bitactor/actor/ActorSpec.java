package io.bitactor.actor;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * How to start an actor (its "props" or child specification). Immutable; build with {@link #of(Supplier)} and
 * {@code with*} copies:
 * <pre>{@code
 * ActorSpec.of(BankAccount::new)
 *     .withName("account")
 *     .withRestart(RestartType.TRANSIENT)
 *     .withCircuitBreaker(CircuitBreakerConfig.defaults())
 *     .withRetry(RetryPolicy.exponential(3, Duration.ofMillis(1), Duration.ofMillis(50)))
 * }</pre>
 */
public final class ActorSpec
{
    private final Supplier<? extends ActorBehavior> factory;
    private final String name;
    private final RestartType restartType;
    private final SupervisorStrategy supervisorStrategy;
    private final CircuitBreakerConfig circuitBreaker;
    private final RetryPolicy retryPolicy;
    private final CircuitBreaker.StateListener breakerListener;
    private final int colocatedWith;

    private ActorSpec(
        final Supplier<? extends ActorBehavior> factory, final String name, final RestartType restartType,
        final SupervisorStrategy supervisorStrategy, final CircuitBreakerConfig circuitBreaker,
        final RetryPolicy retryPolicy, final CircuitBreaker.StateListener breakerListener, final int colocatedWith)
    {
        this.factory = factory;
        this.name = name;
        this.restartType = restartType;
        this.supervisorStrategy = supervisorStrategy;
        this.circuitBreaker = circuitBreaker;
        this.retryPolicy = retryPolicy;
        this.breakerListener = breakerListener;
        this.colocatedWith = colocatedWith;
    }

    /**
     * A spec with defaults: name "actor", {@link RestartType#PERMANENT}, {@link SupervisorStrategy#oneForOne()}
     * for its own children, no circuit breaker, no retry.
     *
     * @param factory creates a fresh behaviour for every (re)start; must not return null.
     * @return the spec.
     */
    public static ActorSpec of(final Supplier<? extends ActorBehavior> factory)
    {
        return new ActorSpec(Objects.requireNonNull(factory, "factory"), "actor", RestartType.PERMANENT,
            SupervisorStrategy.oneForOne(), null, RetryPolicy.none(), null, 0);
    }

    /**
     * A copy with a name (for logs and refs).
     *
     * @param name the name.
     * @return the copy.
     */
    public ActorSpec withName(final String name)
    {
        return new ActorSpec(factory, Objects.requireNonNull(name, "name"), restartType, supervisorStrategy,
            circuitBreaker, retryPolicy, breakerListener, colocatedWith);
    }

    /**
     * A copy with another restart type (what its supervisor does when it ends).
     *
     * @param restartType the type.
     * @return the copy.
     */
    public ActorSpec withRestart(final RestartType restartType)
    {
        return new ActorSpec(factory, name, Objects.requireNonNull(restartType, "restartType"), supervisorStrategy,
            circuitBreaker, retryPolicy, breakerListener, colocatedWith);
    }

    /**
     * A copy with the strategy this actor applies to its own children.
     *
     * @param strategy the strategy.
     * @return the copy.
     */
    public ActorSpec withSupervisorStrategy(final SupervisorStrategy strategy)
    {
        return new ActorSpec(factory, name, restartType, Objects.requireNonNull(strategy, "strategy"),
            circuitBreaker, retryPolicy, breakerListener, colocatedWith);
    }

    /**
     * A copy with a circuit breaker of its own, guarding its calls and casts.
     *
     * @param config the breaker configuration; null for none.
     * @return the copy.
     */
    public ActorSpec withCircuitBreaker(final CircuitBreakerConfig config)
    {
        return new ActorSpec(factory, name, restartType, supervisorStrategy, config, retryPolicy, breakerListener,
            colocatedWith);
    }

    /**
     * A copy with a circuit breaker of its own and a listener of its state changes (called on the thread that
     * causes the change: a sender for OPEN to HALF_OPEN, the actor's worker otherwise; it must not block).
     *
     * @param config   the breaker configuration.
     * @param listener told of every transition.
     * @return the copy.
     */
    public ActorSpec withCircuitBreaker(final CircuitBreakerConfig config, final CircuitBreaker.StateListener listener)
    {
        return new ActorSpec(factory, name, restartType, supervisorStrategy, Objects.requireNonNull(config, "config"),
            retryPolicy, Objects.requireNonNull(listener, "listener"), colocatedWith);
    }

    /**
     * A copy with a retry policy for calls whose handler fails with a retryable error.
     *
     * @param policy the policy ({@link RetryPolicy#none()} for none).
     * @return the copy.
     */
    public ActorSpec withRetry(final RetryPolicy policy)
    {
        return new ActorSpec(factory, name, restartType, supervisorStrategy, circuitBreaker,
            Objects.requireNonNull(policy, "policy"), breakerListener, colocatedWith);
    }

    /**
     * A copy placed on the same shard, hence the same worker thread, as {@code peer}: messages between the two never
     * cross threads, which is what a latency-bound exchange (request/response chains, token rings) wants. Actors
     * without a placement are spread over the shards by the hash of their id. Costs a few skipped actor ids at
     * spawn.
     *
     * @param peer the actor to live next to.
     * @return the copy.
     */
    public ActorSpec withColocation(final ActorRef peer)
    {
        return new ActorSpec(factory, name, restartType, supervisorStrategy, circuitBreaker, retryPolicy,
            breakerListener, Objects.requireNonNull(peer, "peer").id());
    }

    /**
     * The actor this one is placed next to.
     *
     * @return its id, or 0 for placement by hash.
     */
    public int colocatedWith()
    {
        return colocatedWith;
    }

    /**
     * The behaviour factory.
     *
     * @return the factory.
     */
    public Supplier<? extends ActorBehavior> factory()
    {
        return factory;
    }

    /**
     * The name.
     *
     * @return the name.
     */
    public String name()
    {
        return name;
    }

    /**
     * The restart type.
     *
     * @return the type.
     */
    public RestartType restartType()
    {
        return restartType;
    }

    /**
     * The strategy for this actor's children.
     *
     * @return the strategy.
     */
    public SupervisorStrategy supervisorStrategy()
    {
        return supervisorStrategy;
    }

    /**
     * The actor's own circuit breaker configuration.
     *
     * @return the configuration, or null for none.
     */
    public CircuitBreakerConfig circuitBreaker()
    {
        return circuitBreaker;
    }

    /**
     * The listener of the actor's own circuit breaker.
     *
     * @return the listener, or null for none.
     */
    public CircuitBreaker.StateListener circuitBreakerListener()
    {
        return breakerListener;
    }

    /**
     * The retry policy for failed calls.
     *
     * @return the policy.
     */
    public RetryPolicy retryPolicy()
    {
        return retryPolicy;
    }

    /** {@inheritDoc} */
    public String toString()
    {
        return "ActorSpec{" + name + ", " + restartType + ", " + supervisorStrategy + ", breaker=" + circuitBreaker +
            ", retry=" + retryPolicy + "}";
    }
}
