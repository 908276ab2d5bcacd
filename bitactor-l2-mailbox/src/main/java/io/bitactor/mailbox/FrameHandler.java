package io.bitactor.mailbox;

import org.agrona.DirectBuffer;

/**
 * Consumes frames drained from a {@link Mailbox}. Called only on the mailbox's single consumer thread. The buffer
 * region is valid only during the call: copy what must outlive it. An exception thrown here is passed to the
 * router's error handler and counted; the frame still counts as delivered. Higher layers (L3) catch their own
 * failures and route them to supervision.
 */
@FunctionalInterface
public interface FrameHandler
{
    /**
     * One frame, in mailbox order.
     *
     * @param buffer holding the frame.
     * @param offset of the frame in the buffer.
     * @param length of the frame.
     */
    void onFrame(DirectBuffer buffer, int offset, int length);
}
