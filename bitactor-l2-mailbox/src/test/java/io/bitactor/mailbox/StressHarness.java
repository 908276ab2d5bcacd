package io.bitactor.mailbox;

import io.bitactor.core.MessageType;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs producers, consumers and (optionally) a ring changer against a router and returns what the checker saw.
 */
final class StressHarness
{
    record Result(long sent, long delivered, long violations, long incompletePairs, List<String> firstViolations,
        int ringChanges, long deadLetters)
    {
    }

    interface RingChanger
    {
        /** Makes one ring change; returns false when it has nothing more to do. */
        boolean change(Router router, int step);
    }

    private StressHarness()
    {
    }

    private static boolean quiescent(final Router router)
    {
        for (final Mailbox m : router.mailboxes())
        {
            final MailboxCounters c = m.counters();
            if (c.depth() != 0 || c.held() != 0)
            {
                return false;
            }
        }
        return true;
    }

    static Result run(
        final MailboxContext ctx,
        final int producers,
        final int consumers,
        final int actors,
        final long messagesPerProducer,
        final RingChanger ringChanger) throws InterruptedException
    {
        final DeliveryChecker checker = new DeliveryChecker(producers, actors);
        final long[][] sent = new long[producers][actors];
        final AtomicBoolean producing = new AtomicBoolean(true);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final int[] ringChanges = new int[1];

        try (Router router = Router.launch(ctx))
        {
            final CountDownLatch producersDone = new CountDownLatch(producers);
            final Thread[] threads = new Thread[producers + consumers + 1];
            for (int p = 0; p < producers; p++)
            {
                final int producer = p;
                threads[p] = new Thread(() ->
                {
                    try (Sender sender = router.newSender(0))
                    {
                        final UnsafeBuffer payload = new UnsafeBuffer(new byte[DeliveryChecker.PAYLOAD_LENGTH]);
                        final SplittableRandom random = new SplittableRandom(producer * 31L + 7);
                        final long[] seqs = sent[producer];
                        for (long i = 0; i < messagesPerProducer; i++)
                        {
                            final int actor = random.nextInt(actors);
                            final long seq = seqs[actor] + 1;
                            DeliveryChecker.encode(payload, producer, actor, seq);
                            OfferStatus status;
                            while ((status = sender.send(actor, MessageType.CAST, payload, 0,
                                DeliveryChecker.PAYLOAD_LENGTH)).isBackPressure())
                            {
                                if (failure.get() != null)
                                {
                                    return;
                                }
                                Thread.yield();
                            }
                            if (status != OfferStatus.ACCEPTED)
                            {
                                throw new IllegalStateException("send failed: " + status);
                            }
                            seqs[actor] = seq;
                        }
                    }
                    catch (final Throwable t)
                    {
                        failure.compareAndSet(null, t);
                    }
                    finally
                    {
                        producersDone.countDown();
                    }
                }, "producer-" + p);
            }

            for (int c = 0; c < consumers; c++)
            {
                final int consumer = c;
                threads[producers + c] = new Thread(() ->
                {
                    try
                    {
                        boolean finalPass = false;
                        while (true)
                        {
                            int work = 0;
                            final List<Mailbox> mailboxes = router.mailboxes();
                            for (int i = 0, n = mailboxes.size(); i < n; i++)
                            {
                                final Mailbox m = mailboxes.get(i);
                                if (m.shardId() % consumers == consumer)
                                {
                                    work += m.drain(checker, 256);
                                }
                            }
                            if (work == 0)
                            {
                                if (!producing.get() && finalPass)
                                {
                                    break;
                                }
                                finalPass = !producing.get();
                                Thread.yield();
                            }
                        }
                    }
                    catch (final Throwable t)
                    {
                        failure.compareAndSet(null, t);
                    }
                }, "consumer-" + c);
            }

            threads[producers + consumers] = new Thread(() ->
            {
                try
                {
                    int step = 0;
                    while (ringChanger != null && producersDone.getCount() > 0 && ringChanger.change(router, step++))
                    {
                        ringChanges[0]++;
                    }
                }
                catch (final Throwable t)
                {
                    failure.compareAndSet(null, t);
                }
            }, "ring-changer");

            for (final Thread t : threads)
            {
                t.start();
            }
            final long producersDeadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (!producersDone.await(10, TimeUnit.MILLISECONDS))
            {
                if (failure.get() != null || System.nanoTime() - producersDeadline > 0)
                {
                    producing.set(false);
                    throw new AssertionError("producers did not finish", failure.get());
                }
            }
            threads[producers + consumers].join();
            // Wait for the delivered count to stop growing at the sent total (or for consumers to go idle).
            final long total = producers * messagesPerProducer;
            final long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            long lastDelivered = -1;
            while (checker.delivered() < total && System.nanoTime() < deadline && failure.get() == null)
            {
                // Stop early when nothing is queued or held anywhere and the count stands still: whatever is
                // missing by then is lost, which the caller's assertions report.
                final long now = checker.delivered();
                if (now == lastDelivered && quiescent(router))
                {
                    break;
                }
                lastDelivered = now;
                Thread.sleep(10);
            }
            producing.set(false);
            for (int i = producers; i < threads.length; i++)
            {
                threads[i].join(TimeUnit.MINUTES.toMillis(1));
            }
            if (failure.get() != null)
            {
                throw new AssertionError("a stress thread failed", failure.get());
            }
            long deadLetters = 0;
            for (final DeadLetterReason reason : DeadLetterReason.values())
            {
                deadLetters += router.deadLetterCount(reason);
            }
            return new Result(total, checker.delivered(), checker.violations(), checker.incompletePairs(sent),
                checker.firstViolations(), ringChanges[0], deadLetters);
        }
    }
}
