package io.bitactor.actor;

import java.util.concurrent.TimeUnit;

/**
 * Defaults of {@link ActorSystemContext}, each overridable by a system property: a {@code *_PROP_NAME} /
 * {@code *_DEFAULT} pair per setting, read when a context is created.
 */
public final class ActorSystemConfiguration
{
    /** Worker agents (each drains its share of the shards). */
    public static final String WORKER_COUNT_PROP_NAME = "bitactor.workers";
    /** Default worker count. */
    public static final int WORKER_COUNT_DEFAULT = 1;

    /** Mailbox shards on the ring. */
    public static final String SHARD_COUNT_PROP_NAME = "bitactor.shards";
    /** Default shard count. */
    public static final int SHARD_COUNT_DEFAULT = 8;

    /** Virtual nodes per shard on the consistent-hash ring. */
    public static final String VIRTUAL_NODES_PROP_NAME = "bitactor.virtual.nodes";
    /** Default virtual nodes per shard. */
    public static final int VIRTUAL_NODES_DEFAULT = 256;

    /** Capacity of each shard's ordinary lane, in frames. */
    public static final String MAILBOX_CAPACITY_PROP_NAME = "bitactor.mailbox.capacity";
    /** Default mailbox capacity. */
    public static final int MAILBOX_CAPACITY_DEFAULT = 8192;

    /** Capacity of each shard's control lane (system messages), in frames. */
    public static final String CONTROL_CAPACITY_PROP_NAME = "bitactor.control.capacity";
    /** Default control-lane capacity. */
    public static final int CONTROL_CAPACITY_DEFAULT = 4096;

    /** Largest payload in bytes. */
    public static final String MAX_PAYLOAD_LENGTH_PROP_NAME = "bitactor.max.payload.length";
    /** Default maximum payload length (the seed's 128 bytes). */
    public static final int MAX_PAYLOAD_LENGTH_DEFAULT = 128;

    /** Frame slots per sending thread (frames it may have in flight). */
    public static final String SENDER_SLOTS_PROP_NAME = "bitactor.sender.slots";
    /** Default frame slots per sending thread. */
    public static final int SENDER_SLOTS_DEFAULT = 1024;

    /** Frames a worker takes from one shard per duty cycle. */
    public static final String BATCH_SIZE_PROP_NAME = "bitactor.batch.size";
    /** Default batch size. */
    public static final int BATCH_SIZE_DEFAULT = 256;

    /** Most actors alive or ever spawned in one system (ids are not reused). */
    public static final String MAX_ACTORS_PROP_NAME = "bitactor.max.actors";
    /** Default maximum number of actors. */
    public static final int MAX_ACTORS_DEFAULT = 1 << 22;

    /** Bytes a worker's outbox may hold for full mailboxes before sends from actors answer MAILBOX_FULL. */
    public static final String OUTBOX_CAPACITY_PROP_NAME = "bitactor.outbox.capacity";
    /** Default outbox capacity (16 MiB). */
    public static final int OUTBOX_CAPACITY_DEFAULT = 16 << 20;

    /** Timer wheel tick in nanoseconds (rounded up to a power of two). */
    public static final String TIMER_TICK_NS_PROP_NAME = "bitactor.timer.tick.ns";
    /** Default timer tick, about 1 ms. */
    public static final long TIMER_TICK_NS_DEFAULT = TimeUnit.MILLISECONDS.toNanos(1);

    /** How long close() waits for actors to stop before it reports them and closes anyway. */
    public static final String SHUTDOWN_TIMEOUT_NS_PROP_NAME = "bitactor.shutdown.timeout.ns";
    /** Default shutdown timeout. */
    public static final long SHUTDOWN_TIMEOUT_NS_DEFAULT = TimeUnit.SECONDS.toNanos(10);

    /** Threading mode: DEDICATED, SHARED or INVOKER. */
    public static final String THREADING_MODE_PROP_NAME = "bitactor.threading.mode";
    /** Default threading mode. */
    public static final ThreadingMode THREADING_MODE_DEFAULT = ThreadingMode.DEDICATED;

    /**
     * Fraction of new traces that are sampled, in [0, 1]: a trace started by a plain-thread send without a given
     * context gets the sampled flag with this probability (a given context keeps its own flag).
     */
    public static final String TRACE_SAMPLE_RATIO_PROP_NAME = "bitactor.trace.sample.ratio";
    /** Default trace sample ratio: every new trace is sampled (spans are recorded only with a span sink set). */
    public static final double TRACE_SAMPLE_RATIO_DEFAULT = 1.0;

    private ActorSystemConfiguration()
    {
    }

    static int intProperty(final String name, final int defaultValue)
    {
        final String value = System.getProperty(name);
        return value == null ? defaultValue : Integer.parseInt(value.trim());
    }

    static long longProperty(final String name, final long defaultValue)
    {
        final String value = System.getProperty(name);
        return value == null ? defaultValue : Long.parseLong(value.trim());
    }

    static double doubleProperty(final String name, final double defaultValue)
    {
        final String value = System.getProperty(name);
        return value == null ? defaultValue : Double.parseDouble(value.trim());
    }

    static ThreadingMode threadingMode()
    {
        final String value = System.getProperty(THREADING_MODE_PROP_NAME);
        return value == null ? THREADING_MODE_DEFAULT : ThreadingMode.valueOf(value.trim());
    }
}
