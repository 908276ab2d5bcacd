/**
 * Export of BitActor spans to OpenTelemetry: {@link io.bitactor.opentelemetry.OpenTelemetrySpanSink}, configured
 * by {@link io.bitactor.opentelemetry.OpenTelemetrySinkContext}, with the attribute keys it writes in
 * {@link io.bitactor.opentelemetry.MessagingAttributes}.
 */
package io.bitactor.opentelemetry;
