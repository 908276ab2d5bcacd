/**
 * BitActor L2: the causal mailbox layer. Consistent-hash routing of frames to bounded MPSC mailbox shards, with
 * backpressure as a returned status, dead letters, and per-actor causal order across ring changes.
 */
module io.bitactor.mailbox
{
    requires transitive io.bitactor.core;
    requires transitive org.agrona;
    requires org.jctools.core;

    exports io.bitactor.mailbox;
    exports io.bitactor.journal;
}
