package io.bitactor.tracing;

/**
 * Test spans whose every field is derived from two numbers (a producer and a sequence), so a consumer can tell a
 * torn span (fields of two different writes) from a whole one.
 */
final class TestSpans
{
    private static final SpanKind[] KINDS = SpanKind.values();
    private static final SpanOutcome[] OUTCOMES = SpanOutcome.values();

    private TestSpans()
    {
    }

    /**
     * A reusable span that a producer refills before each offer, like the runtime's per-worker record.
     */
    static final class MutableSpan implements SpanRecord
    {
        private int producer;
        private long sequence;

        MutableSpan set(final int producer, final long sequence)
        {
            this.producer = producer;
            this.sequence = sequence;
            return this;
        }

        public long traceIdHigh()
        {
            return producer;
        }

        public long traceIdLow()
        {
            return sequence;
        }

        public long spanId()
        {
            return mix(producer, sequence);
        }

        public long parentSpanId()
        {
            return ~mix(producer, sequence);
        }

        public int traceFlags()
        {
            return (int)(sequence & 0xFF);
        }

        public SpanKind kind()
        {
            return KINDS[(int)(sequence % KINDS.length)];
        }

        public int actorId()
        {
            return producer * 7;
        }

        public int sourceActorId()
        {
            return (int)sequence;
        }

        public long messageId()
        {
            return mix(producer, sequence) * 31;
        }

        public long correlationId()
        {
            return sequence + producer;
        }

        public long sentEpochNs()
        {
            return sequence * 3;
        }

        public long startEpochNs()
        {
            return sequence * 3 + 1;
        }

        public long endEpochNs()
        {
            return sequence * 3 + 2;
        }

        public SpanOutcome outcome()
        {
            return OUTCOMES[(int)(sequence % OUTCOMES.length)];
        }

        public Class<? extends Throwable> errorClass()
        {
            return (sequence & 1) == 0 ? IllegalStateException.class : null;
        }

        public int retryCount()
        {
            return (int)(sequence % 5);
        }
    }

    static long mix(final int producer, final long sequence)
    {
        long x = sequence * 0x9E3779B97F4A7C15L + producer;
        x ^= x >>> 31;
        return x | 1;
    }

    /**
     * Whether every field of the span agrees with its producer and sequence (trace id high and low).
     *
     * @param span a drained span.
     * @return true for a whole span.
     */
    static boolean isConsistent(final SpanRecord span)
    {
        final int producer = (int)span.traceIdHigh();
        final long sequence = span.traceIdLow();
        final SpanData expected = SpanData.copyOf(new MutableSpan().set(producer, sequence));
        return expected.equals(SpanData.copyOf(span));
    }
}
