package io.bitactor.tracing;

import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Linearizability (Lincheck) of {@link RingBufferSpanSink} with one producer and one consumer running concurrently
 * (each confined by a {@code nonParallelGroup}) on a ring of two slots: offers, drops when full (a dropped span never
 * comes out) and single-span drains must match the sink run one operation at a time. With several concurrent
 * producers a drain may stop at a claimed, unpublished slot (see {@link RingBufferSpanSinkLincheckTest}).
 * <p>
 * The counters are left out on purpose: they are statistics, not linearizable with the contents while a consumer
 * runs. {@link RingBufferSpanSink#recordedSpans()} counts a span when its slot is claimed, before it is published,
 * and {@link RingBufferSpanSink#droppedSpans()} counts a drop just after the producer found the ring full, so a
 * concurrent drain can free a slot in between (Lincheck finds both interleavings). They are checked against the
 * contents by {@link RingBufferSpanSinkLincheckTest} (no concurrent consumer) and the stress test (at quiescence).
 * <p>
 * {@link Lane} is the same scenario with the producer writing into a {@link RingBufferSpanSink#producerLane()} of
 * two records instead of the shared ring (no CAS: a plain claim and a release store of the producer index).
 */
@Param(name = "value", gen = IntGen.class, conf = "1:6")
public class RingBufferSpanSinkSpscLincheckTest
{
    private final RingBufferSpanSink sink = new RingBufferSpanSink(2);
    private final TestSpans.MutableSpan span = new TestSpans.MutableSpan();

    /**
     * The producer offers a span whose fields derive from {@code value}.
     *
     * @param value the span's value.
     */
    @Operation(nonParallelGroup = "producer")
    public void onSpan(@Param(name = "value") final int value)
    {
        sink.onSpan(span.set(value, value));
    }

    /**
     * The consumer drains at most one span.
     *
     * @return the span's value, 0 if none was published, -1 for a torn span.
     */
    @Operation(nonParallelGroup = "consumer")
    public long poll()
    {
        final long[] value = new long[1];
        sink.drain(s -> value[0] = TestSpans.isConsistent(s) ? s.traceIdLow() : -1L, 1);
        return value[0];
    }

    /** The same producer and consumer, the producer writing into a lane of its own. */
    @Param(name = "value", gen = IntGen.class, conf = "1:6")
    public static class Lane
    {
        private final RingBufferSpanSink sink = new RingBufferSpanSink(2);
        private final SpanSink lane = sink.producerLane();
        private final TestSpans.MutableSpan span = new TestSpans.MutableSpan();

        /**
         * The producer offers a span whose fields derive from {@code value}, into its lane.
         *
         * @param value the span's value.
         */
        @Operation(nonParallelGroup = "producer")
        public void onSpan(@Param(name = "value") final int value)
        {
            lane.onSpan(span.set(value, value));
        }

        /**
         * The consumer drains at most one span.
         *
         * @return the span's value, 0 if none was published, -1 for a torn span.
         */
        @Operation(nonParallelGroup = "consumer")
        public long poll()
        {
            final long[] value = new long[1];
            sink.drain(s -> value[0] = TestSpans.isConsistent(s) ? s.traceIdLow() : -1L, 1);
            return value[0];
        }
    }

    @Test
    @Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void modelCheckingTest()
    {
        for (final Class<?> scenario : new Class<?>[] { getClass(), Lane.class })
        {
            new ModelCheckingOptions()
                .threads(3)
                .actorsPerThread(3)
                .actorsBefore(2)
                .actorsAfter(2)
                .iterations(40)
                .invocationsPerIteration(1_000)
                .check(scenario);
        }
    }

    @Test
    @Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void stressTest()
    {
        for (final Class<?> scenario : new Class<?>[] { getClass(), Lane.class })
        {
            new StressOptions()
                .threads(3)
                .actorsPerThread(3)
                .actorsBefore(2)
                .actorsAfter(2)
                .iterations(40)
                .invocationsPerIteration(2_000)
                .check(scenario);
        }
    }
}
