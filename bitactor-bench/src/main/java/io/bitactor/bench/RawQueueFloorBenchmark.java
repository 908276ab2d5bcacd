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

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * <p>
 * <b>{@code memory=mapped}: the floor under a write-ahead journal.</b> The same 200 bytes go instead into the next
 * 256-byte record of a {@value #MAPPED_LENGTH}-byte memory-mapped file under {@code java.io.tmpdir} (zero-filled
 * and with every page touched at setup, as the journal prepares its segments), claimed by an atomic add on a tail
 * and published by a release store of the record's length word before the offer; the consumer reads that word.
 * The producer writes through the file from start to end and starts again, so, like a journal's appends, each
 * record goes to memory that no cache holds, and there is no segment to roll, no CRC, no ack and no agent thread.
 * The difference between {@code slab} and {@code mapped} in one run is what writing each message to fresh memory
 * costs on the host, a lower bound of what any journal that keeps every message in mapped memory adds to
 * {@link L2RoutingBenchmark}.
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
    /** The mapped file's length: 256 MiB, about what a journal with 64 MiB segments keeps mapped while it runs. */
    private static final int MAPPED_LENGTH = 256 * 1024 * 1024;
    private static final VarHandle TAIL = MethodHandles.arrayElementVarHandle(long[].class);
    /** The tail's index in {@link #tail}: a cache line of padding on either side. */
    private static final int TAIL_INDEX = 8;

    /** Consumer idle strategy, as in {@link L2RoutingBenchmark#consumerIdle}. */
    @Param({ "backoff", "spin" })
    public String consumerIdle;

    /**
     * Where the bytes go: {@code slab}, 2,048 reused off-heap slots (they stay in cache); {@code mapped}, the next
     * record of a memory-mapped file (memory no cache holds, as a journal's appends).
     */
    @Param({ "slab", "mapped" })
    public String memory;

    private final MpscArrayQueue<Integer> queue = new MpscArrayQueue<>(QUEUE_CAPACITY);
    private final Integer[] slotIndexes = new Integer[SLOTS];
    private UnsafeBuffer slab;
    private UnsafeBuffer header;
    private UnsafeBuffer payload;
    private Thread consumer;
    private volatile boolean running;
    private int next;
    private boolean mapped;
    private Path mappedFile;
    private FileChannel mappedChannel;
    private UnsafeBuffer records;
    // The tail is the middle element of a padded array: as a field it would share a line with the running flag,
    // which the consumer reads on every pass.
    private final long[] tail = new long[TAIL_INDEX + 1 + TAIL_INDEX];

    /**
     * Allocates the slots (or maps the file) and starts the consumer.
     *
     * @throws IOException if the mapped file cannot be created.
     */
    @Setup(Level.Trial)
    public void setup() throws IOException
    {
        mapped = "mapped".equals(memory);
        if (mapped)
        {
            mapRecords();
        }
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

    private void mapRecords() throws IOException
    {
        mappedFile = Files.createTempFile("bitactor-floor", ".map");
        mappedChannel = FileChannel.open(mappedFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
        final ByteBuffer zeros = ByteBuffer.allocateDirect(1024 * 1024);
        for (long written = 0; written < MAPPED_LENGTH; )
        {
            zeros.clear();
            written += mappedChannel.write(zeros, written);
        }
        final MappedByteBuffer map = mappedChannel.map(FileChannel.MapMode.READ_WRITE, 0, MAPPED_LENGTH);
        records = new UnsafeBuffer(map);
        for (int page = 0; page < MAPPED_LENGTH; page += 4096)
        {
            records.putByte(page, (byte)0); // page-table entries present and writable, as the journal's agent does
        }
    }

    private void drainLoop()
    {
        final long[] sink = new long[16];
        final IdleStrategy idle = BenchConsumer.idleStrategy(consumerIdle);
        int position = 0;
        while (running)
        {
            int work = 0;
            Integer slot;
            while (work < 256 && null != (slot = queue.relaxedPoll()))
            {
                if (mapped)
                {
                    // One producer: the queue's order is the tail's, so the consumer follows the records itself.
                    sink[8] += records.getIntAcquire(position);
                    position = (position + SLOT_LENGTH) & (MAPPED_LENGTH - 1);
                }
                else
                {
                    sink[8] += slab.getLong(slot * SLOT_LENGTH);
                }
                work++;
            }
            idle.idle(work);
        }
    }

    /**
     * Stops the consumer and deletes the mapped file.
     *
     * @throws InterruptedException if interrupted while joining.
     * @throws IOException          if the mapped file cannot be deleted.
     */
    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException, IOException
    {
        running = false;
        consumer.join();
        if (mappedChannel != null)
        {
            mappedChannel.close();
            Files.delete(mappedFile);
        }
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
        if (mapped)
        {
            // Claim (atomic add), write, publish (release store of the length word): a journal append's minimum.
            final int at = (int)((long)TAIL.getAndAdd(tail, TAIL_INDEX, (long)SLOT_LENGTH) & (MAPPED_LENGTH - 1));
            records.putBytes(at + 8, header, 0, HEADER_LENGTH);
            records.putBytes(at + 8 + HEADER_LENGTH, payload, 0, PAYLOAD_LENGTH);
            records.putIntRelease(at, 8 + HEADER_LENGTH + PAYLOAD_LENGTH);
        }
        else
        {
            final int offset = index * SLOT_LENGTH;
            slab.putBytes(offset, header, 0, HEADER_LENGTH);
            slab.putBytes(offset + HEADER_LENGTH, payload, 0, PAYLOAD_LENGTH);
        }
        final Integer ref = slotIndexes[index];
        while (!queue.offer(ref))
        {
            Thread.onSpinWait();
        }
        return index;
    }
}
