package io.bitactor.mailbox;

/**
 * Why a frame became a dead letter.
 */
public enum DeadLetterReason
{
    /** The router was closed when the frame was sent. */
    ROUTER_CLOSED,
    /** The frame was still in a mailbox when the mailbox was closed. */
    MAILBOX_CLOSED,
    /** The ring had no shard to route to. */
    NO_ROUTE,
    /** A pre-encoded frame failed verification. */
    INVALID_FRAME,
    /** A higher layer could not deliver the frame (for example, no actor with the target id). */
    UNDELIVERABLE
}
