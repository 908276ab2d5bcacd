package io.bitactor.actor;

/**
 * A message was not taken, or could not be delivered: the {@link SendStatus} says why. Used where a status cannot
 * be returned (a call's future, {@link ReplyHandler#onError}); plain sends return the status instead.
 */
public final class RejectedException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final SendStatus status;
    private final int targetId;

    /**
     * A rejection report.
     *
     * @param status   why: never {@link SendStatus#ACCEPTED}.
     * @param targetId the intended target.
     */
    public RejectedException(final SendStatus status, final int targetId)
    {
        super("message to actor " + targetId + " rejected: " + status);
        this.status = status;
        this.targetId = targetId;
    }

    /**
     * Why the message was rejected.
     *
     * @return the status.
     */
    public SendStatus status()
    {
        return status;
    }

    /**
     * The intended target.
     *
     * @return the actor id.
     */
    public int targetId()
    {
        return targetId;
    }
}
