package io.bitactor.actor;

/**
 * A notice from the runtime to {@link ActorBehavior#handleInfo}. A reused view, valid during the callback only.
 */
public interface Info
{
    /** What the notice is about. */
    enum Kind
    {
        /** A timer started with {@link ActorContext#startTimer(long, long)} fired; see {@link #tag()}. */
        TIMER,
        /** A watched actor stopped; see {@link #actorId()}. */
        TERMINATED
    }

    /**
     * The kind of notice.
     *
     * @return the kind.
     */
    Kind kind();

    /**
     * For {@link Kind#TIMER}: the tag given when the timer was started; otherwise 0.
     *
     * @return the tag.
     */
    long tag();

    /**
     * For {@link Kind#TIMER}: the timer id; otherwise 0.
     *
     * @return the timer id.
     */
    long timerId();

    /**
     * For {@link Kind#TERMINATED}: the id of the actor that stopped; otherwise 0.
     *
     * @return the actor id.
     */
    int actorId();
}
