package io.bitactor.mailbox;

/**
 * The outcome of offering a message to L2. Returned, never thrown: a full mailbox is backpressure that the sender
 * sees and acts on (retry, shed, slow down), not a silent drop.
 */
public enum OfferStatus
{
    /** The message is in a mailbox and will be handed to the mailbox's consumer, or reported as a dead letter. */
    ACCEPTED,
    /** The target shard's mailbox lane is full: backpressure. The message was not taken; the sender may retry. */
    MAILBOX_FULL,
    /** Every frame slot of this sender is still in flight: backpressure. The message was not taken. */
    SENDER_FULL,
    /** The router or the mailbox is closed. The message was reported to the dead-letter sink. */
    CLOSED,
    /** The ring has no shards. The message was reported to the dead-letter sink. */
    NO_ROUTE,
    /** The payload is over the configured limit. Nothing was copied. */
    PAYLOAD_TOO_LARGE,
    /** A pre-encoded frame failed verification (length or CRC32C). It was reported to the dead-letter sink. */
    INVALID_FRAME,
    /**
     * The journal cannot take the record now (its disk limit is reached, or its next segment is not ready yet):
     * backpressure. The message was not taken; the sender may retry once handled segments are removed.
     */
    JOURNAL_FULL;

    /**
     * Whether the message was taken.
     *
     * @return true only for {@link #ACCEPTED}.
     */
    public boolean isAccepted()
    {
        return this == ACCEPTED;
    }

    /**
     * Whether this is backpressure, after which the same message may be offered again.
     *
     * @return true for {@link #MAILBOX_FULL}, {@link #SENDER_FULL} and {@link #JOURNAL_FULL}.
     */
    public boolean isBackPressure()
    {
        return this == MAILBOX_FULL || this == SENDER_FULL || this == JOURNAL_FULL;
    }
}
