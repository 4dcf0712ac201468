package org.pepsal.testbed.bench;

import org.pepsal.testbed.topology.GatewayTopology;
import org.pepsal.testbed.topology.Host;
import org.pepsal.testbed.topology.ManagedProcess;
import org.pepsal.testbed.topology.PepProcess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What carries the connections through the gateway in one column of the benchmark: the kernel alone (routing), or
 * a user-space relay behind the gateway's TPROXY rules, which are installed while it runs and removed after, so
 * that every column uses the same namespaces.
 */
sealed interface Relay {
    /** The column's heading. */
    String name();

    /** Starts the relay in the gateway; closing what it returns stops it and leaves the gateway routing again. */
    Running start(GatewayTopology net, Path workDir);

    /** A started relay: its process id ({@code -1} for routing), stopped by {@link #close()}. */
    interface Running extends AutoCloseable {
        long pid();

        @Override
        void close();
    }

    /** Kernel routing, no proxy: the baseline every other column is divided by. */
    record Routing() implements Relay {
        @Override
        public String name() {
            return "routing";
        }

        @Override
        public Running start(GatewayTopology net, Path workDir) {
            return new Running() {
                @Override
                public long pid() {
                    return -1;
                }

                @Override
                public void close() {
                }
            };
        }
    }

    /** This project's proxy, as operators run it ({@code java -jar pepsal-proxy.jar}) with {@code args}. */
    record Pepsal(String name, List<String> args) implements Relay {
        @Override
        public Running start(GatewayTopology net, Path workDir) {
            return diverted(net, () -> {
                PepProcess pep = PepProcess.start(net.gateway(), workDir, args);
                return pep.process();
            });
        }
    }

    /**
     * HAProxy as a transparent TPROXY relay: it accepts the diverted connections ({@code bind ... transparent}),
     * connects to each one's original destination ({@code server ... 0.0.0.0}) from the client's own address
     * ({@code usesrc clientip}) and splices where it can ({@code option splice-auto}).
     */
    record Haproxy() implements Relay {
        /**
         * Within the machines' hard limit of 20,000 descriptors: HAProxy reserves two a connection and two for
         * each splice pipe (one pipe per four connections by default), 2.5 a connection in all.
         */
        static final int MAX_CONNECTIONS = 7500;

        @Override
        public String name() {
            return "HAProxy";
        }

        @Override
        public Running start(GatewayTopology net, Path workDir) {
            return diverted(net, () -> {
                Path config = workDir.resolve("haproxy.cfg");
                try {
                    Files.createDirectories(workDir);
                    Files.writeString(config, config(PepProcess.PORT));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                ManagedProcess process = net.gateway().start("haproxy",
                        List.of("haproxy", "-db", "-f", config.toString()), workDir.resolve("haproxy.log"));
                awaitListening(net.gateway(), process, PepProcess.PORT);
                return process;
            });
        }

        static String config(int port) {
            return String.join("\n",
                    "global",
                    "    maxconn " + MAX_CONNECTIONS,
                    "defaults",
                    "    mode tcp",
                    "    timeout connect 5s",
                    "    timeout client 60s",
                    "    timeout server 60s",
                    "    option splice-auto",
                    "frontend diverted",
                    "    bind 0.0.0.0:" + port + " transparent",
                    "    default_backend original",
                    "backend original",
                    "    source 0.0.0.0 usesrc clientip",
                    "    server destination 0.0.0.0",
                    "");
        }

        private static void awaitListening(Host gateway, ManagedProcess process, int port) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (gateway.exec("ss", "-Hltn", "sport = :" + port).isBlank()) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    process.stop();
                    throw new IllegalStateException("haproxy did not start listening: " + process.output().strip());
                }
                Pause.millis(20);
            }
        }
    }

    /** Diverts the gateway's client-side TCP to {@link PepProcess#PORT}, starts the relay, and undoes both on close. */
    private static Running diverted(GatewayTopology net, java.util.function.Supplier<ManagedProcess> relay) {
        String device = net.clientLinkDevice();
        PepProcess.divert(net.gateway(), device);
        ManagedProcess process;
        try {
            process = relay.get();
        } catch (RuntimeException e) {
            PepProcess.undivert(net.gateway(), device);
            throw e;
        }
        return new Running() {
            @Override
            public long pid() {
                return process.pid();
            }

            @Override
            public void close() {
                process.stop();
                PepProcess.undivert(net.gateway(), device);
            }
        };
    }
}
