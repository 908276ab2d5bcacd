package io.bitactor.core;

import java.util.SplittableRandom;

/**
 * Input drawing shared by the seeded randomized tests of this module.
 */
final class RandomInputs
{
    private RandomInputs()
    {
    }

    /** Uniform in [min, max], but one draw in eight is an edge case: min, max, or -1, 0, 1 clamped into the range. */
    static int intBetween(final SplittableRandom random, final int min, final int max)
    {
        if (random.nextInt(8) == 0)
        {
            final int pick = random.nextInt(5);
            final int edge = pick == 0 ? min : pick == 1 ? max : pick - 3;
            return Math.max(min, Math.min(max, edge));
        }
        return random.nextInt(min, max + 1);
    }
}
