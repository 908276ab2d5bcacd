package io.bitactor.bench;

import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.jctools.queues.MpscArrayQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The floor under {@link L2RoutingBenchmark}: the same movement of bytes between two cores with nothing else.
 * <p>
 * <b>One operation</b> = copy a 128-byte payload and 72 header bytes into a preallocated, cache-line aligned
 * off-heap slot and offer the slot's reference to a raw JCTools {@link MpscArrayQueue}; a consumer thread polls
 * the references and reads each slot's first word, idling like the L2 benchmark's consumer. No ids, no clock, no
 * CRC, no ring, no slot ownership protocol: no runtime that moves a frame through memory to another core can be
 * cheaper. On a 2-core VM the cost of moving cache lines between the two vCPUs varies from run to run by several
 * times (the host decides where they run), so read L2 figures as a ratio to the floor measured in the same run.
 * <p>
 * Slots are reused blindly, which is safe here: the queue holds at most 1,024 references (as many frames as one L2
 * sender may have in flight) and there are 2,048 slots, so the consumer has finished with a slot long before the
 * producer comes back to it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED" })
@State(Scope.Benchmark)
public class RawQueueFloorBenchmark
{
    private static final int SLOTS = 2048;
    private static final int SLOT_LENGTH = 256;
    private static final int HEADER_LENGTH = 72;
    private static final int PAYLOAD_LENGTH = 128;
    /** As many frames in flight as one L2 sender may have (its default 1,024 slots). */
    private static final int QUEUE_CAPACITY = 1024;

    /** Consumer idle strategy, as in {@link L2RoutingBenchmark#consumerIdle}. */
    @Param({ "backoff", "spin" })
    public String consumerIdle;

    private final MpscArrayQueue<Integer> queue = new MpscArrayQueue<>(QUEUE_CAPACITY);
    private final Integer[] slotIndexes = new Integer[SLOTS];
    private UnsafeBuffer slab;
    private UnsafeBuffer header;
    private UnsafeBuffer payload;
    private Thread consumer;
    private volatile boolean running;
    private int next;

    /**
     * Allocates the slots and starts the consumer.
     */
    @Setup(Level.Trial)
    public void setup()
    {
        slab = new UnsafeBuffer(BufferUtil.allocateDirectAligned(SLOTS * SLOT_LENGTH, BitUtil.CACHE_LINE_LENGTH));
        header = new UnsafeBuffer(new byte[HEADER_LENGTH]);
        payload = new UnsafeBuffer(new byte[PAYLOAD_LENGTH]);
        for (int i = 0; i < SLOTS; i++)
        {
            slotIndexes[i] = i; // boxed once here, not per operation
        }
        running = true;
        consumer = BenchConsumer.start("floor-consumer", this::drainLoop);
    }

    private void drainLoop()
    {
        final long[] sink = new long[16];
        final IdleStrategy idle = BenchConsumer.idleStrategy(consumerIdle);
        while (running)
        {
            int work = 0;
            Integer slot;
            while (work < 256 && null != (slot = queue.relaxedPoll()))
            {
                sink[8] += slab.getLong(slot * SLOT_LENGTH);
                work++;
            }
            idle.idle(work);
        }
    }

    /**
     * Stops the consumer.
     *
     * @throws InterruptedException if interrupted while joining.
     */
    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException
    {
        running = false;
        consumer.join();
    }

    /**
     * One frame-sized copy and one offer, retried while the queue is full.
     *
     * @return the slot index offered.
     */
    @Benchmark
    public int offer()
    {
        final int index = next;
        next = (index + 1) & (SLOTS - 1);
        final int offset = index * SLOT_LENGTH;
        slab.putBytes(offset, header, 0, HEADER_LENGTH);
        slab.putBytes(offset + HEADER_LENGTH, payload, 0, PAYLOAD_LENGTH);
        final Integer ref = slotIndexes[index];
        while (!queue.offer(ref))
        {
            Thread.onSpinWait();
        }
        return index;
    }
}
