package io.bitactor.mailbox;

import io.bitactor.core.FrameDescriptor;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Checks exactly-once, per-(producer, actor) ordered delivery. Payload layout written by {@link #encode}:
 * producer id (int), actor id (int), sequence number of this producer towards this actor (long, from 1).
 * <p>
 * The per-pair "last seen" table is plain memory shared by consumer threads: an actor's frames may be handled by
 * different consumers over time (ring changes), and only the router's handover ordering makes those accesses
 * race-free. A broken handover shows up here as a gap, a repeat or a reordering.
 */
final class DeliveryChecker implements FrameHandler
{
    static final int PAYLOAD_LENGTH = 16;

    private final int producers;
    private final int actors;
    private final long[] lastSeen;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong violations = new AtomicLong();
    private final List<String> firstViolations = new ArrayList<>();

    DeliveryChecker(final int producers, final int actors)
    {
        this.producers = producers;
        this.actors = actors;
        this.lastSeen = new long[producers * actors];
    }

    static void encode(final MutableDirectBuffer buffer, final int producer, final int actor, final long seq)
    {
        buffer.putInt(0, producer);
        buffer.putInt(4, actor);
        buffer.putLong(8, seq);
    }

    public void onFrame(final DirectBuffer buffer, final int offset, final int length)
    {
        final int payload = offset + FrameDescriptor.PAYLOAD_OFFSET;
        final int producer = buffer.getInt(payload);
        final int actor = buffer.getInt(payload + 4);
        final long seq = buffer.getLong(payload + 8);
        delivered.incrementAndGet();
        if (FrameDescriptor.targetActorId(buffer, offset) != actor || producer < 0 || producer >= producers ||
            actor < 0 || actor >= actors)
        {
            violation("frame for actor " + FrameDescriptor.targetActorId(buffer, offset) + " carries " + producer +
                "/" + actor + "/" + seq);
            return;
        }
        final int index = producer * actors + actor;
        final long expected = lastSeen[index] + 1;
        if (seq != expected)
        {
            violation("producer " + producer + " actor " + actor + ": expected seq " + expected + " got " + seq);
        }
        if (seq > lastSeen[index])
        {
            lastSeen[index] = seq;
        }
    }

    private void violation(final String what)
    {
        violations.incrementAndGet();
        synchronized (firstViolations)
        {
            if (firstViolations.size() < 10)
            {
                firstViolations.add(what);
            }
        }
    }

    long delivered()
    {
        return delivered.get();
    }

    long violations()
    {
        return violations.get();
    }

    List<String> firstViolations()
    {
        synchronized (firstViolations)
        {
            return List.copyOf(firstViolations);
        }
    }

    /**
     * Pairs whose last delivered sequence differs from what was sent: lost messages at the tail.
     */
    long incompletePairs(final long[][] sentPerProducerPerActor)
    {
        long incomplete = 0;
        for (int p = 0; p < producers; p++)
        {
            for (int a = 0; a < actors; a++)
            {
                if (lastSeen[p * actors + a] != sentPerProducerPerActor[p][a])
                {
                    incomplete++;
                }
            }
        }
        return incomplete;
    }
}
