package io.bitactor.core;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class MessageIdSourceTest
{
    @Test
    void idsAreUniqueAcrossSendersAndIncreasingPerSender() throws InterruptedException
    {
        final MessageIdSource source = new MessageIdSource();
        final int threads = 4;
        final int perThread = 200_000;
        final long[][] ids = new long[threads][perThread];
        final Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            final long[] mine = ids[t];
            workers[t] = new Thread(() ->
            {
                final MessageIdSource.Allocator allocator = source.newAllocator();
                for (int i = 0; i < perThread; i++)
                {
                    mine[i] = allocator.next();
                }
            });
            workers[t].start();
        }
        for (final Thread w : workers)
        {
            w.join();
        }

        final long[] all = new long[threads * perThread];
        for (int t = 0; t < threads; t++)
        {
            for (int i = 1; i < perThread; i++)
            {
                assertThat(ids[t][i]).isGreaterThan(ids[t][i - 1]);
            }
            System.arraycopy(ids[t], 0, all, t * perThread, perThread);
        }
        Arrays.sort(all);
        assertThat(all[0]).isGreaterThanOrEqualTo(1);
        for (int i = 1; i < all.length; i++)
        {
            assertThat(all[i]).as("duplicate id").isNotEqualTo(all[i - 1]);
        }
    }
}
