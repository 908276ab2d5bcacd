package io.bitactor.bench.savina;

/**
 * The Savina workloads run on each runtime, with their standard semantics and sizes.
 */
public enum Workload
{
    /** One pair of actors exchanging {@link #PING_PONGS} pings and pongs. */
    PING_PONG(2L * Workload.PING_PONGS),
    /** One producer floods one counter with {@link #COUNT} increments, then asks for the count and checks it. */
    COUNTING(Workload.COUNT + 1),
    /** {@link #RING_ACTORS} actors in a ring pass a token {@link #RING_HOPS} times. */
    THREAD_RING(Workload.RING_HOPS),
    /** {@link #FJ_ACTORS} actors each receive {@link #FJ_MESSAGES} messages and do a little arithmetic on each. */
    FORK_JOIN(Workload.FJ_ACTORS * (long)Workload.FJ_MESSAGES),
    /** {@link #SHARDED_ACTORS} actors, 2 producer threads, uniformly random targets, {@link #SHARDED_MESSAGES}. */
    SHARDED(Workload.SHARDED_MESSAGES);

    /** Ping-pong round trips. */
    public static final int PING_PONGS = 200_000;
    /** Counting increments. */
    public static final int COUNT = 1_000_000;
    /** Thread-ring size (Savina's default is 100). */
    public static final int RING_ACTORS = 100;
    /** Thread-ring token hops. */
    public static final int RING_HOPS = 500_000;
    /** Fork-join throughput actors (Savina: 60). */
    public static final int FJ_ACTORS = 60;
    /** Fork-join throughput messages per actor (Savina: 10,000). */
    public static final int FJ_MESSAGES = 10_000;
    /** Sharded workload actors. */
    public static final int SHARDED_ACTORS = 10_000;
    /** Sharded workload producer threads. */
    public static final int SHARDED_PRODUCERS = 2;
    /** Sharded workload messages in all. */
    public static final int SHARDED_MESSAGES = 5_000_000;

    private final long messages;

    Workload(final long messages)
    {
        this.messages = messages;
    }

    /**
     * Messages one run of the workload delivers: messages/s = this / seconds per run.
     *
     * @return the message count.
     */
    public long messages()
    {
        return messages;
    }

    /** The fork-join workload's per-message work, the same on every runtime. */
    static double work(final int i)
    {
        return Math.sqrt(i + 1.0) * 1.000001;
    }
}
