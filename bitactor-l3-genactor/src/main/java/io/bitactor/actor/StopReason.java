package io.bitactor.actor;

/**
 * Why an actor incarnation ends, as passed to {@link ActorBehavior#terminate(ActorContext, StopReason)}.
 */
public enum StopReason
{
    /** The actor stopped itself with {@link ActorContext#stop()}. */
    NORMAL,
    /** A callback threw; the supervisor decides what follows. */
    FAILURE,
    /** The supervisor restarts it (also sibling restarts under one-for-all and rest-for-one). */
    RESTART,
    /** Its supervisor stopped it (a temporary child's failure, a supervisor failure, or a parent stopping). */
    SUPERVISOR,
    /** The actor system is closing. */
    SHUTDOWN
}
