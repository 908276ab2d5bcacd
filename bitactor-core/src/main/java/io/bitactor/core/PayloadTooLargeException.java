package io.bitactor.core;

/**
 * A payload is longer than the configured limit. Thrown before any byte is copied.
 */
public final class PayloadTooLargeException extends IllegalArgumentException
{
    private static final long serialVersionUID = 1L;

    private final int payloadLength;
    private final int maxPayloadLength;

    /**
     * @param payloadLength    the offered length.
     * @param maxPayloadLength the limit.
     */
    public PayloadTooLargeException(final int payloadLength, final int maxPayloadLength)
    {
        super("payload of " + payloadLength + " bytes exceeds the limit of " + maxPayloadLength + " bytes");
        this.payloadLength = payloadLength;
        this.maxPayloadLength = maxPayloadLength;
    }

    /**
     * @return the offered length.
     */
    public int payloadLength()
    {
        return payloadLength;
    }

    /**
     * @return the limit.
     */
    public int maxPayloadLength()
    {
        return maxPayloadLength;
    }
}
