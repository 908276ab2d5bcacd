package io.bitactor.core;

/**
 * The result of {@link FrameDecoder#verify()}: a frame is delivered only when {@link #VALID}.
 */
public enum FrameVerification
{
    /** Length, header and CRC32C all check out. */
    VALID,
    /** The region is shorter than a header and CRC, or than the declared payload needs. */
    TRUNCATED,
    /** The declared payload length is negative or over the limit. */
    PAYLOAD_TOO_LARGE,
    /** The region length matches neither the exact nor the aligned frame length. */
    LENGTH_MISMATCH,
    /** The message type code is unknown. */
    UNKNOWN_TYPE,
    /** The reserved byte is not zero. */
    RESERVED_NOT_ZERO,
    /** The CRC32C does not match the bytes. */
    CRC_MISMATCH;

    /**
     * @return true only for {@link #VALID}.
     */
    public boolean isValid()
    {
        return this == VALID;
    }
}
