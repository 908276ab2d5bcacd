package io.bitactor.testlog;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tests' SLF4J binding (registered in META-INF/services): keeps what the {@code io.bitactor} loggers log, while
 * a test has asked for it with {@link #capture(Level)}, so tests can assert the exact lines and levels. Otherwise
 * every level is off, as with no binding: other tests run quiet and pay no formatting.
 */
public final class CapturingLogProvider implements SLF4JServiceProvider
{
    /**
     * One captured line.
     *
     * @param level     its level.
     * @param logger    the logger's name.
     * @param message   the formatted message.
     * @param throwable the throwable logged with it, or null.
     */
    public record LogEvent(Level level, String logger, String message, Throwable throwable)
    {
    }

    private static final List<LogEvent> EVENTS = new ArrayList<>();
    private static volatile Level threshold;

    private final ConcurrentHashMap<String, Logger> loggers = new ConcurrentHashMap<>();
    private final ILoggerFactory loggerFactory = name -> loggers.computeIfAbsent(name, CapturingLogger::new);
    private final IMarkerFactory markerFactory = new BasicMarkerFactory();
    private final MDCAdapter mdcAdapter = new NOPMDCAdapter();

    /**
     * Created by SLF4J's service loader.
     */
    public CapturingLogProvider()
    {
    }

    /**
     * Forgets what was captured and captures from now on at this level and above.
     *
     * @param level the lowest level captured.
     */
    public static void capture(final Level level)
    {
        synchronized (EVENTS)
        {
            EVENTS.clear();
            threshold = level;
        }
    }

    /**
     * Stops capturing (every level off) and forgets what was captured.
     */
    public static void stop()
    {
        synchronized (EVENTS)
        {
            threshold = null;
            EVENTS.clear();
        }
    }

    /**
     * What one logger logged at one level, in order.
     *
     * @param logger the logger's name.
     * @param level  the level.
     * @return the events.
     */
    public static List<LogEvent> events(final String logger, final Level level)
    {
        final List<LogEvent> found = new ArrayList<>();
        synchronized (EVENTS)
        {
            for (final LogEvent event : EVENTS)
            {
                if (event.logger().equals(logger) && event.level() == level)
                {
                    found.add(event);
                }
            }
        }
        return found;
    }

    /**
     * The messages one logger logged at one level, in order.
     *
     * @param logger the logger's name.
     * @param level  the level.
     * @return the messages.
     */
    public static List<String> messages(final String logger, final Level level)
    {
        return events(logger, level).stream().map(LogEvent::message).toList();
    }

    /**
     * Everything captured, in order.
     *
     * @return the events.
     */
    public static List<LogEvent> all()
    {
        synchronized (EVENTS)
        {
            return new ArrayList<>(EVENTS);
        }
    }

    /** {@inheritDoc} */
    public ILoggerFactory getLoggerFactory()
    {
        return loggerFactory;
    }

    /** {@inheritDoc} */
    public IMarkerFactory getMarkerFactory()
    {
        return markerFactory;
    }

    /** {@inheritDoc} */
    public MDCAdapter getMDCAdapter()
    {
        return mdcAdapter;
    }

    /** {@inheritDoc} */
    public String getRequestedApiVersion()
    {
        return "2.0.99";
    }

    /** {@inheritDoc} */
    public void initialize()
    {
    }

    /** A logger that appends to the captured events when its level is on. */
    private static final class CapturingLogger extends LegacyAbstractLogger
    {
        private static final long serialVersionUID = 1L;

        CapturingLogger(final String name)
        {
            this.name = name;
        }

        private boolean enabled(final Level level)
        {
            final Level lowest = threshold;
            return null != lowest && level.toInt() >= lowest.toInt() && name.startsWith("io.bitactor.");
        }

        public boolean isTraceEnabled()
        {
            return enabled(Level.TRACE);
        }

        public boolean isDebugEnabled()
        {
            return enabled(Level.DEBUG);
        }

        public boolean isInfoEnabled()
        {
            return enabled(Level.INFO);
        }

        public boolean isWarnEnabled()
        {
            return enabled(Level.WARN);
        }

        public boolean isErrorEnabled()
        {
            return enabled(Level.ERROR);
        }

        protected String getFullyQualifiedCallerName()
        {
            return null;
        }

        protected void handleNormalizedLoggingCall(
            final Level level, final Marker marker, final String messagePattern, final Object[] arguments,
            final Throwable throwable)
        {
            if (!enabled(level))
            {
                return;
            }
            final String message = MessageFormatter.basicArrayFormat(messagePattern, arguments);
            synchronized (EVENTS)
            {
                EVENTS.add(new LogEvent(level, name, message, throwable));
            }
        }
    }
}
