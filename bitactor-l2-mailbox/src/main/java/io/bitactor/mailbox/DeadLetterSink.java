package io.bitactor.mailbox;

import org.agrona.DirectBuffer;

/**
 * Receives frames that were accepted or offered but cannot be delivered. The frame's ids are read with
 * {@link io.bitactor.core.FrameDescriptor}'s static readers; the buffer is only valid during the call.
 * <p>
 * Called on the sending thread (for {@link DeadLetterReason#NO_ROUTE}, {@link DeadLetterReason#ROUTER_CLOSED},
 * {@link DeadLetterReason#INVALID_FRAME}) or on a mailbox's consumer thread (for
 * {@link DeadLetterReason#MAILBOX_CLOSED}): implementations must be thread-safe and must not block or throw.
 * Every call is also counted by the router, so a sink that ignores frames still leaves a visible count.
 */
@FunctionalInterface
public interface DeadLetterSink
{
    /**
     * A frame could not be delivered.
     *
     * @param reason why.
     * @param buffer holding the frame.
     * @param offset of the frame in the buffer.
     * @param length of the frame region.
     */
    void onDeadLetter(DeadLetterReason reason, DirectBuffer buffer, int offset, int length);

    /**
     * A sink that drops the frame after the router has counted it.
     *
     * @return the sink.
     */
    static DeadLetterSink counting()
    {
        return (reason, buffer, offset, length) -> {};
    }
}
