/**
 * BitActor Micrometer binding: {@code BitActorMetrics}, a Micrometer {@code MeterBinder} that publishes an actor
 * system's metrics snapshots as meters.
 */
module io.bitactor.micrometer
{
    requires transitive io.bitactor.actor;
    requires transitive micrometer.core;

    exports io.bitactor.micrometer;
}
