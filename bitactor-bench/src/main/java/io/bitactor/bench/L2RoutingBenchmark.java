package io.bitactor.bench;

import io.bitactor.core.FrameDescriptor;
import io.bitactor.core.MessageType;
import io.bitactor.mailbox.FrameHandler;
import io.bitactor.mailbox.Mailbox;
import io.bitactor.mailbox.MailboxContext;
import io.bitactor.mailbox.OfferStatus;
import io.bitactor.mailbox.Router;
import io.bitactor.mailbox.Sender;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
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
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * L2 routing: the cost of accepting one message into the mailbox layer with every L2 part on.
 * <p>
 * <b>One operation</b> = {@link Sender#send(int, MessageType, DirectBuffer, int, int)} of a 128-byte payload:
 * claim a slot, assign a message id and a hybrid-logical-clock timestamp, encode the 72-byte header, copy the
 * payload, CRC32C over header and payload, announce the ring epoch (the causal handover protocol), consistent-hash
 * ring lookup of the target among {@code shards x 256} virtual nodes, and offer to the shard's JCTools MPSC lane.
 * Targets cycle over {@code actors} ids so the ring lookup is not a single cached answer.
 * <p>
 * <b>Draining.</b> A dedicated consumer thread, started in setup, drains every mailbox in batches of 256 for the
 * whole trial, reading each frame's target id and giving its slot back, as an L3 worker would before dispatch.
 * It idles with {@link io.bitactor.mailbox.BatchingIdleStrategy}: after a pass that found less than a batch it
 * pauses briefly (128 spin-wait hints), so that it does not take each frame's cache lines from the producer one
 * at a time; when a pass finds nothing it idles with the strategy named by {@link #consumerIdle}. The floor
 * benchmark's consumer idles the same way.
 * This is fair because the producer cannot run ahead into an empty queue for ever: once a lane or the sender's
 * slots are full, {@code send} answers backpressure and the benchmark retries until it is accepted, so the time
 * per operation is the sustained rate at which the layer accepts <em>and</em> frees messages. On this 2-core
 * machine, producer and consumer each own one core. A backpressure retry is counted in the same operation.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED" })
@State(Scope.Benchmark)
public class L2RoutingBenchmark
{
    /** Mailbox shards on the ring. */
    @Param({ "4", "32" })
    public int shards;

    /** Distinct target actor ids, cycled through. */
    @Param({ "1", "10000" })
    public int actors;

    /**
     * How the consumer idles when a pass over the mailboxes finds nothing: {@code backoff} is Agrona's
     * {@code BackoffIdleStrategy} as an L3 worker uses it (spin, then yield, then park 1 to 100 us); {@code spin}
     * never leaves the core and polls the lanes continuously.
     */
    @Param({ "backoff", "spin" })
    public String consumerIdle;

    /**
     * {@code off}, or {@code on}: the write-ahead journal in a fresh directory under {@code java.io.tmpdir} (a
     * disk-backed file system here), 64 MiB segments, flush policy {@code NONE} (every accepted message survives a
     * process crash; forcing to the device is the agent's business and costs the sender nothing either way).
     */
    @Param({ "off", "on" })
    public String journal;

    private static final int PAYLOAD_LENGTH = 128;
    private Path journalDirectory;

    private Router router;
    private Sender sender;
    private UnsafeBuffer payload;
    private Thread consumer;
    private volatile boolean running;
    private int nextActor;
    private long backpressureRetries;

    /**
     * Starts the router (with its journal when on), the sender and the concurrent consumer.
     *
     * @throws IOException if the journal directory cannot be created.
     */
    @Setup(Level.Trial)
    public void setup() throws IOException
    {
        final MailboxContext ctx = new MailboxContext()
            .shardCount(shards)
            .mailboxCapacity(8192)
            .senderSlots(8192)
            .maxPayloadLength(PAYLOAD_LENGTH);
        if ("on".equals(journal))
        {
            journalDirectory = BenchJournal.createDirectory("bitactor-l2-bench-journal");
            ctx.journal(BenchJournal.context(journalDirectory));
        }
        router = Router.launch(ctx);
        sender = router.newSender(1);
        payload = new UnsafeBuffer(new byte[PAYLOAD_LENGTH]);
        for (int i = 0; i < PAYLOAD_LENGTH; i++)
        {
            payload.putByte(i, (byte)i);
        }
        running = true;
        consumer = BenchConsumer.start("l2-bench-consumer", this::drainLoop);
    }

    private void drainLoop()
    {
        final long[] sink = new long[1];
        final FrameHandler handler = (buffer, offset, length) ->
            sink[0] += FrameDescriptor.targetActorId(buffer, offset);
        final List<Mailbox> mailboxes = router.mailboxes();
        final IdleStrategy idle = BenchConsumer.idleStrategy(consumerIdle);
        while (running)
        {
            int work = 0;
            for (int i = 0, n = mailboxes.size(); i < n; i++)
            {
                work += mailboxes.get(i).drain(handler, 256);
            }
            idle.idle(work);
        }
    }

    /**
     * Stops the consumer and closes the router.
     *
     * @throws InterruptedException if interrupted while joining the consumer.
     * @throws IOException          if the journal directory cannot be deleted.
     */
    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException, IOException
    {
        running = false;
        consumer.join();
        sender.close();
        router.close();
        BenchJournal.delete(journalDirectory);
    }

    /**
     * One message into L2, retried on backpressure until accepted.
     *
     * @return the status, so that nothing is dead code.
     */
    @Benchmark
    public OfferStatus route()
    {
        int actor = nextActor + 1;
        if (actor >= actors)
        {
            actor = 0;
        }
        nextActor = actor;
        OfferStatus status;
        while ((status = sender.send(actor, MessageType.CAST, payload, 0, PAYLOAD_LENGTH)).isBackPressure())
        {
            backpressureRetries++;
            Thread.onSpinWait();
        }
        return status;
    }
}
