package io.bitactor.actor;

/**
 * When a supervisor restarts a child, as in Erlang/OTP's child specification.
 */
public enum RestartType
{
    /** Always restarted, whether it failed or stopped normally. */
    PERMANENT,
    /** Restarted only when it failed; a normal stop is final. */
    TRANSIENT,
    /** Never restarted: a failure or stop removes it from its supervisor. */
    TEMPORARY;

    /**
     * Whether a child of this type is restarted after it ended.
     *
     * @param failed true when it ended by a failure, false for a normal stop.
     * @return true to restart it.
     */
    public boolean restartsAfter(final boolean failed)
    {
        return this == PERMANENT || (this == TRANSIENT && failed);
    }
}
