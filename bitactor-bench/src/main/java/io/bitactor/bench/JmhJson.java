package io.bitactor.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the result file JMH writes with {@code -rf json}: one {@link Row} per benchmark and parameter combination.
 * <p>
 * The bench module has no JSON library, and JMH's file needs only the small subset of JSON parsed here (objects,
 * arrays, strings with escapes, numbers, {@code true}/{@code false}/{@code null}). JMH writes a missing score as the
 * string {@code "NaN"}; it is read as {@link Double#NaN}.
 * <p>
 * Not thread-safe; used by the gate's main thread only.
 */
final class JmhJson
{
    /**
     * One benchmark and parameter combination from a JMH JSON file.
     *
     * @param benchmark     the fully qualified benchmark method, e.g. {@code io.bitactor.bench.L2RoutingBenchmark.route}.
     * @param params        the parameters, sorted by name (empty if the benchmark has none).
     * @param score         the primary score (ns/op for the gate's benchmarks).
     * @param scoreError    the primary score's 99.9 % error, or NaN when JMH gave none.
     * @param allocBytesPerOp {@code gc.alloc.rate.norm}, or NaN when the run had no {@code -prof gc}.
     */
    record Row(String benchmark, Map<String, String> params, double score, double scoreError, double allocBytesPerOp)
    {
        /**
         * @return the class and method name, without the package.
         */
        String shortName()
        {
            final int method = benchmark.lastIndexOf('.');
            return benchmark.substring(benchmark.lastIndexOf('.', method - 1) + 1);
        }
    }

    private final String text;
    private int pos;

    private JmhJson(final String text)
    {
        this.text = text;
    }

    /**
     * Reads a JMH JSON result file.
     *
     * @param file the file JMH wrote.
     * @return its rows in file order.
     * @throws IOException              if the file cannot be read.
     * @throws IllegalArgumentException if it is not JSON of JMH's shape.
     */
    static List<Row> read(final Path file) throws IOException
    {
        return parse(Files.readString(file));
    }

    /**
     * Parses the text of a JMH JSON result file.
     *
     * @param json the text.
     * @return its rows in order.
     * @throws IllegalArgumentException if it is not JSON of JMH's shape.
     */
    static List<Row> parse(final String json)
    {
        final JmhJson parser = new JmhJson(json);
        final Object root = parser.value();
        parser.skipWhitespace();
        if (parser.pos != json.length())
        {
            throw parser.error("trailing characters");
        }
        if (!(root instanceof List<?> entries))
        {
            throw new IllegalArgumentException("a JMH result file is a JSON array");
        }
        final List<Row> rows = new ArrayList<>(entries.size());
        for (final Object entry : entries)
        {
            final Map<?, ?> run = asObject(entry, "benchmark entry");
            final Map<String, String> params = new TreeMap<>();
            if (run.get("params") instanceof Map<?, ?> p)
            {
                p.forEach((k, v) -> params.put(String.valueOf(k), String.valueOf(v)));
            }
            final Map<?, ?> primary = asObject(run.get("primaryMetric"), "primaryMetric");
            double alloc = Double.NaN;
            if (run.get("secondaryMetrics") instanceof Map<?, ?> secondary &&
                secondary.get("gc.alloc.rate.norm") instanceof Map<?, ?> norm)
            {
                alloc = number(norm.get("score"));
            }
            rows.add(new Row(String.valueOf(run.get("benchmark")), Collections.unmodifiableMap(params),
                number(primary.get("score")), number(primary.get("scoreError")), alloc));
        }
        return rows;
    }

    private static Map<?, ?> asObject(final Object value, final String what)
    {
        if (value instanceof Map<?, ?> map)
        {
            return map;
        }
        throw new IllegalArgumentException(what + " is not a JSON object: " + value);
    }

    private static double number(final Object value)
    {
        if (value instanceof Double d)
        {
            return d;
        }
        if (value instanceof String s)
        {
            try
            {
                return Double.parseDouble(s); // JMH writes "NaN" as a string
            }
            catch (final NumberFormatException ex)
            {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }

    private Object value()
    {
        skipWhitespace();
        if (pos >= text.length())
        {
            throw error("unexpected end");
        }
        final char c = text.charAt(pos);
        switch (c)
        {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                return number();
        }
    }

    private Map<String, Object> object()
    {
        final Map<String, Object> map = new LinkedHashMap<>();
        pos++; // '{'
        skipWhitespace();
        if (peek() == '}')
        {
            pos++;
            return map;
        }
        while (true)
        {
            skipWhitespace();
            if (peek() != '"')
            {
                throw error("expected a key");
            }
            final String key = string();
            skipWhitespace();
            expect(':');
            map.put(key, value());
            skipWhitespace();
            if (peek() == ',')
            {
                pos++;
                continue;
            }
            expect('}');
            return map;
        }
    }

    private List<Object> array()
    {
        final List<Object> list = new ArrayList<>();
        pos++; // '['
        skipWhitespace();
        if (peek() == ']')
        {
            pos++;
            return list;
        }
        while (true)
        {
            list.add(value());
            skipWhitespace();
            if (peek() == ',')
            {
                pos++;
                continue;
            }
            expect(']');
            return list;
        }
    }

    private String string()
    {
        final StringBuilder sb = new StringBuilder();
        pos++; // opening quote
        while (pos < text.length())
        {
            final char c = text.charAt(pos++);
            if (c == '"')
            {
                return sb.toString();
            }
            if (c != '\\')
            {
                sb.append(c);
                continue;
            }
            if (pos >= text.length())
            {
                break;
            }
            final char escaped = text.charAt(pos++);
            switch (escaped)
            {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'u' ->
                {
                    if (pos + 4 > text.length())
                    {
                        throw error("short \\u escape");
                    }
                    sb.append((char)Integer.parseInt(text.substring(pos, pos + 4), 16));
                    pos += 4;
                }
                default -> sb.append(escaped); // \" \\ \/
            }
        }
        throw error("unterminated string");
    }

    private Double number()
    {
        final int start = pos;
        while (pos < text.length() && "+-0123456789.eE".indexOf(text.charAt(pos)) >= 0)
        {
            pos++;
        }
        if (start == pos)
        {
            throw error("unexpected character '" + text.charAt(pos) + "'");
        }
        try
        {
            return Double.parseDouble(text.substring(start, pos));
        }
        catch (final NumberFormatException ex)
        {
            throw error("bad number " + text.substring(start, pos));
        }
    }

    private Object literal(final String word, final Object value)
    {
        if (!text.startsWith(word, pos))
        {
            throw error("expected " + word);
        }
        pos += word.length();
        return value;
    }

    private void expect(final char c)
    {
        if (peek() != c)
        {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    private char peek()
    {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void skipWhitespace()
    {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos)))
        {
            pos++;
        }
    }

    private IllegalArgumentException error(final String what)
    {
        return new IllegalArgumentException("JMH JSON: " + what + " at offset " + pos);
    }
}
