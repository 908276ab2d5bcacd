package io.bitactor.actor;

/**
 * An immutable handle on an actor: its system-unique id. Safe to share between threads and to keep.
 * Sending to the ref of a stopped actor is not an error at the sender's side once the message is queued: the
 * message becomes a dead letter, counted.
 */
public final class ActorRef
{
    private final int id;
    private final String name;

    ActorRef(final int id, final String name)
    {
        this.id = id;
        this.name = name;
    }

    /**
     * The actor's id: the target id on the wire, and the key the ring routes by.
     *
     * @return the id (> 0).
     */
    public int id()
    {
        return id;
    }

    /**
     * The name given in the {@link ActorSpec}, for logs.
     *
     * @return the name.
     */
    public String name()
    {
        return name;
    }

    /** {@inheritDoc} */
    public boolean equals(final Object o)
    {
        return o instanceof ActorRef && ((ActorRef)o).id == id;
    }

    /** {@inheritDoc} */
    public int hashCode()
    {
        return Integer.hashCode(id);
    }

    /** {@inheritDoc} */
    public String toString()
    {
        return "ActorRef{" + name + "#" + id + "}";
    }
}
