package io.bitactor.actor;

import io.bitactor.journal.FlushPolicy;
import io.bitactor.journal.JournalContext;
import io.bitactor.testlog.CapturingLogProvider;
import io.bitactor.testlog.CapturingLogProvider.LogEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.Level;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.bitactor.testlog.CapturingLogProvider.events;
import static io.bitactor.testlog.CapturingLogProvider.messages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the runtime logs, line by line and level by level, through the tests' capturing SLF4J binding
 * ({@link CapturingLogProvider}). Deterministic: invoker mode, an injected clock, no sleeps.
 */
class LoggingTest
{
    private static final String SYSTEM = "io.bitactor.actor.ActorSystem";
    private static final String ACTORS = "io.bitactor.actor.ActorCell";
    private static final String BREAKERS = "io.bitactor.actor.CircuitBreaker";
    private static final String DEAD_LETTERS = "io.bitactor.actor.DeadLetters";

    @TempDir
    Path tmp;

    private final TestSystems systems = new TestSystems();
    private final List<ActorSystem> launched = new ArrayList<>();

    @BeforeEach
    void capture()
    {
        CapturingLogProvider.capture(Level.DEBUG);
    }

    @AfterEach
    void closeAll()
    {
        launched.forEach(ActorSystem::close);
        CapturingLogProvider.stop();
    }

    private ActorSystem launch(final ActorSystemContext ctx)
    {
        final ActorSystem system = ActorSystem.launch(ctx);
        launched.add(system);
        return system;
    }

    /** "fail" throws, "stop" stops, anything else is counted. */
    static final class Flaky implements ActorBehavior
    {
        public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
        {
            reply.ok("ok");
        }

        public void handleCast(final ActorContext ctx, final Message message)
        {
            switch (message.payloadAsString())
            {
                case "fail" -> throw new IllegalStateException("boom");
                case "stop" -> ctx.stop();
                default ->
                {
                }
            }
        }
    }

    /** Spawns one child in init. */
    static final class Parent implements ActorBehavior
    {
        private final ActorSpec childSpec;
        volatile ActorRef child;

        Parent(final ActorSpec childSpec)
        {
            this.childSpec = childSpec;
        }

        public void init(final ActorContext ctx)
        {
            child = ctx.spawn(childSpec);
        }

        public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
        {
            reply.ok("parent");
        }

        public void handleCast(final ActorContext ctx, final Message message)
        {
        }
    }

    @Test
    void launchAndCloseAreLoggedAtInfoSpawnAndStopAtDebug()
    {
        final ActorSystem system = launch(systems.context());
        assertThat(messages(SYSTEM, Level.INFO))
            .containsExactly("actor system launched: 2 worker(s), INVOKER threading, 4 shard(s), journal off");

        final ActorRef echo = system.spawn(ActorSpec.of(Flaky::new).withName("echo"));
        system.runUntilIdle();
        assertThat(echo.id()).isEqualTo(2);
        assertThat(messages(ACTORS, Level.DEBUG)).containsExactly("actor 2 'echo' spawned under 1");

        system.close();
        assertThat(messages(SYSTEM, Level.INFO)).containsExactly(
            "actor system launched: 2 worker(s), INVOKER threading, 4 shard(s), journal off",
            "actor system closed: 2 actor(s) stopped, 0 not stopped in time, 0 dead letter(s), 0 late repl(ies), " +
            "termination cause none");
        assertThat(messages(ACTORS, Level.DEBUG)).containsExactly(
            "actor 2 'echo' spawned under 1",
            "actor 2 'echo' (parent 1) stopped: SHUTDOWN",
            "actor 1 'root' (parent 0) stopped: SHUTDOWN");
        assertThat(messages(SYSTEM, Level.WARN)).isEmpty();
        assertThat(messages(SYSTEM, Level.ERROR)).isEmpty();
    }

