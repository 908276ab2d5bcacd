package io.bitactor.actor;

import io.bitactor.journal.FlushPolicy;
import io.bitactor.journal.JournalContext;
import io.bitactor.journal.RecoveredFrames;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.LockSupport;

/**
 * The process {@link JournalCrashTest} kills. Runs an actor system with the journal on, {@value #ACTORS} actors and
 * {@value #PRODUCERS} producer threads casting sequence-numbered messages; records in a memory-mapped state file
 * (which, like the journal, survives a kill) for each actor the highest sequence number acknowledged as accepted and
 * the highest handled, plus order violations and corrupt payloads seen by the actors.
 * <pre>
 * java ... JournalCrashChild &lt;journal-dir&gt; &lt;state-file&gt; run|final
 * </pre>
 * {@code run}: recover, then produce until killed. {@code final}: recover, handle everything recovered, print the
 * state and exit 0.
 */
public final class JournalCrashChild
{
    static final int ACTORS = 8;
    static final int PRODUCERS = 2;
    /** Per actor: accepted max, handled max, violations, corrupt, duplicates (longs). */
    static final int STRIDE = 64;
    static final int ACCEPTED = 0;
    static final int HANDLED = 8;
    static final int VIOLATIONS = 16;
    static final int CORRUPT = 24;
    static final int DUPLICATES = 32;
    static final int STATE_LENGTH = ACTORS * STRIDE;
    static final int PAYLOAD_LENGTH = 40;

    private JournalCrashChild()
    {
    }

    /** Payload: actor (8), sequence (8), then 24 bytes derived from both, so a damaged payload shows. */
    static void encode(final UnsafeBuffer buffer, final int actor, final long seq)
    {
        buffer.putLong(0, actor);
        buffer.putLong(8, seq);
        for (int i = 16; i < PAYLOAD_LENGTH; i++)
        {
            buffer.putByte(i, (byte)(seq * 131 + actor * 7 + i));
        }
    }

    static boolean intact(final DirectBuffer buffer, final int offset, final int length, final int actor)
    {
        if (length != PAYLOAD_LENGTH || buffer.getLong(offset) != actor)
        {
            return false;
        }
        final long seq = buffer.getLong(offset + 8);
        for (int i = 16; i < PAYLOAD_LENGTH; i++)
        {
            if (buffer.getByte(offset + i) != (byte)(seq * 131 + actor * 7 + i))
            {
                return false;
            }
        }
        return true;
    }

    /** Checks each message against the last one handled: the next sequence number, or a duplicate of an old one. */
    static final class SequenceActor implements ActorBehavior
    {
        private final int actor;
        private final UnsafeBuffer state;

        SequenceActor(final int actor, final UnsafeBuffer state)
        {
            this.actor = actor;
            this.state = state;
        }

        public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
        {
            reply.ok("unexpected");
        }

        public void handleCast(final ActorContext ctx, final Message message)
        {
            final int base = actor * STRIDE;
            if (!intact(message.buffer(), message.payloadOffset(), message.payloadLength(), actor))
            {
                state.putLongRelease(base + CORRUPT, state.getLong(base + CORRUPT) + 1);
                return;
            }
            final long seq = message.buffer().getLong(message.payloadOffset() + 8);
            final long handled = state.getLong(base + HANDLED);
            if (seq <= handled)
            {
                // Delivered again after a crash (at-least-once): same message id, deduplicated here.
                state.putLongRelease(base + DUPLICATES, state.getLong(base + DUPLICATES) + 1);
                return;
            }
            if (seq != handled + 1)
            {
                state.putLongRelease(base + VIOLATIONS, state.getLong(base + VIOLATIONS) + 1);
            }
            state.putLongRelease(base + HANDLED, seq);
            // 20 microseconds of work: slower than the producers, so mailboxes fill and a kill leaves thousands of
            // messages accepted but unhandled (and the next run's replay is long enough to be killed too).
            final long until = System.nanoTime() + 20_000;
            while (System.nanoTime() < until)
            {
                Thread.onSpinWait();
            }
        }
    }

    /**
     * Runs the child.
     *
     * @param args journal directory, state file, {@code run} or {@code final}.
     * @throws IOException if the state file cannot be mapped.
     */
    public static void main(final String[] args) throws IOException
    {
        final Path journalDir = Path.of(args[0]);
        final boolean finalRun = "final".equals(args[2]);
        final UnsafeBuffer state;
        try (FileChannel channel = FileChannel.open(Path.of(args[1]),
            StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            state = new UnsafeBuffer(channel.map(FileChannel.MapMode.READ_WRITE, 0, STATE_LENGTH));
        }

        final ActorSystem system = ActorSystem.launch(new ActorSystemContext()
            .workerCount(2)
            .shardCount(4)
            .threadingMode(ThreadingMode.DEDICATED)
            .journal(new JournalContext()
                .directory(journalDir)
                .segmentLength(1024 * 1024)
                .diskLimitBytes(64L * 1024 * 1024)
                .flushPolicy(FlushPolicy.NONE)));
        final RecoveredFrames recovered = system.recovered();
        System.out.println("RECOVERED " + recovered.count() + " " + system.journal().recoveryReport());
        final ActorRef[] refs = new ActorRef[ACTORS];
        for (int i = 0; i < ACTORS; i++)
        {
            final int actor = i;
            refs[i] = system.spawn(ActorSpec.of(() -> new SequenceActor(actor, state)).withName("seq-" + i));
        }
        System.out.println("READY");
        System.out.flush();

        if (finalRun)
        {
            final long deadline = System.nanoTime() + 60_000_000_000L;
            while ((recovered.pendingCount() > 0 || system.stats().unaccounted() > 0) && System.nanoTime() < deadline)
            {
                LockSupport.parkNanos(1_000_000);
            }
            System.out.println("PENDING " + recovered.pendingCount());
            system.close();
            System.out.println("FINAL");
            System.out.flush();
            return;
        }

        for (int p = 0; p < PRODUCERS; p++)
        {
            final int producer = p;
            final Thread thread = new Thread(() -> produce(system, refs, producer, state), "producer-" + p);
            thread.start();
        }
    }

    private static void produce(final ActorSystem system, final ActorRef[] refs, final int producer, final UnsafeBuffer state)
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[PAYLOAD_LENGTH]);
        long sent = 0;
        while (true)
        {
            for (int actor = producer; actor < ACTORS; actor += PRODUCERS)
            {
                final int base = actor * STRIDE;
                final long seq = state.getLong(base + ACCEPTED) + 1;
                encode(payload, actor, seq);
                final SendStatus status = system.cast(refs[actor], payload, 0, PAYLOAD_LENGTH);
                if (status == SendStatus.ACCEPTED)
                {
                    // Acknowledged only after ACCEPTED: whatever the state file says was accepted, was.
                    state.putLongRelease(base + ACCEPTED, seq);
                }
                else if (!status.isBackPressure())
                {
                    System.out.println("REFUSED " + status);
                    return;
                }
                if (++sent % 16 == 0)
                {
                    LockSupport.parkNanos(100_000); // keep the journal's disk traffic modest
                }
            }
        }
    }
}
