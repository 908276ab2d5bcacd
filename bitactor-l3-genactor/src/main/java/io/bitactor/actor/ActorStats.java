package io.bitactor.actor;

/**
 * A snapshot of message accounting, for one actor or a whole system. At quiescence (nothing queued, in flight,
 * stashed or waiting for a retry) every accepted message is accounted for exactly:
 * {@code accepted == handled + failed + deadLettered}.
 *
 * @param accepted          casts and calls taken by the runtime (per actor: delivered to it, counted once even
 *                          when retried).
 * @param handled           handled successfully (including calls answered with {@link Reply#error}).
 * @param failed            failed and reported: the handler threw after every retry (the caller got the error),
 *                          a call was left unanswered, or the actor's breaker was open when the message arrived.
 * @param retried           retry attempts scheduled.
 * @param rejectedByBreaker sends refused because the target's circuit breaker was open (not accepted).
 * @param rejectedFull      sends refused because the target's mailbox was full (not accepted).
 * @param deadLettered      accepted, then undeliverable: the target stopped or never existed, or the system closed.
 * @param restarts          restarts of the actor (of all actors, for a system).
 * @param lateReplies       replies that found no waiting caller (it timed out or stopped), sent to dead letters.
 */
public record ActorStats(
    long accepted,
    long handled,
    long failed,
    long retried,
    long rejectedByBreaker,
    long rejectedFull,
    long deadLettered,
    long restarts,
    long lateReplies)
{
    /**
     * Messages accepted but not yet accounted for as handled, failed or dead-lettered: zero at quiescence.
     *
     * @return accepted - handled - failed - deadLettered.
     */
    public long unaccounted()
    {
        return accepted - handled - failed - deadLettered;
    }
}