    @Test
    void debugLinesAreNotWrittenWhenDebugIsOff()
    {
        CapturingLogProvider.capture(Level.INFO);
        final ActorSystem system = launch(systems.context());
        system.spawn(ActorSpec.of(Flaky::new).withName("echo"));
        system.runUntilIdle();
        system.close();
        assertThat(CapturingLogProvider.all()).extracting(LogEvent::level).containsOnly(Level.INFO).hasSize(2);
    }

    @Test
    void aRestartAfterAFailureIsAWarningWithTheExceptionAndTheRestartCount()
    {
        final ActorSystem system = launch(systems.context());
        final ActorRef flaky = system.spawn(ActorSpec.of(Flaky::new).withName("flaky"));
        system.runUntilIdle();

        system.cast(flaky, "fail");
        system.runUntilIdle();
        system.cast(flaky, "fail");
        system.runUntilIdle();

        final List<LogEvent> warnings = events(ACTORS, Level.WARN);
        assertThat(warnings).extracting(LogEvent::message).containsExactly(
            "actor 2 'flaky' restarted after a failure: java.lang.IllegalStateException: boom (restart 1)",
            "actor 2 'flaky' restarted after a failure: java.lang.IllegalStateException: boom (restart 2)");
        assertThat(warnings.get(0).throwable()).as("DEBUG is on: the stack trace comes with the warning")
            .isInstanceOf(IllegalStateException.class).hasMessage("boom");

        CapturingLogProvider.capture(Level.INFO);
        system.cast(flaky, "fail");
        system.runUntilIdle();
        final List<LogEvent> quiet = events(ACTORS, Level.WARN);
        assertThat(quiet).extracting(LogEvent::message).containsExactly(
            "actor 2 'flaky' restarted after a failure: java.lang.IllegalStateException: boom (restart 3)");
        assertThat(quiet.get(0).throwable()).as("DEBUG off: one line, no stack trace").isNull();
    }

    @Test
    void aSupervisorThatExceedsItsIntensityEscalatesAtWarn()
    {
        final ActorSystem system = launch(systems.context());
        final Parent parent = new Parent(ActorSpec.of(Flaky::new).withName("child"));
        system.spawn(ActorSpec.of(() -> parent).withName("sup")
            .withSupervisorStrategy(SupervisorStrategy.oneForOne().withLimit(1, Duration.ofSeconds(10))));
        system.runUntilIdle();
        final ActorRef child = parent.child;
        assertThat(child.id()).isEqualTo(3);

        system.cast(child, "fail");
        system.runUntilIdle();
        assertThat(messages(ACTORS, Level.WARN)).containsExactly(
            "actor 3 'child' restarted after a failure: java.lang.IllegalStateException: boom (restart 1)");

        system.cast(child, "fail");
        system.runUntilIdle();
        final List<String> warnings = messages(ACTORS, Level.WARN);
        assertThat(warnings).hasSize(3);
        assertThat(warnings.get(1))
            .isEqualTo("supervisor 2 'sup' escalates: more than 1 restart(s) within 10000 ms (last: child 3)");
        assertThat(warnings.get(2)).as("the root guardian restarts the supervisor")
            .startsWith("actor 2 'sup' restarted after a failure: io.bitactor.actor.SupervisorEscalationException: " +
            "supervisor 'sup' (#2) exceeded its restart intensity").endsWith("(restart 1)");
        assertThat(messages(ACTORS, Level.ERROR)).isEmpty();
        assertThat(messages(SYSTEM, Level.ERROR)).isEmpty();
    }

