package io.bitactor.actor;

import io.bitactor.journal.FlushPolicy;
import io.bitactor.journal.JournalContext;
import io.bitactor.journal.RecoveredFrames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Recovery through the actor system, deterministically: a "crash" is a copy of the journal directory taken while
 * the system runs (the mapped segments hold exactly what a killed process would leave), and the next system is
 * launched on the copy. The child-process test with real kills is {@link JournalCrashTest}.
 */
class JournalRecoveryTest
{
    @TempDir
    Path tmp;

    private final List<ActorSystem> systems = new ArrayList<>();
    private final TestSystems testSystems = new TestSystems();

    @AfterEach
    void closeAll()
    {
        systems.forEach(ActorSystem::close);
    }

    private ActorSystem launch(final Path journalDir)
    {
        return launch(journalDir, SupervisorStrategy.oneForOne());
    }

    private ActorSystem launch(final Path journalDir, final SupervisorStrategy rootStrategy)
    {
        final ActorSystem system = ActorSystem.launch(testSystems.context().rootStrategy(rootStrategy).journal(
            new JournalContext()
            .directory(journalDir).segmentLength(64 * 1024).useAgentThread(false).flushPolicy(FlushPolicy.NONE)));
        systems.add(system);
        return system;
    }

    /** Records every cast it handles. */
    static final class Recorder implements ActorBehavior
    {
        final List<String> seen;

        Recorder(final List<String> seen)
        {
            this.seen = seen;
        }

        public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
        {
            seen.add("call " + request.payloadAsString());
            reply.ok("ok");
        }

        public void handleCast(final ActorContext ctx, final Message message)
        {
            seen.add(message.payloadAsString());
        }
    }

