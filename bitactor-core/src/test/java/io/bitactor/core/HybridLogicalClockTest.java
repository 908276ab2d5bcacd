package io.bitactor.core;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class HybridLogicalClockTest
{
    private static final long SEED = 0x5EED_41C0L;
    private static final int TRIES = 300;
    private static final int[] SKEW_FILLS = { -5_000, 0, 5_000 };

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
     * <p>
     * Randomized: {@value #TRIES} tries drawn from a {@link SplittableRandom} seeded with {@link #SEED}, each 3 to 60
     * skews in [-5000, 5000] and a start node in [0, 2]. The first tries are the shortest and the longest chain with
     * every skew -5000, 0 or 5000, from each start node; one draw in eight later on is an edge case too. A failure
     * names the try and its inputs.
     */
    @Test
    void happensBeforeChainsCarryIncreasingTimestamps()
    {
        final SplittableRandom random = new SplittableRandom(SEED);
        final int edgeTries = 2 * SKEW_FILLS.length * 3;
        for (int i = 0; i < TRIES; i++)
        {
            final int[] skews;
            final int start;
            if (i < edgeTries)
            {
                skews = new int[i % 2 == 0 ? 3 : 60];
                Arrays.fill(skews, SKEW_FILLS[i / 2 % SKEW_FILLS.length]);
                start = i / (2 * SKEW_FILLS.length);
            }
            else
            {
                skews = new int[RandomInputs.intBetween(random, 3, 60)];
                for (int k = 0; k < skews.length; k++)
                {
                    skews[k] = RandomInputs.intBetween(random, -5_000, 5_000);
                }
                start = RandomInputs.intBetween(random, 0, 2);
            }
            final String inputs = String.format("try %d: start=%d skews=%s", i, start, Arrays.toString(skews));
            try
            {
                checkChain(inputs, skews, start);
            }
            catch (final RuntimeException e)
            {
                throw new AssertionError(inputs + ": threw " + e, e);
            }
        }
    }

    private static void checkChain(final String inputs, final int[] skews, final int start)
    {
        final ManualClock[] physical =
            { new ManualClock(1_000_000), new ManualClock(990_000), new ManualClock(1_020_000) };
        final HybridLogicalClock[] clocks = {
            new HybridLogicalClock(physical[0]), new HybridLogicalClock(physical[1]),
            new HybridLogicalClock(physical[2]) };
        int node = start;
        long previous = clocks[node].tick();
        for (int i = 0; i < skews.length; i++)
        {
            physical[node].millis += skews[i];
            final long sent = clocks[node].tick();
            assertThat(sent).as(inputs + ", step " + i + ": sent").isGreaterThan(previous);
            final int receiver = (node + 1) % 3;
            physical[receiver].millis -= skews[i] / 2;
            final long received = clocks[receiver].onReceive(sent);
            assertThat(received).as(inputs + ", step " + i + ": received").isGreaterThan(sent);
            previous = received;
            node = receiver;
        }
    }
}
