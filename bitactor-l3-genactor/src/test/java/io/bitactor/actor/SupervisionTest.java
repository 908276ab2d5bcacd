package io.bitactor.actor;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SupervisionTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final TestSystems systems = new TestSystems();
    private ActorSystem system = systems.launch();

    @AfterEach
    void close()
    {
        system.close();
    }

    /**
     * Counts casts in its state; "fail" throws; "stop" stops; a call answers "name:incarnation:count". Every
     * init is logged, so a restart is visible.
     */
    static final class Worker implements ActorBehavior
    {
        private final String name;
        private final List<String> log;
        private final int incarnation;
        private int count;

        Worker(final String name, final List<String> log, final AtomicInteger incarnations)
        {
            this.name = name;
            this.log = log;
            this.incarnation = incarnations.incrementAndGet();
        }

        public void init(final ActorContext ctx)
        {
            log.add("init " + name + " " + incarnation);
        }

        public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
        {
            if (request.payloadAsString().equals("fail"))
            {
                throw new IllegalStateException("boom in " + name);
            }
            reply.ok(name + ":" + incarnation + ":" + count);
        }

        public void handleCast(final ActorContext ctx, final Message message)
        {
            switch (message.payloadAsString())
            {
                case "fail" -> throw new IllegalStateException("boom in " + name);
                case "stop" -> ctx.stop();
                default -> count++;
            }
        }
    }

    private final List<String> log = new ArrayList<>();

    private ActorSpec worker(final String name, final AtomicInteger incarnations)
    {
        return ActorSpec.of(() -> new Worker(name, log, incarnations)).withName(name);
    }

    private String call(final ActorRef target, final String request)
    {
        return new String(system.callBlocking(target, request.getBytes(), TIMEOUT));
    }

    /** A supervisor that spawns the given children in init and exposes their refs. */
    static final class Supervisor implements ActorBehavior
    {
        private final List<ActorSpec> specs;
        final List<ActorRef> children = new ArrayList<>();

        Supervisor(final List<ActorSpec> specs)
        {
            this.specs = specs;
        }

        public void init(final ActorContext ctx)
        {
            children.clear();
            for (final ActorSpec spec : specs)
            {
                children.add(ctx.spawn(spec));
            }
        }

        public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
        {
            reply.ok("supervisor");
        }

        public void handleCast(final ActorContext ctx, final Message message)
        {
        }
    }

    private Supervisor supervise(final SupervisorStrategy strategy, final ActorSpec... children)
    {
        final Supervisor supervisor = new Supervisor(List.of(children));
        system.spawn(ActorSpec.of(() -> supervisor).withName("sup").withSupervisorStrategy(strategy));
        system.runUntilIdle();
        return supervisor;
    }

    @Test
    void oneForOneRestartsOnlyTheFailedChildWithFreshStateAndKeepsItsQueue()
    {
        final AtomicInteger a = new AtomicInteger();
        final AtomicInteger b = new AtomicInteger();
        final Supervisor sup = supervise(SupervisorStrategy.oneForOne(), worker("a", a), worker("b", b));
        final ActorRef childA = sup.children.get(0);
        final ActorRef childB = sup.children.get(1);
        system.cast(childA, "inc");
        system.cast(childB, "inc");
        // The failing call is reported to its caller; the casts queued behind it go to the new incarnation.
        final CompletableFuture<byte[]> failing = system.call(childA, "fail".getBytes(), TIMEOUT);
        system.cast(childA, "inc");
        system.cast(childA, "inc");
        system.runUntilIdle();

        assertThatThrownBy(failing::join).hasCauseInstanceOf(CallFailedException.class)
            .hasMessageContaining("boom in a");
        assertThat(call(childA, "get")).isEqualTo("a:2:2");
        assertThat(call(childB, "get")).isEqualTo("b:1:1");
        assertThat(system.stats(childA).restarts()).isEqualTo(1);
        assertThat(log).containsExactly("init a 1", "init b 1", "init a 2");
    }

    @Test
    void oneForAllRestartsEverySibling()
    {
        final AtomicInteger a = new AtomicInteger();
        final AtomicInteger b = new AtomicInteger();
        final Supervisor sup = supervise(SupervisorStrategy.oneForAll(), worker("a", a), worker("b", b));
        system.cast(sup.children.get(1), "inc");
        system.cast(sup.children.get(0), "fail");
        system.runUntilIdle();
        assertThat(call(sup.children.get(0), "get")).isEqualTo("a:2:0");
        assertThat(call(sup.children.get(1), "get")).isEqualTo("b:2:0");
    }

    @Test
    void restForOneRestartsTheFailedChildAndThoseStartedAfterIt()
    {
        final AtomicInteger a = new AtomicInteger();
        final AtomicInteger b = new AtomicInteger();
        final AtomicInteger c = new AtomicInteger();
        final Supervisor sup = supervise(SupervisorStrategy.restForOne(), worker("a", a), worker("b", b),
            worker("c", c));
        system.cast(sup.children.get(1), "fail");
        system.runUntilIdle();
        assertThat(call(sup.children.get(0), "get")).isEqualTo("a:1:0");
        assertThat(call(sup.children.get(1), "get")).isEqualTo("b:2:0");
        assertThat(call(sup.children.get(2), "get")).isEqualTo("c:2:0");
    }

    @Test
    void restartTypesDecideWhatHappensAfterAStopOrAFailure()
    {
        final AtomicInteger p = new AtomicInteger();
        final AtomicInteger t = new AtomicInteger();
        final AtomicInteger tmp = new AtomicInteger();
        final Supervisor sup = supervise(SupervisorStrategy.oneForOne(),
            worker("permanent", p).withRestart(RestartType.PERMANENT),
            worker("transient", t).withRestart(RestartType.TRANSIENT),
            worker("temporary", tmp).withRestart(RestartType.TEMPORARY));
        final ActorRef permanent = sup.children.get(0);
        final ActorRef transientChild = sup.children.get(1);
        final ActorRef temporary = sup.children.get(2);

        system.cast(permanent, "stop");
        system.cast(transientChild, "fail");
        system.cast(temporary, "fail");
        system.runUntilIdle();
        assertThat(call(permanent, "get")).isEqualTo("permanent:2:0");
        assertThat(call(transientChild, "get")).isEqualTo("transient:2:0");
        assertThat(system.isAlive(temporary)).isFalse();

        system.cast(transientChild, "stop");
        system.runUntilIdle();
        assertThat(system.isAlive(transientChild)).isFalse();
    }

    @Test
    void restartIntensityExceededEscalatesToTheRootWhichStopsTheSystemWithTheCause()
    {
        final AtomicInteger a = new AtomicInteger();
        final Supervisor sup = supervise(SupervisorStrategy.oneForOne().withLimit(2, Duration.ofSeconds(1)),
            worker("a", a));
        system.close();
        system = ActorSystem.launch(systems.context()
            .rootStrategy(SupervisorStrategy.oneForOne().withLimit(0, Duration.ofSeconds(1))));
        final Supervisor sup2 = supervise(SupervisorStrategy.oneForOne().withLimit(2, Duration.ofSeconds(1)),
            worker("a", a));
        final ActorRef child = sup2.children.get(0);
        system.cast(child, "fail");
        system.runUntilIdle();
        system.cast(child, "fail");
        system.runUntilIdle();
        assertThat(system.terminationCause()).isNull();
        system.cast(child, "fail");
        system.runUntilIdle();

        // The root (limit 0) gave up on 'sup', which gave up on 'a' after 2 restarts: the chain tells it all.
        assertThat(system.terminationCause()).isInstanceOf(SupervisorEscalationException.class)
            .hasMessageContaining("'root'");
        assertThat(system.terminationCause().getCause()).isInstanceOf(SupervisorEscalationException.class)
            .hasMessageContaining("'sup'").hasMessageContaining("2 restarts");
        assertThat(system.terminationCause().getCause().getCause()).hasMessage("boom in a");
        assertThat(system.whenTerminated()).isCompleted();
        assertThat(sup.children).hasSize(1);
    }

    @Test
    void restartsOutsideTheWindowDoNotEscalate()
    {
        final AtomicInteger a = new AtomicInteger();
        final Supervisor sup = supervise(SupervisorStrategy.oneForOne().withLimit(1, Duration.ofMillis(100)),
            worker("a", a));
        final ActorRef child = sup.children.get(0);
        for (int i = 0; i < 5; i++)
        {
            system.cast(child, "fail");
            systems.advanceMillis(system, 150);
        }
        assertThat(system.terminationCause()).isNull();
        assertThat(call(child, "get")).isEqualTo("a:6:0");
    }

    @Test
    void restartWithBackoffWaitsAndKeepsMessagesQueued()
    {
        final AtomicInteger a = new AtomicInteger();
        final Supervisor sup = supervise(SupervisorStrategy.oneForOne()
            .withBackoff(Duration.ofMillis(10), Duration.ofMillis(40), 0.0), worker("a", a));
        final ActorRef child = sup.children.get(0);
        system.cast(child, "fail");
        system.cast(child, "inc");
        system.runUntilIdle();
        assertThat(a.get()).isEqualTo(1);
        systems.advanceMillis(system, 5);
        assertThat(a.get()).isEqualTo(1);
        systems.advanceMillis(system, 10);
        assertThat(a.get()).isEqualTo(2);
        assertThat(call(child, "get")).isEqualTo("a:2:1");

        // Consecutive restarts double the delay: 20 ms for the second.
        system.cast(child, "fail");
        system.runUntilIdle();
        systems.advanceMillis(system, 15);
        assertThat(a.get()).isEqualTo(2);
        systems.advanceMillis(system, 10);
        assertThat(a.get()).isEqualTo(3);
    }

    @Test
    void aStopWhileReplayingTheStashDeadLettersOnlyWhatIsLeft()
    {
        final AtomicInteger t = new AtomicInteger();
        final Supervisor sup = supervise(SupervisorStrategy.oneForOne(),
            worker("t", t).withRestart(RestartType.TRANSIENT));
        final ActorRef child = sup.children.get(0);
        // Everything behind "fail" is stashed while the child waits for its restart, then replayed: "inc" is
        // handled, "stop" is handled and stops it for good, the two after it become dead letters.
        for (final String message : new String[] {"fail", "inc", "stop", "inc", "inc"})
        {
            system.cast(child, message);
        }
        system.runUntilIdle();
        assertThat(system.isAlive(child)).isFalse();
        final ActorStats stats = system.stats();
        assertThat(stats.accepted()).isEqualTo(5);
        assertThat(stats.failed()).isEqualTo(1);
        assertThat(stats.handled()).isEqualTo(2);
        assertThat(stats.deadLettered()).isEqualTo(2);
        assertThat(stats.unaccounted()).isZero();
    }

    @Test
    void aThrowingInitIsAFailureTooAndTheWorkerKeepsRunning()
    {
        final AtomicInteger attempts = new AtomicInteger();
        final ActorRef flaky = system.spawn(ActorSpec.of(() -> new ActorBehavior()
        {
            public void init(final ActorContext ctx)
            {
                if (attempts.incrementAndGet() < 3)
                {
                    throw new IllegalStateException("init failed");
                }
            }

            public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
            {
                reply.ok("up after " + attempts.get());
            }

            public void handleCast(final ActorContext ctx, final Message message)
            {
            }
        }));
        system.runUntilIdle();
        assertThat(call(flaky, "x")).isEqualTo("up after 3");
    }
}
