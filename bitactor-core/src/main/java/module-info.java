/**
 * BitActor core: the CRC32C-protected message frame and its flyweights, the hybrid logical clock, W3C trace
 * context and message ids.
 */
module io.bitactor.core
{
    requires transitive org.agrona;

    exports io.bitactor.core;
}
