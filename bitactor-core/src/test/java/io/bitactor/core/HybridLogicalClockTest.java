package io.bitactor.core;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HybridLogicalClockTest
{
    /** A physical clock the test moves by hand. */
    static final class ManualClock implements org.agrona.concurrent.EpochClock
    {
        long millis;

        ManualClock(final long millis)
        {
            this.millis = millis;
        }

        public long time()
        {
            return millis;
        }
    }

    @Test
    void strictlyIncreasingWhenThePhysicalClockStallsOrGoesBack()
    {
        final ManualClock physical = new ManualClock(1_000);
        final HybridLogicalClock clock = new HybridLogicalClock(physical);
        long last = clock.tick();
        assertThat(last).isEqualTo(HybridLogicalClock.pack(1_000, 0));
        for (int i = 0; i < 1_000; i++)
        {
            if (i == 500)
            {
                physical.millis = 10; // steps far back
            }
            final long next = clock.tick();
            assertThat(next).isGreaterThan(last);
            last = next;
        }
        physical.millis = 5_000;
        assertThat(clock.tick()).isEqualTo(HybridLogicalClock.pack(5_000, 0));
        assertThat(clock.current()).isEqualTo(HybridLogicalClock.pack(5_000, 0));
    }

    @Test
    void counterOverflowCarriesIntoThePhysicalPart()
    {
        final HybridLogicalClock clock = new HybridLogicalClock(new ManualClock(42));
        long last = clock.tick();
        for (int i = 0; i < 70_000; i++)
        {
            final long next = clock.tick();
            assertThat(next).isGreaterThan(last);
            last = next;
        }
        assertThat(HybridLogicalClock.physicalMillis(last)).isEqualTo(43);
        assertThat(HybridLogicalClock.logical(last)).isEqualTo(70_000 - 65_536);
    }

    @Test
    void receivingMovesPastTheRemoteTimestamp()
    {
        final HybridLogicalClock clock = new HybridLogicalClock(new ManualClock(100));
        final long local = clock.tick();
        final long remote = HybridLogicalClock.pack(900, 17);
        final long merged = clock.onReceive(remote);
        assertThat(merged).isGreaterThan(remote).isGreaterThan(local);
        assertThat(clock.tick()).isGreaterThan(merged);
        assertThat(clock.onReceive(HybridLogicalClock.pack(1, 0))).as("an old remote stamp never moves it back")
            .isGreaterThan(merged);
    }

    @Test
    void packAndUnpack()
    {
        final long ts = HybridLogicalClock.pack(1_732_000_000_000L, 65_535);
        assertThat(HybridLogicalClock.physicalMillis(ts)).isEqualTo(1_732_000_000_000L);
        assertThat(HybridLogicalClock.logical(ts)).isEqualTo(65_535);
        assertThat(ts + 1).isEqualTo(HybridLogicalClock.pack(1_732_000_000_001L, 0));
    }

    /**
     * A happens-before chain A -> B -> C -> A ... (send = tick, receive = onReceive), with each clock's physical
     * time wandering independently, forwards and backwards: every timestamp along the chain is larger than the
     * one before it.
     */
    @Property(tries = 300)
    void happensBeforeChainsCarryIncreasingTimestamps(
        @ForAll @Size(min = 3, max = 60) final List<@IntRange(min = -5_000, max = 5_000) Integer> skews,
        @ForAll @IntRange(min = 0, max = 2) final int start)
    {
        final ManualClock[] physical = { new ManualClock(1_000_000), new ManualClock(990_000), new ManualClock(1_020_000) };
        final HybridLogicalClock[] clocks = {
            new HybridLogicalClock(physical[0]), new HybridLogicalClock(physical[1]), new HybridLogicalClock(physical[2]) };
        int node = start;
        long previous = clocks[node].tick();
        for (int i = 0; i < skews.size(); i++)
        {
            physical[node].millis += skews.get(i);
            final long sent = clocks[node].tick();
            assertThat(sent).isGreaterThan(previous);
            final int receiver = (node + 1) % 3;
            physical[receiver].millis -= skews.get(i) / 2;
            final long received = clocks[receiver].onReceive(sent);
            assertThat(received).isGreaterThan(sent);
            previous = received;
            node = receiver;
        }
    }
}
