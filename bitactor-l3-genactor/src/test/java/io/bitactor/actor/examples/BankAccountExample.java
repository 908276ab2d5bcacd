package io.bitactor.actor.examples;

import io.bitactor.actor.ActorBehavior;
import io.bitactor.actor.ActorContext;
import io.bitactor.actor.ActorRef;
import io.bitactor.actor.ActorSpec;
import io.bitactor.actor.ActorSystem;
import io.bitactor.actor.ActorSystemContext;
import io.bitactor.actor.CallFailedException;
import io.bitactor.actor.CircuitBreakerConfig;
import io.bitactor.actor.Message;
import io.bitactor.actor.Reply;
import io.bitactor.actor.RestartType;
import io.bitactor.actor.SupervisorStrategy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The README's quick start, compiled and run by the build ({@code BankAccountExampleTest}); the README shows the
 * part between the tags, and {@code ReadmeQuickStartTest} checks that the two stay the same.
 */
public final class BankAccountExample
{
    private BankAccountExample()
    {
    }

    // tag::quickstart[]
    /** A bank account: deposits are casts, balance and withdrawals are calls. */
    static final class BankAccount implements ActorBehavior
    {
        private long balance; // actor state: touched by one thread at a time, no locks

        @Override
        public void handleCast(final ActorContext ctx, final Message message)
        {
            balance += Long.parseLong(message.payloadAsString()); // a deposit
        }

        @Override
        public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
        {
            final String[] command = request.payloadAsString().split(" ");
            switch (command[0])
            {
                case "balance" -> reply.ok(Long.toString(balance));
                case "withdraw" ->
                {
                    final long amount = Long.parseLong(command[1]);
                    if (amount > balance)
                    {
                        reply.error(new IllegalStateException("insufficient funds")); // a business error
                        return;
                    }
                    balance -= amount;
                    reply.ok(Long.toString(balance));
                }
                // Anything else throws: the caller gets the error, the supervisor restarts the account.
                default -> throw new IllegalArgumentException("unknown command " + command[0]);
            }
        }
    }

    /** A supervisor that starts one account and restarts it (one-for-one) when it fails. */
    static final class Bank implements ActorBehavior
    {
        private ActorRef account;

        @Override
        public void init(final ActorContext ctx)
        {
            account = ctx.spawn(ActorSpec.of(BankAccount::new)
                .withName("account")
                .withRestart(RestartType.PERMANENT)
                .withCircuitBreaker(CircuitBreakerConfig.defaults()));
        }

        @Override
        public void handleCall(final ActorContext ctx, final Message request, final Reply reply)
        {
            reply.ok(Integer.toString(account.id())); // "which account?": its id
        }

        @Override
        public void handleCast(final ActorContext ctx, final Message message)
        {
        }
    }

    static List<String> run()
    {
        final List<String> out = new ArrayList<>();
        final Duration timeout = Duration.ofSeconds(5);
        try (ActorSystem system = ActorSystem.launch(new ActorSystemContext().workerCount(2)))
        {
            final ActorRef bank = system.spawn(ActorSpec.of(Bank::new)
                .withName("bank")
                .withSupervisorStrategy(SupervisorStrategy.oneForOne().withLimit(3, Duration.ofSeconds(10))));
            final int accountId = Integer.parseInt(text(system.callBlocking(bank, bytes("account?"), timeout)));
            final ActorRef account = system.actorRef(accountId);

            system.cast(account, "100"); // casts: fire and forget, in order
            system.cast(account, "50");
            out.add("balance " + text(system.callBlocking(account, bytes("balance"), timeout)));
            out.add("after withdraw " + text(system.callBlocking(account, bytes("withdraw 30"), timeout)));
            try
            {
                system.callBlocking(account, bytes("withdraw 1000"), timeout);
            }
            catch (final CallFailedException ex)
            {
                out.add("refused: " + ex.errorMessage());
            }
            try
            {
                system.callBlocking(account, bytes("close"), timeout);
            }
            catch (final CallFailedException ex)
            {
                out.add("failed: " + ex.errorMessage());
            }
            // The restarted account starts from fresh state.
            out.add("after restart " + text(system.callBlocking(account, bytes("balance"), timeout)));
            out.add("accounting " + system.stats());
        }
        return out;
    }
    // end::quickstart[]

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(final byte[] bytes)
    {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * Runs the example and prints what it saw.
     *
     * @param args ignored.
     */
    public static void main(final String[] args)
    {
        run().forEach(System.out::println);
    }
}
