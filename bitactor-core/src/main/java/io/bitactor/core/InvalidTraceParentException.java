package io.bitactor.core;

/**
 * A W3C {@code traceparent} string could not be parsed. The message names the input and the reason.
 */
public final class InvalidTraceParentException extends IllegalArgumentException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param input  the rejected input.
     * @param reason why it was rejected.
     */
    public InvalidTraceParentException(final CharSequence input, final String reason)
    {
        super("invalid traceparent \"" + input + "\": " + reason);
    }
}
