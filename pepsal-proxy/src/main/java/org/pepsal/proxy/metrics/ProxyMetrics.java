package org.pepsal.proxy.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.pepsal.proxy.options.ProxySettings;
import org.pepsal.proxy.relay.ProxyCounters;
import org.pepsal.proxy.relay.ProxyEvents;
import org.pepsal.proxy.table.ConnectionEntry;
import org.pepsal.proxy.table.ConnectionState;
import org.pepsal.proxy.table.ConnectionTable;
import org.pepsal.proxy.table.FlowLog;
import org.pepsal.proxy.table.IdleTimeouts;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The proxy's metrics in a Micrometer Prometheus registry. Counts come from {@link ProxyCounters}, the active
 * connections and their bytes from the {@link ConnectionTable} (read at each scrape), and latencies, closes and
 * errors from {@link ProxyEvents}. Names as exposed (Prometheus text format):
 * <pre>
 * pepsal_connections_active{state=pending|connected|closing}   gauge
 * pepsal_connections_limit                                      gauge (--conns)
 * pepsal_connections_accepted_total                             counter: SYNs the listener accepted
 * pepsal_connections_connected_total                            counter: server legs that connected
 * pepsal_upstream_syn_data_total                                counter: server legs whose SYN carried data (Fast Open)
 * pepsal_connections_closed_total{how=clean|reset}              counter
 * pepsal_connections_over_limit_total                           counter: reset because the table was full
 * pepsal_connections_per_source_limit                           gauge (--conns-per-source)
 * pepsal_connections_over_source_limit_total                    counter: reset because their source had its limit
 * pepsal_upstream_connect_failures_total{reason=refused|timeout|unreachable|other}  counter
 * pepsal_connections_reset_total                                counter: connections ended with a reset
 * pepsal_pending_collected_total                                counter: PENDING entries the collector reset
 * pepsal_connections_timed_out_total{reason=idle|half_close}    counter: reset after --idle-timeout / --half-close-timeout
 * pepsal_timeout_seconds{timeout=connect|idle|half_close|user}  gauge: the timeouts in force (0: off)
 * pepsal_relay_errors_total{leg=client|server,kind=reset|io}    counter
 * pepsal_bytes_total{direction=client_to_server|server_to_client} counter (payload the proxy received)
 * pepsal_flow_log_dropped_total                                counter: flow-log records dropped (queue full)
 * pepsal_relay_queued_bytes                                     gauge: bytes the relay holds in user space
 * pepsal_relay_memory_limit_bytes                               gauge (--relay-memory)
 * pepsal_relay_pauses_total{cause=bound|budget}                 counter: a direction held --relay-buffer; all
 *                                                               connections held --relay-memory
 * pepsal_connect_latency_seconds_bucket{le=...}                 histogram: SYN accepted → server leg connected
 *                                                               (with data in the SYN: → that SYN sent)
 * </pre>
 * plus the JVM's and the process's (memory, threads, CPU, open file descriptors, uptime).
 */
public final class ProxyMetrics implements ProxyEvents {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ConnectionTable table;
    private final Map<ConnectionState, AtomicLong> active = new EnumMap<>(ConnectionState.class);
    private final Timer connectLatency;
    private final Counter closedClean;
    private final Counter closedReset;
    private final Map<String, Counter> connectFailures = new ConcurrentHashMap<>();
    private final Map<String, Counter> relayErrors = new ConcurrentHashMap<>();
    private final LongAdder closedBytesFromClient = new LongAdder();
    private final LongAdder closedBytesFromServer = new LongAdder();
    private final AtomicLong activeBytesFromClient = new AtomicLong();
    private final AtomicLong activeBytesFromServer = new AtomicLong();
    private final AtomicLong reportedFromClient = new AtomicLong();
    private final AtomicLong reportedFromServer = new AtomicLong();

