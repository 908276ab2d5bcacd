package io.bitactor.bench;

import io.bitactor.actor.ActorBehavior;
import io.bitactor.actor.ActorContext;
import io.bitactor.actor.Message;
import io.bitactor.actor.Reply;
import io.bitactor.actor.ReplyHandler;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.TimeUnit;

/**
 * The actors of the GenActor benchmarks: a callee that XORs the payload with 0xAA (the seed's workload) and a caller
 * that keeps calls in flight and checks every reply byte for byte.
 */
final class BenchActors
{
    static final int PAYLOAD_LENGTH = 128;
    static final long XOR = 0xAAAAAAAAAAAAAAAAL;

    private BenchActors()
    {
    }

    /** The callee: XOR 0xAA over the payload, into the scratch buffer, then reply. */
    public static final class Echo implements ActorBehavior
    {
        /** Calls handled by every echo sharing this array (single-threaded: one worker). */
        final long[] handled;

        Echo(final long[] handled)
        {
            this.handled = handled;
        }

        /** {@inheritDoc} */
        public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
        {
            final DirectBuffer in = request.buffer();
            final int offset = request.payloadOffset();
            final int length = request.payloadLength();
            final MutableDirectBuffer out = ctx.scratchBuffer();
            int i = 0;
            for (; i + 8 <= length; i += 8)
            {
                out.putLong(i, in.getLong(offset + i) ^ XOR);
            }
            for (; i < length; i++)
            {
                out.putByte(i, (byte)(in.getByte(offset + i) ^ 0xAA));
            }
            reply.ok(out, 0, length);
            handled[0]++;
        }

        /** {@inheritDoc} */
        public void handleCast(final ActorContext ctx, final Message message)
        {
        }
    }

    /** The caller: keeps a window of calls in flight and checks every reply. */
    public static final class Client implements ActorBehavior, ReplyHandler
    {
        final UnsafeBuffer request = new UnsafeBuffer(new byte[PAYLOAD_LENGTH]);
        final int[] targets;
        final int window;
        int next;
        long issued;
        long completed;
        long errors;
        long corrupt;

        Client(final int[] targets, final int window)
        {
            this.targets = targets;
            this.window = window;
            for (int i = 0; i < PAYLOAD_LENGTH; i++)
            {
                request.putByte(i, (byte)(i * 7 + 3));
            }
        }


        private void issue(final ActorContext ctx)
        {
            final int target = targets[next];
            next = next + 1 == targets.length ? 0 : next + 1;
            if (ctx.call(target, request, 0, PAYLOAD_LENGTH, TimeUnit.SECONDS.toNanos(10), this) == 0)
            {
                errors++;
            }
            issued++;
        }

        /** {@inheritDoc} */
        public void onReply(final ActorContext ctx, final Message reply)
        {
            final DirectBuffer b = reply.buffer();
            final int offset = reply.payloadOffset();
            if (reply.payloadLength() != PAYLOAD_LENGTH)
            {
                corrupt++;
            }
            for (int i = 0; i < PAYLOAD_LENGTH; i += 8)
            {
                if ((b.getLong(offset + i) ^ XOR) != request.getLong(i))
                {
                    corrupt++;
                }
            }
            completed++;
            issue(ctx);
        }

        /** {@inheritDoc} */
        public void onError(final ActorContext ctx, final long correlationId, final Throwable error)
        {
            errors++;
            issue(ctx);
        }

        /** {@inheritDoc} */
        public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
        {
            reply.ok(request.buffer(), request.payloadOffset(), 0);
        }

        /** Any cast starts the client: it issues {@code window} calls, then one more per reply. */
        public void handleCast(final ActorContext ctx, final Message message)
        {
            for (int i = 0; i < window; i++)
            {
                issue(ctx);
            }
        }
    }
}
