package io.bitactor.actor;

/**
 * No answer arrived within the call's timeout. The call may still be handled later; its answer then becomes a
 * dead letter, counted.
 */
public final class CallTimeoutException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final long correlationId;
    private final long timeoutNs;

    /**
     * A timeout report.
     *
     * @param correlationId the call's correlation id.
     * @param timeoutNs     the timeout that passed.
     */
    public CallTimeoutException(final long correlationId, final long timeoutNs)
    {
        super("no reply to call " + correlationId + " within " + timeoutNs + " ns");
        this.correlationId = correlationId;
        this.timeoutNs = timeoutNs;
    }

    /**
     * The call's correlation id.
     *
     * @return the correlation id.
     */
    public long correlationId()
    {
        return correlationId;
    }

    /**
     * The timeout that passed.
     *
     * @return nanoseconds.
     */
    public long timeoutNs()
    {
        return timeoutNs;
    }
}
