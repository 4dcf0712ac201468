package org.pepsal.proxy.relay;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollSocketChannel;
import org.pepsal.proxy.link.SatelliteLink;
import org.pepsal.proxy.link.SatellitePacer;
import org.pepsal.proxy.options.DescriptorBudget;
import org.pepsal.proxy.options.DirectMemoryBudget;
import org.pepsal.proxy.options.ProxySettings;
import org.pepsal.proxy.socket.LegConfigurer;
import org.pepsal.proxy.table.ConnectionEntry;
import org.pepsal.proxy.table.ConnectionTable;
import org.pepsal.proxy.table.FlowLog;
import org.pepsal.proxy.table.TableLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The proxy process. The original's threads map onto Netty like this: the listener thread becomes one listening
 * socket per event loop (SO_REUSEPORT: the kernel spreads new connections over them), so a connection is
 * accepted, split and relayed by one thread with no hand-off (unless its loop already holds more than others: see
 * {@link ConnectionLoops}); the poller and the worker pool are those event
 * loops (both legs of a connection live on one, so relaying needs no queue and no lock); the timer scheduler is
 * one scheduler thread (garbage collector, table log), which keeps file I/O off the event loops.
 */
public final class PepsalProxy implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PepsalProxy.class);
    /**
     * How long a handshake whose SYN was diverted just before the TPROXY rules came out may take to complete: a
     * GEO round trip and one SYN-ACK retransmission (1 s).
     */
    private static final Duration HANDSHAKES_UNDER_WAY = Duration.ofSeconds(2);

    private final ProxySettings settings;
    private final ConnectionTable table;
    private final ProxyCounters counters = new ProxyCounters();
    private final EventLoopGroup eventLoops;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "pepsal-timer");
        thread.setDaemon(true);
        return thread;
    });
    private final List<Channel> listeners = new ArrayList<>();
    private final FlowLog flowLog;
    private final TableLog tableLog;
    /** Paces satellite-side sockets at their share of the link; null when no link was stated. */
    private final SatellitePacer pacer;
    private final RelayBudget budget;
    /** The client leg's options: most are set on the listeners, whose accepted sockets inherit them. */
    private final LegConfigurer clientLeg;

    private PepsalProxy(ProxySettings settings) throws IOException {
        this.settings = settings;
        this.clientLeg = new LegConfigurer("client", settings.clientLeg(), settings.deadPeers());
        this.table = new ConnectionTable(settings.maxConnections(), settings.connsPerSource());
        this.flowLog = settings.flowLog() == null ? null : new FlowLog(settings.flowLog());
        this.tableLog = settings.tableLog() == null ? null : new TableLog(settings.tableLog(), settings.idleTimeouts());
        this.eventLoops = new ConnectionLoops(settings.eventLoopThreads(), KeepRegisteredIoHandler.newFactory());
        this.pacer = settings.satelliteLink() == null ? null : new SatellitePacer(settings.satelliteLink());
        this.budget = new RelayBudget(settings.relayMemory());
        counters.budget(budget);
    }

    /** Starts listening; fails with a message that says what to fix. */
    public static PepsalProxy start(ProxySettings settings) throws IOException {
        if (!Epoll.isAvailable()) {
            throw new StartupException("epoll is not available: " + Epoll.unavailabilityCause().getMessage());
        }
        try {
            DescriptorBudget.checkThisProcess(settings);
            DirectMemoryBudget.checkThisProcess(settings);
        } catch (IllegalArgumentException e) {
            throw new StartupException(e.getMessage());
        }
        for (Path log : new Path[] {settings.tableLog(), settings.flowLog()}) {
            if (log != null && log.toAbsolutePath().getParent() != null) {
                Files.createDirectories(log.toAbsolutePath().getParent());
            }
        }
        PepsalProxy proxy = new PepsalProxy(settings);
        try {
            proxy.bind();
            proxy.schedule();
        } catch (RuntimeException e) {
            proxy.close();
            throw e;
        }
        return proxy;
    }

    private void bind() {
        LegConfigurer serverLeg = new LegConfigurer("server", settings.serverLeg(), settings.deadPeers());
        ProxyServices services = new ProxyServices(settings, table, flowLog, clientLeg, serverLeg,
                new TransparentServerLegs(settings, serverLeg), counters, pacer, budget,
                DeadPeerSweep.of(settings.deadPeers()));
        ServerBootstrap bootstrap = new ServerBootstrap()
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(EpollChannelOption.SO_REUSEPORT, true)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                // A failed write must reach SplitConnection with the socket still open, so TCP_INFO can be read.
                .childOption(ChannelOption.AUTO_CLOSE, false)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, SplitConnection.waterMark(settings.relayBuffer()))
                .handler(new AcceptErrorHandler())
                .childHandler(new ChannelInitializer<EpollSocketChannel>() {
                    @Override
                    protected void initChannel(EpollSocketChannel channel) {
                        channel.pipeline().addLast("splitter", new Splitter(services));
                    }
                });
        new Listeners(settings, clientLeg).bind(bootstrap, eventLoops, listeners);
    }

    private void schedule() {
        if (pacer != null) {
            pacer.start(eventLoops);
            SatelliteLink link = settings.satelliteLink();
            LOG.info("link-aware: {}; satellite-side connections paced at their share of {} B/s", link,
                    Math.round(link.pacingCapacityBytesPerSecond()));
        }
        long gcSeconds = settings.gcInterval().toSeconds();
        timer.scheduleAtFixedRate(this::collectGarbage, gcSeconds, gcSeconds, TimeUnit.SECONDS);
        if (tableLog != null) {
            long logMillis = settings.tableLogInterval().toMillis();
            timer.scheduleAtFixedRate(this::logTable, logMillis, logMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void collectGarbage() {
        int collected = table.collectPending(settings.pendingLifetime(), Instant.now());
        if (collected > 0) {
            counters.pendingCollected.add(collected);
            LOG.info("garbage collector: reset {} connection(s) pending longer than {} s", collected,
                    settings.pendingLifetime().toSeconds());
        }
    }

    /** Writes the connection table to the log file (periodically, and on SIGUSR1). */
    public void logTable() {
        if (tableLog == null) {
            return;
        }
        List<ConnectionEntry> entries = table.entries();
        CompletableFuture.allOf(entries.stream().map(e -> e.handle().refreshCounters())
                        .toArray(CompletableFuture[]::new))
                .orTimeout(5, TimeUnit.SECONDS)
                .whenCompleteAsync((ignored, error) -> {
                    try {
                        tableLog.write(entries, Instant.now(), counters::timedOut);
                    } catch (RuntimeException e) {
                        LOG.warn(e.getMessage());
                    }
                }, timer);
    }

    public ConnectionTable table() {
        return table;
    }

    /** The flow log, or null when there is none. */
    public FlowLog flowLog() {
        return flowLog;
    }

    public ProxyCounters counters() {
        return counters;
    }

    /**
     * Lets the connections the proxy holds finish for up to {@code grace}, then resets whatever is left. With
     * {@code divertStopped} (the TPROXY rules are out, so no new SYN reaches the listener: new connections pass
     * unsplit) a connection whose handshake was under way is still accepted and relayed, for the first
     * {@link #HANDSHAKES_UNDER_WAY} at least; otherwise new connections are reset at once, so that clients fail fast
     * while the rules still divert them here.
     */
    public void drain(Duration grace, boolean divertStopped) {
        long start = System.nanoTime();
        if (divertStopped) {
            LOG.info("draining {} connection(s) for up to {} s; new connections pass unsplit", table.size(),
                    grace.toSeconds());
            awaitEmptyTable(start + Math.min(grace.toNanos(), HANDSHAKES_UNDER_WAY.toNanos()), start + grace.toNanos());
            table.close();
        } else {
            table.close();
            LOG.info("stopped accepting; draining {} connection(s) for up to {} s", table.size(), grace.toSeconds());
        }
        awaitEmptyTable(start, start + grace.toNanos());
        List<ConnectionEntry> left = table.entries();
        if (!left.isEmpty()) {
            LOG.info("grace period over: resetting {} connection(s)", left.size());
            left.forEach(e -> e.handle().abort("proxy shutting down"));
            long now = System.nanoTime();
            awaitEmptyTable(now, now + Duration.ofSeconds(2).toNanos());
        }
    }

    /** Waits, from {@code notBefore} on, until the table is empty, or until {@code deadline} (both nanoTime). */
    private void awaitEmptyTable(long notBefore, long deadline) {
        while ((table.size() > 0 || System.nanoTime() < notBefore) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        for (Channel listener : listeners) {
            listener.close();
        }
        timer.shutdownNow();
        eventLoops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        if (flowLog != null) {
            flowLog.close();
        }
        LOG.info("stopped: {}", counters);
    }

    /** A start-up failure with a message meant for the operator. */
    public static final class StartupException extends RuntimeException {
        public StartupException(String message) {
            super(message);
        }
    }
}
