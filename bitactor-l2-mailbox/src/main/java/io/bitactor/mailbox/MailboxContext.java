package io.bitactor.mailbox;

import io.bitactor.core.FrameDescriptor;
import io.bitactor.journal.JournalContext;
import io.bitactor.journal.JournalDescriptor;
import io.bitactor.mailbox.internal.FrameSlot;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.EpochClock;
import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.MpscArrayQueue;

import java.util.function.IntFunction;

/**
 * Configuration of a {@link Router}, Aeron style: fluent setters, defaults from {@link MailboxConfiguration},
 * and {@link #conclude()} that only validates. A context is used by one router; configure it on one thread before
 * {@link Router#launch(MailboxContext)}.
 */
public final class MailboxContext
{
    private int shardCount = MailboxConfiguration.shardCount();
    private int virtualNodes = MailboxConfiguration.virtualNodes();
    private int mailboxCapacity = MailboxConfiguration.mailboxCapacity();
    private int controlCapacity = MailboxConfiguration.controlCapacity();
    private int maxPayloadLength = MailboxConfiguration.maxPayloadLength();
    private int senderSlots = MailboxConfiguration.senderSlots();
    private long ringChangeTimeoutNs = MailboxConfiguration.ringChangeTimeoutNs();
    private DeadLetterSink deadLetterSink = DeadLetterSink.counting();
    private ErrorHandler errorHandler = Throwable::printStackTrace;
    private EpochClock epochClock;
    private IntFunction<MessagePassingQueue<FrameSlot>> laneFactory = MpscArrayQueue::new;
    private boolean holdMovedActors = true;
    private JournalContext journal;
    private boolean concluded;

    /**
     * Validates every setting. Called by {@link Router#launch(MailboxContext)}; calling it again is harmless.
     *
     * @return this.
     * @throws IllegalArgumentException naming the first invalid setting.
     */
    public MailboxContext conclude()
    {
        requireRange("shardCount", shardCount, 0, Router.MAX_SHARD_ID + 1);
        requireRange("virtualNodes", virtualNodes, 1, ConsistentHashRing.MAX_VIRTUAL_NODES);
        requireRange("mailboxCapacity", mailboxCapacity, 2, 1 << 24);
        requireRange("controlCapacity", controlCapacity, 2, 1 << 20);
        FrameDescriptor.checkMaxPayloadLength(maxPayloadLength);
        requireRange("senderSlots", senderSlots, 1, 1 << 20);
        if (ringChangeTimeoutNs <= 0)
        {
            throw new IllegalArgumentException("ringChangeTimeoutNs must be > 0 but was " + ringChangeTimeoutNs);
        }
        if (deadLetterSink == null || errorHandler == null || laneFactory == null)
        {
            throw new IllegalArgumentException("deadLetterSink and errorHandler must not be null");
        }
        if (journal != null)
        {
            journal.conclude();
            final int largestRecord = JournalDescriptor.alignedRecordLength(FrameDescriptor.maxFrameLength(maxPayloadLength));
            // Records fit in the record area only: the ack area at the end of each segment takes the rest.
            if (largestRecord > JournalDescriptor.recordsEnd(journal.segmentLength()) - JournalDescriptor.HEADER_LENGTH)
            {
                throw new IllegalArgumentException("journal segmentLength " + journal.segmentLength() +
                    " cannot hold a record of the largest frame (" + largestRecord + " bytes)");
            }
        }
        concluded = true;
        return this;
    }

