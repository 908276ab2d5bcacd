package io.bitactor.actor;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Payload of a {@code SYSTEM} frame: runtime-to-actor commands on the control lane, served before ordinary
 * frames.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                           Command                             |
 *  +---------------------------------------------------------------+
 *  |                    Subject actor id                           |
 *  +---------------------------------------------------------------+
 *  |                           Argument                            |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 * </pre>
 */
final class SystemCommand
{
    static final int COMMAND_OFFSET = 0;
    static final int SUBJECT_OFFSET = 4;
    static final int ARGUMENT_OFFSET = 8;
    static final int LENGTH = 16;

    /** Run init and start handling messages. */
    static final int START = 1;
    /** Stop for good; argument: the {@link StopReason} ordinal. */
    static final int STOP = 2;
    /** Restart (terminate, new instance, init); argument: delay in ns. */
    static final int RESTART = 3;
    /** To a supervisor: its child (subject) failed; argument: 1 if it failed, 0 if it stopped normally. */
    static final int CHILD_ENDED = 4;
    /** To a supervisor: its child (subject) stopped for good and left it. */
    static final int CHILD_STOPPED = 5;
    /** To a supervisor: a child (subject) was spawned under it. */
    static final int ADD_CHILD = 6;
    /** The subject watches the target. */
    static final int WATCH = 7;
    /** The subject stops watching the target. */
    static final int UNWATCH = 8;
    /** To a watcher: the subject stopped. */
    static final int TERMINATED = 9;

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private SystemCommand()
    {
    }

    static int encode(
        final MutableDirectBuffer buffer, final int offset, final int command, final int subject, final long argument)
    {
        buffer.putInt(offset + COMMAND_OFFSET, command, ORDER);
        buffer.putInt(offset + SUBJECT_OFFSET, subject, ORDER);
        buffer.putLong(offset + ARGUMENT_OFFSET, argument, ORDER);
        return LENGTH;
    }

    static int command(final DirectBuffer buffer, final int payloadOffset)
    {
        return buffer.getInt(payloadOffset + COMMAND_OFFSET, ORDER);
    }

    static int subject(final DirectBuffer buffer, final int payloadOffset)
    {
        return buffer.getInt(payloadOffset + SUBJECT_OFFSET, ORDER);
    }

    static long argument(final DirectBuffer buffer, final int payloadOffset)
    {
        return buffer.getLong(payloadOffset + ARGUMENT_OFFSET, ORDER);
    }

    static String name(final int command)
    {
        switch (command)
        {
            case START: return "START";
            case STOP: return "STOP";
            case RESTART: return "RESTART";
            case CHILD_ENDED: return "CHILD_ENDED";
            case CHILD_STOPPED: return "CHILD_STOPPED";
            case ADD_CHILD: return "ADD_CHILD";
            case WATCH: return "WATCH";
            case UNWATCH: return "UNWATCH";
            case TERMINATED: return "TERMINATED";
            default: return "UNKNOWN(" + command + ")";
        }
    }
}
