package io.bitactor.opentelemetry;

import io.opentelemetry.api.common.AttributeKey;

/**
 * The attribute keys and values {@link OpenTelemetrySpanSink} writes: the OpenTelemetry messaging semantic
 * conventions ({@code messaging.*}, {@code error.type}) and BitActor's own ({@code bitactor.*}). The keys are written
 * out here rather than taken from the incubating semantic-conventions artifact, so this module depends on the stable
 * OpenTelemetry API only. Constants: safe to use from any thread.
 */
public final class MessagingAttributes
{
    /** The value of {@link #MESSAGING_SYSTEM}. */
    public static final String SYSTEM = "bitactor";

    /** The instrumentation scope name of the tracer the sink uses. */
    public static final String INSTRUMENTATION_SCOPE = "io.bitactor";

    /** {@code messaging.system}: always {@value #SYSTEM}. */
    public static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");

    /** {@code messaging.operation.type}: {@value #OPERATION_SEND} or {@value #OPERATION_PROCESS}. */
    public static final AttributeKey<String> MESSAGING_OPERATION_TYPE =
        AttributeKey.stringKey("messaging.operation.type");

    /**
     * {@code messaging.operation.name}: what BitActor did: {@code call}, {@code cast} or {@code reply} on a PRODUCER
     * span, {@code handle_call}, {@code handle_cast} or {@code handle_reply} on a CONSUMER span.
     */
    public static final AttributeKey<String> MESSAGING_OPERATION_NAME =
        AttributeKey.stringKey("messaging.operation.name");

    /** {@code messaging.destination.name}: the id of the actor the message was sent to, in decimal. */
    public static final AttributeKey<String> MESSAGING_DESTINATION_NAME =
        AttributeKey.stringKey("messaging.destination.name");

    /** {@code messaging.destination.temporary}: true for the reply endpoint of a plain thread's call. */
    public static final AttributeKey<Boolean> MESSAGING_DESTINATION_TEMPORARY =
        AttributeKey.booleanKey("messaging.destination.temporary");

    /** {@code messaging.message.id}: the message id, in decimal. */
    public static final AttributeKey<String> MESSAGING_MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");

    /** {@code messaging.message.conversation_id}: for a reply, the correlation id of the call, in decimal. */
    public static final AttributeKey<String> MESSAGING_MESSAGE_CONVERSATION_ID =
        AttributeKey.stringKey("messaging.message.conversation_id");

    /** {@code error.type}: the class name of the exception that failed a handling. */
    public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    /** {@code bitactor.source_actor.id}: the sender's actor id (negative for a plain thread). */
    public static final AttributeKey<Long> BITACTOR_SOURCE_ACTOR_ID = AttributeKey.longKey("bitactor.source_actor.id");

    /** {@code bitactor.retry_count}: retries made before the handling ended (CONSUMER spans). */
    public static final AttributeKey<Long> BITACTOR_RETRY_COUNT = AttributeKey.longKey("bitactor.retry_count");

    /**
     * {@code bitactor.outcome}: how the handling ended (CONSUMER spans): {@code ok}, {@code error},
     * {@code rejected} or {@code timed_out}.
     */
    public static final AttributeKey<String> BITACTOR_OUTCOME = AttributeKey.stringKey("bitactor.outcome");

    /**
     * {@code bitactor.trace_id}: BitActor's trace id (32 hex digits). It equals the OpenTelemetry trace id unless
     * the trace started in BitActor (then the OpenTelemetry SDK chose the trace id of the root span).
     */
    public static final AttributeKey<String> BITACTOR_TRACE_ID = AttributeKey.stringKey("bitactor.trace_id");

    /**
     * {@code bitactor.span_id}: BitActor's span id of the message (16 hex digits), the id logs and the message's
     * {@code traceparent} carry; OpenTelemetry gives its spans ids of its own.
     */
    public static final AttributeKey<String> BITACTOR_SPAN_ID = AttributeKey.stringKey("bitactor.span_id");

    /** The {@link #MESSAGING_OPERATION_TYPE} of PRODUCER spans. */
    public static final String OPERATION_SEND = "send";

    /** The {@link #MESSAGING_OPERATION_TYPE} of CONSUMER spans. */
    public static final String OPERATION_PROCESS = "process";

    private MessagingAttributes()
    {
    }
}
