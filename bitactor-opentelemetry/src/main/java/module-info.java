/**
 * BitActor OpenTelemetry: a {@code SpanSink} that exports the runtime's spans through the OpenTelemetry API,
 * following the messaging semantic conventions (a PRODUCER span per send, a CONSUMER span per handling). The
 * runtime modules do not depend on OpenTelemetry; only applications that add this module do.
 */
module io.bitactor.opentelemetry
{
    requires transitive io.bitactor.actor;
    requires transitive io.opentelemetry.api;
    requires io.opentelemetry.context;
    requires org.agrona;

    exports io.bitactor.opentelemetry;
}