    private static Path snapshot(final Path from, final Path to) throws IOException
    {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from))
        {
            for (final Path file : (Iterable<Path>)files::iterator)
            {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
        return to;
    }

    @Test
    void anActorHandlesItsRecoveredMessagesFirstInOrderThenNewOnes() throws IOException
    {
        final List<String> before = new CopyOnWriteArrayList<>();
        final ActorSystem first = launch(tmp.resolve("a"));
        final ActorRef recorderA = first.spawn(ActorSpec.of(() -> new Recorder(before)));
        first.runUntilIdle();
        for (int i = 0; i < 4; i++)
        {
            assertThat(first.cast(recorderA, "m" + i)).isEqualTo(SendStatus.ACCEPTED);
        }
        first.runUntilIdle();
        for (int i = 4; i < 10; i++)
        {
            assertThat(first.cast(recorderA, "m" + i)).isEqualTo(SendStatus.ACCEPTED);
        }
        final Path crashed = snapshot(tmp.resolve("a"), tmp.resolve("b")); // m4..m9 accepted, not handled
        assertThat(before).containsExactly("m0", "m1", "m2", "m3");

        final List<String> after = new CopyOnWriteArrayList<>();
        final ActorSystem second = launch(crashed);
        final RecoveredFrames recovered = second.recovered();
        assertThat(recovered.count()).isEqualTo(6);
        assertThat(second.journal().recoveryReport().recordsSettled()).isEqualTo(4);
        final ActorRef recorderB = second.spawn(ActorSpec.of(() -> new Recorder(after)));
        assertThat(recorderB.id()).as("same spawn order, same id").isEqualTo(recorderA.id());
        assertThat(second.cast(recorderB, "new")).isEqualTo(SendStatus.ACCEPTED);
        second.runUntilIdle();

        assertThat(after).containsExactly("m4", "m5", "m6", "m7", "m8", "m9", "new");
        assertThat(recovered.pendingCount()).isZero();
        assertThat(second.stats().unaccounted()).isZero();
    }

    /** Fails on "fail", records everything else. */
    static final class FailingRecorder implements ActorBehavior
    {
        final List<String> seen;

        FailingRecorder(final List<String> seen)
        {
            this.seen = seen;
        }

        public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
        {
            if (request.attempt() == 1)
            {
                throw new IllegalStateException("first attempt fails");
            }
            seen.add("call " + request.payloadAsString() + " attempt " + request.attempt());
            reply.ok("ok");
        }

        public void handleCast(final ActorContext ctx, final Message message)
        {
            if ("fail".equals(message.payloadAsString()))
            {
                throw new IllegalStateException("fail");
            }
            seen.add(message.payloadAsString());
        }
    }

    @Test
    void messagesStashedWhileTheActorWaitsForItsRestartSurviveACrash() throws IOException
    {
        final SupervisorStrategy backoff =
            SupervisorStrategy.oneForOne().withBackoff(Duration.ofSeconds(10), Duration.ofSeconds(10), 0.0);
        final ActorSystem first = launch(tmp.resolve("a"), backoff);
        final ActorRef actor = first.spawn(ActorSpec.of(() -> new FailingRecorder(new ArrayList<>())));
        first.runUntilIdle();
        first.cast(actor, "fail");
        first.cast(actor, "a");
        first.cast(actor, "b");
        first.runUntilIdle(); // "a" and "b" wait in the stash: the restart is 10 s away on the injected clock
        final Path crashed = snapshot(tmp.resolve("a"), tmp.resolve("b"));

        final List<String> seen = new CopyOnWriteArrayList<>();
        final ActorSystem second = launch(crashed);
        assertThat(second.recovered().count()).as("the stashed messages, not the failed one").isEqualTo(2);
        second.spawn(ActorSpec.of(() -> new FailingRecorder(seen)));
        second.runUntilIdle();
        assertThat(seen).containsExactly("a", "b");
    }

    @Test
    void aCallWaitingForItsRetrySurvivesACrashAndAHandledRetryIsNotDeliveredAgain() throws IOException
    {
        final ActorSystem first = launch(tmp.resolve("a"));
        final RetryPolicy retry = RetryPolicy.exponential(3, Duration.ofSeconds(10), Duration.ofSeconds(10))
            .withJitter(RetryPolicy.Jitter.NONE);
        final List<String> before = new CopyOnWriteArrayList<>();
        final ActorRef actor = first.spawn(ActorSpec.of(() -> new FailingRecorder(before)).withRetry(retry));
        first.runUntilIdle();
        first.call(actor, "q".getBytes(), Duration.ofMinutes(1));
        first.runUntilIdle(); // attempt 1 failed; attempt 2 is 10 s away
        final Path crashed = snapshot(tmp.resolve("a"), tmp.resolve("b"));
        testSystems.advanceMillis(first, 10_000); // the retry runs in the first system: its record is marked handled
        assertThat(before).containsExactly("call q attempt 2");
        final Path afterRetry = snapshot(tmp.resolve("a"), tmp.resolve("c"));

        final List<String> seen = new CopyOnWriteArrayList<>();
        final ActorSystem second = launch(crashed);
        assertThat(second.recovered().count()).as("the call waiting for its retry").isEqualTo(1);
        second.spawn(ActorSpec.of(() -> new Recorder(seen)));
        second.runUntilIdle();
        assertThat(seen).containsExactly("call q");
        second.close();

        final ActorSystem third = launch(afterRetry);
        assertThat(third.recovered().count()).as("handled by the retry: nothing to recover").isZero();
    }

    @Test
    void messagesAnActorSentWhileTheTargetMailboxWasFullSurviveACrashInOrder() throws IOException
    {
        final ActorSystem first = ActorSystem.launch(testSystems.context().mailboxCapacity(2).journal(
            new JournalContext().directory(tmp.resolve("a")).segmentLength(64 * 1024).useAgentThread(false)
                .flushPolicy(FlushPolicy.NONE)));
        systems.add(first);
        final List<String> seenBefore = new CopyOnWriteArrayList<>();
        final ActorRef target = first.spawn(ActorSpec.of(() -> new Recorder(seenBefore)));
        final List<SendStatus> statuses = new CopyOnWriteArrayList<>();
        final ActorRef source = first.spawn(ActorSpec.of(() -> new ActorBehavior()
        {
            public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
            {
                reply.ok("");
            }

            public void handleCast(final ActorContext ctx, final Message message)
            {
                for (int i = 0; i < 5; i++)
                {
                    statuses.add(ctx.cast(target, "m" + i));
                }
            }
        }));
        first.runUntilIdle();
        first.cast(source, "go");
        // One duty cycle of the source's worker: "go" is handled, two casts fill the target's mailbox (capacity
        // 2), three wait in the worker's outbox, answered ACCEPTED.
        first.invoke(first.shardOf(source) % 2);
        assertThat(statuses).containsOnly(SendStatus.ACCEPTED).hasSize(5);
        final Path crashed = snapshot(tmp.resolve("a"), tmp.resolve("b"));

        final int handledBefore = seenBefore.size();
        final List<String> seen = new CopyOnWriteArrayList<>();
        final ActorSystem second = launch(crashed);
        assertThat(second.recovered().count()).as("every cast the source was told was accepted").isEqualTo(
            5 - handledBefore);
        second.spawn(ActorSpec.of(() -> new Recorder(seen)));
        second.runUntilIdle();
        final List<String> expected = new ArrayList<>();
        for (int i = handledBefore; i < 5; i++)
        {
            expected.add("m" + i);
        }
        assertThat(seen).containsExactlyElementsOf(expected);
    }

    @Test
    void messagesOfAnActorThatIsNotSpawnedAgainStayInTheJournal() throws IOException
    {
        final ActorSystem first = launch(tmp.resolve("a"));
        final ActorRef recorder = first.spawn(ActorSpec.of(() -> new Recorder(new ArrayList<>())));
        first.runUntilIdle();
        first.cast(recorder, "x");
        first.cast(recorder, "y");
        final Path crashed = snapshot(tmp.resolve("a"), tmp.resolve("b"));

        final ActorSystem second = launch(crashed);
        assertThat(second.recovered().count()).isEqualTo(2);
        second.close(); // nobody spawned the actor: its messages were not handled

        final List<String> seen = new CopyOnWriteArrayList<>();
        final ActorSystem third = launch(crashed);
        assertThat(third.recovered().count()).isEqualTo(2);
        third.spawn(ActorSpec.of(() -> new Recorder(seen)));
        third.runUntilIdle();
        assertThat(seen).containsExactly("x", "y");
    }

    @Test
    void aRecoveredCallIsHandledAgainAndItsReplyHasNoCallerLeft() throws IOException
    {
        final ActorSystem first = launch(tmp.resolve("a"));
        final ActorRef recorder = first.spawn(ActorSpec.of(() -> new Recorder(new ArrayList<>())));
        first.runUntilIdle();
        first.call(recorder, "q".getBytes(), java.time.Duration.ofSeconds(5));
        final Path crashed = snapshot(tmp.resolve("a"), tmp.resolve("b"));

        final List<String> seen = new CopyOnWriteArrayList<>();
        final ActorSystem second = launch(crashed);
        second.spawn(ActorSpec.of(() -> new Recorder(seen)));
        second.runUntilIdle();
        assertThat(seen).containsExactly("call q");
        assertThat(second.stats().lateReplies()).as("the caller died with the first system").isEqualTo(1);
    }
}
