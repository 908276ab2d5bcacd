package io.bitactor.mailbox;

import java.util.List;

/**
 * An immutable routing table: the ring of one epoch and the mailbox of each shard. Senders read the router's
 * current state once per send; a ring change publishes a new state.
 */
final class RouterState
{
    final long epoch;
    final ConsistentHashRing ring;
    /** Mailboxes indexed by shard id; null where the id is not on this ring. */
    final Mailbox[] byShard;
    /** Mailboxes of this ring plus retiring ones still draining, for consumers to find. */
    final List<Mailbox> allMailboxes;
    final boolean closed;

    RouterState(
        final long epoch,
        final ConsistentHashRing ring,
        final Mailbox[] byShard,
        final List<Mailbox> allMailboxes,
        final boolean closed)
    {
        this.epoch = epoch;
        this.ring = ring;
        this.byShard = byShard;
        this.allMailboxes = allMailboxes;
        this.closed = closed;
    }
}
