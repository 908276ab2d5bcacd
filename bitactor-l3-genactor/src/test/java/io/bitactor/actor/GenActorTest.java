package io.bitactor.actor;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GenActorTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final TestSystems systems = new TestSystems();
    private final ActorSystem system = systems.launch();

    @AfterEach
    void close()
    {
        system.close();
    }

    /** A key-value store: "put k v" cast, "get k" call. */
    static final class KeyValueStore implements ActorBehavior
    {
        private final Map<String, String> map = new HashMap<>();

        public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
        {
            final String[] parts = request.payloadAsString().split(" ");
            switch (parts[0])
            {
                case "get" -> reply.ok(map.getOrDefault(parts[1], ""));
                case "size" -> reply.ok(Integer.toString(map.size()));
                default -> throw new IllegalArgumentException("unknown request " + parts[0]);
            }
        }

        public void handleCast(final ActorContext ctx, final Message message)
        {
            final String[] parts = message.payloadAsString().split(" ");
            map.put(parts[1], parts[2]);
        }
    }

    private String call(final ActorRef target, final String request)
    {
        return new String(system.callBlocking(target, request.getBytes(StandardCharsets.UTF_8), TIMEOUT),
            StandardCharsets.UTF_8);
    }

    @Test
    void castThenCallSeesTheCastInOrder()
    {
        final ActorRef kv = system.spawn(ActorSpec.of(KeyValueStore::new).withName("kv"));
        for (int i = 0; i < 100; i++)
        {
            assertThat(system.cast(kv, "put k" + i + " v" + i)).isEqualTo(SendStatus.ACCEPTED);
        }
        assertThat(call(kv, "get k42")).isEqualTo("v42");
        assertThat(call(kv, "size")).isEqualTo("100");

        final ActorStats stats = system.stats(kv);
        assertThat(stats.accepted()).isEqualTo(102);
        assertThat(stats.handled()).isEqualTo(102);
        assertThat(system.stats().unaccounted()).isZero();
    }

    @Test
    void handlerErrorReachesTheCallerAsCallFailedException()
    {
        final ActorRef kv = system.spawn(ActorSpec.of(KeyValueStore::new));
        assertThatThrownBy(() -> call(kv, "bogus x"))
            .isInstanceOf(CallFailedException.class)
            .hasMessageContaining("IllegalArgumentException")
            .hasMessageContaining("unknown request bogus");
        system.runUntilIdle();
        assertThat(system.stats().failed()).isEqualTo(1);
        assertThat(system.stats().restarts()).isEqualTo(1);
        // The restarted actor still answers.
        assertThat(call(kv, "size")).isEqualTo("0");
    }

    @Test
    void callReturningWithoutAReplyIsReportedAsAFailure()
    {
        final ActorRef silent = system.spawn(ActorSpec.of(() -> new ActorBehavior()
        {
            public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
            {
            }

            public void handleCast(final ActorContext ctx, final Message message)
            {
            }
        }));
        assertThatThrownBy(() -> call(silent, "x"))
            .isInstanceOf(CallFailedException.class)
            .hasMessageContaining("without replying");
        assertThat(system.stats().failed()).isEqualTo(1);
    }

    @Test
    void replyingTwiceIsRefused()
    {
        final List<Throwable> seen = new ArrayList<>();
        final ActorRef twice = system.spawn(ActorSpec.of(() -> new ActorBehavior()
        {
            public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
            {
                reply.ok("one");
                try
                {
                    reply.ok("two");
                }
                catch (final IllegalStateException ex)
                {
                    seen.add(ex);
                }
            }

            public void handleCast(final ActorContext ctx, final Message message)
            {
            }
        }));
        assertThat(call(twice, "x")).isEqualTo("one");
        assertThat(seen).singleElement().asString().contains("exactly once");
    }

    @Test
    void deferredReplyIsAnsweredLaterFromAnotherCallback()
    {
        final ActorRef deferring = system.spawn(ActorSpec.of(Deferring::new));
        final CompletableFuture<byte[]> future = system.call(deferring, "q".getBytes(), TIMEOUT);
        system.runUntilIdle();
        assertThat(future).isNotDone();
        system.cast(deferring, "answer");
        system.runUntilIdle();
        assertThat(future).isCompletedWithValueMatching(b -> new String(b).equals("answer"));
    }

    @Test
    void colocatedActorsShareAShardAndAWorker()
    {
        final ActorRef first = system.spawn(ActorSpec.of(KeyValueStore::new));
        for (int i = 0; i < 20; i++)
        {
            final ActorRef next = system.spawn(ActorSpec.of(KeyValueStore::new).withColocation(first));
            assertThat(system.shardOf(next)).isEqualTo(system.shardOf(first));
        }
        final ActorRef near = system.spawn(ActorSpec.of(KeyValueStore::new).withColocation(first));
        system.cast(near, "put a b");
        assertThat(call(near, "get a")).isEqualTo("b");
    }

    @Test
    void badInputGetsAStatusAndLosesNothing()
    {
        final ActorRef kv = system.spawn(ActorSpec.of(KeyValueStore::new));
        assertThat(system.cast(new ActorRef(999_999, "ghost"), "x")).isEqualTo(SendStatus.UNKNOWN_ACTOR);
        assertThat(system.cast(kv, new byte[129])).isEqualTo(SendStatus.PAYLOAD_TOO_LARGE);
        assertThat(system.call(new ActorRef(999_999, "ghost"), new byte[1], TIMEOUT))
            .isCompletedExceptionally();
        system.runUntilIdle();
        assertThat(system.stats().accepted()).isZero();
    }

    /** Calls its peer from inside a handler, asynchronously; answers the caller when the peer answers. */
    static final class Relay implements ActorBehavior
    {
        int peer;
        final List<String> log = new ArrayList<>();

        public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
        {
            final String text = request.payloadAsString();
            if (text.startsWith("ping"))
            {
                reply.ok("pong from " + ctx.selfId());
                return;
            }
            final DeferredReply kept = reply.defer();
            final byte[] ping = "ping".getBytes();
            final long id = ctx.call(peer, new org.agrona.concurrent.UnsafeBuffer(ping), 0, ping.length,
                1_000_000_000L, new ReplyHandler()
                {
                    public void onReply(final ActorContext c, final Message answer)
                    {
                        log.add(answer.payloadAsString());
                        c.reply(kept, answer.buffer(), answer.payloadOffset(), answer.payloadLength());
                    }
                });
            assertThat(id).isPositive();
        }

        public void handleCast(final ActorContext ctx, final Message message)
        {
        }
    }

    @Test
    void actorsCallEachOtherAsynchronouslyWithoutDeadlock()
    {
        final Relay a = new Relay();
        final Relay b = new Relay();
        final ActorRef refA = system.spawn(ActorSpec.of(() -> a));
        final ActorRef refB = system.spawn(ActorSpec.of(() -> b));
        a.peer = refB.id();
        b.peer = refA.id();
        // A calls B while B calls A: with blocking calls this would deadlock a single worker.
        final CompletableFuture<byte[]> viaA = system.call(refA, "relay".getBytes(), TIMEOUT);
        final CompletableFuture<byte[]> viaB = system.call(refB, "relay".getBytes(), TIMEOUT);
        system.runUntilIdle();
        assertThat(new String(viaA.join())).isEqualTo("pong from " + refB.id());
        assertThat(new String(viaB.join())).isEqualTo("pong from " + refA.id());
    }

    @Test
    void blockingCallFromAWorkerIsRefused()
    {
        final List<Throwable> seen = new ArrayList<>();
        final ActorRef kv = system.spawn(ActorSpec.of(KeyValueStore::new));
        final ActorRef blocker = system.spawn(ActorSpec.of(() -> new ActorBehavior()
        {
            public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
            {
                reply.ok("ok");
            }

            public void handleCast(final ActorContext ctx, final Message message)
            {
                try
                {
                    ctx.system().callBlocking(kv, "size".getBytes(), TIMEOUT);
                }
                catch (final IllegalStateException ex)
                {
                    seen.add(ex);
                }
                try
                {
                    ctx.system().spawn(ActorSpec.of(KeyValueStore::new));
                }
                catch (final IllegalStateException ex)
                {
                    seen.add(ex);
                }
            }
        }));
        system.cast(blocker, "go");
        system.runUntilIdle();
        assertThat(seen).hasSize(2).allSatisfy(ex -> assertThat(ex).hasMessageContaining("worker thread"));
    }

    @Test
    void timersFireAfterTheirDelayAndCanBeCancelled()
    {
        final List<Long> fired = new ArrayList<>();
        final ActorRef timed = system.spawn(ActorSpec.of(() -> new ActorBehavior()
        {
            long cancelMe;

            public void init(final ActorContext ctx)
            {
                ctx.startTimer(5_000_000L, 5);
                ctx.startTimer(20_000_000L, 20);
                cancelMe = ctx.startTimer(10_000_000L, 10);
            }

            public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
            {
                reply.ok(Boolean.toString(ctx.cancelTimer(cancelMe)));
            }

            public void handleCast(final ActorContext ctx, final Message message)
            {
            }

            public void handleInfo(final ActorContext ctx, final Info info)
            {
                fired.add(info.tag());
            }
        }));
        system.runUntilIdle();
        assertThat(fired).isEmpty();
        systems.advanceMillis(system, 7);
        assertThat(fired).containsExactly(5L);
        assertThat(call(timed, "cancel")).isEqualTo("true");
        systems.advanceMillis(system, 30);
        assertThat(fired).containsExactly(5L, 20L);
    }

    @Test
    void unansweredActorCallTimesOutAndTheLateReplyIsCounted()
    {
        final List<Throwable> errors = new ArrayList<>();
        final ActorRef slow = system.spawn(ActorSpec.of(Deferring::new));
        final ActorRef caller = system.spawn(ActorSpec.of(() -> new ActorBehavior()
        {
            public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
            {
                reply.ok("");
            }

            public void handleCast(final ActorContext ctx, final Message message)
            {
                ctx.call(slow.id(), message.buffer(), message.payloadOffset(), message.payloadLength(),
                    10_000_000L, new ReplyHandler()
                    {
                        public void onReply(final ActorContext c, final Message reply)
                        {
                            errors.add(new AssertionError("no reply expected"));
                        }

                        public void onError(final ActorContext c, final long correlationId, final Throwable error)
                        {
                            errors.add(error);
                        }
                    });
            }
        }));
        system.cast(caller, "q");
        system.runUntilIdle();
        systems.advanceMillis(system, 20);
        assertThat(errors).singleElement().isInstanceOf(CallTimeoutException.class);
        system.cast(slow, "late");
        system.runUntilIdle();
        assertThat(system.stats().lateReplies()).isEqualTo(1);
    }

    @Test
    void plainThreadCallTimesOutByTheInjectedClockAndTheLateReplyIsCounted()
    {
        final ActorRef slow = system.spawn(ActorSpec.of(Deferring::new));
        final CompletableFuture<byte[]> call = system.call(slow, "q".getBytes(), Duration.ofMillis(10));
        system.runUntilIdle();
        systems.clock.advance(5_000_000L);
        assertThat(call).isNotDone();
        systems.clock.advance(10_000_000L);
        // The sweep runs on the system's timeout thread every timer tick: wait for it, bounded.
        assertThatThrownBy(() -> call.get(5, java.util.concurrent.TimeUnit.SECONDS))
            .hasCauseInstanceOf(CallTimeoutException.class);
        system.cast(slow, "late");
        system.runUntilIdle();
        assertThat(system.stats().lateReplies()).isEqualTo(1);
    }

    @Test
    void watcherIsToldWhenTheWatchedActorStops()
    {
        final List<Integer> terminated = new ArrayList<>();
        final ActorRef target = system.spawn(ActorSpec.of(() -> new ActorBehavior()
        {
            public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
            {
                reply.ok("bye");
                ctx.stop();
            }

            public void handleCast(final ActorContext ctx, final Message message)
            {
            }
        }).withRestart(RestartType.TRANSIENT));
        system.spawn(ActorSpec.of(() -> new ActorBehavior()
        {
            public void init(final ActorContext ctx)
            {
                ctx.watch(target);
            }

            public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
            {
            }

            public void handleCast(final ActorContext ctx, final Message message)
            {
            }

            public void handleInfo(final ActorContext ctx, final Info info)
            {
                if (info.kind() == Info.Kind.TERMINATED)
                {
                    terminated.add(info.actorId());
                }
            }
        }));
        system.runUntilIdle();
        assertThat(call(target, "stop")).isEqualTo("bye");
        system.runUntilIdle();
        assertThat(terminated).containsExactly(target.id());
        assertThat(system.isAlive(target)).isFalse();
        assertThat(system.cast(target, "x")).isEqualTo(SendStatus.UNKNOWN_ACTOR);
    }

    @Test
    void closeStopsActorsChildrenFirstAndReportsUndelivered()
    {
        final List<String> order = new ArrayList<>();
        final ActorRef parent = system.spawn(ActorSpec.of(() -> new Recorder("parent", order)
        {
            public void init(final ActorContext ctx)
            {
                ctx.spawn(ActorSpec.of(() -> new Recorder("child1", order)));
                ctx.spawn(ActorSpec.of(() -> new Recorder("child2", order)));
            }
        }));
        system.spawn(ActorSpec.of(() -> new Recorder("sibling", order)));
        system.runUntilIdle();
        system.close();
        assertThat(order).containsExactly("child2:SHUTDOWN", "child1:SHUTDOWN", "sibling:SHUTDOWN",
            "parent:SHUTDOWN");
        final ActorSystem.ShutdownReport report = system.shutdownReport();
        assertThat(report.actorsNotStopped()).isZero();
        assertThat(report.actorsStopped()).isEqualTo(5);
        assertThat(system.stats().unaccounted()).isZero();
        assertThat(system.cast(parent, "late")).isEqualTo(SendStatus.CLOSED);
    }

    @Test
    void messagesQueuedBehindAStopAreDeadLettersAndCallersAreTold()
    {
        final ActorRef stopper = system.spawn(ActorSpec.of(() -> new ActorBehavior()
        {
            public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
            {
                reply.ok("ok");
            }

            public void handleCast(final ActorContext ctx, final Message message)
            {
                ctx.stop();
            }
        }).withRestart(RestartType.TEMPORARY));
        system.runUntilIdle();
        system.cast(stopper, "stop");
        for (int i = 0; i < 5; i++)
        {
            system.cast(stopper, "behind");
        }
        final CompletableFuture<byte[]> call = system.call(stopper, "q".getBytes(), TIMEOUT);
        system.runUntilIdle();
        assertThat(call).isCompletedExceptionally();
        assertThatThrownBy(call::join).hasCauseInstanceOf(RejectedException.class);
        final ActorStats stats = system.stats();
        assertThat(stats.accepted()).isEqualTo(7);
        assertThat(stats.handled()).isEqualTo(1);
        assertThat(stats.deadLettered()).isEqualTo(6);
        assertThat(stats.unaccounted()).isZero();
    }

    /** Keeps each call open; the next cast's payload answers it. */
    static final class Deferring implements ActorBehavior
    {
        private DeferredReply kept;

        public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
        {
            kept = reply.defer();
        }

        public void handleCast(final ActorContext ctx, final Message message)
        {
            ctx.reply(kept, message.buffer(), message.payloadOffset(), message.payloadLength());
        }
    }

    static class Recorder implements ActorBehavior
    {
        private final String name;
        private final List<String> order;

        Recorder(final String name, final List<String> order)
        {
            this.name = name;
            this.order = order;
        }

        public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
        {
            reply.ok(name);
        }

        public void handleCast(final ActorContext ctx, final Message message)
        {
        }

        public void terminate(final ActorContext ctx, final StopReason reason)
        {
            order.add(name + ":" + reason);
        }
    }
}
