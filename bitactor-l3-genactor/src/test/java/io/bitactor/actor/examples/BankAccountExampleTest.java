package io.bitactor.actor.examples;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class BankAccountExampleTest
{
    @Test
    void quickStartRunsAsTheReadmeSays()
    {
        final List<String> out = BankAccountExample.run();
        assertThat(out).hasSize(6);
        assertThat(out.subList(0, 5)).containsExactly(
            "balance 150",
            "after withdraw 120",
            "refused: insufficient funds",
            "failed: unknown command close",
            "after restart 0");
        assertThat(out.get(5)).contains("accepted=8").contains("handled=7").contains("failed=1");
    }

    /** The README shows the example's tagged part verbatim: a change to one without the other fails here. */
    @Test
    void readmeShowsTheCompiledExample() throws IOException
    {
        final String source = Files.readString(
            Path.of("src/test/java/io/bitactor/actor/examples/BankAccountExample.java"), StandardCharsets.UTF_8);
        final String tagged = between(source, "// tag::quickstart[]\n", "    // end::quickstart[]");
        final String readme = Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8);
        final String shown = between(readme, "<!-- quickstart:begin -->\n```java\n", "```\n<!-- quickstart:end -->");
        assertThat(shown.strip()).isEqualTo(unindent(tagged));
    }

    private static String between(final String text, final String start, final String end)
    {
        final int from = text.indexOf(start);
        final int to = text.indexOf(end, from + start.length());
        assertThat(from).as("start marker %s", start).isNotNegative();
        assertThat(to).as("end marker %s", end).isNotNegative();
        return text.substring(from + start.length(), to);
    }

    private static String unindent(final String block)
    {
        return block.lines().map(line -> line.startsWith("    ") ? line.substring(4) : line)
            .collect(Collectors.joining("\n")).strip();
    }
}
