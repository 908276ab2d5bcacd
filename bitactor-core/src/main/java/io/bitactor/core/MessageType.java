package io.bitactor.core;

/**
 * The kind of a frame, stored as one byte at {@link FrameDescriptor#MESSAGE_TYPE_OFFSET}.
 */
public enum MessageType
{
    /** A request that expects exactly one reply. */
    CALL(1),
    /** A fire-and-forget message. */
    CAST(2),
    /** The successful reply to a call, correlated by the call's message id. */
    REPLY(3),
    /** The failed reply to a call. */
    ERROR_REPLY(4),
    /** A system message (supervision, lifecycle); travels in a mailbox's control lane. */
    SYSTEM(5);

    private static final MessageType[] BY_CODE = new MessageType[6];

    static
    {
        for (final MessageType type : values())
        {
            BY_CODE[type.code] = type;
        }
    }

    private final byte code;

    MessageType(final int code)
    {
        this.code = (byte)code;
    }

    /**
     * The wire code.
     *
     * @return the code byte.
     */
    public byte code()
    {
        return code;
    }

    /**
     * Whether a code names a type.
     *
     * @param code the wire code.
     * @return true for a known code.
     */
    public static boolean isValid(final int code)
    {
        return code > 0 && code < BY_CODE.length;
    }

    /**
     * The type for a wire code. Allocation free; any thread.
     *
     * @param code the wire code.
     * @return the type.
     * @throws IllegalArgumentException for an unknown code.
     */
    public static MessageType fromCode(final int code)
    {
        if (!isValid(code))
        {
            throw new IllegalArgumentException("unknown message type code " + code);
        }
        return BY_CODE[code];
    }
}
