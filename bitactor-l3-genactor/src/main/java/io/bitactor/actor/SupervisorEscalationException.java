package io.bitactor.actor;

/**
 * A supervisor's children failed more often than its restart intensity allows, so the supervisor itself fails
 * and its parent decides; at the root it stops the system ({@link ActorSystem#terminationCause()}).
 */
public final class SupervisorEscalationException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final int supervisorId;
    private final int lastFailedChildId;

    /**
     * An escalation report.
     *
     * @param supervisorName    the supervisor's name.
     * @param supervisorId      the supervisor's id.
     * @param maxRestarts       its restart limit.
     * @param withinNs          its restart window.
     * @param lastFailedChildId the child whose failure crossed the limit.
     * @param childFailure      that child's failure (the cause), or null if it stopped normally.
     */
    public SupervisorEscalationException(
        final String supervisorName, final int supervisorId, final int maxRestarts, final long withinNs,
        final int lastFailedChildId, final Throwable childFailure)
    {
        super("supervisor '" + supervisorName + "' (#" + supervisorId + ") exceeded its restart intensity of " +
            maxRestarts + " restarts within " + withinNs + " ns; last failed child #" + lastFailedChildId,
            childFailure);
        this.supervisorId = supervisorId;
        this.lastFailedChildId = lastFailedChildId;
    }

    /**
     * The supervisor that gave up.
     *
     * @return its id.
     */
    public int supervisorId()
    {
        return supervisorId;
    }

    /**
     * The child whose failure crossed the limit.
     *
     * @return its id.
     */
    public int lastFailedChildId()
    {
        return lastFailedChildId;
    }
}
