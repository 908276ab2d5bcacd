package io.bitactor.mailbox;

import io.bitactor.mailbox.internal.FrameSlot;
import org.jctools.queues.MpscArrayQueue;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many messages through the router with concurrent producers: no loss, no duplicate, per-producer order per
 * actor. And proof that the same check fails against a deliberately broken mailbox.
 */
@Tag("stress")
class RouterStressTest
{
    private static final int PRODUCERS = 2;
    private static final long MESSAGES_PER_PRODUCER = 5_000_000L;
    private static final int ACTORS = 1_000;

    private static MailboxContext context()
    {
        return new MailboxContext()
            .shardCount(8)
            .mailboxCapacity(4096)
            .senderSlots(8192)
            .errorHandler(t -> { throw new AssertionError(t); });
    }

    @Test
    void twoProducersFiveMillionEachNoLossNoDuplicateInOrder() throws InterruptedException
    {
        final StressHarness.Result result = StressHarness.run(
            context(), PRODUCERS, 1, ACTORS, MESSAGES_PER_PRODUCER, null);

        System.out.println("[RouterStressTest] " + result);
        assertThat(result.violations()).as("violations: %s", result.firstViolations()).isZero();
        assertThat(result.delivered()).isEqualTo(PRODUCERS * MESSAGES_PER_PRODUCER);
        assertThat(result.incompletePairs()).isZero();
        assertThat(result.deadLetters()).isZero();
    }

    @Test
    void theCheckFailsAgainstAMailboxThatSkipsOneSlot() throws InterruptedException
    {
        final StressHarness.Result result = StressHarness.run(
            context().laneFactory(capacity -> new SkippingQueue(capacity, 1_000_000)),
            PRODUCERS, 1, ACTORS, 1_000_000, null);

        System.out.println("[RouterStressTest skip] " + result);
        assertThat(result.violations() + result.incompletePairs()).isPositive();
        assertThat(result.delivered()).isLessThan(PRODUCERS * 1_000_000L);
    }

    @Test
    void theCheckFailsAgainstAMailboxThatRepeatsOneSlot() throws InterruptedException
    {
        final StressHarness.Result result = StressHarness.run(
            context().laneFactory(capacity -> new RepeatingQueue(capacity, 1_000_000)),
            PRODUCERS, 1, ACTORS, 1_000_000, null);

        System.out.println("[RouterStressTest repeat] " + result);
        assertThat(result.violations()).isPositive();
    }

    /** Shared poll counter across all lanes of one router, so exactly one frame overall is affected. */
    private static final AtomicLong POLLS = new AtomicLong();

    /** A broken lane: the n-th frame polled (over all lanes) is silently skipped. */
    static final class SkippingQueue extends MpscArrayQueue<FrameSlot>
    {
        private final long victim;

        SkippingQueue(final int capacity, final long victim)
        {
            super(capacity);
            this.victim = victim;
            POLLS.set(0);
        }

        public FrameSlot relaxedPoll()
        {
            final FrameSlot slot = super.relaxedPoll();
            if (slot != null && slot.kind == FrameSlot.KIND_FRAME && POLLS.incrementAndGet() == victim)
            {
                return super.relaxedPoll(); // the victim's slot is never handed over nor released
            }
            return slot;
        }
    }

    /** A broken lane: the n-th frame polled (over all lanes) is handed out twice. */
    static final class RepeatingQueue extends MpscArrayQueue<FrameSlot>
    {
        private final long victim;
        private FrameSlot repeat;

        RepeatingQueue(final int capacity, final long victim)
        {
            super(capacity);
            this.victim = victim;
            POLLS.set(0);
        }

        public FrameSlot relaxedPoll()
        {
            if (repeat != null)
            {
                final FrameSlot again = repeat;
                repeat = null;
                return again;
            }
            final FrameSlot slot = super.relaxedPoll();
            if (slot != null && slot.kind == FrameSlot.KIND_FRAME && POLLS.incrementAndGet() == victim)
            {
                repeat = slot;
            }
            return slot;
        }
    }
}
