/**
 * BitActor L3: the GenActor layer. {@code ActorBehavior} ({@code handleCall} / {@code handleCast}) run by an
 * {@code ActorSystem} of Agrona agents over the L2 mailboxes, with call/reply by correlation id, circuit breakers,
 * retry with exponential backoff and supervision trees.
 */
module io.bitactor.actor
{
    requires transitive io.bitactor.mailbox;
    requires transitive io.bitactor.core;
    requires transitive org.agrona;
    requires org.slf4j;
    requires transitive HdrHistogram;

    exports io.bitactor.actor;
    exports io.bitactor.metrics;
    exports io.bitactor.tracing;
}
