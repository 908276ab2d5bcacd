/**
 * The BitActor GenActor API: actor behaviours, the actor system, circuit breakers, retry policies and
 * supervision strategies.
 */
package io.bitactor.actor;
