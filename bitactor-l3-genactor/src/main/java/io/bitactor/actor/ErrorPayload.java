package io.bitactor.actor;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Payload of an {@code ERROR_REPLY} frame: what went wrong at the callee, truncated to fit the payload limit.
 * <pre>
 *  +-----------------------------------+
 *  | Attempts (int32)                  |
 *  +-----------------------------------+
 *  | Class name length (int32)         |
 *  +-----------------------------------+
 *  | Class name (ASCII) ...            |
 *  +-----------------------------------+
 *  | Message (UTF-8, rest of payload)  |
 *  +-----------------------------------+
 * </pre>
 */
final class ErrorPayload
{
    /** The smallest payload limit a system accepts: room for a system command and a short error report. */
    static final int MIN_PAYLOAD_LENGTH = 32;

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private ErrorPayload()
    {
    }

    /**
     * Encodes a report. Error path only: allocates for the strings.
     */
    static int encode(
        final MutableDirectBuffer buffer, final int offset, final int maxLength, final int attempts,
        final String className, final String message)
    {
        final byte[] classBytes = className.getBytes(StandardCharsets.US_ASCII);
        final int classLength = Math.min(classBytes.length, maxLength - 8);
        buffer.putInt(offset, attempts, ORDER);
        buffer.putInt(offset + 4, classLength, ORDER);
        buffer.putBytes(offset + 8, classBytes, 0, classLength);
        int length = 8 + classLength;
        if (message != null && !message.isEmpty())
        {
            final byte[] messageBytes = message.getBytes(StandardCharsets.UTF_8);
            final int messageLength = Math.min(messageBytes.length, maxLength - length);
            buffer.putBytes(offset + length, messageBytes, 0, messageLength);
            length += messageLength;
        }
        return length;
    }

    /**
     * Decodes a report into the exception a caller sees.
     */
    static RuntimeException decode(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < 8)
        {
            return new CallFailedException("unknown", "malformed error reply", 1);
        }
        final int attempts = buffer.getInt(offset, ORDER);
        final int classLength = Math.min(Math.max(buffer.getInt(offset + 4, ORDER), 0), length - 8);
        final String className = buffer.getStringWithoutLengthAscii(offset + 8, classLength);
        final int messageLength = length - 8 - classLength;
        final byte[] messageBytes = new byte[messageLength];
        buffer.getBytes(offset + 8 + classLength, messageBytes);
        final String message = new String(messageBytes, StandardCharsets.UTF_8);
        if (CircuitOpenException.class.getName().equals(className))
        {
            return new CircuitOpenException(message, 0);
        }
        if (RejectedException.class.getName().equals(className))
        {
            return new RejectedException(SendStatus.UNKNOWN_ACTOR, 0);
        }
        return new CallFailedException(className, message, Math.max(attempts, 1));
    }
}
