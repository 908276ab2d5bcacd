/**
 * Micrometer meters for BitActor: {@link io.bitactor.micrometer.BitActorMetrics}.
 */
package io.bitactor.micrometer;