    public ProxyMetrics(ProxyCounters counters, ConnectionTable table) {
        this.table = table;
        for (ConnectionState state : List.of(ConnectionState.PENDING, ConnectionState.CONNECTED,
                ConnectionState.CLOSING)) {
            AtomicLong value = new AtomicLong();
            active.put(state, value);
            Gauge.builder("pepsal.connections.active", value, AtomicLong::get)
                    .description("Connections in the table, by state").tag("state", state.name().toLowerCase(Locale.ROOT))
                    .register(registry);
        }
        Gauge.builder("pepsal.connections.limit", table, ConnectionTable::maxConnections)
                .description("Maximum simultaneous connections (--conns)").register(registry);
        FunctionCounter.builder("pepsal.connections.accepted", counters, ProxyCounters::accepted)
                .description("Connections the listener accepted (diverted SYNs)").register(registry);
        FunctionCounter.builder("pepsal.connections.connected", counters, ProxyCounters::connected)
                .description("Server legs that connected").register(registry);
        FunctionCounter.builder("pepsal.upstream.syn.data", counters, ProxyCounters::synData)
                .description("Server legs whose SYN carried the client's first bytes (TCP Fast Open)")
                .register(registry);
        FunctionCounter.builder("pepsal.connections.over.limit", counters, ProxyCounters::overLimit)
                .description("Connections reset because the table was full").register(registry);
        Gauge.builder("pepsal.connections.per.source.limit", table, ConnectionTable::maxPerSource)
                .description("Maximum simultaneous connections from one client address (--conns-per-source)")
                .register(registry);
        FunctionCounter.builder("pepsal.connections.over.source.limit", counters, ProxyCounters::overSourceLimit)
                .description("Connections reset because their client address had --conns-per-source already")
                .register(registry);
        FunctionCounter.builder("pepsal.connections.reset", counters, ProxyCounters::aborted)
                .description("Connections ended with a reset on both legs").register(registry);
        FunctionCounter.builder("pepsal.pending.collected", counters, ProxyCounters::pendingCollected)
                .description("PENDING connections reset by the garbage collector").register(registry);
        for (IdleTimeouts.Reason reason : IdleTimeouts.Reason.values()) {
            FunctionCounter.builder("pepsal.connections.timed.out", counters, c -> c.timedOut(reason))
                    .tag("reason", reason.tag())
                    .description("Connections reset because no data moved for --idle-timeout, or for "
                            + "--half-close-timeout after one end's FIN").register(registry);
        }
        closedClean = Counter.builder("pepsal.connections.closed").tag("how", "clean")
                .description("Connections that ended").register(registry);
        closedReset = Counter.builder("pepsal.connections.closed").tag("how", "reset")
                .description("Connections that ended").register(registry);
        for (String reason : List.of("refused", "timeout", "unreachable", "other")) {
            connectFailure(reason);
        }
        for (String leg : List.of("client", "server")) {
            for (String kind : List.of("reset", "io")) {
                relayError(leg, kind);
            }
        }
        FunctionCounter.builder("pepsal.bytes", this, m -> m.monotonic(m.reportedFromClient,
                        m.closedBytesFromClient.sum() + m.activeBytesFromClient.get()))
                .baseUnit("bytes").tag("direction", "client_to_server")
                .description("Payload bytes the proxy received, by direction").register(registry);
        FunctionCounter.builder("pepsal.bytes", this, m -> m.monotonic(m.reportedFromServer,
                        m.closedBytesFromServer.sum() + m.activeBytesFromServer.get()))
                .baseUnit("bytes").tag("direction", "server_to_client")
                .description("Payload bytes the proxy received, by direction").register(registry);
        Gauge.builder("pepsal.relay.queued", counters, ProxyCounters::relayQueuedBytes).baseUnit("bytes")
                .description("Bytes read from one leg and not yet written to the other, over all connections")
                .register(registry);
        Gauge.builder("pepsal.relay.memory.limit", counters, ProxyCounters::relayMemoryLimit).baseUnit("bytes")
                .description("The most the relay may hold in user space (--relay-memory)").register(registry);
        FunctionCounter.builder("pepsal.relay.pauses", counters, ProxyCounters::boundPauses).tag("cause", "bound")
                .description("Reading paused: one direction held --relay-buffer, or all held --relay-memory")
                .register(registry);
        FunctionCounter.builder("pepsal.relay.pauses", counters, ProxyCounters::budgetPauses).tag("cause", "budget")
                .description("Reading paused: one direction held --relay-buffer, or all held --relay-memory")
                .register(registry);
        connectLatency = Timer.builder("pepsal.connect.latency")
                .description("From the accepted SYN to the connected server leg")
                .serviceLevelObjectives(millis(1), millis(2), millis(5), millis(10), millis(20), millis(50),
                        millis(100), millis(200), millis(300), millis(500), millis(750), millis(1000), millis(1500),
                        millis(2000), millis(3000), millis(5000), millis(10000), millis(30000), millis(60000))
                .register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** Shows the timeouts the proxy runs with, so dashboards and alerts can read them beside what they cause. */
    public void timeouts(ProxySettings settings) {
        timeout("connect", settings.connectTimeout());
        timeout("idle", settings.idleTimeouts().idle());
        timeout("half_close", settings.idleTimeouts().halfClose());
        timeout("user", settings.deadPeers().userTimeout());
    }

    private void timeout(String name, Duration value) {
        Gauge.builder("pepsal.timeout", () -> value.toNanos() / 1e9).baseUnit("seconds").tag("timeout", name)
                .description("A timeout in force (--connect-timeout, --idle-timeout, --half-close-timeout, "
                        + "--user-timeout); 0 when off").register(registry);
    }

    /** Counts the flow log's dropped records (its queue is bounded). */
    public void flowLog(FlowLog log) {
        FunctionCounter.builder("pepsal.flow.log.dropped", log, FlowLog::dropped)
                .description("Flow-log records dropped because the writer could not keep up").register(registry);
    }

    private static Duration millis(long ms) {
        return Duration.ofMillis(ms);
    }

    private Counter connectFailure(String reason) {
        return connectFailures.computeIfAbsent(reason, r -> Counter.builder("pepsal.upstream.connect.failures")
                .tag("reason", r).description("Server legs that could not be connected").register(registry));
    }

    private Counter relayError(String leg, String kind) {
        return relayErrors.computeIfAbsent(leg + "/" + kind, k -> Counter.builder("pepsal.relay.errors")
                .tag("leg", leg).tag("kind", kind).description("I/O errors on a leg").register(registry));
    }

    /** A counter made of a sum that can briefly go back (a connection moving from active to closed) never does. */
    private double monotonic(AtomicLong reported, long value) {
        return reported.accumulateAndGet(value, Math::max);
    }

    /** Refreshes what is read from the table, then renders the registry in the Prometheus text format. */
    public String scrape() {
        refresh();
        return registry.scrape();
    }

    /** The content type of {@link #scrape()}. */
    public static String contentType() {
        return "text/plain; version=0.0.4; charset=utf-8";
    }

    private void refresh() {
        List<ConnectionEntry> entries = table.entries();
        try {
            CompletableFuture.allOf(entries.stream().map(e -> e.handle().refreshCounters())
                    .toArray(CompletableFuture[]::new)).get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            // a busy or stopping event loop: report what the entries held at their last refresh
        }
        Map<ConnectionState, Long> counts = new EnumMap<>(ConnectionState.class);
        long fromClient = 0;
        long fromServer = 0;
        for (ConnectionEntry entry : entries) {
            counts.merge(entry.state(), 1L, Long::sum);
            if (entry.state() != ConnectionState.CLOSED) {
                fromClient += entry.bytesFromClient();
                fromServer += entry.bytesFromServer();
            }
        }
        active.forEach((state, value) -> value.set(counts.getOrDefault(state, 0L)));
        activeBytesFromClient.set(fromClient);
        activeBytesFromServer.set(fromServer);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void connected(Duration latency) {
        connectLatency.record(latency);
    }

    @Override
    public void connectFailed(Throwable cause) {
        connectFailure(connectFailureReason(cause)).increment();
    }

    static String connectFailureReason(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (t.getClass().getSimpleName().contains("Timeout") || message.contains("timed out")) {
                return "timeout";
            }
            if (message.contains("refused")) {
                return "refused";
            }
            if (t instanceof NoRouteToHostException || message.contains("unreachable")
                    || message.contains("no route")) {
                return "unreachable";
            }
            if (t instanceof ConnectException && message.isEmpty()) {
                return "other";
            }
        }
        return "other";
    }

    @Override
    public void closed(long bytesFromClient, long bytesFromServer, boolean reset) {
        (reset ? closedReset : closedClean).increment();
        closedBytesFromClient.add(bytesFromClient);
        closedBytesFromServer.add(bytesFromServer);
    }

    @Override
    public void relayError(String leg, Throwable cause) {
        String message = cause.getMessage() == null ? "" : cause.getMessage().toLowerCase(Locale.ROOT);
        relayError(leg, message.contains("reset") ? "reset" : "io").increment();
    }
}
