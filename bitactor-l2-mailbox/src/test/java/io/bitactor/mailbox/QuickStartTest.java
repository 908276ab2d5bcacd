package io.bitactor.mailbox;

import io.bitactor.core.FrameDecoder;
import io.bitactor.core.MessageType;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's quick start, compiled and run. */
class QuickStartTest
{
    @Test
    void readmeQuickStart()
    {
        final List<String> received = new ArrayList<>();
        try (Router router = Router.launch(new MailboxContext().shardCount(8)))
        {
            final Sender sender = router.newSender(0);
            final UnsafeBuffer payload = new UnsafeBuffer("hello".getBytes(StandardCharsets.US_ASCII));

            final OfferStatus status = sender.send(42, MessageType.CAST, payload, 0, payload.capacity());
            assertThat(status).isEqualTo(OfferStatus.ACCEPTED);

            final FrameDecoder decoder = new FrameDecoder();
            for (final Mailbox mailbox : router.mailboxes())
            {
                mailbox.drain((buffer, offset, length) ->
                {
                    decoder.wrap(buffer, offset, length);
                    if (decoder.verify().isValid())
                    {
                        received.add(decoder.targetActorId() + ":" +
                            new String(decoder.payloadAsBytes(), StandardCharsets.US_ASCII));
                    }
                }, 256);
            }
        }
        assertThat(received).containsExactly("42:hello");
    }
}
