package io.bitactor.mailbox;

import io.bitactor.core.FrameDescriptor;

/**
 * Defaults for {@link MailboxContext}, each overridable by a system property named by its {@code *_PROP_NAME}.
 */
public final class MailboxConfiguration
{
    /** Property naming the initial number of shards. */
    public static final String SHARD_COUNT_PROP_NAME = "bitactor.mailbox.shard.count";
    /** Default initial number of shards. */
    public static final int SHARD_COUNT_DEFAULT = 16;

    /** Property naming the virtual nodes per shard on the consistent-hash ring. */
    public static final String VIRTUAL_NODES_PROP_NAME = "bitactor.mailbox.virtual.nodes";
    /** Default virtual nodes per shard. */
    public static final int VIRTUAL_NODES_DEFAULT = ConsistentHashRing.DEFAULT_VIRTUAL_NODES;

    /** Property naming the capacity of a shard's ordinary lane, in frames (rounded up to a power of two). */
    public static final String MAILBOX_CAPACITY_PROP_NAME = "bitactor.mailbox.capacity";
    /** Default capacity of a shard's ordinary lane. */
    public static final int MAILBOX_CAPACITY_DEFAULT = 8192;

    /** Property naming the capacity of a shard's control lane, in frames (rounded up to a power of two). */
    public static final String CONTROL_CAPACITY_PROP_NAME = "bitactor.mailbox.control.capacity";
    /** Default capacity of a shard's control lane. */
    public static final int CONTROL_CAPACITY_DEFAULT = 256;

    /** Property naming the maximum payload length in bytes. */
    public static final String MAX_PAYLOAD_LENGTH_PROP_NAME = "bitactor.mailbox.max.payload.length";
    /** Default maximum payload length: the seed's 128 bytes. */
    public static final int MAX_PAYLOAD_LENGTH_DEFAULT = FrameDescriptor.DEFAULT_MAX_PAYLOAD_LENGTH;

    /** Property naming the frame slots each sender owns (its messages in flight), rounded up to a power of two. */
    public static final String SENDER_SLOTS_PROP_NAME = "bitactor.mailbox.sender.slots";
    /** Default frame slots per sender. */
    public static final int SENDER_SLOTS_DEFAULT = 1024;

    /** Property naming how long a ring change may wait for senders and consumers, in nanoseconds. */
    public static final String RING_CHANGE_TIMEOUT_NS_PROP_NAME = "bitactor.mailbox.ring.change.timeout.ns";
    /** Default ring change timeout: 10 seconds. */
    public static final long RING_CHANGE_TIMEOUT_NS_DEFAULT = 10_000_000_000L;

    private MailboxConfiguration()
    {
    }

    /**
     * The initial shard count.
     *
     * @return the property value or the default.
     */
    public static int shardCount()
    {
        return Integer.getInteger(SHARD_COUNT_PROP_NAME, SHARD_COUNT_DEFAULT);
    }

    /**
     * The virtual nodes per shard.
     *
     * @return the property value or the default.
     */
    public static int virtualNodes()
    {
        return Integer.getInteger(VIRTUAL_NODES_PROP_NAME, VIRTUAL_NODES_DEFAULT);
    }

    /**
     * The ordinary lane capacity.
     *
     * @return the property value or the default.
     */
    public static int mailboxCapacity()
    {
        return Integer.getInteger(MAILBOX_CAPACITY_PROP_NAME, MAILBOX_CAPACITY_DEFAULT);
    }

    /**
     * The control lane capacity.
     *
     * @return the property value or the default.
     */
    public static int controlCapacity()
    {
        return Integer.getInteger(CONTROL_CAPACITY_PROP_NAME, CONTROL_CAPACITY_DEFAULT);
    }

    /**
     * The payload limit.
     *
     * @return the property value or the default.
     */
    public static int maxPayloadLength()
    {
        return Integer.getInteger(MAX_PAYLOAD_LENGTH_PROP_NAME, MAX_PAYLOAD_LENGTH_DEFAULT);
    }

    /**
     * The frame slots per sender.
     *
     * @return the property value or the default.
     */
    public static int senderSlots()
    {
        return Integer.getInteger(SENDER_SLOTS_PROP_NAME, SENDER_SLOTS_DEFAULT);
    }

    /**
     * The ring change timeout.
     *
     * @return the property value or the default.
     */
    public static long ringChangeTimeoutNs()
    {
        return Long.getLong(RING_CHANGE_TIMEOUT_NS_PROP_NAME, RING_CHANGE_TIMEOUT_NS_DEFAULT);
    }
}
