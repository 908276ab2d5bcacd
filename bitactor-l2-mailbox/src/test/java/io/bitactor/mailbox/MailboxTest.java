package io.bitactor.mailbox;

import io.bitactor.core.FrameDecoder;
import io.bitactor.core.FrameDescriptor;
import io.bitactor.core.FrameEncoder;
import io.bitactor.core.FrameVerification;
import io.bitactor.core.MessageType;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MailboxTest
{
    private final List<String> deadLetters = new ArrayList<>();
    private final List<Throwable> errors = new ArrayList<>();
    private Router router;

    private Router launch(final MailboxContext ctx)
    {
        router = Router.launch(ctx
            .deadLetterSink((reason, buffer, offset, length) ->
                deadLetters.add(reason + ":" + FrameDescriptor.messageId(buffer, offset)))
            .errorHandler(errors::add));
        return router;
    }

    @AfterEach
    void close()
    {
        if (router != null)
        {
            router.close();
        }
    }

    private static UnsafeBuffer payload(final int length, final int fill)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[length]);
        buffer.setMemory(0, length, (byte)fill);
        return buffer;
    }

    /** Collects delivered frames as "type:target:firstPayloadByte" and checks each one verifies. */
    private static final class Collector implements FrameHandler
    {
        final List<String> seen = new ArrayList<>();
        final FrameDecoder decoder = new FrameDecoder();

        public void onFrame(final DirectBuffer buffer, final int offset, final int length)
        {
            decoder.wrap(buffer, offset, length);
            assertThat(decoder.verify()).isEqualTo(FrameVerification.VALID);
            seen.add(decoder.messageType() + ":" + decoder.targetActorId() + ":" +
                (decoder.payloadLength() > 0 ? buffer.getByte(decoder.payloadOffset()) : -1));
        }
    }

    @Test
    void deliversAVerifiedFrameToTheTargetsShard()
    {
        launch(new MailboxContext().shardCount(4));
        final Sender sender = router.newSender(7);
        assertThat(sender.send(42, MessageType.CAST, payload(128, 3), 0, 128)).isEqualTo(OfferStatus.ACCEPTED);

        final Mailbox mailbox = router.mailbox(router.ring().shardFor(42));
        final Collector collector = new Collector();
        assertThat(mailbox.drain(collector, 10)).isEqualTo(1);
        assertThat(collector.seen).containsExactly("CAST:42:3");
        final MailboxCounters counters = mailbox.counters();
        assertThat(counters.accepted()).isEqualTo(1);
        assertThat(counters.drained()).isEqualTo(1);
        assertThat(counters.depth()).isZero();
        assertThat(counters.highWaterMark()).isEqualTo(1);
    }

    @Test
    void controlLaneIsServedFirst()
    {
        launch(new MailboxContext().shardCount(1));
        final Sender sender = router.newSender(0);
        assertThat(sender.send(1, MessageType.CAST, payload(1, 1), 0, 1)).isEqualTo(OfferStatus.ACCEPTED);
        assertThat(sender.send(1, MessageType.CALL, payload(1, 2), 0, 1)).isEqualTo(OfferStatus.ACCEPTED);
        assertThat(sender.send(1, MessageType.SYSTEM, payload(1, 3), 0, 1)).isEqualTo(OfferStatus.ACCEPTED);

        final Collector collector = new Collector();
        router.mailbox(0).drain(collector, 10);
        assertThat(collector.seen).containsExactly("SYSTEM:1:3", "CAST:1:1", "CALL:1:2");
    }

    @Test
    void aFullMailboxIsBackpressureNotADrop()
    {
        launch(new MailboxContext().shardCount(1).mailboxCapacity(4).senderSlots(64));
        final Sender sender = router.newSender(0);
        int accepted = 0;
        OfferStatus status;
        while ((status = sender.send(5, MessageType.CAST, payload(8, accepted), 0, 8)) == OfferStatus.ACCEPTED)
        {
            accepted++;
        }
        assertThat(status).isEqualTo(OfferStatus.MAILBOX_FULL);
        assertThat(accepted).isEqualTo(4);
        assertThat(router.mailbox(0).counters().rejectedFull()).isEqualTo(1);
        assertThat(router.rejectionCount(OfferStatus.MAILBOX_FULL)).isEqualTo(1);

        final Collector collector = new Collector();
        assertThat(router.mailbox(0).drain(collector, 100)).isEqualTo(4);
        assertThat(collector.seen).containsExactly("CAST:5:0", "CAST:5:1", "CAST:5:2", "CAST:5:3");
        assertThat(sender.send(5, MessageType.CAST, payload(8, 9), 0, 8)).isEqualTo(OfferStatus.ACCEPTED);
        assertThat(deadLetters).isEmpty();
    }

    @Test
    void retryingAFullMailboxDoesNotUseUpTheSendersSlots()
    {
        // Eight frames fill the mailbox and hold half of the sender's slots (more than one claim looks at).
        launch(new MailboxContext().shardCount(1).mailboxCapacity(8).senderSlots(16));
        final Sender sender = router.newSender(0);
        for (int seq = 0; seq < 8; seq++)
        {
            assertThat(sender.send(5, MessageType.CAST, payload(8, seq), 0, 8)).isEqualTo(OfferStatus.ACCEPTED);
        }
        // Retrying for longer than the sender has slots must keep meeting the mailbox's answer, not its own.
        for (int retry = 0; retry < 64; retry++)
        {
            assertThat(sender.send(5, MessageType.CAST, payload(8, 8), 0, 8)).as("retry %d", retry)
                .isEqualTo(OfferStatus.MAILBOX_FULL);
        }
        router.mailbox(0).drain(new Collector(), 1);
        assertThat(sender.send(5, MessageType.CAST, payload(8, 8), 0, 8)).isEqualTo(OfferStatus.ACCEPTED);
    }

    @Test
    void aSenderWithEverySlotInFlightIsBackPressured()
    {
        launch(new MailboxContext().shardCount(1).senderSlots(2));
        final Sender sender = router.newSender(0);
        assertThat(sender.send(1, MessageType.CAST, payload(1, 0), 0, 1)).isEqualTo(OfferStatus.ACCEPTED);
        assertThat(sender.send(1, MessageType.CAST, payload(1, 0), 0, 1)).isEqualTo(OfferStatus.ACCEPTED);
        assertThat(sender.send(1, MessageType.CAST, payload(1, 0), 0, 1)).isEqualTo(OfferStatus.SENDER_FULL);
        router.mailbox(0).drain(new Collector(), 1);
        assertThat(sender.send(1, MessageType.CAST, payload(1, 0), 0, 1)).isEqualTo(OfferStatus.ACCEPTED);
    }

    @Test
    void aClaimSurvivesBackpressureWithItsIdAndTimestamp()
    {
        launch(new MailboxContext().shardCount(1).mailboxCapacity(2));
        final Sender sender = router.newSender(0);
        sender.send(1, MessageType.CAST, payload(1, 0), 0, 1);
        sender.send(1, MessageType.CAST, payload(1, 0), 0, 1);

        final FrameEncoder encoder = sender.tryClaim();
        encoder.targetActorId(1).messageType(MessageType.CALL).correlationId(99).payload(payload(4, 7), 0, 4);
        final long id = sender.lastMessageId();
        assertThat(sender.commit()).isEqualTo(OfferStatus.MAILBOX_FULL);
        assertThatThrownBy(sender::tryClaim).isInstanceOf(IllegalStateException.class);

        router.mailbox(0).drain(new Collector(), 10);
        assertThat(sender.commit()).isEqualTo(OfferStatus.ACCEPTED);
        final long[] seenId = new long[1];
        router.mailbox(0).drain((buffer, offset, length) -> seenId[0] = FrameDescriptor.messageId(buffer, offset), 10);
        assertThat(seenId[0]).isEqualTo(id);
    }

    @Test
    void oversizedPayloadIsRejectedBeforeAnyCopy()
    {
        launch(new MailboxContext().shardCount(1));
        final Sender sender = router.newSender(0);
        assertThat(sender.send(1, MessageType.CAST, payload(129, 1), 0, 129))
            .isEqualTo(OfferStatus.PAYLOAD_TOO_LARGE);
        assertThat(router.mailbox(0).counters().accepted()).isZero();
        assertThat(router.rejectionCount(OfferStatus.PAYLOAD_TOO_LARGE)).isEqualTo(1);
    }

    @Test
    void aCorruptFrameIsRefusedAndDeadLettered()
    {
        launch(new MailboxContext().shardCount(1));
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[256]);
        final int length = new FrameEncoder().wrap(frame, 0).messageId(77).targetActorId(3)
            .messageType(MessageType.CAST).payload(payload(16, 1), 0, 16).seal();
        final Sender sender = router.newSender(0);
        frame.putByte(FrameDescriptor.PAYLOAD_OFFSET + 3, (byte)0x55);

        assertThat(sender.route(frame, 0, length)).isEqualTo(OfferStatus.INVALID_FRAME);
        assertThat(deadLetters).containsExactly("INVALID_FRAME:77");
        assertThat(router.deadLetterCount(DeadLetterReason.INVALID_FRAME)).isEqualTo(1);
        assertThat(router.mailbox(0).counters().accepted()).isZero();
    }

    @Test
    void aValidPreEncodedFrameIsRoutedUnchanged()
    {
        launch(new MailboxContext().shardCount(3));
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[256]);
        final int length = new FrameEncoder().wrap(frame, 0).messageId(77).timestamp(1234).targetActorId(3)
            .messageType(MessageType.CAST).payload(payload(16, 1), 0, 16).seal();
        final Sender sender = router.newSender(0);
        assertThat(sender.route(frame, 0, length)).isEqualTo(OfferStatus.ACCEPTED);

        final long[] seen = new long[2];
        router.mailbox(router.ring().shardFor(3)).drain((buffer, offset, len) ->
        {
            seen[0] = FrameDescriptor.messageId(buffer, offset);
            seen[1] = FrameDescriptor.timestamp(buffer, offset);
        }, 1);
        assertThat(seen).containsExactly(77, 1234);
    }

    @Test
    void anEmptyRingIsNoRouteAndDeadLettered()
    {
        launch(new MailboxContext().shardCount(0));
        final Sender sender = router.newSender(0);
        assertThat(sender.send(1, MessageType.CAST, payload(1, 0), 0, 1)).isEqualTo(OfferStatus.NO_ROUTE);
        assertThat(deadLetters).hasSize(1).allMatch(s -> s.startsWith("NO_ROUTE:"));
    }

    @Test
    void closingReportsQueuedFramesAsDeadLettersAndRefusesNewOnes()
    {
        launch(new MailboxContext().shardCount(1));
        final Sender sender = router.newSender(0);
        sender.send(1, MessageType.CAST, payload(1, 0), 0, 1);
        final long queuedId = sender.lastMessageId();
        sender.send(1, MessageType.SYSTEM, payload(1, 0), 0, 1);
        final long systemId = sender.lastMessageId();
        router.close();

        assertThat(sender.send(1, MessageType.CAST, payload(1, 0), 0, 1)).isEqualTo(OfferStatus.CLOSED);
        final long refusedId = sender.lastMessageId();
        assertThat(router.mailbox(0).drain(new Collector(), 10)).isEqualTo(2);
        assertThat(deadLetters).containsExactly(
            "ROUTER_CLOSED:" + refusedId, "MAILBOX_CLOSED:" + systemId, "MAILBOX_CLOSED:" + queuedId);
        assertThat(router.mailbox(0).counters().deadLettered()).isEqualTo(2);
        assertThatThrownBy(() -> router.newSender(0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aThrowingHandlerIsReportedAndTheNextFramesStillArrive()
    {
        launch(new MailboxContext().shardCount(1));
        final Sender sender = router.newSender(0);
        for (int i = 0; i < 3; i++)
        {
            sender.send(1, MessageType.CAST, payload(1, i), 0, 1);
        }
        final List<Integer> seen = new ArrayList<>();
        router.mailbox(0).drain((buffer, offset, length) ->
        {
            final int b = buffer.getByte(offset + FrameDescriptor.PAYLOAD_OFFSET);
            seen.add(b);
            if (b == 1)
            {
                throw new IllegalStateException("boom");
            }
        }, 10);
        assertThat(seen).containsExactly(0, 1, 2);
        assertThat(errors).hasSize(1).first().hasFieldOrPropertyWithValue("message", "boom");
        assertThat(router.mailbox(0).counters().handlerErrors()).isEqualTo(1);
    }

    @Test
    void aMovedActorsNewFramesWaitForItsOldShard()
    {
        launch(new MailboxContext().shardCount(2).virtualNodes(64));
        final Sender sender = router.newSender(0);
        // Find an actor that moves to shard 2 when it is added.
        final ConsistentHashRing after = router.ring().withShard(2);
        int actor = 0;
        while (after.shardFor(actor) != 2)
        {
            actor++;
        }
        final int oldShard = router.ring().shardFor(actor);
        sender.send(actor, MessageType.CAST, payload(1, 1), 0, 1);

        // Draining every shard concurrently is not needed here: addShard only waits for a previous handover.
        router.addShard(2);
        sender.send(actor, MessageType.CAST, payload(1, 2), 0, 1);

        final Collector collector = new Collector();
        assertThat(router.mailbox(2).drain(collector, 10)).as("held until shard %d passes", oldShard).isZero();
        assertThat(router.mailbox(2).counters().held()).isEqualTo(1);
        assertThat(router.isHandoverComplete()).isFalse();

        router.mailbox(oldShard).drain(collector, 10);
        router.mailbox(1 - oldShard).drain(collector, 10);
        assertThat(router.isHandoverComplete()).isTrue();
        router.mailbox(2).drain(collector, 10);
        assertThat(collector.seen).containsExactly("CAST:" + actor + ":1", "CAST:" + actor + ":2");
        assertThat(router.mailbox(2).counters().held()).isZero();
    }

    @Test
    void aRingChangeWaitsForThePreviousHandoverAndTimesOutClearly()
    {
        launch(new MailboxContext().shardCount(2).ringChangeTimeoutNs(50_000_000L));
        router.addShard(2);
        assertThatThrownBy(() -> router.addShard(3))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("has not consumed its fence");
        router.mailbox(0).drain(new Collector(), 10);
        router.mailbox(1).drain(new Collector(), 10);
        router.addShard(3);
        assertThat(router.ring().shardCount()).isEqualTo(4);
    }

    @Test
    void removedShardsKeepDrainingThenClose()
    {
        launch(new MailboxContext().shardCount(3).virtualNodes(64));
        final Sender sender = router.newSender(0);
        int actor = 0;
        while (router.ring().shardFor(actor) != 1)
        {
            actor++;
        }
        sender.send(actor, MessageType.CAST, payload(1, 1), 0, 1);
        final Mailbox removed = router.mailbox(1);
        router.removeShard(1);
        assertThat(router.mailboxes()).contains(removed);
        sender.send(actor, MessageType.CAST, payload(1, 2), 0, 1);

        final Collector collector = new Collector();
        for (final Mailbox m : router.mailboxes())
        {
            if (m != removed)
            {
                m.drain(collector, 10);
            }
        }
        assertThat(collector.seen).isEmpty();
        removed.drain(collector, 10);
        for (final Mailbox m : router.mailboxes())
        {
            m.drain(collector, 10);
        }
        assertThat(collector.seen).containsExactly("CAST:" + actor + ":1", "CAST:" + actor + ":2");
        router.addShard(5);
        assertThat(router.mailboxes()).doesNotContain(removed);
        assertThat(removed.isClosed()).isTrue();
    }

    @Test
    void contextRejectsInvalidSettings()
    {
        assertThatThrownBy(() -> Router.launch(new MailboxContext().mailboxCapacity(0)))
            .hasMessageContaining("mailboxCapacity");
        assertThatThrownBy(() -> Router.launch(new MailboxContext().maxPayloadLength(1 << 20)))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Router.launch(new MailboxContext().virtualNodes(0)))
            .hasMessageContaining("virtualNodes");
    }
}
