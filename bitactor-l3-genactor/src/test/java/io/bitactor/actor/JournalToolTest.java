package io.bitactor.actor;

import io.bitactor.core.FrameDescriptor;
import io.bitactor.core.MessageType;
import io.bitactor.journal.JournalContext;
import io.bitactor.journal.JournalDescriptor;
import io.bitactor.mailbox.MailboxContext;
import io.bitactor.mailbox.OfferStatus;
import io.bitactor.mailbox.Router;
import io.bitactor.mailbox.Sender;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class JournalToolTest
{
    private static final int ACTOR = 42;
    private static final int OTHER = 7;
    private static final int SOURCE = -5;

    @TempDir
    Path dir;

    private Path journal;
    private Router router;
    private final List<Throwable> errors = new ArrayList<>();
    /** What was sent to {@link #ACTOR}, in order. */
    private final List<Sent> sent = new ArrayList<>();
    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    /** A message sent to the actor under test. */
    private record Sent(MessageType type, String payload, long messageId, long timestamp, long correlationId)
    {
    }

    /**
     * A behaviour that records what it receives: "put"/"answer" casts, "get"/"defer" calls; "boom" (cast) and
     * "explode" (call) throw; "defer" keeps the call open until the next "answer".
     */
    public static final class Recording implements ActorBehavior
    {
        static final List<String> LOG = new CopyOnWriteArrayList<>();
        static final AtomicInteger INSTANCES = new AtomicInteger();

        private DeferredReply deferred;

        /** A fresh instance; counted. */
        public Recording()
        {
            INSTANCES.incrementAndGet();
        }

        /** {@inheritDoc} */
        public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
        {
            final String text = request.payloadAsString();
            LOG.add("CALL " + text);
            switch (text)
            {
                case "explode" -> throw new IllegalArgumentException("explode");
                case "defer" -> deferred = reply.defer();
                default -> reply.ok("re:" + text);
            }
        }

        /** {@inheritDoc} */
        public void handleCast(final ActorContext ctx, final Message message)
        {
            final String text = message.payloadAsString();
            LOG.add("CAST " + text);
            if ("boom".equals(text))
            {
                throw new IllegalStateException("boom");
            }
            if ("answer".equals(text) && deferred != null)
            {
                final byte[] late = "late".getBytes(StandardCharsets.UTF_8);
                ctx.reply(deferred, new UnsafeBuffer(late), 0, late.length);
                deferred = null;
            }
        }
    }

    @BeforeEach
    void recordAJournal()
    {
        Recording.LOG.clear();
        Recording.INSTANCES.set(0);
        journal = dir.resolve("journal");
        router = Router.launch(new MailboxContext().shardCount(2).mailboxCapacity(1 << 10)
            .journal(new JournalContext().directory(journal).segmentLength(64 * 1024).useAgentThread(false)
                .errorHandler(errors::add))
            .errorHandler(errors::add));
        final Sender sender = router.newSender(SOURCE);
        // Handled before the "crash".
        send(sender, ACTOR, MessageType.CAST, "put a 1");
        send(sender, OTHER, MessageType.CAST, "other");
        send(sender, ACTOR, MessageType.CALL, "get a");
        for (int shard = 0; shard < 2; shard++)
        {
            router.mailbox(shard).drain((buffer, offset, length) -> { }, 100);
        }
        // Accepted, never handled.
        send(sender, ACTOR, MessageType.CAST, "put b 2");
        send(sender, ACTOR, MessageType.CALL, "defer");
        send(sender, OTHER, MessageType.CALL, "other call");
        send(sender, ACTOR, MessageType.CAST, "answer");
        send(sender, ACTOR, MessageType.CAST, "boom");
        send(sender, ACTOR, MessageType.CALL, "explode");
        send(sender, ACTOR, MessageType.CAST, "put c 3");
        router.close();
    }

    @AfterEach
    void close()
    {
        router.close();
        assertThat(errors).isEmpty();
    }

    private void send(final Sender sender, final int target, final MessageType type, final String text)
    {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        final long correlationId = type == MessageType.CALL ? 1000 + sent.size() : 0;
        assertThat(sender.send(SOURCE, target, type, correlationId, new UnsafeBuffer(bytes), 0, bytes.length))
            .isEqualTo(OfferStatus.ACCEPTED);
        if (target == ACTOR)
        {
            sent.add(new Sent(type, text, sender.lastMessageId(), sender.lastTimestamp(), correlationId));
        }
    }

    private List<String> outLines()
    {
        return Arrays.asList(outBytes.toString(StandardCharsets.UTF_8).split("\\R"));
    }

    private String step(final int n)
    {
        final Sent s = sent.get(n - 1);
        return "step " + n + ": " + s.type() + " id=" + s.messageId() + " " + s.payload().length() + " bytes";
    }

    private static String hex(final String text)
    {
        return HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8));
    }

    private static final List<String> ALL_RECEIVED = List.of("CAST put a 1", "CALL get a", "CAST put b 2",
        "CALL defer", "CAST answer", "CAST boom", "CALL explode", "CAST put c 3");

    @Test
    void replayDeliversExactlyTheRecordedInputInOrderOneStepAtATime()
    {
        final List<String> received = new ArrayList<>();
        final AtomicInteger instances = new AtomicInteger();
        final int steps = JournalTool.replay(journal, ACTOR, () ->
        {
            instances.incrementAndGet();
            return new ActorBehavior()
            {
                public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
                {
                    received.add("CALL " + request.payloadAsString());
                    reply.ok("ok " + received.size());
                }

                public void handleCast(final ActorContext ctx, final Message message)
                {
                    received.add("CAST " + message.payloadAsString());
                }
            };
        }, false, out);

        assertThat(steps).isEqualTo(8);
        assertThat(received).containsExactlyElementsOf(ALL_RECEIVED);
        assertThat(instances).hasValue(1);
        // Each step is handled before the next is printed: every call's reply follows its own step line.
        assertThat(outLines()).containsExactly(
            step(1),
            step(2),
            "  reply: 4 bytes " + hex("ok 2") + " \"ok 2\"",
            step(3),
            step(4),
            "  reply: 4 bytes " + hex("ok 4") + " \"ok 4\"",
            step(5),
            step(6),
            step(7),
            "  reply: 4 bytes " + hex("ok 7") + " \"ok 7\"",
            step(8),
            "replayed 8 messages of actor 42");
    }

    @Test
    void pendingOnlyReplaysWhatARecoveryWouldDeliverAgain()
    {
        final List<String> received = new ArrayList<>();
        final int steps = JournalTool.replay(journal, ACTOR, () -> new ActorBehavior()
        {
            public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
            {
                received.add("CALL " + request.payloadAsString());
                reply.ok("ok");
            }

            public void handleCast(final ActorContext ctx, final Message message)
            {
                received.add("CAST " + message.payloadAsString());
            }
        }, true, out);

        assertThat(steps).isEqualTo(6);
        assertThat(received).containsExactlyElementsOf(ALL_RECEIVED.subList(2, 8));
        assertThat(outLines().get(0)).isEqualTo("step 1: CAST id=" + sent.get(2).messageId() + " 7 bytes");
    }

    @Test
    void failuresDeferredRepliesAndErrorsAreReportedAtTheirStepAndTheReplayGoesOn()
    {
        final int code = JournalTool.run(
            new String[] {"replay", journal.toString(), "--actor", "42", "--behaviour", Recording.class.getName()},
            out, err);

        assertThat(code).as(errBytes.toString(StandardCharsets.UTF_8)).isEqualTo(JournalTool.EXIT_OK);
        assertThat(Recording.LOG).containsExactlyElementsOf(ALL_RECEIVED);
        assertThat(Recording.INSTANCES).as("restarted after each failure").hasValue(3);
        assertThat(outLines()).containsExactly(
            step(1),
            step(2),
            "  reply: 8 bytes " + hex("re:get a") + " \"re:get a\"",
            step(3),
            step(4),
            step(5),
            "  to step 4: reply: 4 bytes " + hex("late") + " \"late\"",
            step(6),
            "  failed: java.lang.IllegalStateException: boom",
            step(7),
            "  failed: java.lang.IllegalArgumentException: explode",
            "  error: io.bitactor.actor.CallFailedException: call failed after 1 attempt: " +
                "java.lang.IllegalArgumentException: explode",
            step(8),
            "replayed 8 messages of actor 42");
        assertThat(errBytes.size()).isZero();
    }

    @Test
    void aCallNeverAnsweredIsReportedAtTheEnd()
    {
        final int steps = JournalTool.replay(journal, ACTOR, () -> new ActorBehavior()
        {
            public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
            {
                reply.defer();
            }

            public void handleCast(final ActorContext ctx, final Message message)
            {
            }
        }, true, out);

        assertThat(steps).isEqualTo(6);
        assertThat(outLines()).contains("step 2: no reply by the end of the replay",
            "step 5: no reply by the end of the replay");
    }

    @Test
    void anActorThatCannotStartStopsTheReplayWithAReport()
    {
        final AtomicInteger instances = new AtomicInteger();
        final int steps = JournalTool.replay(journal, ACTOR, () ->
        {
            instances.incrementAndGet();
            return new ActorBehavior()
            {
                public void init(final ActorContext ctx)
                {
                    throw new IllegalStateException("cannot start");
                }

                public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
                {
                    throw new AssertionError("never started");
                }

                public void handleCast(final ActorContext ctx, final Message message)
                {
                    throw new AssertionError("never started");
                }
            };
        }, false, out);

        assertThat(steps).isZero();
        assertThat(instances).hasValue(JournalTool.MAX_RESTARTS + 1);
        final List<String> lines = outLines();
        assertThat(lines.subList(0, 6)).containsExactly(
            "  failed: java.lang.IllegalStateException: cannot start",
            "  failed: java.lang.IllegalStateException: cannot start",
            "  failed: java.lang.IllegalStateException: cannot start",
            "  failed: java.lang.IllegalStateException: cannot start",
            "  failed: java.lang.IllegalStateException: cannot start",
            "  ... " + (JournalTool.MAX_RESTARTS + 1 - 5) + " more failures");
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("  the actor system stopped after start: ")
            .contains("SupervisorEscalationException"));
        assertThat(lines.subList(lines.size() - 2, lines.size())).containsExactly(
            "8 recorded messages not delivered: the actor system had stopped",
            "replayed 0 messages of actor 42");
    }

    @Test
    void dumpPrintsEveryRecordAndASummary()
    {
        assertThat(JournalTool.run(new String[] {"dump", journal.toString()}, out, err)).isEqualTo(JournalTool.EXIT_OK);

        final List<String> lines = outLines();
        assertThat(lines).hasSize(11);
        final Sent first = sent.get(0);
        assertThat(lines.get(0)).isEqualTo("segment=0 offset=64 state=HANDLED id=" + first.messageId() +
            " type=CAST source=-5 target=42 correlation=0 hlc=" + first.timestamp() + " length=7 payload=" +
            hex("put a 1"));
        final Sent defer = sent.get(3);
        final int record = JournalDescriptor.alignedRecordLength(FrameDescriptor.frameLength(8));
        assertThat(lines).contains("segment=0 offset=" + (64 + 4 * record) + " state=PENDING id=" +
            defer.messageId() + " type=CALL source=-5 target=42 correlation=" + defer.correlationId() + " hlc=" +
            defer.timestamp() + " length=5 payload=" + hex("defer"));
        assertThat(lines.stream().filter(line -> line.contains(" target=7 "))).hasSize(2);
        assertThat(lines.get(10)).isEqualTo("records=10 PENDING=7 HANDLED=3 CANCELLED=0 DAMAGED=0 skipped=0 " +
            "skippedBytes=0 tornTailBytes=0 segments=1");
    }

    @Test
    void dumpFiltersByActorAndPendingAndShowsLongPayloadsCut()
    {
        assertThat(JournalTool.dump(journal, OptionalInt.of(ACTOR), true, out)).isEqualTo(6);
        final List<String> lines = outLines();
        assertThat(lines).hasSize(7);
        for (int i = 0; i < 6; i++)
        {
            assertThat(lines.get(i)).contains(" state=PENDING id=" + sent.get(2 + i).messageId() + " ")
                .contains(" target=42 ");
        }
        assertThat(lines.get(6)).startsWith("records=6 PENDING=6 HANDLED=0 ");

        outBytes.reset();
        final Router second = Router.launch(new MailboxContext().shardCount(1)
            .journal(new JournalContext().directory(dir.resolve("long")).segmentLength(64 * 1024)
                .useAgentThread(false)));
        final byte[] payload = new byte[40];
        Arrays.fill(payload, (byte)0xAB);
        assertThat(second.newSender(0).send(3, MessageType.CAST, new UnsafeBuffer(payload), 0, 40))
            .isEqualTo(OfferStatus.ACCEPTED);
        second.close();
        assertThat(JournalTool.dump(dir.resolve("long"), OptionalInt.empty(), false, out)).isEqualTo(1);
        assertThat(outLines().get(0)).endsWith(" length=40 payload=" + "ab".repeat(32) + "...");
    }

    @Test
    void dumpReportsADamagedRecordAsSkipped() throws IOException
    {
        final Path segment = journal.resolve(JournalDescriptor.fileName(0));
        final int record = JournalDescriptor.alignedRecordLength(FrameDescriptor.frameLength(8));
        // The first record: a flipped payload byte.
        final long at = 64 + JournalDescriptor.FRAME_OFFSET + FrameDescriptor.PAYLOAD_OFFSET;
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final ByteBuffer b = ByteBuffer.allocate(1);
            channel.read(b, at);
            channel.write(ByteBuffer.wrap(new byte[] {(byte)(b.get(0) ^ 1)}), at);
        }
        assertThat(JournalTool.run(new String[] {"dump", journal.toString(), "--actor", "42"}, out, err))
            .isEqualTo(JournalTool.EXIT_OK);
        final List<String> lines = outLines();
        assertThat(lines.get(0)).isEqualTo("skipped segment=0 offset=64 length=" + record +
            " (record failing verification (length or CRC32C))");
        assertThat(lines.get(lines.size() - 1)).startsWith("records=7 ").contains(" skipped=1 skippedBytes=" + record);
        assertThat(lines).noneMatch(line -> line.contains(" id=" + sent.get(0).messageId() + " "));
        assertThat(Files.exists(segment)).isTrue();
    }

    @Test
    void badUsageReturnsTwoAndPrintsTheUsage()
    {
        final String d = journal.toString();
        final String[][] bad = {
            {},
            {"frobnicate", d},
            {"dump"},
            {"dump", "--actor", "42"},
            {"dump", d, "--actor"},
            {"dump", d, "--actor", "forty-two"},
            {"dump", d, "--verbose"},
            {"dump", d, "--behaviour", Recording.class.getName()},
            {"replay", d},
            {"replay", d, "--actor", "42"},
            {"replay", d, "--behaviour", Recording.class.getName()},
        };
        for (final String[] args : bad)
        {
            outBytes.reset();
            errBytes.reset();
            assertThat(JournalTool.run(args, out, err)).as(String.join(" ", args)).isEqualTo(JournalTool.EXIT_USAGE);
            assertThat(errBytes.toString(StandardCharsets.UTF_8)).as(String.join(" ", args))
                .contains("usage: JournalTool dump <dir>");
            assertThat(outBytes.size()).isZero();
        }
        assertThat(Recording.LOG).isEmpty();

        outBytes.reset();
        errBytes.reset();
        assertThat(JournalTool.run(new String[] {"--help"}, out, err)).isEqualTo(JournalTool.EXIT_OK);
        assertThat(outBytes.toString(StandardCharsets.UTF_8)).contains("usage: JournalTool dump <dir>");
    }

    @Test
    void errorsReturnOneWithTheirMessage()
    {
        assertThat(JournalTool.run(new String[] {"dump", dir.resolve("missing").toString()}, out, err))
            .isEqualTo(JournalTool.EXIT_ERROR);
        assertThat(errBytes.toString(StandardCharsets.UTF_8)).startsWith("error: IO_ERROR").contains("missing");

        errBytes.reset();
        assertThat(JournalTool.run(new String[] {"replay", journal.toString(), "--actor", "42", "--behaviour",
            "io.bitactor.actor.NoSuchBehaviour"}, out, err)).isEqualTo(JournalTool.EXIT_ERROR);
        assertThat(errBytes.toString(StandardCharsets.UTF_8)).contains("cannot load behaviour class");

        errBytes.reset();
        assertThat(JournalTool.run(new String[] {"replay", journal.toString(), "--actor", "42", "--behavior",
            String.class.getName()}, out, err)).isEqualTo(JournalTool.EXIT_ERROR);
        assertThat(errBytes.toString(StandardCharsets.UTF_8)).contains("does not implement");
        assertThat(outBytes.size()).isZero();
    }
}
