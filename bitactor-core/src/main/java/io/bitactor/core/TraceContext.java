package io.bitactor.core;

/**
 * An immutable W3C trace context as carried by a frame: a 128-bit trace id, the span id of the message, the span id
 * of its parent, and the trace flags (bit 0: sampled). Parses and formats the {@code traceparent} header
 * ({@code version-traceid-parentid-flags}). Instances are values, safe to share between threads.
 */
public final class TraceContext
{
    /** No trace: all fields zero, {@link #isValid()} false. */
    public static final TraceContext NONE = new TraceContext(0, 0, 0, 0, 0);

    /** The sampled bit of the flags. */
    public static final int FLAG_SAMPLED = 0x01;

    private static final int VERSION_00_LENGTH = 55;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final long traceIdHigh;
    private final long traceIdLow;
    private final long spanId;
    private final long parentSpanId;
    private final int flags;

    private TraceContext(
        final long traceIdHigh, final long traceIdLow, final long spanId, final long parentSpanId, final int flags)
    {
        this.traceIdHigh = traceIdHigh;
        this.traceIdLow = traceIdLow;
        this.spanId = spanId;
        this.parentSpanId = parentSpanId;
        this.flags = flags;
    }

    /**
     * A context from its fields.
     *
     * @param traceIdHigh  high 64 bits of the trace id.
     * @param traceIdLow   low 64 bits of the trace id.
     * @param spanId       the span id.
     * @param parentSpanId the parent span id, 0 for none.
     * @param flags        trace flags, 0 to 255.
     * @return the context.
     * @throws IllegalArgumentException if flags are out of range.
     */
    public static TraceContext of(
        final long traceIdHigh, final long traceIdLow, final long spanId, final long parentSpanId, final int flags)
    {
        if (flags < 0 || flags > 255)
        {
            throw new IllegalArgumentException("flags must be in [0, 255] but was " + flags);
        }
        return new TraceContext(traceIdHigh, traceIdLow, spanId, parentSpanId, flags);
    }

    /**
     * Parses a W3C {@code traceparent}. The parent id of the header becomes this context's {@link #spanId()} (the
     * span the next hop is a child of); {@link #parentSpanId()} is 0.
     *
     * @param traceparent the header value.
     * @return the context.
     * @throws InvalidTraceParentException naming the input and the reason when invalid.
     */
    public static TraceContext parseTraceparent(final CharSequence traceparent)
    {
        if (null == traceparent)
        {
            throw new InvalidTraceParentException("null", "input is null");
        }
        final int length = traceparent.length();
        if (length < VERSION_00_LENGTH)
        {
            throw new InvalidTraceParentException(traceparent,
                "length " + length + " is shorter than " + VERSION_00_LENGTH);
        }
        if (traceparent.charAt(2) != '-' || traceparent.charAt(35) != '-' || traceparent.charAt(52) != '-')
        {
            throw new InvalidTraceParentException(traceparent, "fields must be separated by '-' at 2, 35 and 52");
        }
        final int version = (int)parseHex(traceparent, 0, 2, "version");
        if (version == 0xFF)
        {
            throw new InvalidTraceParentException(traceparent, "version ff is forbidden");
        }
        if (version == 0 && length != VERSION_00_LENGTH)
        {
            throw new InvalidTraceParentException(traceparent,
                "version 00 must be exactly " + VERSION_00_LENGTH + " characters but was " + length);
        }
        if (version != 0 && length > VERSION_00_LENGTH && traceparent.charAt(VERSION_00_LENGTH) != '-')
        {
            throw new InvalidTraceParentException(traceparent, "data after the flags must start with '-'");
        }
        final long high = parseHex(traceparent, 3, 19, "trace id");
        final long low = parseHex(traceparent, 19, 35, "trace id");
        if (high == 0 && low == 0)
        {
            throw new InvalidTraceParentException(traceparent, "trace id is all zeros");
        }
        final long parent = parseHex(traceparent, 36, 52, "parent id");
        if (parent == 0)
        {
            throw new InvalidTraceParentException(traceparent, "parent id is all zeros");
        }
        final int flags = (int)parseHex(traceparent, 53, 55, "flags");
        return new TraceContext(high, low, parent, 0, flags);
    }

    private static long parseHex(final CharSequence s, final int from, final int to, final String field)
    {
        long value = 0;
        for (int i = from; i < to; i++)
        {
            final char c = s.charAt(i);
            final int digit;
            if (c >= '0' && c <= '9')
            {
                digit = c - '0';
            }
            else if (c >= 'a' && c <= 'f')
            {
                digit = c - 'a' + 10;
            }
            else
            {
                throw new InvalidTraceParentException(s, field + " has '" + c + "' at index " + i +
                    ": only lowercase hex digits are allowed");
            }
            value = (value << 4) | digit;
        }
        return value;
    }

    /**
     * Formats this context as a version-00 {@code traceparent}, with {@link #spanId()} as the parent id.
     *
     * @return the header value.
     */
    public String toTraceparent()
    {
        final StringBuilder sb = new StringBuilder(VERSION_00_LENGTH);
        appendTraceparent(sb);
        return sb.toString();
    }

    /**
     * Appends this context as a version-00 {@code traceparent}.
     *
     * @param sb where to append.
     */
    public void appendTraceparent(final StringBuilder sb)
    {
        sb.append("00-");
        appendHex(sb, traceIdHigh, 16);
        appendHex(sb, traceIdLow, 16);
        sb.append('-');
        appendHex(sb, spanId, 16);
        sb.append('-');
        appendHex(sb, flags, 2);
    }

    private static void appendHex(final StringBuilder sb, final long value, final int digits)
    {
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4)
        {
            sb.append(HEX[(int)(value >>> shift) & 0xF]);
        }
    }

    /**
     * @return high 64 bits of the trace id.
     */
    public long traceIdHigh()
    {
        return traceIdHigh;
    }

    /**
     * @return low 64 bits of the trace id.
     */
    public long traceIdLow()
    {
        return traceIdLow;
    }

    /**
     * @return the span id.
     */
    public long spanId()
    {
        return spanId;
    }

    /**
     * @return the parent span id, 0 for none.
     */
    public long parentSpanId()
    {
        return parentSpanId;
    }

    /**
     * @return the trace flags.
     */
    public int flags()
    {
        return flags;
    }

    /**
     * @return whether the sampled flag is set.
     */
    public boolean isSampled()
    {
        return (flags & FLAG_SAMPLED) != 0;
    }

    /**
     * @return true when the trace id and the span id are not zero.
     */
    public boolean isValid()
    {
        return (traceIdHigh != 0 || traceIdLow != 0) && spanId != 0;
    }

    /**
     * {@inheritDoc}
     */
    public boolean equals(final Object o)
    {
        if (this == o)
        {
            return true;
        }
        if (!(o instanceof TraceContext))
        {
            return false;
        }
        final TraceContext that = (TraceContext)o;
        return traceIdHigh == that.traceIdHigh && traceIdLow == that.traceIdLow && spanId == that.spanId &&
            parentSpanId == that.parentSpanId && flags == that.flags;
    }

    /**
     * {@inheritDoc}
     */
    public int hashCode()
    {
        int h = Long.hashCode(traceIdHigh);
        h = 31 * h + Long.hashCode(traceIdLow);
        h = 31 * h + Long.hashCode(spanId);
        h = 31 * h + Long.hashCode(parentSpanId);
        return 31 * h + flags;
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "TraceContext{" + toTraceparent() + ", parentSpanId=" + Long.toHexString(parentSpanId) + '}';
    }
}
