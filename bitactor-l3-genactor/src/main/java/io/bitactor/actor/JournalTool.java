package io.bitactor.actor;

import io.bitactor.core.FrameDecoder;
import io.bitactor.core.FrameDescriptor;
import io.bitactor.core.MessageType;
import io.bitactor.journal.JournalDescriptor;
import io.bitactor.journal.JournalException;
import io.bitactor.journal.JournalReader;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.PrintStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Reads a write-ahead journal (see {@link io.bitactor.journal.Journal}) to look at what was sent and to replay
 * one actor's recorded input, step by step, into a fresh behaviour: put a breakpoint in the behaviour's handler
 * and run the replay in a debugger to reproduce a failure.
 * <pre>
 * java -cp ... io.bitactor.actor.JournalTool dump   &lt;dir&gt; [--actor ID] [--pending]
 * java -cp ... io.bitactor.actor.JournalTool replay &lt;dir&gt; --actor ID --behaviour fully.qualified.ClassName [--pending]
 * </pre>
 * <ul>
 *   <li><b>dump</b> prints one line per record (segment, offset, state, message id, type, source, target,
 *   correlation id, hybrid-logical-clock timestamp, payload length and up to 32 payload bytes in hex), a line per
 *   skipped region or torn tail, and a summary line. {@code --actor} keeps the records sent to one actor,
 *   {@code --pending} those not handled yet (what a recovery would deliver again).</li>
 *   <li><b>replay</b> starts an {@link ActorSystem} in {@link ThreadingMode#INVOKER} mode (no threads of its own,
 *   no journal, a clock that does not move, so nothing times out while the debugger holds a handler), spawns one
 *   fresh instance of the behaviour (a public class with a public no-argument constructor) and delivers the
 *   actor's recorded casts and calls in journal order, one at a time: each is handled completely, with
 *   everything it causes, before the next is sent. Each step prints {@code step N: <type> id=<message id>
 *   <length> bytes}, then a call's reply or error, and any failure of the handler.</li>
 * </ul>
 * What a replay reproduces: the payloads, their types and their order. The recorded message ids, sources,
 * correlation ids and timestamps are printed but not replayed (each step is a new cast or call from the tool,
 * to an actor with a new id), and neither are timers, replies to the actor's own calls, or messages from actors
 * that were not journaled. A handler that throws fails the actor like in any system: it is restarted (a fresh
 * instance from the factory) and the replay goes on, up to {@value #MAX_RESTARTS} failures.
 * <p>
 * Exit codes of {@link #main(String[])}: 0 done, 1 error (the journal cannot be read, the behaviour cannot be
 * loaded), 2 bad usage.
 * <p>
 * <b>Threads:</b> every method runs on the calling thread (the replay's actor handlers too) and may be called
 * from any thread that is not a worker of an actor system; calls on different threads are independent.
 */
public final class JournalTool
{
    /** Exit code: done. */
    public static final int EXIT_OK = 0;
    /** Exit code: an error (journal unreadable, behaviour not loadable). */
    public static final int EXIT_ERROR = 1;
    /** Exit code: bad usage. */
    public static final int EXIT_USAGE = 2;
    /** Failures of the replayed actor after which the replay gives up (its supervisor escalates). */
    public static final int MAX_RESTARTS = 1 << 16;

    /** The usage text. */
    public static final String USAGE = String.join(System.lineSeparator(),
        "usage: JournalTool dump <dir> [--actor ID] [--pending]",
        "       JournalTool replay <dir> --actor ID --behaviour <fully.qualified.ClassName> [--pending]",
        "  dump     print every record of the journal in <dir>, its skipped regions and a summary",
        "  replay   deliver the recorded casts and calls of one actor, in journal order and one at a time, to a",
        "           fresh instance of the behaviour (public, with a public no-argument constructor) in an actor",
        "           system in invoker mode: put a breakpoint in its handler to follow a failure step by step",
        "  --actor ID       only the messages sent to actor ID",
        "  --pending        only the messages not handled yet (what a recovery would deliver again)",
        "  --behaviour CLS  the ActorBehavior class to replay into (also spelt --behavior)",
        "exit codes: 0 done, 1 error, 2 bad usage");

    private static final int HEX_BYTES = 32;
    private static final int FAILURES_SHOWN = 5;
    private static final int MIN_REPLAY_PAYLOAD_LENGTH = 4096;
    private static final Duration CALL_TIMEOUT = Duration.ofDays(1);

    private JournalTool()
    {
    }

    /**
     * The command line: runs {@link #run(String[], PrintStream, PrintStream)} on the standard streams and exits
     * the JVM with its exit code.
     *
     * @param args {@code dump <dir> [--actor ID] [--pending]} or
     *             {@code replay <dir> --actor ID --behaviour <class> [--pending]}.
     */
    public static void main(final String[] args)
    {
        final int code = run(args, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    /**
     * The command line without exiting: parses the arguments, runs the command and returns the exit code. Usage
     * errors print the problem and {@link #USAGE} to {@code err}; other errors print their message to {@code err}.
     *
     * @param args the arguments, as for {@link #main(String[])}.
     * @param out  receives the command's output.
     * @param err  receives usage and error messages.
     * @return {@link #EXIT_OK}, {@link #EXIT_ERROR} or {@link #EXIT_USAGE}.
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        final Arguments arguments;
        try
        {
            arguments = Arguments.parse(args);
        }
        catch (final IllegalArgumentException ex)
        {
            err.println(ex.getMessage());
            err.println(USAGE);
            return EXIT_USAGE;
        }
        if (arguments.help)
        {
            out.println(USAGE);
            return EXIT_OK;
        }
        try
        {
            if (arguments.replay)
            {
                replay(arguments.directory, arguments.actorId.getAsInt(), behaviourFactory(arguments.behaviour),
                    arguments.pendingOnly, out);
            }
            else
            {
                dump(arguments.directory, arguments.actorId, arguments.pendingOnly, out);
            }
            return EXIT_OK;
        }
        catch (final JournalException | IllegalArgumentException ex)
        {
            err.println("error: " + ex.getMessage());
            return EXIT_ERROR;
        }
        catch (final RuntimeException ex)
        {
            err.println("error: " + ex);
            ex.printStackTrace(err);
            return EXIT_ERROR;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // dump
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Prints the records of a journal, one line each in journal order, with the skipped regions and torn tails
     * where they are found, then a summary line: the records printed, their count per state, and the skipped
     * regions and torn-tail bytes of the whole journal. Reads only.
     *
     * @param directory   the journal's directory.
     * @param actorId     only the records of messages sent to this actor; empty for all.
     * @param pendingOnly only the records not handled or cancelled (damaged states count as pending, as in
     *                    recovery).
     * @param out         receives the lines.
     * @return how many records were printed.
     * @throws JournalException if the directory cannot be read or holds a foreign or damaged segment file.
     */
    public static long dump(
        final Path directory, final OptionalInt actorId, final boolean pendingOnly, final PrintStream out)
    {
        final Map<String, Long> byState = new LinkedHashMap<>();
        for (final String state : new String[] {"PENDING", "HANDLED", "CANCELLED", "DAMAGED"})
        {
            byState.put(state, 0L);
        }
        final long[] printed = new long[1];
        final long[] skipped = new long[3]; // regions, bytes, torn-tail bytes
        final StringBuilder line = new StringBuilder(256);
        final JournalReader.RecordVisitor records =
            (segmentIndex, recordOffset, state, buffer, frameOffset, frameLength) ->
            {
                if (pendingOnly && JournalDescriptor.isSettled(state))
                {
                    return;
                }
                printed[0]++;
                final String stateName = JournalDescriptor.stateName(state);
                byState.merge(stateName.startsWith("DAMAGED") ? "DAMAGED" : stateName, 1L, Long::sum);
                line.setLength(0);
                line.append("segment=").append(segmentIndex)
                    .append(" offset=").append(recordOffset)
                    .append(" state=").append(stateName)
                    .append(" id=").append(FrameDescriptor.messageId(buffer, frameOffset))
                    .append(" type=").append(typeName(FrameDescriptor.messageTypeCode(buffer, frameOffset)))
                    .append(" source=").append(FrameDescriptor.sourceActorId(buffer, frameOffset))
                    .append(" target=").append(FrameDescriptor.targetActorId(buffer, frameOffset))
                    .append(" correlation=").append(FrameDescriptor.correlationId(buffer, frameOffset))
                    .append(" hlc=").append(FrameDescriptor.timestamp(buffer, frameOffset));
                final int payloadLength = FrameDescriptor.payloadLength(buffer, frameOffset);
                line.append(" length=").append(payloadLength).append(" payload=");
                appendHex(line, buffer, frameOffset + FrameDescriptor.PAYLOAD_OFFSET, payloadLength);
                out.println(line);
            };
        final JournalReader.SkipVisitor skips = (segmentIndex, offset, length, what) ->
        {
            if (JournalReader.TORN_TAIL.equals(what))
            {
                skipped[2] += length;
                out.println("torn-tail segment=" + segmentIndex + " offset=" + offset + " length=" + length);
            }
            else
            {
                skipped[0]++;
                skipped[1] += length;
                out.println("skipped segment=" + segmentIndex + " offset=" + offset + " length=" + length + " (" +
                    what + ")");
            }
        };
        try (JournalReader reader = JournalReader.open(directory))
        {
            if (actorId.isPresent())
            {
                reader.forEach(actorId.getAsInt(), records, skips);
            }
            else
            {
                reader.forEach(records, skips);
            }
            final StringBuilder summary = new StringBuilder("records=").append(printed[0]);
            for (final Map.Entry<String, Long> entry : byState.entrySet())
            {
                summary.append(' ').append(entry.getKey()).append('=').append(entry.getValue());
            }
            summary.append(" skipped=").append(skipped[0])
                .append(" skippedBytes=").append(skipped[1])
                .append(" tornTailBytes=").append(skipped[2])
                .append(" segments=").append(reader.segmentCount());
            out.println(summary);
        }
        return printed[0];
    }

    private static String typeName(final byte code)
    {
        return MessageType.isValid(code) ? MessageType.fromCode(code).name() : "UNKNOWN(" + code + ")";
    }

    private static void appendHex(final StringBuilder sb, final DirectBuffer buffer, final int offset, final int length)
    {
        final int shown = Math.min(length, HEX_BYTES);
        for (int i = 0; i < shown; i++)
        {
            final int b = buffer.getByte(offset + i) & 0xFF;
            sb.append(Character.forDigit(b >>> 4, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        if (length > shown)
        {
            sb.append("...");
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // replay
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Loads a behaviour class for {@link #replay(Path, int, Supplier, boolean, PrintStream)}: a public class
     * implementing {@link ActorBehavior} with a public no-argument constructor, from the thread's context class
     * loader (or this class's). The returned factory creates a new instance each time it is called.
     *
     * @param className the fully qualified class name.
     * @return the factory.
     * @throws IllegalArgumentException if the class cannot be found, is not a public concrete
     *                                  {@link ActorBehavior}, or has no public no-argument constructor.
     */
    public static Supplier<ActorBehavior> behaviourFactory(final String className)
    {
        final ClassLoader contextLoader = Thread.currentThread().getContextClassLoader();
        final Class<?> type;
        try
        {
            type = Class.forName(className, false,
                contextLoader != null ? contextLoader : JournalTool.class.getClassLoader());
        }
        catch (final ClassNotFoundException | LinkageError ex)
        {
            throw new IllegalArgumentException("cannot load behaviour class " + className + ": " + ex, ex);
        }
        if (!ActorBehavior.class.isAssignableFrom(type))
        {
            throw new IllegalArgumentException(className + " does not implement " + ActorBehavior.class.getName());
        }
        if (!Modifier.isPublic(type.getModifiers()) || Modifier.isAbstract(type.getModifiers()))
        {
            throw new IllegalArgumentException(className + " must be a public, non-abstract class");
        }
        final Constructor<? extends ActorBehavior> constructor;
        try
        {
            constructor = type.asSubclass(ActorBehavior.class).getConstructor();
        }
        catch (final NoSuchMethodException ex)
        {
            throw new IllegalArgumentException(className + " has no public no-argument constructor", ex);
        }
        return () ->
        {
            try
            {
                return constructor.newInstance();
            }
            catch (final InvocationTargetException ex)
            {
                final Throwable cause = ex.getCause();
                if (cause instanceof RuntimeException)
                {
                    throw (RuntimeException)cause;
                }
                if (cause instanceof Error)
                {
                    throw (Error)cause;
                }
                throw new IllegalStateException("constructor of " + className + " failed: " + cause, cause);
            }
            catch (final ReflectiveOperationException ex)
            {
                throw new IllegalStateException("cannot instantiate " + className + ": " + ex, ex);
            }
        };
    }

    /**
     * Replays one actor's recorded input into a fresh behaviour: its casts and calls in journal order, one at a
     * time, each handled completely (with all it causes) before the next is sent, in an {@link ActorSystem} of
     * one worker in {@link ThreadingMode#INVOKER} mode driven by the calling thread, without a journal and with a
     * clock that does not move. For each step it prints {@code step N: <type> id=<recorded message id> <payload
     * length> bytes}, then the reply or error of a call (a reply deferred to a later step is printed at that
     * step), and any failure of the behaviour. A failing behaviour is restarted with a fresh instance and the
     * replay goes on; it stops early only if the actor system stops (more than {@value #MAX_RESTARTS}
     * failures). Reads the journal only; never exits the JVM.
     *
     * @param directory   the journal's directory.
     * @param actorId     the recorded target actor whose input to replay.
     * @param behaviour   creates the behaviour (called for the first start and for every restart).
     * @param pendingOnly only the records not handled or cancelled (what a recovery would deliver again).
     * @param out         receives the step lines.
     * @return the number of steps delivered.
     * @throws JournalException         if the directory cannot be read or holds a foreign or damaged segment file.
     * @throws IllegalStateException    if called on a worker thread of an actor system.
     */
    public static int replay(
        final Path directory, final int actorId, final Supplier<? extends ActorBehavior> behaviour,
        final boolean pendingOnly, final PrintStream out)
    {
        try (JournalReader reader = JournalReader.open(directory))
        {
            final int[] largestPayload = new int[1];
            reader.forEach(actorId, (segmentIndex, recordOffset, state, buffer, frameOffset, frameLength) ->
                largestPayload[0] = Math.max(largestPayload[0], FrameDescriptor.payloadLength(buffer, frameOffset)));
            try (Replay replay = new Replay(behaviour, pendingOnly, out,
                Math.max(MIN_REPLAY_PAYLOAD_LENGTH, largestPayload[0])))
            {
                reader.forEach(actorId, replay);
                replay.finish(actorId);
                return replay.steps;
            }
        }
    }

    /** One replay: the system, the actor, the steps. Calling thread only. */
    private static final class Replay implements JournalReader.RecordVisitor, AutoCloseable
    {
        private final boolean pendingOnly;
        private final PrintStream out;
        private final List<Throwable> failures = new ArrayList<>();
        private final List<Throwable> systemErrors = new ArrayList<>();
        private final Map<Integer, CompletableFuture<byte[]>> unanswered = new TreeMap<>();
        private final FrameDecoder decoder = new FrameDecoder(FrameDescriptor.MAX_PAYLOAD_LENGTH);
        private final ActorSystem system;
        private final ActorRef actor;
        private int steps;
        private long notDelivered;
        private boolean stopped;

        Replay(
            final Supplier<? extends ActorBehavior> behaviour, final boolean pendingOnly, final PrintStream out,
            final int maxPayloadLength)
        {
            this.pendingOnly = pendingOnly;
            this.out = out;
            final CachedNanoClock frozen = new CachedNanoClock();
            this.system = ActorSystem.launch(new ActorSystemContext()
                .threadingMode(ThreadingMode.INVOKER)
                .workerCount(1)
                .shardCount(1)
                .maxActors(1 << 16)
                .maxPayloadLength(maxPayloadLength)
                .nanoClock(frozen)
                .randomSeed(0)
                .rootStrategy(SupervisorStrategy.oneForOne().withLimit(MAX_RESTARTS, Duration.ofDays(1)))
                .errorHandler(systemErrors::add));
            try
            {
                this.actor = system.spawn(ActorSpec.of(() -> observe(behaviour)).withName("replayed"));
                system.runUntilIdle();
            }
            catch (final RuntimeException ex)
            {
                system.close();
                throw ex;
            }
            report("start");
        }

        private ActorBehavior observe(final Supplier<? extends ActorBehavior> behaviour)
        {
            try
            {
                final ActorBehavior created = behaviour.get();
                if (null == created)
                {
                    failures.add(new IllegalStateException("the behaviour factory returned null"));
                    return null; // the actor fails to start, as it would anywhere
                }
                return new Observed(created, failures);
            }
            catch (final RuntimeException | Error ex)
            {
                failures.add(ex);
                throw ex;
            }
        }

        public void onRecord(
            final long segmentIndex, final long recordOffset, final int state, final DirectBuffer buffer,
            final int frameOffset, final int frameLength)
        {
            if (pendingOnly && JournalDescriptor.isSettled(state))
            {
                return;
            }
            decoder.wrap(buffer, frameOffset, frameLength);
            final byte type = decoder.messageTypeCode();
            if (type != MessageType.CAST.code() && type != MessageType.CALL.code())
            {
                out.println("not replayed: " + typeName(type) + " id=" + decoder.messageId());
                return;
            }
            if (stopped)
            {
                notDelivered++;
                return;
            }
            final byte[] payload = decoder.payloadAsBytes();
            steps++;
            out.println("step " + steps + ": " + typeName(type) + " id=" + decoder.messageId() + " " +
                payload.length + " bytes");
            if (type == MessageType.CAST.code())
            {
                final SendStatus status = system.cast(actor, payload);
                if (status != SendStatus.ACCEPTED)
                {
                    out.println("  not delivered: " + status);
                }
            }
            else
            {
                unanswered.put(steps, system.call(actor, payload, CALL_TIMEOUT));
            }
            system.runUntilIdle();
            report("step " + steps);
        }

        /** Prints what the last step caused: failures, replies, errors; stops the replay if the system stopped. */
        private void report(final String step)
        {
            for (int i = 0; i < failures.size(); i++)
            {
                if (i == FAILURES_SHOWN)
                {
                    out.println("  ... " + (failures.size() - FAILURES_SHOWN) + " more failures");
                    break;
                }
                out.println("  failed: " + failures.get(i));
            }
            failures.clear();
            for (final Iterator<Map.Entry<Integer, CompletableFuture<byte[]>>> it = unanswered.entrySet().iterator();
                it.hasNext(); )
            {
                final Map.Entry<Integer, CompletableFuture<byte[]>> entry = it.next();
                if (entry.getValue().isDone())
                {
                    it.remove();
                    final String prefix = ("step " + entry.getKey()).equals(step) ? "  " :
                        "  to step " + entry.getKey() + ": ";
                    out.println(prefix + outcome(entry.getValue()));
                }
            }
            for (final Throwable error : systemErrors)
            {
                out.println("  system error: " + error);
            }
            systemErrors.clear();
            if (!stopped && (system.terminationCause() != null || !system.isAlive(actor)))
            {
                stopped = true;
                out.println(system.terminationCause() != null ?
                    "  the actor system stopped after " + step + ": " + system.terminationCause() :
                    "  the actor stopped after " + step);
            }
        }

        private static String outcome(final CompletableFuture<byte[]> future)
        {
            try
            {
                final byte[] reply = future.join();
                final StringBuilder sb = new StringBuilder("reply: ").append(reply.length).append(" bytes ");
                final UnsafeBuffer wrapped = new UnsafeBuffer(reply);
                appendHex(sb, wrapped, 0, reply.length);
                if (isPrintable(reply))
                {
                    sb.append(" \"").append(new String(reply, StandardCharsets.UTF_8)).append('"');
                }
                return sb.toString();
            }
            catch (final CompletionException ex)
            {
                return "error: " + ex.getCause();
            }
            catch (final CancellationException ex)
            {
                return "error: " + ex;
            }
        }

        private static boolean isPrintable(final byte[] bytes)
        {
            if (bytes.length == 0)
            {
                return false;
            }
            for (final byte b : bytes)
            {
                if (b < 0x20 || b > 0x7E)
                {
                    return false;
                }
            }
            return true;
        }

        void finish(final int actorId)
        {
            for (final Integer step : unanswered.keySet())
            {
                out.println("step " + step + ": no reply by the end of the replay");
            }
            if (notDelivered > 0)
            {
                out.println(notDelivered + " recorded messages not delivered: the actor system had stopped");
            }
            out.println("replayed " + steps + " messages of actor " + actorId);
        }

        public void close()
        {
            system.close();
        }
    }

    /** Forwards to a behaviour, noting what it throws (the system only counts a handler's failure). */
    private static final class Observed implements ActorBehavior
    {
        private final ActorBehavior delegate;
        private final List<Throwable> failures;

        Observed(final ActorBehavior delegate, final List<Throwable> failures)
        {
            this.delegate = delegate;
            this.failures = failures;
        }

        public void init(final ActorContext ctx) throws Exception
        {
            try
            {
                delegate.init(ctx);
            }
            catch (final Exception | Error ex)
            {
                failures.add(ex);
                throw ex;
            }
        }

        public void handleCall(final ActorContext ctx, final Message request, final Reply reply) throws Exception
        {
            try
            {
                delegate.handleCall(ctx, request, reply);
            }
            catch (final Exception | Error ex)
            {
                failures.add(ex);
                throw ex;
            }
        }

        public void handleCast(final ActorContext ctx, final Message message) throws Exception
        {
            try
            {
                delegate.handleCast(ctx, message);
            }
            catch (final Exception | Error ex)
            {
                failures.add(ex);
                throw ex;
            }
        }

        public void handleInfo(final ActorContext ctx, final Info info) throws Exception
        {
            try
            {
                delegate.handleInfo(ctx, info);
            }
            catch (final Exception | Error ex)
            {
                failures.add(ex);
                throw ex;
            }
        }

        public void terminate(final ActorContext ctx, final StopReason reason)
        {
            delegate.terminate(ctx, reason);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // arguments
    // ---------------------------------------------------------------------------------------------------------

    /** Parsed command line. */
    private static final class Arguments
    {
        boolean help;
        boolean replay;
        Path directory;
        OptionalInt actorId = OptionalInt.empty();
        String behaviour;
        boolean pendingOnly;

        static Arguments parse(final String[] args)
        {
            final Arguments a = new Arguments();
            if (args == null || args.length == 0)
            {
                throw new IllegalArgumentException("no command");
            }
            if (args.length == 1 && ("help".equals(args[0]) || "--help".equals(args[0]) || "-h".equals(args[0])))
            {
                a.help = true;
                return a;
            }
            switch (args[0])
            {
                case "dump" -> a.replay = false;
                case "replay" -> a.replay = true;
                default -> throw new IllegalArgumentException("unknown command: " + args[0]);
            }
            if (args.length < 2 || args[1].startsWith("--"))
            {
                throw new IllegalArgumentException("no journal directory");
            }
            try
            {
                a.directory = Paths.get(args[1]);
            }
            catch (final InvalidPathException ex)
            {
                throw new IllegalArgumentException("invalid directory: " + ex.getMessage());
            }
            for (int i = 2; i < args.length; i++)
            {
                switch (args[i])
                {
                    case "--actor" ->
                    {
                        final String value = value(args, i++);
                        try
                        {
                            a.actorId = OptionalInt.of(Integer.parseInt(value));
                        }
                        catch (final NumberFormatException ex)
                        {
                            throw new IllegalArgumentException("--actor needs an integer actor id: " + value);
                        }
                    }
                    case "--behaviour", "--behavior" ->
                    {
                        if (!a.replay)
                        {
                            throw new IllegalArgumentException(args[i] + " is for replay only");
                        }
                        a.behaviour = value(args, i++);
                    }
                    case "--pending" -> a.pendingOnly = true;
                    default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
                }
            }
            if (a.replay && (a.actorId.isEmpty() || a.behaviour == null))
            {
                throw new IllegalArgumentException("replay needs --actor ID and --behaviour <class>");
            }
            return a;
        }

        private static String value(final String[] args, final int i)
        {
            if (i + 1 >= args.length)
            {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            return args[i + 1];
        }
    }
}
