package io.bitactor.actor;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * An actor's view of the runtime, passed to every callback. Use it only on the actor's worker thread, during a
 * callback of that actor. Sends made here carry the actor's id as source, advance the worker's hybrid logical
 * clock (so they are ordered after the message being handled) and inherit the trace of that message: same trace
 * id, a new span id, the handled message's span as parent.
 * <p>
 * Sends from a worker never block: when the target mailbox is full, the frame waits in the worker's outbox (in
 * order) and is offered again on the next duty cycle; only when the outbox itself is full does a send answer
 * {@link SendStatus#MAILBOX_FULL}.
 */
public interface ActorContext
{
    /**
     * This actor.
     *
     * @return its ref.
     */
    ActorRef self();

    /**
     * This actor's id.
     *
     * @return the id.
     */
    int selfId();

    /**
     * The system this actor runs in.
     *
     * @return the system.
     */
    ActorSystem system();

    /**
     * The current time of the system's nano clock (the injected clock in tests).
     *
     * @return nanoseconds.
     */
    long nanoTime();

    /**
     * A scratch buffer of the worker, at least the system's maximum payload length long, for building payloads
     * without allocation. Its content is overwritten by other actors' callbacks.
     *
     * @return the buffer.
     */
    MutableDirectBuffer scratchBuffer();

    /**
     * Sends a one-way message; the payload is copied.
     *
     * @param targetId the target actor's id.
     * @param buffer   holding the payload.
     * @param offset   of the payload.
     * @param length   of the payload.
     * @return {@link SendStatus#ACCEPTED}, or why not.
     */
    SendStatus cast(int targetId, DirectBuffer buffer, int offset, int length);

    /**
     * Sends a one-way message with a UTF-8 text payload (allocates: a convenience).
     *
     * @param target  the target.
     * @param payload the text.
     * @return {@link SendStatus#ACCEPTED}, or why not.
     */
    SendStatus cast(ActorRef target, String payload);

    /**
     * Calls another actor asynchronously: the answer arrives later as a callback of this actor on
     * {@code handler}, so call cycles between actors cannot deadlock a worker. Unanswered calls end with a
     * {@link CallTimeoutException} on {@link ReplyHandler#onError} after the timeout.
     *
     * @param targetId  the callee's id.
     * @param buffer    holding the request payload.
     * @param offset    of the payload.
     * @param length    of the payload.
     * @param timeoutNs how long to wait for the answer, > 0.
     * @param handler   receives the answer (keep one instance per purpose to avoid allocation).
     * @return the call's correlation id (> 0), or 0 when the call was not sent (see {@link #lastSendStatus()}).
     */
    long call(int targetId, DirectBuffer buffer, int offset, int length, long timeoutNs, ReplyHandler handler);

    /**
     * The status of the last {@link #call} made by this actor during this callback.
     *
     * @return the status.
     */
    SendStatus lastSendStatus();

    /**
     * Answers a call kept open with {@link Reply#defer()}.
     *
     * @param deferred the kept call.
     * @param buffer   holding the payload.
     * @param offset   of the payload.
     * @param length   of the payload.
     * @return the send outcome.
     * @throws IllegalStateException if it was answered already or belongs to another actor.
     */
    SendStatus reply(DeferredReply deferred, DirectBuffer buffer, int offset, int length);

    /**
     * Starts a one-shot timer: after {@code delayNs}, {@link ActorBehavior#handleInfo} receives a
     * {@link Info.Kind#TIMER} notice with this tag. Timers of an incarnation are dropped when it restarts or stops.
     *
     * @param delayNs the delay, >= 0.
     * @param tag     any value, handed back with the notice.
     * @return the timer id, for {@link #cancelTimer(long)}.
     */
    long startTimer(long delayNs, long tag);

    /**
     * Cancels a timer of this actor.
     *
     * @param timerId as returned by {@link #startTimer(long, long)}.
     * @return true if it was pending and is now cancelled.
     */
    boolean cancelTimer(long timerId);

    /**
     * Stops this actor once the current callback returns. Its supervisor restarts it only if it is a
     * {@link RestartType#PERMANENT} child; otherwise messages that arrive afterwards become dead letters.
     */
    void stop();

    /**
     * Starts a child supervised by this actor with this actor's {@link SupervisorStrategy}. Its {@code init} runs
     * on its own worker, before any message sent to it.
     *
     * @param spec the child's spec.
     * @return the child's ref.
     * @throws IllegalStateException if the system is closed or out of actor ids.
     */
    ActorRef spawn(ActorSpec spec);

    /**
     * Watches another actor: when it stops for good (not when it restarts), this actor receives a
     * {@link Info.Kind#TERMINATED} notice. Watching an actor that has already stopped gives the notice at once.
     *
     * @param target the actor to watch.
     */
    void watch(ActorRef target);

    /**
     * Stops watching an actor.
     *
     * @param target the watched actor.
     */
    void unwatch(ActorRef target);
}
