package io.bitactor.tracing;

import io.bitactor.tracing.internal.ClaimingSpanSink;
import io.bitactor.tracing.internal.MutableSpanRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Single-threaded behaviour of {@link RingBufferSpanSink}: capacity validation, order, dropping when full, wrap
 * around, drain limits and the counters.
 */
class RingBufferSpanSinkTest
{
    @Test
    void rejectsCapacityThatIsNotAPositivePowerOfTwo()
    {
        assertThatThrownBy(() -> new RingBufferSpanSink(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RingBufferSpanSink(-4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RingBufferSpanSink(6)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new RingBufferSpanSink(1).capacity()).isEqualTo(1);
        assertThat(new RingBufferSpanSink(8).capacity()).isEqualTo(8);
    }

    @Test
    void copiesEveryFieldAndDrainsInOrder()
    {
        final RingBufferSpanSink sink = new RingBufferSpanSink(4);
        final TestSpans.MutableSpan span = new TestSpans.MutableSpan();
        sink.onSpan(span.set(1, 10));
        sink.onSpan(span.set(2, 11));
        assertThat(sink.size()).isEqualTo(2);

        final List<SpanData> drained = sink.drainToList();

        assertThat(drained).containsExactly(
            SpanData.copyOf(new TestSpans.MutableSpan().set(1, 10)),
            SpanData.copyOf(new TestSpans.MutableSpan().set(2, 11)));
        assertThat(drained.get(0).errorClass()).isEqualTo(IllegalStateException.class);
        assertThat(sink.size()).isZero();
        assertThat(sink.recordedSpans()).isEqualTo(2);
        assertThat(sink.droppedSpans()).isZero();
    }

    @Test
    void dropsAndCountsWhenFullThenAcceptsAgainAfterDrainAcrossWrapAround()
    {
        final RingBufferSpanSink sink = new RingBufferSpanSink(2);
        final TestSpans.MutableSpan span = new TestSpans.MutableSpan();
        for (long n = 1; n <= 5; n++)
        {
            sink.onSpan(span.set(0, n));
        }
        assertThat(sink.recordedSpans()).isEqualTo(2);
        assertThat(sink.droppedSpans()).isEqualTo(3);
        assertThat(sink.size()).isEqualTo(2);
        assertThat(sink.drainToList()).extracting(SpanData::traceIdLow).containsExactly(1L, 2L);

        for (long n = 6; n <= 8; n++)
        {
            sink.onSpan(span.set(0, n));
        }
        assertThat(sink.drainToList()).extracting(SpanData::traceIdLow).containsExactly(6L, 7L);
        assertThat(sink.recordedSpans()).isEqualTo(4);
        assertThat(sink.droppedSpans()).isEqualTo(4);
    }

    @Test
    void drainHonoursTheLimitAndReturnsTheCount()
    {
        final RingBufferSpanSink sink = new RingBufferSpanSink(8);
        final TestSpans.MutableSpan span = new TestSpans.MutableSpan();
        for (long n = 1; n <= 5; n++)
        {
            sink.onSpan(span.set(3, n));
        }
        final List<Long> seen = new ArrayList<>();

        assertThat(sink.drain(s -> seen.add(s.traceIdLow()), 3)).isEqualTo(3);
        assertThat(seen).containsExactly(1L, 2L, 3L);
        assertThat(sink.drain(s -> seen.add(s.traceIdLow()))).isEqualTo(2);
        assertThat(sink.drain(s -> seen.add(s.traceIdLow()))).isZero();
        assertThat(seen).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void aThrowingConsumerStillFreesTheSpanItWasGiven()
    {
        final RingBufferSpanSink sink = new RingBufferSpanSink(2);
        final TestSpans.MutableSpan span = new TestSpans.MutableSpan();
        sink.onSpan(span.set(0, 1));
        sink.onSpan(span.set(0, 2));

        assertThatThrownBy(() -> sink.drain(s ->
        {
            throw new IllegalStateException("consumer");
        })).isInstanceOf(IllegalStateException.class);

        assertThat(sink.size()).isEqualTo(1);
        assertThat(sink.drainToList()).extracting(SpanData::traceIdLow).containsExactly(2L);
        sink.onSpan(span.set(0, 3));
        sink.onSpan(span.set(0, 4));
        assertThat(sink.droppedSpans()).isZero();
    }

    @Test
    void aClaimedSpanIsDrainedOnlyOncePublishedAndAFullRingRefusesTheClaim()
    {
        final RingBufferSpanSink sink = new RingBufferSpanSink(2);
        final MutableSpanRecord first = sink.claimSpan();
        assertThat(first).isNotNull();
        first.copyFrom(new TestSpans.MutableSpan().set(0, 1));
        sink.onSpan(new TestSpans.MutableSpan().set(0, 2));

        // Claimed, not published: the drain stops there, even with a published span behind it.
        assertThat(sink.drainToList()).isEmpty();
        assertThat(sink.claimSpan()).isNull();
        assertThat(sink.droppedSpans()).isEqualTo(1);

        sink.publishSpan(first);
        assertThat(sink.drainToList()).extracting(SpanData::traceIdLow).containsExactly(1L, 2L);
        assertThat(sink.recordedSpans()).isEqualTo(2);

        // Across the wrap-around the claimed slot publishes its own index.
        final MutableSpanRecord third = sink.claimSpan();
        third.copyFrom(new TestSpans.MutableSpan().set(0, 3));
        sink.publishSpan(third);
        assertThat(sink.drainToList()).extracting(SpanData::traceIdLow).containsExactly(3L);
    }

    @Test
    void aProducerLaneKeepsItsOrderDropsWhenFullAndIsLetGoOnceRetiredAndDrained()
    {
        final RingBufferSpanSink sink = new RingBufferSpanSink(2);
        final ClaimingSpanSink lane = sink.producerLane();
        final ClaimingSpanSink other = sink.producerLane();
        assertThat(sink.laneCount()).isEqualTo(2);
        assertThat(lane.producerLane()).isSameAs(lane);

        final MutableSpanRecord first = lane.claimSpan();
        first.copyFrom(new TestSpans.MutableSpan().set(1, 1));
        assertThat(sink.drainToList()).as("claimed, not published").isEmpty();
        assertThatThrownBy(() -> lane.publishSpan(other.claimSpan())).isInstanceOf(IllegalStateException.class);
        lane.publishSpan(first);
        lane.onSpan(new TestSpans.MutableSpan().set(1, 2));
        lane.onSpan(new TestSpans.MutableSpan().set(1, 3)); // a lane of two: dropped
        assertThat(lane.claimSpan()).isNull();
        sink.onSpan(new TestSpans.MutableSpan().set(0, 7)); // the shared ring has room of its own
        assertThat(lane.droppedSpans()).isEqualTo(2);
        assertThat(sink.droppedSpans()).isEqualTo(2);
        assertThat(sink.recordedSpans()).isEqualTo(3);
        assertThat(sink.size()).isEqualTo(3);

        // The shared ring first, then the lane in its own order; the records were filled in place.
        assertThat(sink.drainToList()).extracting(SpanData::traceIdLow).containsExactly(7L, 1L, 2L);
        assertThat(sink.size()).isZero();

        lane.onSpan(new TestSpans.MutableSpan().set(1, 4)); // across the wrap-around
        lane.retireLane();
        assertThat(sink.drain(span -> { }, 0)).isZero();
        assertThat(sink.laneCount()).as("retired, not drained yet").isEqualTo(2);
        assertThat(sink.drainToList()).extracting(SpanData::traceIdLow).containsExactly(4L);
        assertThat(sink.laneCount()).isEqualTo(1);
        assertThat(sink.recordedSpans()).as("a dropped lane's counts stay").isEqualTo(4);
        assertThat(sink.droppedSpans()).isEqualTo(2);
    }
}
