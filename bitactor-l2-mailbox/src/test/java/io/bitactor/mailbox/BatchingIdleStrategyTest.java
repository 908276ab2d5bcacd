package io.bitactor.mailbox;

import org.agrona.concurrent.IdleStrategy;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BatchingIdleStrategyTest
{
    /** Records what reaches the wrapped strategy. */
    static final class Recording implements IdleStrategy
    {
        final List<String> calls = new ArrayList<>();

        public void idle(final int workCount)
        {
            calls.add("idle(" + workCount + ")");
        }

        public void idle()
        {
            calls.add("idle()");
        }

        public void reset()
        {
            calls.add("reset()");
        }
    }

    @Test
    void everyCallReachesTheWrappedStrategyUnchanged()
    {
        final Recording recording = new Recording();
        final BatchingIdleStrategy batching = new BatchingIdleStrategy(4, 1, recording);
        batching.idle(0);
        batching.idle(1);
        batching.idle(4);
        batching.idle();
        batching.reset();
        assertThat(recording.calls).containsExactly("idle(0)", "idle(1)", "idle(4)", "idle()", "reset()");
        assertThat(batching.alias()).startsWith("batching-");
    }

    @Test
    void onlyThinCyclesPause()
    {
        final BatchingIdleStrategy batching = new BatchingIdleStrategy(16, 8, new Recording());
        batching.idle(0);
        batching.idle(16);
        batching.idle(100);
        assertThat(batching.thinCycles()).isZero();
        batching.idle(1);
        batching.idle(15);
        assertThat(batching.thinCycles()).isEqualTo(2);
    }

    @Test
    void invalidSettingsAreRejected()
    {
        assertThatThrownBy(() -> new BatchingIdleStrategy(0, 1, new Recording()))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("thinWork");
        assertThatThrownBy(() -> new BatchingIdleStrategy(1, -1, new Recording()))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BatchingIdleStrategy(1, 1, null)).isInstanceOf(NullPointerException.class);
    }
}
