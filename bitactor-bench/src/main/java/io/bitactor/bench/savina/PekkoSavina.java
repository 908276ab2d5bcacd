package io.bitactor.bench.savina;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The Savina workloads on Apache Pekko Typed 1.7.0 (Java DSL), idiomatic: immutable message objects, {@code tell},
 * {@code ask} for the count. The default dispatcher (fork-join executor) with a given {@code throughput}: 5 is
 * Pekko's default, a larger value lets an actor handle more messages per turn (the usual tuning).
 */
public final class PekkoSavina extends ActorRuntimeSavina
{
    private final int throughput;
    private ActorSystem<Void> system;

    /**
     * A Pekko runtime.
     *
     * @param throughput the default dispatcher's {@code throughput} setting.
     */
    public PekkoSavina(final int throughput)
    {
        this.throughput = throughput;
    }

    /** A message carrying a number and, where a reply is due, the sender. */
    record Msg(long value, ActorRef<Msg> replyTo)
    {
    }

    /** The counting workload's query. */
    record Get(ActorRef<Long> replyTo)
    {
    }

    @Override
    public void prepare(final Workload workload) throws Exception
    {
        final Config config = ConfigFactory.parseString(
            "pekko.actor.default-dispatcher.throughput = " + throughput + "\n" +
            "pekko.loglevel = WARNING\npekko.log-dead-letters = off\npekko.stdout-loglevel = WARNING")
            .withFallback(ConfigFactory.load());
        system = ActorSystem.create(Behaviors.empty(), "savina", config);
        prepareActors(workload);
    }

    @Override
    public void close() throws Exception
    {
        if (system != null)
        {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
    }

    private <T> ActorRef<T> spawn(final Behavior<T> behavior, final String name)
    {
        return system.systemActorOf(behavior, name, Props.empty());
    }

    // ---------------------------------------------------------------------------------------------------------

    @Override
    protected void preparePingPong()
    {
        final CountDownLatch done = new CountDownLatch(1);
        final long[] pongs = new long[1];
        final ActorRef<Msg> pong = spawn(Behaviors.receive(Msg.class)
            .onMessage(Msg.class, m ->
            {
                m.replyTo().tell(new Msg(m.value(), null));
                return Behaviors.same();
            }).build(), "pong");
        final ActorRef<Msg> ping = spawn(Behaviors.setup(ctx -> Behaviors.receive(Msg.class)
            .onMessage(Msg.class, m ->
            {
                if (m.replyTo() == null)
                {
                    pongs[0]++;
                }
                if (m.value() == Workload.PING_PONGS)
                {
                    done.countDown();
                }
                else
                {
                    pong.tell(new Msg(m.value() + 1, ctx.getSelf()));
                }
                return Behaviors.same();
            }).build()), "ping");
        body = () ->
        {
            ping.tell(new Msg(0, ping));
            SavinaRuntime.await(done, "ping-pong");
            SavinaRuntime.check("pongs received", Workload.PING_PONGS, pongs[0]);
        };
    }

    @Override
    protected void prepareCounting()
    {
        final ActorRef<Object> counter = spawn(Behaviors.setup(ctx ->
        {
            final long[] count = new long[1];
            return Behaviors.receive(Object.class)
                .onMessage(Msg.class, m ->
                {
                    count[0] += m.value();
                    return Behaviors.same();
                })
                .onMessage(Get.class, g ->
                {
                    g.replyTo().tell(count[0]);
                    return Behaviors.same();
                }).build();
        }), "counter");
        final Msg one = new Msg(1, null);
        body = () ->
        {
            for (int i = 0; i < Workload.COUNT; i++)
            {
                counter.tell(one);
            }
            final long total = AskPattern.<Object, Long>ask(counter, Get::new, Duration.ofSeconds(120),
                system.scheduler()).toCompletableFuture().join();
            SavinaRuntime.check("count", Workload.COUNT, total);
        };
    }

    @Override
    protected void prepareThreadRing()
    {
        final CountDownLatch done = new CountDownLatch(1);
        @SuppressWarnings("unchecked")
        final ActorRef<Msg>[] ring = new ActorRef[Workload.RING_ACTORS];
        for (int i = ring.length - 1; i >= 0; i--)
        {
            final int index = i;
            ring[i] = spawn(Behaviors.receive(Msg.class)
                .onMessage(Msg.class, m ->
                {
                    if (m.value() == 0)
                    {
                        done.countDown();
                    }
                    else
                    {
                        ring[(index + 1) % ring.length].tell(new Msg(m.value() - 1, null));
                    }
                    return Behaviors.same();
                }).build(), "ring-" + i);
        }
        body = () ->
        {
            ring[0].tell(new Msg(Workload.RING_HOPS, null));
            SavinaRuntime.await(done, "thread ring");
        };
    }

    @Override
    protected void prepareForkJoin()
    {
        final CountDownLatch done = new CountDownLatch(Workload.FJ_ACTORS);
        final long[] counts = new long[Workload.FJ_ACTORS];
        @SuppressWarnings("unchecked")
        final ActorRef<Msg>[] actors = new ActorRef[Workload.FJ_ACTORS];
        for (int i = 0; i < actors.length; i++)
        {
            final int index = i;
            final double[] sum = new double[1];
            actors[i] = spawn(Behaviors.receive(Msg.class)
                .onMessage(Msg.class, m ->
                {
                    sum[0] += Workload.work((int)m.value());
                    if (++counts[index] == Workload.FJ_MESSAGES)
                    {
                        done.countDown();
                    }
                    return Behaviors.same();
                }).build(), "fj-" + i);
        }
        body = () ->
        {
            for (int m = 0; m < Workload.FJ_MESSAGES; m++)
            {
                final Msg msg = new Msg(m, null);
                for (final ActorRef<Msg> actor : actors)
                {
                    actor.tell(msg);
                }
            }
            SavinaRuntime.await(done, "fork-join");
            for (final long c : counts)
            {
                SavinaRuntime.check("fork-join messages per actor", Workload.FJ_MESSAGES, c);
            }
        };
    }

    @Override
    protected void prepareSharded()
    {
        final AtomicLongArray counts = new AtomicLongArray(Workload.SHARDED_ACTORS);
        @SuppressWarnings("unchecked")
        final ActorRef<Msg>[] actors = new ActorRef[Workload.SHARDED_ACTORS];
        for (int i = 0; i < actors.length; i++)
        {
            final int index = i;
            actors[i] = spawn(Behaviors.receive(Msg.class)
                .onMessage(Msg.class, m ->
                {
                    counts.lazySet(index, counts.get(index) + 1);
                    return Behaviors.same();
                }).build(), "shard-actor-" + i);
        }
        body = () ->
        {
            long before = 0;
            for (int i = 0; i < counts.length(); i++)
            {
                before += counts.get(i);
            }
            final int perProducer = Workload.SHARDED_MESSAGES / Workload.SHARDED_PRODUCERS;
            SavinaRuntime.produce(Workload.SHARDED_PRODUCERS, p ->
            {
                final SplittableRandom random = new SplittableRandom(1234L + p);
                for (int m = 0; m < perProducer; m++)
                {
                    actors[random.nextInt(actors.length)].tell(new Msg(m, null));
                }
            });
            SavinaRuntime.awaitTotal(counts, before + (long)perProducer * Workload.SHARDED_PRODUCERS);
        };
    }
}
