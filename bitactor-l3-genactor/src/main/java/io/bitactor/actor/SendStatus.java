package io.bitactor.actor;

import io.bitactor.mailbox.OfferStatus;

/**
 * The outcome of a send. Only {@link #ACCEPTED} means the runtime took the message; every other status means
 * nothing was queued and nothing will be delivered.
 */
public enum SendStatus
{
    /** Queued: it will be handled, or reported as failed or dead-lettered. */
    ACCEPTED,
    /** The target shard's mailbox is full: backpressure, try again later. */
    MAILBOX_FULL,
    /** Every frame slot of the sending thread is in flight: backpressure, try again later. */
    SENDER_FULL,
    /** The target's circuit breaker is open (or half-open with every trial taken): fail fast. */
    CIRCUIT_OPEN,
    /** No live actor has this id. */
    UNKNOWN_ACTOR,
    /** The payload is longer than the system's maximum payload length. */
    PAYLOAD_TOO_LARGE,
    /** A frame re-routed from elsewhere failed its CRC32C or length check. */
    INVALID_FRAME,
    /** The system is closed. */
    CLOSED,
    /**
     * The write-ahead journal cannot take the message now (its disk limit is reached or its next segment is not
     * ready): backpressure, try again later.
     */
    JOURNAL_FULL;

    private static final SendStatus[] BY_OFFER_STATUS = new SendStatus[OfferStatus.values().length];

    static
    {
        BY_OFFER_STATUS[OfferStatus.ACCEPTED.ordinal()] = ACCEPTED;
        BY_OFFER_STATUS[OfferStatus.MAILBOX_FULL.ordinal()] = MAILBOX_FULL;
        BY_OFFER_STATUS[OfferStatus.SENDER_FULL.ordinal()] = SENDER_FULL;
        BY_OFFER_STATUS[OfferStatus.CLOSED.ordinal()] = CLOSED;
        BY_OFFER_STATUS[OfferStatus.NO_ROUTE.ordinal()] = CLOSED;
        BY_OFFER_STATUS[OfferStatus.PAYLOAD_TOO_LARGE.ordinal()] = PAYLOAD_TOO_LARGE;
        BY_OFFER_STATUS[OfferStatus.INVALID_FRAME.ordinal()] = INVALID_FRAME;
        BY_OFFER_STATUS[OfferStatus.JOURNAL_FULL.ordinal()] = JOURNAL_FULL;
    }

    /**
     * Whether the message was taken.
     *
     * @return true for {@link #ACCEPTED}.
     */
    public boolean isAccepted()
    {
        return this == ACCEPTED;
    }

    /**
     * Whether this is backpressure: the same send may succeed later.
     *
     * @return true for {@link #MAILBOX_FULL}, {@link #SENDER_FULL} and {@link #JOURNAL_FULL}.
     */
    public boolean isBackPressure()
    {
        return this == MAILBOX_FULL || this == SENDER_FULL || this == JOURNAL_FULL;
    }

    static SendStatus of(final OfferStatus status)
    {
        return BY_OFFER_STATUS[status.ordinal()];
    }
}