    @Test
    void anEscalationToTheRootIsAnErrorAndTheDefaultErrorHandlerLogsAtError()
    {
        final ActorSystem system = launch(systems.context()
            .errorHandler(null)
            .rootStrategy(SupervisorStrategy.oneForOne().withLimit(0, Duration.ofSeconds(10))));
        final ActorRef flaky = system.spawn(ActorSpec.of(Flaky::new).withName("flaky"));
        system.runUntilIdle();

        system.cast(flaky, "fail");
        system.runUntilIdle();

        assertThat(system.terminationCause()).isInstanceOf(SupervisorEscalationException.class);
        assertThat(messages(ACTORS, Level.ERROR)).containsExactly(
            "supervisor 1 'root' escalates: more than 0 restart(s) within 10000 ms (last: child 2); the root " +
            "guardian fails: the actor system terminates");
        final List<LogEvent> errors = events(SYSTEM, Level.ERROR);
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0).message()).isEqualTo("actor system error: java.lang.IllegalStateException: " +
            "escalation reached the root guardian: the system stops");
        assertThat(errors.get(0).throwable()).hasCauseInstanceOf(SupervisorEscalationException.class);

        system.close();
        assertThat(messages(SYSTEM, Level.INFO).get(1)).startsWith("actor system closed: ")
            .contains("termination cause io.bitactor.actor.SupervisorEscalationException: supervisor 'root' (#1)");
    }

    @Test
    void anApplicationErrorHandlerGetsErrorsThatAreThenNotLoggedAgain()
    {
        final ActorSystem system = launch(systems.context()
            .rootStrategy(SupervisorStrategy.oneForOne().withLimit(0, Duration.ofSeconds(10))));
        final ActorRef flaky = system.spawn(ActorSpec.of(Flaky::new).withName("flaky"));
        system.runUntilIdle();
        system.cast(flaky, "fail");
        system.runUntilIdle();

        assertThat(systems.errors).hasSize(1);
        assertThat(messages(SYSTEM, Level.ERROR)).isEmpty();
        assertThat(messages(ACTORS, Level.ERROR)).as("the escalation itself is still logged").hasSize(1);
    }

    @Test
    void breakerTransitionsAreLoggedOncePerTransitionAtTheirLevels()
    {
        final long openNs = TimeUnit.SECONDS.toNanos(1);
        final List<String> heard = new CopyOnWriteArrayList<>();
        final ActorSystem system = launch(systems.context());
        final ActorRef guarded = system.spawn(ActorSpec.of(Flaky::new).withName("guarded").withCircuitBreaker(
            CircuitBreakerConfig.defaults().withConsecutiveFailures(1).withoutFailureRate()
                .withOpenTimeNs(openNs, openNs, 1.0).withHalfOpenTrials(1),
            (breaker, from, to, nowNs) -> heard.add(from + "->" + to)));
        system.runUntilIdle();

        system.cast(guarded, "fail");
        system.runUntilIdle();
        assertThat(system.cast(guarded, "refused")).isEqualTo(SendStatus.CIRCUIT_OPEN);
        systems.advanceMillis(system, 1000);
        system.cast(guarded, "trial ok");
        system.runUntilIdle();
        system.cast(guarded, "fail");
        system.runUntilIdle();
        systems.advanceMillis(system, 1000);
        system.cast(guarded, "fail");
        system.runUntilIdle();

        final List<LogEvent> lines = new ArrayList<>();
        for (final LogEvent event : CapturingLogProvider.all())
        {
            if (event.logger().equals(BREAKERS))
            {
                lines.add(event);
            }
        }
        assertThat(lines).extracting(e -> e.level() + " " + e.message()).containsExactly(
            "WARN circuit breaker 'guarded#2' CLOSED -> OPEN for 1000 ms (1 failure(s), 0 slow call(s) so far)",
            "INFO circuit breaker 'guarded#2' OPEN -> HALF_OPEN",
            "INFO circuit breaker 'guarded#2' HALF_OPEN -> CLOSED",
            "WARN circuit breaker 'guarded#2' CLOSED -> OPEN for 1000 ms (2 failure(s), 0 slow call(s) so far)",
            "INFO circuit breaker 'guarded#2' OPEN -> HALF_OPEN",
            "WARN circuit breaker 'guarded#2' HALF_OPEN -> OPEN for 1000 ms (3 failure(s), 0 slow call(s) so far)");
        assertThat(heard).as("the application's listener is still told").containsExactly(
            "CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED", "CLOSED->OPEN", "OPEN->HALF_OPEN",
            "HALF_OPEN->OPEN");
    }

    /** Spawns two children in init. */
    static final class TwoChildren implements ActorBehavior
    {
        volatile ActorRef first;
        volatile ActorRef second;

        public void init(final ActorContext ctx)
        {
            first = ctx.spawn(ActorSpec.of(Flaky::new).withName("first"));
            second = ctx.spawn(ActorSpec.of(Flaky::new).withName("second"));
        }

        public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
        {
            reply.ok("parent");
        }

        public void handleCast(final ActorContext ctx, final Message message)
        {
        }
    }

    @Test
    void aSiblingRestartedWithAFailedActorIsNotReportedAsFailedAgain()
    {
        final ActorSystem system = launch(systems.context());
        final TwoChildren parent = new TwoChildren();
        system.spawn(
            ActorSpec.of(() -> parent).withName("sup").withSupervisorStrategy(SupervisorStrategy.oneForAll()));
        system.runUntilIdle();
        assertThat(parent.first.id()).isEqualTo(3);
        assertThat(parent.second.id()).isEqualTo(4);

        system.cast(parent.first, "fail");
        system.runUntilIdle();
        system.cast(parent.second, "fail");
        system.runUntilIdle();

        assertThat(messages(ACTORS, Level.WARN)).containsExactly(
            "actor 3 'first' restarted after a failure: java.lang.IllegalStateException: boom (restart 1)",
            "actor 4 'second' restarted after a failure: java.lang.IllegalStateException: boom (restart 2)");
        assertThat(messages(ACTORS, Level.DEBUG)).contains(
            "actor 4 'second' restarted without a failure of its own (restart 1)",
            "actor 3 'first' restarted without a failure of its own (restart 2)");
    }

    @Test
    void shardBreakersAreLoggedToo()
    {
        final ActorSystem system = launch(systems.context().shardCircuitBreaker(
            CircuitBreakerConfig.defaults().withConsecutiveFailures(1).withoutFailureRate()));
        final ActorRef flaky = system.spawn(ActorSpec.of(Flaky::new).withName("flaky"));
        system.runUntilIdle();
        system.cast(flaky, "fail");
        system.runUntilIdle();

        final List<String> warnings = messages(BREAKERS, Level.WARN);
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0))
            .startsWith("circuit breaker 'shard-" + system.shardOf(flaky) + "' CLOSED -> OPEN for ");
    }

    /** Spawns a temporary actor and sends it "stop" then {@code count} casts: each becomes a dead letter. */
    private static ActorRef deadLetters(final ActorSystem system, final String name, final int count)
    {
        final ActorRef target = system.spawn(
            ActorSpec.of(Flaky::new).withName(name).withRestart(RestartType.TEMPORARY));
        system.runUntilIdle();
        assertThat(system.cast(target, "stop")).isEqualTo(SendStatus.ACCEPTED);
        for (int i = 0; i < count; i++)
        {
            assertThat(system.cast(target, "x")).isEqualTo(SendStatus.ACCEPTED);
        }
        system.runUntilIdle();
        return target;
    }

    private ActorSystemContext roomyContext()
    {
        return systems.context().senderSlots(16 * 1024).mailboxCapacity(16 * 1024);
    }

    @Test
    void deadLettersAreCountedAndLoggedAtMostOncePerIntervalWithTheCount()
    {
        final ActorSystem system = launch(roomyContext());
        final ActorRef first = deadLetters(system, "gone", 10_000);
        assertThat(system.stats().deadLettered()).isEqualTo(10_000);
        assertThat(messages(DEAD_LETTERS, Level.WARN)).as("never one line per dead letter").isEmpty();

        systems.advanceMillis(system, 100); // the first check
        assertThat(messages(DEAD_LETTERS, Level.WARN)).containsExactly(
            "10000 dead letter(s) since the last report (10000 in all); the last: UNDELIVERABLE to actor " +
            first.id());

        final ActorRef second = deadLetters(system, "gone too", 500);
        systems.advanceMillis(system, 100);
        systems.advanceMillis(system, 9_899);
        assertThat(messages(DEAD_LETTERS, Level.WARN)).as("within 10 s of the last line").hasSize(1);

        systems.advanceMillis(system, 1); // 10 s since the last line
        assertThat(messages(DEAD_LETTERS, Level.WARN)).containsExactly(
            "10000 dead letter(s) since the last report (10000 in all); the last: UNDELIVERABLE to actor " +
            first.id(),
            "500 dead letter(s) since the last report (10500 in all); the last: UNDELIVERABLE to actor " +
            second.id());

        systems.advanceMillis(system, 60_000);
        system.close();
        assertThat(messages(DEAD_LETTERS, Level.WARN)).as("nothing new: no more lines").hasSize(2);
        assertThat(messages(SYSTEM, Level.INFO).get(1)).contains("10500 dead letter(s)");
    }

    @Test
    void theIntervalIsConfigurableAndCloseReportsWhatIsLeft()
    {
        final ActorSystem system = launch(roomyContext().deadLetterLogIntervalNs(TimeUnit.SECONDS.toNanos(1)));
        deadLetters(system, "a", 3);
        systems.advanceMillis(system, 100);
        assertThat(messages(DEAD_LETTERS, Level.WARN)).hasSize(1);

        final ActorRef b = deadLetters(system, "b", 2);
        systems.advanceMillis(system, 999);
        assertThat(messages(DEAD_LETTERS, Level.WARN)).hasSize(1);
        systems.advanceMillis(system, 1);
        assertThat(messages(DEAD_LETTERS, Level.WARN)).hasSize(2).last().asString()
            .startsWith("2 dead letter(s) since the last report (5 in all)");

        final ActorRef c = deadLetters(system, "c", 4);
        system.close();
        assertThat(messages(DEAD_LETTERS, Level.WARN)).hasSize(3).last().isEqualTo(
            "4 dead letter(s) since the last report (9 in all); the last: UNDELIVERABLE to actor " + c.id());
        assertThat(b.id()).isNotEqualTo(c.id());
    }

    @Test
    void theDeadLetterIntervalMustBePositive()
    {
        assertThatThrownBy(() -> ActorSystem.launch(systems.context().deadLetterLogIntervalNs(0)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deadLetterLogIntervalNs");
        assertThat(new ActorSystemContext().deadLetterLogIntervalNs())
            .isEqualTo(ActorSystemConfiguration.DEAD_LETTER_LOG_INTERVAL_NS_DEFAULT)
            .isEqualTo(TimeUnit.SECONDS.toNanos(10));
    }

    private static Path copy(final Path from, final Path to) throws IOException
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

    private ActorSystem launchWithJournal(final Path dir)
    {
        return launch(systems.context().journal(new JournalContext()
            .directory(dir).segmentLength(64 * 1024).useAgentThread(false).flushPolicy(FlushPolicy.NONE)));
    }

    @Test
    void theJournalDirectoryAndARecoveryAreLoggedAtInfo() throws IOException
    {
        final ActorSystem first = launchWithJournal(tmp.resolve("a"));
        assertThat(messages(SYSTEM, Level.INFO)).containsExactly("actor system launched: 2 worker(s), INVOKER " +
            "threading, 4 shard(s), journal " + tmp.resolve("a"));
        final ActorRef target = first.spawn(ActorSpec.of(Flaky::new));
        first.runUntilIdle();
        for (int i = 0; i < 3; i++)
        {
            assertThat(first.cast(target, "m" + i)).isEqualTo(SendStatus.ACCEPTED);
        }
        final Path crashed = copy(tmp.resolve("a"), tmp.resolve("b")); // accepted, not handled

        CapturingLogProvider.capture(Level.DEBUG);
        final ActorSystem second = launchWithJournal(crashed);
        assertThat(second.recovered().count()).isEqualTo(3);
        assertThat(messages(SYSTEM, Level.INFO)).containsExactly(
            "actor system launched: 2 worker(s), INVOKER threading, 4 shard(s), journal " + crashed,
            "journal recovery: 3 message(s) to deliver again, " + second.journal().recoveryReport());
    }
}
