package org.pepsal.proxy.cli;

import ch.qos.logback.classic.Level;
import io.netty.buffer.ByteBufAllocator;
import org.pepsal.proxy.config.ConfigFile;
import org.pepsal.proxy.metrics.MetricsServer;
import org.pepsal.proxy.metrics.ProxyMetrics;
import org.pepsal.proxy.options.ProxySettings;
import org.pepsal.proxy.relay.PepsalProxy;
import org.pepsal.proxy.socket.DeadPeerDetection;
import org.pepsal.proxy.socket.KeepAlive;
import org.pepsal.proxy.socket.NativeSockets;
import org.pepsal.proxy.table.IdleTimeouts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code java -jar pepsal-proxy.jar [options]}: the original's options and defaults, plus the new ones. */
@Command(name = "pepsal", mixinStandardHelpOptions = true, versionProvider = PepsalMain.Version.class,
        sortOptions = false, usageHelpAutoWidth = true, subcommands = RulesCommand.class,
        description = "TCP-splitting Performance Enhancing Proxy for satellite links. Netfilter's TPROXY target "
                + "diverts new TCP connections to this listener; each is split into a client leg and a server leg.")
public final class PepsalMain implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(PepsalMain.class);

    @Option(names = {"-p", "--port"}, defaultValue = "5000", description = "Listening port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = {"-a", "--address"}, description = "Listening address (default: every IPv4 and IPv6 address).")
    InetAddress address;

    @Option(names = {"-c", "--conns"}, defaultValue = "2112",
            description = "Maximum simultaneous connections; one more is reset (default ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = {"-g", "--gc-interval"}, defaultValue = "54000", paramLabel = "SECONDS",
            description = "Garbage collector period (default ${DEFAULT-VALUE} s).")
    long gcInterval;

    @Option(names = {"-t", "--pending-lifetime"}, defaultValue = "18000", paramLabel = "SECONDS",
            description = "Age after which the collector resets a PENDING connection (default ${DEFAULT-VALUE} s).")
    long pendingLifetime;

    @Option(names = {"-l", "--logfile"}, paramLabel = "FILE",
            description = "Write the connection table to FILE periodically (and on SIGUSR1).")
    Path tableLog;

    @Option(names = "--log-interval", defaultValue = "300", paramLabel = "SECONDS",
            description = "Period of the connection-table log (default ${DEFAULT-VALUE} s).")
    double tableLogInterval;

    @Option(names = "--flow-log", paramLabel = "FILE",
            description = "Append one JSON line per closed connection: endpoints, times, bytes, close reason, "
                    + "TCP_INFO of both legs.")
    Path flowLog;

    @Option(names = {"-v", "--verbose"}, description = "Log every connection event (debug level).")
    boolean verbose;

    @Option(names = {"-f", "--fastopen"}, description = "TCP Fast Open on the listener and on connect: the server "
            + "leg's SYN carries the client's first bytes.")
    boolean fastOpen;

    @Option(names = "--fastopen-wait", defaultValue = "0.01", paramLabel = "SECONDS",
            description = "With --fastopen, how long a new connection waits for the client's first bytes before the "
                    + "server leg connects without them (default ${DEFAULT-VALUE} s; 0: connect at once, with what "
                    + "is already there). A server-speaks-first protocol waits this long once per connection.")
    double fastOpenWait;

    @Option(names = "--threads", paramLabel = "N", description = "Relay event-loop threads (default: one per core).")
    Integer threads;

    @Option(names = "--splice", negatable = true, defaultValue = "false", fallbackValue = "true",
            description = "Zero-copy relay with splice(2) (default: copy through user space).")
    boolean splice;

    @Option(names = "--client-cc", paramLabel = "ALGO",
            description = "Congestion control of the client leg (the accepted connection).")
    String clientCc;

    @Option(names = "--server-cc", paramLabel = "ALGO",
            description = "Congestion control of the server leg (the connection to the server).")
    String serverCc;

    @Option(names = "--client-sndbuf", paramLabel = "BYTES",
            description = "Client-leg send buffer; 0 keeps kernel autotuning (default).")
    Integer clientSndbuf;

    @Option(names = "--client-rcvbuf", paramLabel = "BYTES",
            description = "Client-leg receive buffer; 0 keeps kernel autotuning (default).")
    Integer clientRcvbuf;

    @Option(names = "--server-sndbuf", paramLabel = "BYTES",
            description = "Server-leg send buffer; 0 keeps kernel autotuning (default).")
    Integer serverSndbuf;

    @Option(names = "--server-rcvbuf", paramLabel = "BYTES",
            description = "Server-leg receive buffer; 0 keeps kernel autotuning (default).")
    Integer serverRcvbuf;

    @CommandLine.Mixin
    SatelliteOptions satellite = new SatelliteOptions();

    @Option(names = "--nodelay", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "TCP_NODELAY on both legs (default: on; the relay already writes in large chunks).")
    boolean noDelay;

    @Option(names = "--quickack", description = "TCP_QUICKACK on both legs, renewed after every read.")
    boolean quickAck;

    @Option(names = "--connect-timeout", defaultValue = "30", paramLabel = "SECONDS",
            description = "Upstream connect timeout (default ${DEFAULT-VALUE} s: five SYNs at the kernel's back-off); "
                    + "0 leaves it to the kernel's SYN retries (about 127 s).")
    double connectTimeout;

    @Option(names = "--conns-per-source", defaultValue = "512", paramLabel = "N",
            description = "Maximum simultaneous connections from one client address, so one host cannot fill the "
                    + "table; one more from it is reset (default ${DEFAULT-VALUE}; 0: no limit but --conns).")
    int connsPerSource;

    @Option(names = "--idle-timeout", defaultValue = "3600", paramLabel = "SECONDS",
            description = "Reset a connection that passed no data either way for this long (HAProxy's timeout "
                    + "tunnel; default ${DEFAULT-VALUE} s; 0: never).")
    double idleTimeout;

    @Option(names = "--half-close-timeout", defaultValue = "30", paramLabel = "SECONDS",
            description = "Reset a half-closed connection (one end sent its FIN) that passed no data for this long "
                    + "since (HAProxy's timeout client-fin / server-fin; default ${DEFAULT-VALUE} s; 0: the idle "
                    + "timeout applies).")
    double halfCloseTimeout;

    @Option(names = "--keepalive", defaultValue = "120,30,6", paramLabel = "IDLE,INTERVAL,COUNT",
            description = "TCP keepalive on both legs: probe after IDLE s quiet, every INTERVAL s, reset after COUNT "
                    + "unanswered (default ${DEFAULT-VALUE}: a dead peer found in 5 minutes; 0: off).")
    String keepAlive;

    @Option(names = "--user-timeout", defaultValue = "300", paramLabel = "SECONDS",
            description = "TCP_USER_TIMEOUT on both legs: reset when sent data (or keepalive probes) stay "
                    + "unacknowledged this long (default ${DEFAULT-VALUE} s, RFC 793's; 0: the kernel's retries, "
                    + "about 15 minutes).")
    double userTimeout;

    @Option(names = "--drain-timeout", defaultValue = "10", paramLabel = "SECONDS",
            description = "On SIGTERM, how long open connections may finish before they are reset (default ${DEFAULT-VALUE} s).")
    double drainTimeout;

    @Option(names = "--state-dir", defaultValue = "/run/pepsal", paramLabel = "DIR",
            description = "Where `rules install` recorded the rules (default ${DEFAULT-VALUE}). On SIGTERM the proxy "
                    + "first takes their TPROXY rules out, so new connections pass unsplit while open ones drain.")
    Path stateDir;

    @Option(names = "--metrics-port", defaultValue = "0", paramLabel = "PORT",
            description = "Serve Prometheus metrics on http://127.0.0.1:PORT/metrics (default: off).")
    int metricsPort;

    @Option(names = ConfigFile.OPTION, paramLabel = "FILE", scope = CommandLine.ScopeType.INHERIT,
            description = "Properties file whose keys are the long option names without dashes (port = 5000); "
                    + "options given here override it (also: $" + ConfigFile.ENVIRONMENT + ").")
    Path config;

    @Option(names = "--relay-buffer", defaultValue = "1048576", paramLabel = "BYTES",
            description = "Bytes one direction of a connection may hold in the proxy before reading its source "
                    + "pauses (default ${DEFAULT-VALUE}); the kernel's socket buffers come on top.")
    int relayBuffer;

    @Option(names = "--relay-memory", defaultValue = "268435456", paramLabel = "BYTES",
            description = "Bytes all connections together may hold in the proxy before reading pauses everywhere "
                    + "until a quarter has drained (default ${DEFAULT-VALUE}); must fit -XX:MaxDirectMemorySize.")
    long relayMemory;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code: 0 after a clean stop, 1 on failure, 2 on bad usage. */
    public static int run(String... args) {
        CommandLine commandLine = new CommandLine(new PepsalMain());
        Path configFile = ConfigFile.locate(args, System.getenv(ConfigFile.ENVIRONMENT));
        if (configFile != null) {
            try {
                ConfigFile config = ConfigFile.load(configFile);
                config.validate(commandLine.getCommandSpec());
                commandLine.setDefaultValueProvider(config);
            } catch (IllegalArgumentException e) {
                commandLine.getErr().println("pepsal: " + e.getMessage());
                return CommandLine.ExitCode.USAGE;
            }
        }
        commandLine.setExecutionExceptionHandler((e, cl, parsed) -> {
            if (e instanceof IllegalArgumentException) {
                cl.getErr().println("pepsal: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
                cl.usage(cl.getErr());
                return CommandLine.ExitCode.USAGE;
            }
            cl.getErr().println("pepsal: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            return 1;
        });
        return commandLine.execute(args);
    }

    ProxySettings settings() {
        SatelliteOptions.Legs legs = satellite.resolve(new SatelliteOptions.Given(clientCc, clientSndbuf, clientRcvbuf),
                new SatelliteOptions.Given(serverCc, serverSndbuf, serverRcvbuf), noDelay, quickAck);
        return new ProxySettings(address, port, maxConnections, Duration.ofSeconds(gcInterval),
                Duration.ofSeconds(pendingLifetime), tableLog, seconds(tableLogInterval, "--log-interval"), flowLog,
                fastOpen, threads != null ? threads : Runtime.getRuntime().availableProcessors(), splice,
                legs.client(), legs.server(), legs.link(),
                seconds(connectTimeout, "--connect-timeout"), seconds(drainTimeout, "--drain-timeout"), relayBuffer,
                connsPerSource, seconds(fastOpenWait, "--fastopen-wait"),
                new DeadPeerDetection(KeepAlive.parse(keepAlive, "--keepalive"), seconds(userTimeout, "--user-timeout")),
                new IdleTimeouts(seconds(idleTimeout, "--idle-timeout"), seconds(halfCloseTimeout, "--half-close-timeout")),
                relayMemory);
    }

    /** Seconds given as a decimal number; values beyond what a Duration of nanoseconds holds are refused. */
    static Duration seconds(double value, String option) {
        if (value < 0 || Double.isNaN(value)) {
            throw new IllegalArgumentException(option + " must be >= 0, not " + value);
        }
        if (value * 1e9 >= Long.MAX_VALUE) {
            throw new IllegalArgumentException(option + " is too large: " + value + " s");
        }
        return Duration.ofNanos(Math.round(value * 1e9));
    }

    private void validateMetricsPort() {
        if (metricsPort < 0 || metricsPort > 65535) {
            throw new IllegalArgumentException("--metrics-port must be 0 (off) or 1..65535, not " + metricsPort);
        }
    }

    @Override
    public Integer call() throws Exception {
        if (verbose) {
            ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(Level.DEBUG);
        }
        ProxySettings settings = settings();
        validateMetricsPort();
        // Before listening, so that the first connection's handshake and first byte do not wait for them: binding
        // the native socket calls, and the channels' buffer allocator's first chunk (Netty registers its JFR
        // events then), which the first connection through a fresh proxy otherwise waits for.
        NativeSockets.warmUp();
        ByteBufAllocator.DEFAULT.directBuffer(64 * 1024).release();
        PepsalProxy proxy;
        try {
            proxy = PepsalProxy.start(settings);
        } catch (PepsalProxy.StartupException e) {
            LOG.error(e.getMessage());
            return 1;
        }
        MetricsServer metrics = null;
        if (metricsPort > 0) {
            try {
                ProxyMetrics proxyMetrics = new ProxyMetrics(proxy.counters(), proxy.table());
                proxyMetrics.timeouts(settings);
                if (proxy.flowLog() != null) {
                    proxyMetrics.flowLog(proxy.flowLog());
                }
                proxy.counters().events(proxyMetrics);
                metrics = MetricsServer.start(metricsPort, proxyMetrics);
            } catch (IllegalStateException e) {
                LOG.error(e.getMessage());
                proxy.close();
                return 1;
            }
        }
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), signal -> stop.countDown());
        Signal.handle(new Signal("INT"), signal -> stop.countDown());
        Signal.handle(new Signal("USR1"), signal -> proxy.logTable());
        stop.await();
        proxy.drain(settings.drainTimeout(), DivertOnStop.stop(stateDir, settings.port()));
        proxy.close();
        if (metrics != null) {
            metrics.close();
        }
        return 0;
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = PepsalMain.class.getPackage().getImplementationVersion();
            return new String[] {"pepsal-proxy " + (version != null ? version : "(development build)")};
        }
    }
}
