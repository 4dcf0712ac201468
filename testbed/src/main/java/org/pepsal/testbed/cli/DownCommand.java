package org.pepsal.testbed.cli;

import org.pepsal.testbed.link.LinkLeftovers;
import org.pepsal.testbed.shell.SessionFile;
import org.pepsal.testbed.topology.Topology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code testbed down [PREFIX]}: ends sessions kept by {@code testbed up}: SIGTERM to the process holding each
 * (it tears its session down and prints the links' statistics to its own terminal), then removes whatever a
 * holder killed without its teardown left.
 */
@Command(name = "down", mixinStandardHelpOptions = true,
        description = "Tear down sessions kept by `testbed up` (default: every one of this $TESTBED_PREFIX).")
public final class DownCommand implements Callable<Integer> {
    /** A holder's teardown stops the proxies and the user's programs (5 s each at most) and the links. */
    private static final long HOLDER_WAIT_SECONDS = 60;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PREFIX",
            description = "The session's prefix, as `testbed up` printed it (e.g. tb1a2b3c-).")
    String prefix;

    @Override
    public Integer call() throws Exception {
        String selected = prefix != null ? prefix : Topology.PREFIX_ROOT;
        if (!selected.startsWith("tb")) {
            System.err.println("testbed prefixes start with 'tb': " + selected);
            return 2;
        }
        List<SessionFile.Entry> sessions = SessionFile.list(selected);
        if (sessions.isEmpty()) {
            System.out.println("no session kept by `testbed up` with prefix " + selected);
            return prefix != null ? 1 : 0;
        }
        for (SessionFile.Entry session : sessions) {
            end(session);
        }
        return 0;
    }

    private static void end(SessionFile.Entry session) throws Exception {
        Optional<ProcessHandle> holder = session.holder();
        if (holder.isPresent()) {
            holder.get().destroy();
            try {
                holder.get().onExit().get(HOLDER_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                holder.get().destroyForcibly();
                holder.get().onExit().get(10, TimeUnit.SECONDS);
            }
        }
        List<String> left = new java.util.ArrayList<>(LinkLeftovers.clean(session.prefix()));
        Topology.cleanLeftovers(session.prefix()).forEach(namespace -> left.add("namespace " + namespace));
        SessionFile.forget(session);
        System.out.println("torn down " + session.prefix() + " (" + session.scenario() + ", " + session.mode() + ")"
                + (holder.isEmpty() ? ": its holder had gone" : "")
                + (left.isEmpty() ? "" : "; also removed " + String.join(", ", left)));
    }
}
