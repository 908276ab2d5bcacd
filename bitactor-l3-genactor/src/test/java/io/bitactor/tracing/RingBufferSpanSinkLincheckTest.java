package io.bitactor.tracing;

import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Linearizability (Lincheck) of the producer side of {@link RingBufferSpanSink}: several threads offer spans at once
 * to a ring of two slots (so claims race and spans are dropped), and read the counters; drains run before and after
 * the parallel part and return what they drained. The sequential specification is the sink run one operation at a
 * time: the drained contents and order, and the recorded and dropped counts, must match some linearization.
 * <p>
 * What Lincheck does not model here: a drain concurrent with several producers. The ring is deliberately not
 * linearizable for emptiness then (a drain stops at a slot claimed but not yet published even if a later producer
 * has finished); a concurrent single producer and consumer are checked by
 * {@link RingBufferSpanSinkSpscLincheckTest}, and the multi-producer, concurrent-consumer case (no loss, no torn
 * span, per-producer order) by {@link RingBufferSpanSinkStressTest}. Lincheck's model checker also assumes
 * sequential consistency, so the release/acquire fences are exercised by the stress tests, not here.
 */
@Param(name = "value", gen = IntGen.class, conf = "1:6")
public class RingBufferSpanSinkLincheckTest
{
    private final RingBufferSpanSink sink = new RingBufferSpanSink(2);

    /**
     * Offers a span whose fields derive from {@code value}. Any thread.
     *
     * @param value the span's value.
     */
    @Operation
    public void onSpan(@Param(name = "value") final int value)
    {
        // A fresh span per call: the test's reusable instance must not be shared by concurrent producers.
        sink.onSpan(new TestSpans.MutableSpan().set(value, value));
    }

    /**
     * Reads the recorded count. Any thread.
     *
     * @return the count.
     */
    @Operation
    public long recordedSpans()
    {
        return sink.recordedSpans();
    }

    /**
     * Reads the dropped count. Any thread.
     *
     * @return the count.
     */
    @Operation
    public long droppedSpans()
    {
        return sink.droppedSpans();
    }

    /**
     * Drains everything (run only outside the parallel part, see the class comment).
     *
     * @return the drained values in order, or -1 for a torn span.
     */
    @Operation(nonParallelGroup = "consumer")
    public List<Long> drainAll()
    {
        final List<Long> values = new ArrayList<>();
        sink.drain(s -> values.add(TestSpans.isConsistent(s) ? s.traceIdLow() : -1L));
        return values;
    }

    private static Actor actor(final String operation, final Object... arguments)
    {
        final Method method = Arrays.stream(RingBufferSpanSinkLincheckTest.class.getMethods())
            .filter(candidate -> candidate.getName().equals(operation))
            .findFirst()
            .orElseThrow();
        return new Actor(method, List.of(arguments));
    }

    private static Actor randomProducerActor(final Random random, final boolean allowDrain)
    {
        final int pick = random.nextInt(allowDrain ? 5 : 4);
        return switch (pick)
        {
            case 0, 1 -> actor("onSpan", 1 + random.nextInt(6));
            case 2 -> actor("recordedSpans");
            case 3 -> actor("droppedSpans");
            default -> actor("drainAll");
        };
    }

    /**
     * Random scenarios (seeded) with drains only before and after the parallel part.
     */
    static List<ExecutionScenario> scenarios(final long seed, final int count)
    {
        final Random random = new Random(seed);
        final List<ExecutionScenario> scenarios = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            final List<Actor> before = new ArrayList<>();
            for (int j = random.nextInt(4); j > 0; j--)
            {
                before.add(randomProducerActor(random, true));
            }
            final List<List<Actor>> parallel = new ArrayList<>();
            for (int t = 0; t < 3; t++)
            {
                final List<Actor> thread = new ArrayList<>();
                thread.add(actor("onSpan", 1 + random.nextInt(6)));
                for (int j = random.nextInt(3); j > 0; j--)
                {
                    thread.add(randomProducerActor(random, false));
                }
                parallel.add(thread);
            }
            final List<Actor> after = List.of(actor("drainAll"), actor("recordedSpans"), actor("droppedSpans"));
            scenarios.add(new ExecutionScenario(before, parallel, after, null));
        }
        return scenarios;
    }

    @Test
    @Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void modelCheckingProducers()
    {
        final ModelCheckingOptions options = new ModelCheckingOptions()
            .iterations(0)
            .invocationsPerIteration(2_000);
        for (final ExecutionScenario scenario : scenarios(42L, 30))
        {
            options.addCustomScenario(scenario);
        }
        options.check(getClass());
    }

    @Test
    @Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void stressProducers()
    {
        final StressOptions options = new StressOptions()
            .iterations(0)
            .invocationsPerIteration(5_000);
        for (final ExecutionScenario scenario : scenarios(7L, 30))
        {
            options.addCustomScenario(scenario);
        }
        options.check(getClass());
    }
}