    private static void requireRange(final String name, final long value, final long min, final long max)
    {
        if (value < min || value > max)
        {
            throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "] but was " + value);
        }
    }

    /**
     * @return whether {@link #conclude()} passed.
     */
    boolean isConcluded()
    {
        return concluded;
    }

    /**
     * Turns on the write-ahead journal: every call and cast accepted by a sender is appended to memory-mapped
     * segment files in the journal's directory before it reaches a mailbox, and the router opens (and recovers)
     * the journal at launch. Null (the default) turns it off.
     *
     * @param journal the journal's configuration, or null.
     * @return this.
     */
    public MailboxContext journal(final JournalContext journal)
    {
        this.journal = journal;
        return this;
    }

    /**
     * @return the journal's configuration, or null when the journal is off.
     */
    public JournalContext journal()
    {
        return journal;
    }

    /**
     * Initial shards, ids {@code 0 .. shardCount-1}.
     *
     * @param shardCount the initial shard count.
     * @return this.
     */
    public MailboxContext shardCount(final int shardCount)
    {
        this.shardCount = shardCount;
        return this;
    }

    /**
     * @return the initial shard count.
     */
    public int shardCount()
    {
        return shardCount;
    }

    /**
     * Virtual nodes per shard on the ring.
     *
     * @param virtualNodes points per shard.
     * @return this.
     */
    public MailboxContext virtualNodes(final int virtualNodes)
    {
        this.virtualNodes = virtualNodes;
        return this;
    }

    /**
     * @return virtual nodes per shard.
     */
    public int virtualNodes()
    {
        return virtualNodes;
    }

    /**
     * Capacity of each shard's ordinary lane in frames; rounded up to a power of two.
     *
     * @param mailboxCapacity the capacity.
     * @return this.
     */
    public MailboxContext mailboxCapacity(final int mailboxCapacity)
    {
        this.mailboxCapacity = mailboxCapacity;
        return this;
    }

    /**
     * @return the ordinary lane capacity.
     */
    public int mailboxCapacity()
    {
        return mailboxCapacity;
    }

    /**
     * Capacity of each shard's control lane in frames; rounded up to a power of two.
     *
     * @param controlCapacity the capacity.
     * @return this.
     */
    public MailboxContext controlCapacity(final int controlCapacity)
    {
        this.controlCapacity = controlCapacity;
        return this;
    }

    /**
     * @return the control lane capacity.
     */
    public int controlCapacity()
    {
        return controlCapacity;
    }

    /**
     * Maximum payload length in bytes, up to {@link FrameDescriptor#MAX_PAYLOAD_LENGTH}.
     *
     * @param maxPayloadLength the limit.
     * @return this.
     */
    public MailboxContext maxPayloadLength(final int maxPayloadLength)
    {
        this.maxPayloadLength = maxPayloadLength;
        return this;
    }

    /**
     * @return the payload limit in bytes.
     */
    public int maxPayloadLength()
    {
        return maxPayloadLength;
    }

    /**
     * Frame slots each {@link Sender} owns: how many of its messages may be in flight at once. Rounded up to a
     * power of two. When all are in flight, sends return {@link OfferStatus#SENDER_FULL}.
     *
     * @param senderSlots the slot count.
     * @return this.
     */
    public MailboxContext senderSlots(final int senderSlots)
    {
        this.senderSlots = senderSlots;
        return this;
    }

    /**
     * @return frame slots per sender.
     */
    public int senderSlots()
    {
        return senderSlots;
    }

    /**
     * How long a ring change may wait for in-flight senders, for queue space for its fences, and for the previous
     * handover to finish.
     *
     * @param ringChangeTimeoutNs the timeout in nanoseconds.
     * @return this.
     */
    public MailboxContext ringChangeTimeoutNs(final long ringChangeTimeoutNs)
    {
        this.ringChangeTimeoutNs = ringChangeTimeoutNs;
        return this;
    }

    /**
     * @return the ring change timeout in nanoseconds.
     */
    public long ringChangeTimeoutNs()
    {
        return ringChangeTimeoutNs;
    }

    /**
     * Where undeliverable frames go.
     *
     * @param deadLetterSink the sink.
     * @return this.
     */
    public MailboxContext deadLetterSink(final DeadLetterSink deadLetterSink)
    {
        this.deadLetterSink = deadLetterSink;
        return this;
    }

    /**
     * @return the dead-letter sink.
     */
    public DeadLetterSink deadLetterSink()
    {
        return deadLetterSink;
    }

    /**
     * Receives infrastructure errors (for example a {@link FrameHandler} that threw). Must not throw.
     *
     * @param errorHandler the handler.
     * @return this.
     */
    public MailboxContext errorHandler(final ErrorHandler errorHandler)
    {
        this.errorHandler = errorHandler;
        return this;
    }

    /**
     * @return the error handler.
     */
    public ErrorHandler errorHandler()
    {
        return errorHandler;
    }

    /**
     * The physical clock behind each sender's hybrid logical clock; inject one in tests. When none is set, the
     * router runs a {@link io.bitactor.core.TickingEpochClock} (one volatile read per message instead of a
     * {@code currentTimeMillis()} call) and stops it on close.
     *
     * @param epochClock the clock.
     * @return this.
     */
    public MailboxContext epochClock(final EpochClock epochClock)
    {
        this.epochClock = epochClock;
        return this;
    }

    /**
     * @return the epoch clock, or null when the router provides its own.
     */
    public EpochClock epochClock()
    {
        return epochClock;
    }

    /**
     * Test hook: builds the MPSC queue behind each lane from its capacity. Production code keeps the default,
     * JCTools' {@link MpscArrayQueue}; tests substitute deliberately broken queues to prove their checks can fail.
     *
     * @param laneFactory the factory.
     * @return this.
     */
    MailboxContext laneFactory(final IntFunction<MessagePassingQueue<FrameSlot>> laneFactory)
    {
        this.laneFactory = laneFactory;
        return this;
    }

    IntFunction<MessagePassingQueue<FrameSlot>> laneFactory()
    {
        return laneFactory;
    }

    /**
     * Test hook: whether new shards hold moved actors' frames during a ring handover. Always true in production;
     * tests switch it off to prove that the causal-order check detects the reordering the hold prevents.
     *
     * @param holdMovedActors false to break the handover on purpose.
     * @return this.
     */
    MailboxContext holdMovedActors(final boolean holdMovedActors)
    {
        this.holdMovedActors = holdMovedActors;
        return this;
    }

    boolean holdMovedActors()
    {
        return holdMovedActors;
    }
}
