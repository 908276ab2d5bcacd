/**
 * Immutable metrics snapshots of an actor system: {@link io.bitactor.metrics.SystemMetrics},
 * {@link io.bitactor.metrics.ShardMetrics}, {@link io.bitactor.metrics.ActorMetrics},
 * {@link io.bitactor.metrics.BreakerMetrics} and {@link io.bitactor.metrics.LatencySummary}, taken by
 * {@code ActorSystem.metrics()} and its siblings from any thread while the workers run.
 */
package io.bitactor.metrics;
