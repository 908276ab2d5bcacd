/**
 * Span tracking: the {@link io.bitactor.tracing.SpanSink} SPI that receives one {@link io.bitactor.tracing.SpanRecord}
 * per handled message (call, cast, reply delivery) of a sampled trace, with W3C trace context.
 */
package io.bitactor.tracing;
