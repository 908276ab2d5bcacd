package io.bitactor.opentelemetry;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class ObservabilityExampleTest
{
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void exampleExportsTheRequestsSpansIntoTheCallersTrace()
    {
        try (InMemoryOpenTelemetry otel = new InMemoryOpenTelemetry())
        {
            final SimpleMeterRegistry registry = new SimpleMeterRegistry();
            assertThat(ObservabilityExample.handleRequest(otel.sdk, registry, TRACEPARENT)).isEqualTo("hello world");

            // The meters were registered: per actor for the frontend only, and the system's, which after the close
            // still count the two calls (frontend's and backend's) that were handled.
            assertThat(registry.find("bitactor.actor.messages.handled").tag("actor", "frontend").functionCounter())
                .isNotNull();
            assertThat(registry.find("bitactor.actor.messages.handled").tag("actor", "backend").functionCounter())
                .isNull();
            assertThat(registry.get("bitactor.messages.handled").tag("system", "example").functionCounter().count())
                .isEqualTo(2.0);

            // Two calls and two replies, each a PRODUCER and a CONSUMER span, all in the caller's trace.
            assertThat(otel.spans()).hasSize(8);
            assertThat(otel.spans()).extracting(SpanData::getTraceId)
                .containsOnly("4bf92f3577b34da6a3ce929d0e0e4736");
            assertThat(otel.spans()).filteredOn(span -> span.getParentSpanContext().isRemote())
                .singleElement()
                .satisfies(root ->
                {
                    assertThat(root.getKind()).isEqualTo(SpanKind.PRODUCER);
                    assertThat(root.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
                });
            assertThat(otel.spans()).filteredOn(span -> span.getKind() == SpanKind.CONSUMER)
                .extracting(SpanData::getName).filteredOn(name -> name.equals("process reply")).hasSize(2);
        }
    }

    /** The document shows the example's tagged part verbatim: a change to one without the other fails here. */
    @Test
    void documentShowsTheCompiledExample() throws IOException
    {
        final String source = Files.readString(
            Path.of("src/test/java/io/bitactor/opentelemetry/ObservabilityExample.java"), StandardCharsets.UTF_8);
        final String tagged = between(source, "    // tag::example[]\n", "    // end::example[]");
        final String doc = Files.readString(Path.of("../docs/OBSERVABILITY.md"), StandardCharsets.UTF_8);
        final String shown = between(doc, "<!-- otel-example:begin -->\n```java\n", "```\n<!-- otel-example:end -->");
        assertThat(shown.strip()).isEqualTo(unindent(tagged));
    }

    private static String between(final String text, final String start, final String end)
    {
        final int from = text.indexOf(start);
        assertThat(from).as("start marker %s", start).isNotNegative();
        final int to = text.indexOf(end, from + start.length());
        assertThat(to).as("end marker %s", end).isNotNegative();
        return text.substring(from + start.length(), to);
    }

    private static String unindent(final String block)
    {
        return block.lines().map(line -> line.startsWith("    ") ? line.substring(4) : line)
            .collect(Collectors.joining("\n")).strip();
    }
}
