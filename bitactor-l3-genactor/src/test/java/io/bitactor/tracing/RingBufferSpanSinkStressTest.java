package io.bitactor.tracing;

import io.bitactor.tracing.internal.ClaimingSpanSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many producers and one concurrent consumer on a small ring: every offered span is either recorded or dropped
 * (exactly), every recorded span is drained exactly once and whole (no field from another write), and each
 * producer's spans come out in the order it offered them. Half the producers share the ring; the other half each
 * take a {@link RingBufferSpanSink#producerLane()} while the consumer drains, and retire it when done, so the
 * drained lanes are dropped and their counts kept.
 */
class RingBufferSpanSinkStressTest
{
    private static final int PRODUCERS = 4;
    private static final int SPANS_PER_PRODUCER = 1_000_000;

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void producersAndConcurrentConsumerAccountForEverySpan() throws Exception
    {
        final RingBufferSpanSink sink = new RingBufferSpanSink(1024);
        final CountDownLatch start = new CountDownLatch(1);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread[] producers = new Thread[PRODUCERS];
        for (int p = 0; p < PRODUCERS; p++)
        {
            final int producer = p;
            producers[p] = new Thread(() ->
            {
                final TestSpans.MutableSpan span = new TestSpans.MutableSpan();
                try
                {
                    start.await();
                    final SpanSink target = producer % 2 == 0 ? sink : sink.producerLane();
                    for (long n = 1; n <= SPANS_PER_PRODUCER; n++)
                    {
                        target.onSpan(span.set(producer, n));
                    }
                    if (target != sink)
                    {
                        ((ClaimingSpanSink)target).retireLane();
                    }
                }
                catch (final Throwable ex)
                {
                    failure.compareAndSet(null, ex);
                }
            }, "producer-" + p);
            producers[p].start();
        }

        final long[] lastSequence = new long[PRODUCERS];
        final long[] drainedPerProducer = new long[PRODUCERS];
        final long[] torn = new long[1];
        final long[] reordered = new long[1];
        final AtomicBoolean producing = new AtomicBoolean(true);
        long drained = 0;
        start.countDown();
        final Thread watcher = new Thread(() ->
        {
            for (final Thread producer : producers)
            {
                try
                {
                    producer.join();
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            producing.set(false);
        });
        watcher.start();
        while (true)
        {
            final boolean finished = !producing.get();
            final int n = sink.drain(span ->
            {
                if (!TestSpans.isConsistent(span))
                {
                    torn[0]++;
                    return;
                }
                final int producer = (int)span.traceIdHigh();
                if (span.traceIdLow() <= lastSequence[producer])
                {
                    reordered[0]++;
                }
                lastSequence[producer] = span.traceIdLow();
                drainedPerProducer[producer]++;
            });
            drained += n;
            if (finished && n == 0)
            {
                break;
            }
            if (n == 0)
            {
                Thread.onSpinWait();
            }
        }
        watcher.join();

        assertThat(failure.get()).isNull();
        assertThat(torn[0]).as("torn spans").isZero();
        assertThat(reordered[0]).as("spans out of producer order").isZero();
        assertThat(sink.recordedSpans() + sink.droppedSpans()).isEqualTo((long)PRODUCERS * SPANS_PER_PRODUCER);
        assertThat(drained).isEqualTo(sink.recordedSpans());
        long sum = 0;
        for (final long perProducer : drainedPerProducer)
        {
            sum += perProducer;
        }
        assertThat(sum).isEqualTo(drained);
        assertThat(sink.size()).isZero();
        // Every lane was retired and drained: a further drain drops them, and the counts stay.
        final long recorded = sink.recordedSpans();
        final long dropped = sink.droppedSpans();
        assertThat(sink.drain(span -> { })).isZero();
        assertThat(sink.toString()).isNotNull();
        assertThat(sink.recordedSpans()).isEqualTo(recorded);
        assertThat(sink.droppedSpans()).isEqualTo(dropped);
        // The consumer ran concurrently: most spans must have been recorded, not dropped, or it never overlapped.
        assertThat(drained).isPositive();
    }
}
