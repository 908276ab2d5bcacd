package io.bitactor.core;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TickingEpochClockTest
{
    @Test
    void followsTheSystemClockAndStopsWhenClosed() throws InterruptedException
    {
        try (TickingEpochClock clock = new TickingEpochClock("test-clock"))
        {
            assertThat(Math.abs(clock.time() - System.currentTimeMillis())).isLessThan(50);
            final long first = clock.time();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (clock.time() == first && System.nanoTime() < deadline)
            {
                Thread.sleep(1);
            }
            assertThat(clock.time()).as("advances").isGreaterThan(first);
            clock.close(); // joins the ticker thread
            final long stopped = clock.time();
            final long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
            while (System.nanoTime() < until)
            {
                assertThat(clock.time()).as("frozen after close").isEqualTo(stopped);
            }
        }
    }

    @Test
    void rejectsANonPositiveResolution()
    {
        assertThatThrownBy(() -> new TickingEpochClock("x", 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
