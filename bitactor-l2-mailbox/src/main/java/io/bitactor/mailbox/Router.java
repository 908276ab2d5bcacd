package io.bitactor.mailbox;

import io.bitactor.core.MessageIdSource;
import io.bitactor.core.TickingEpochClock;
import io.bitactor.journal.Journal;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.EpochClock;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The L2 router: maps a frame's target actor through a {@link ConsistentHashRing} to a shard {@link Mailbox}.
 * <p>
 * <b>Sending.</b> Each sending thread creates its own {@link Sender} with {@link #newSender(int)}; a sender owns
 * preallocated frame slots, encodes into them and offers them to mailbox lanes without allocating or locking.
 * <p>
 * <b>Consuming.</b> Each mailbox in {@link #mailboxes()} must be drained by exactly one consumer thread at a time.
 * <p>
 * <b>Causal order across ring changes.</b> {@link #addShard(int)} and {@link #removeShard(int)} publish a new ring
 * with a larger epoch, then wait until no sender still uses the old one (each sender announces the epoch it routes
 * under with a volatile store before reading the ring, and retracts it after its offer), then put an epoch fence
 * into both lanes of every old mailbox. A new owner holds frames of actors that moved to it until the old owner
 * has consumed that fence. So for every actor, a send that happens-before another is delivered first, whatever
 * ring each of them was routed by. Ring changes are serialised and wait for the previous handover to finish.
 * <p>
 * <b>Threads.</b> {@link #newSender(int)}, the ring changes and {@link #close()} may be called from any thread
 * (they synchronise with one another); they are control-plane operations that may wait, up to
 * {@link MailboxContext#ringChangeTimeoutNs()}.
 */
public final class Router implements AutoCloseable
{
    /** Largest shard id a router accepts. */
    public static final int MAX_SHARD_ID = 4095;

    private final MailboxContext ctx;
    private final MessageIdSource messageIds = new MessageIdSource();
    private final AtomicLongArray deadLetters = new AtomicLongArray(DeadLetterReason.values().length);
    private final AtomicLongArray rejections = new AtomicLongArray(OfferStatus.values().length);
    private final Object lock = new Object();
    private final EpochClock epochClock;
    private final TickingEpochClock ownedClock;

    private volatile RouterState state;
    private volatile Sender[] senders = new Sender[0];
    private final List<Mailbox> retiring = new ArrayList<>();
    private final List<Mailbox> pendingFences = new ArrayList<>();
    private Handover lastHandover;
    private final Journal journal;

    private Router(final MailboxContext ctx)
    {
        this.ctx = ctx;
        this.journal = ctx.journal() == null ? null : Journal.open(ctx.journal());
        this.ownedClock = ctx.epochClock() == null ? new TickingEpochClock("bitactor-router-clock") : null;
        this.epochClock = ctx.epochClock() == null ? ownedClock : ctx.epochClock();
        final ConsistentHashRing ring = ConsistentHashRing.ofShardCount(ctx.shardCount(), ctx.virtualNodes());
        final Mailbox[] byShard = new Mailbox[Math.max(1, ctx.shardCount())];
        for (int i = 0; i < ctx.shardCount(); i++)
        {
            byShard[i] = new Mailbox(i, ctx, this);
        }
        state = new RouterState(1, ring, byShard, listOf(byShard, List.of()), false);
    }

    /**
     * Validates the context and starts a router with shards {@code 0 .. shardCount-1}.
     *
     * @param ctx the configuration.
     * @return the router.
     * @throws IllegalArgumentException if the context is invalid.
     * @throws io.bitactor.journal.JournalException if a journal is configured and cannot be opened.
     */
    public static Router launch(final MailboxContext ctx)
    {
        return new Router(ctx.conclude());
    }

    /**
     * The configuration this router runs with.
     *
     * @return the context.
     */
    public MailboxContext context()
    {
        return ctx;
    }

    /**
     * The write-ahead journal, when the context configured one. Its {@link Journal#recovered()} holds the messages
     * a previous run accepted and did not handle: deliver them (for example with
     * {@link io.bitactor.journal.RecoveredFrames#replay(int, FrameHandler)} before an actor handles anything new).
     *
     * @return the journal, or null.
     */
    public Journal journal()
    {
        return journal;
    }

    /**
     * The physical clock behind the senders' hybrid logical clocks.
     *
     * @return the injected clock or the router's own ticking clock.
     */
    public EpochClock epochClock()
    {
        return epochClock;
    }

    /**
     * Creates a sender for one thread. The sender is registered with the router until closed.
     *
     * @param sourceActorId the source actor id written into frames by default (0 for "not an actor").
     * @return the sender; use it from one thread at a time.
     * @throws IllegalStateException if the router is closed.
     */
    public Sender newSender(final int sourceActorId)
    {
        synchronized (lock)
        {
            ensureOpen();
            final Sender sender = new Sender(this, sourceActorId, messageIds.newAllocator());
            final Sender[] current = senders;
            final Sender[] next = Arrays.copyOf(current, current.length + 1);
            next[current.length] = sender;
            senders = next;
            return sender;
        }
    }

    void removeSender(final Sender sender)
    {
        synchronized (lock)
        {
            final Sender[] current = senders;
            for (int i = 0; i < current.length; i++)
            {
                if (current[i] == sender)
                {
                    final Sender[] next = new Sender[current.length - 1];
                    System.arraycopy(current, 0, next, 0, i);
                    System.arraycopy(current, i + 1, next, i, current.length - i - 1);
                    senders = next;
                    return;
                }
            }
        }
    }

    /**
     * The current routing state; read by senders once per send.
     *
     * @return the state (volatile read).
     */
    RouterState state()
    {
        return state;
    }

    /**
     * The current ring.
     *
     * @return the ring.
     */
    public ConsistentHashRing ring()
    {
        return state.ring;
    }

    /**
     * The current ring epoch; it grows by one per ring change and at close.
     *
     * @return the epoch.
     */
    public long ringEpoch()
    {
        return state.epoch;
    }

    /**
     * The mailbox of a shard on the current ring.
     *
     * @param shardId the shard.
     * @return the mailbox, or null when the shard is not on the ring.
     */
    public Mailbox mailbox(final int shardId)
    {
        final Mailbox[] byShard = state.byShard;
        return shardId >= 0 && shardId < byShard.length ? byShard[shardId] : null;
    }

    /**
     * Every mailbox that may still hold frames: those of the current ring and removed ones still draining.
     * Consumers iterate this list; each mailbox must have exactly one consumer.
     *
     * @return an immutable list, replaced (not changed) by ring changes.
     */
    public List<Mailbox> mailboxes()
    {
        return state.allMailboxes;
    }

    /**
     * Adds a shard to the ring; about 1/(N+1) of the actors move to it, keeping their order (see class docs).
     *
     * @param shardId a new shard id in {@code [0, MAX_SHARD_ID]}.
     * @throws IllegalArgumentException if the id is out of range or already on the ring.
     * @throws IllegalStateException    if the router is closed, or the previous handover did not finish within the
     *                                  timeout (consumers not draining).
     */
    public void addShard(final int shardId)
    {
        if (shardId < 0 || shardId > MAX_SHARD_ID)
        {
            throw new IllegalArgumentException("shardId must be in [0, " + MAX_SHARD_ID + "] but was " + shardId);
        }
        synchronized (lock)
        {
            changeRing(state.ring.withShard(shardId));
        }
    }

    /**
     * Removes a shard from the ring; only its actors move, keeping their order. Its mailbox stays in
     * {@link #mailboxes()} until its consumer has drained it up to the handover fence.
     *
     * @param shardId a shard on the ring.
     * @throws IllegalArgumentException if the shard is not on the ring.
     * @throws IllegalStateException    if the router is closed, or the previous handover did not finish in time.
     */
    public void removeShard(final int shardId)
    {
        synchronized (lock)
        {
            changeRing(state.ring.withoutShard(shardId));
        }
    }

    /**
     * Whether the last ring change has finished: every old shard passed its fence.
     *
     * @return true when no handover is in progress.
     */
    public boolean isHandoverComplete()
    {
        synchronized (lock)
        {
            return pendingFences.isEmpty() && (lastHandover == null || lastHandover.isComplete());
        }
    }

    private void changeRing(final ConsistentHashRing newRing)
    {
        ensureOpen();
        final long deadlineNs = System.nanoTime() + ctx.ringChangeTimeoutNs();
        awaitPreviousHandover(deadlineNs);

        final RouterState old = state;
        final int[] newIds = newRing.shardIds();
        final int maxId = newIds.length == 0 ? 0 : newIds[newIds.length - 1];
        final Mailbox[] byShard = new Mailbox[Math.max(old.byShard.length, maxId + 1)];
        for (final int id : newIds)
        {
            final Mailbox existing = id < old.byShard.length ? old.byShard[id] : null;
            byShard[id] = existing != null ? existing : new Mailbox(id, ctx, this);
        }
        for (final int id : old.ring.shardIds())
        {
            if (!newRing.contains(id))
            {
                retiring.add(old.byShard[id]);
            }
        }

        final long epoch = old.epoch + 1;
        final Handover handover = new Handover(epoch, old.ring, old.byShard);
        for (final int id : newIds)
        {
            byShard[id].handover(handover); // before the ring is visible to senders: see Handover.
        }
        state = new RouterState(epoch, newRing, byShard, listOf(byShard, retiring), false);
        lastHandover = handover;

        awaitSendersLeave(old.epoch, deadlineNs);

        for (final int id : old.ring.shardIds())
        {
            pendingFences.add(old.byShard[id]);
        }
        offerPendingFences(epoch, deadlineNs);
    }

    private void awaitPreviousHandover(final long deadlineNs)
    {
        if (lastHandover == null)
        {
            return;
        }
        offerPendingFences(lastHandover.epoch, deadlineNs);
        while (!lastHandover.isComplete())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new IllegalStateException("ring change to epoch " + lastHandover.epoch +
                    " is still handing over: shard " + lastHandover.firstPendingShard() +
                    " has not consumed its fence (is its mailbox being drained?)");
            }
            Thread.yield();
        }
        // Removed shards whose fence has passed hold nothing more: close them and stop listing them.
        for (final Mailbox m : retiring)
        {
            m.markClosed();
        }
        retiring.clear();
        state = new RouterState(state.epoch, state.ring, state.byShard, listOf(state.byShard, retiring), false);
    }

    private void offerPendingFences(final long epoch, final long deadlineNs)
    {
        // Offer to every pending mailbox in each pass rather than waiting on the first full one: a new owner's
        // lane may be full precisely because it holds frames until another old shard consumes its fence.
        while (!pendingFences.isEmpty())
        {
            boolean progress = false;
            for (int i = pendingFences.size() - 1; i >= 0; i--)
            {
                final Mailbox m = pendingFences.get(i);
                if (!m.fenceOffered(epoch, false) && m.offerFence(epoch, false))
                {
                    progress = true;
                }
                if (!m.fenceOffered(epoch, true) && m.offerFence(epoch, true))
                {
                    progress = true;
                }
                if (m.fenceOffered(epoch, false) && m.fenceOffered(epoch, true))
                {
                    pendingFences.remove(i);
                }
            }
            if (!progress && !pendingFences.isEmpty())
            {
                if (System.nanoTime() - deadlineNs > 0)
                {
                    throw new IllegalStateException("ring change to epoch " + epoch + ": mailbox of shard " +
                        pendingFences.get(0).shardId() + " stayed full; its fence will be offered by the next " +
                        "ring change");
                }
                Thread.yield();
            }
        }
    }

    private void awaitSendersLeave(final long oldEpoch, final long deadlineNs)
    {
        for (final Sender sender : senders)
        {
            while (sender.lvActiveEpoch() == oldEpoch)
            {
                if (System.nanoTime() - deadlineNs > 0)
                {
                    throw new IllegalStateException("a sender stayed inside ring epoch " + oldEpoch +
                        " past the ring change timeout");
                }
                Thread.onSpinWait();
            }
        }
    }

    /**
     * Closes the router: new sends answer {@link OfferStatus#CLOSED}; after every in-flight send has finished,
     * every mailbox is closed, so its consumer's next {@link Mailbox#drain(FrameHandler, int)} reports what is
     * left to the dead-letter sink. Idempotent; any thread.
     */
    public void close()
    {
        synchronized (lock)
        {
            final RouterState old = state;
            if (old.closed)
            {
                return;
            }
            state = new RouterState(old.epoch + 1, old.ring, old.byShard, old.allMailboxes, true);
            awaitSendersLeave(old.epoch, System.nanoTime() + ctx.ringChangeTimeoutNs());
            for (final Mailbox m : old.allMailboxes)
            {
                m.markClosed();
            }
            if (journal != null)
            {
                // No sender is inside a send any more. Consumers may still mark records handled: the mappings stay
                // valid after close (see Journal#close).
                journal.close();
            }
            if (ownedClock != null)
            {
                ownedClock.close();
            }
        }
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return true once closed.
     */
    public boolean isClosed()
    {
        return state.closed;
    }

    private void ensureOpen()
    {
        if (state.closed)
        {
            throw new IllegalStateException("router is closed");
        }
    }

    void deadLetter(
        final DeadLetterSink sink, final DeadLetterReason reason, final DirectBuffer buffer, final int offset,
        final int length)
    {
        deadLetters.incrementAndGet(reason.ordinal());
        try
        {
            sink.onDeadLetter(reason, buffer, offset, length);
        }
        catch (final Throwable t)
        {
            errorHandler().onError(t);
        }
    }

    void countRejection(final OfferStatus status)
    {
        rejections.incrementAndGet(status.ordinal());
    }

    ErrorHandler errorHandler()
    {
        return ctx.errorHandler();
    }

    /**
     * Dead letters reported for one reason, since launch.
     *
     * @param reason the reason.
     * @return the count.
     */
    public long deadLetterCount(final DeadLetterReason reason)
    {
        return deadLetters.get(reason.ordinal());
    }

    /**
     * Sends answered with one non-accepted status, since launch, across all senders.
     *
     * @param status any status but {@link OfferStatus#ACCEPTED}.
     * @return the count.
     */
    public long rejectionCount(final OfferStatus status)
    {
        return rejections.get(status.ordinal());
    }

    private static List<Mailbox> listOf(final Mailbox[] byShard, final List<Mailbox> retiring)
    {
        final List<Mailbox> all = new ArrayList<>();
        for (final Mailbox m : byShard)
        {
            if (m != null)
            {
                all.add(m);
            }
        }
        all.addAll(retiring);
        return List.copyOf(all);
    }
}
