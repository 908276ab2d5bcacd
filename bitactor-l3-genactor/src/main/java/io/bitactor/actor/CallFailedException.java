package io.bitactor.actor;

/**
 * A call failed at the callee: its handler threw (after every retry), answered with {@link Reply#error}, or
 * returned without answering. Carries the remote error's class name and message (the exception object itself
 * stays at the callee) and the number of attempts made.
 */
public final class CallFailedException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final String errorClassName;
    private final String errorMessage;
    private final int attempts;

    /**
     * A failure report.
     *
     * @param errorClassName the class of the callee's error.
     * @param errorMessage   its message (may be empty).
     * @param attempts       how many attempts were made, >= 1.
     */
    public CallFailedException(final String errorClassName, final String errorMessage, final int attempts)
    {
        super("call failed after " + attempts + (attempts == 1 ? " attempt: " : " attempts: ") + errorClassName +
            (errorMessage == null || errorMessage.isEmpty() ? "" : ": " + errorMessage));
        this.errorClassName = errorClassName;
        this.errorMessage = errorMessage == null ? "" : errorMessage;
        this.attempts = attempts;
    }

    /**
     * The class name of the callee's error.
     *
     * @return the class name.
     */
    public String errorClassName()
    {
        return errorClassName;
    }

    /**
     * The message of the callee's error.
     *
     * @return the message, possibly empty.
     */
    public String errorMessage()
    {
        return errorMessage;
    }

    /**
     * How many times the call was attempted.
     *
     * @return the attempts, >= 1.
     */
    public int attempts()
    {
        return attempts;
    }
}
