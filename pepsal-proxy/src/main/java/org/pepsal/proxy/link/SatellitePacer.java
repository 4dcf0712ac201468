package org.pepsal.proxy.link;

import io.netty.channel.EventLoopGroup;
import jnr.constants.platform.Errno;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.util.concurrent.EventExecutor;
import org.pepsal.proxy.socket.NativeSockets;
import org.pepsal.proxy.socket.TcpInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Caps each satellite-side socket's pacing rate (SO_MAX_PACING_RATE) at its share of the satellite link, so the
 * proxy's senders together never send faster than the link drains: a connection can start with a window of a whole
 * BDP and the bottleneck still builds no queue. Shares come from {@link PacingAllocator} over the connections that
 * are active, measured on each event loop every {@link #PERIOD} (each loop measures and paces its own sockets, so no
 * socket is touched from another thread), and again at once when an idle connection starts sending.
 */
public final class SatellitePacer {
    private static final Logger LOG = LoggerFactory.getLogger(SatellitePacer.class);
    /** How often each event loop re-measures its legs: a fraction of a GEO round trip. */
    public static final Duration PERIOD = Duration.ofMillis(100);
    /** The least an app-limited leg's demand is taken to be, as a share of the link, so it can still recover. */
    static final double MIN_DEMAND_SHARE = 0.02;
    /** A new cap within this fraction of the one set is not worth a system call. */
    private static final double CHANGE_THRESHOLD = 0.01;

    private final double capacity;
    private final Map<PacedLeg, Double> demands = new ConcurrentHashMap<>();
    private final Map<EventExecutor, Set<PacedLeg>> legsByLoop = new ConcurrentHashMap<>();
    private volatile PacingAllocator.Allocation<PacedLeg> allocation;
    private volatile boolean refused;

    public SatellitePacer(SatelliteLink link) {
        this.capacity = link.pacingCapacityBytesPerSecond();
        this.allocation = PacingAllocator.allocate(capacity, Map.of());
    }

    /** Measures and paces each event loop's legs every {@link #PERIOD}, on that loop. */
    public void start(EventLoopGroup loops) {
        long period = PERIOD.toMillis();
        for (EventExecutor loop : loops) {
            loop.scheduleAtFixedRate(() -> tick(loop), period, period, TimeUnit.MILLISECONDS);
        }
    }

    /** Starts pacing a connected satellite-side socket (on its event loop); idle until it is first written to. */
    public PacedLeg add(AbstractEpollStreamChannel channel) {
        PacedLeg leg = new PacedLeg(channel);
        legsByLoop.computeIfAbsent(channel.eventLoop(), loop -> ConcurrentHashMap.newKeySet()).add(leg);
        apply(leg, allocation.newcomerShare());
        return leg;
    }

    /** The connection has ended; its share goes back to the others at their next allocation. */
    public void remove(PacedLeg leg) {
        demands.remove(leg);
        Set<PacedLeg> legs = legsByLoop.get(leg.channel.eventLoop());
        if (legs != null) {
            legs.remove(leg);
        }
    }

    /** The relay wrote to this leg (on its loop): an idle leg becomes backlogged, and every share is recomputed. */
    public void wrote(PacedLeg leg) {
        if (leg.active) {
            return;
        }
        leg.active = true;
        demands.put(leg, PacingAllocator.BACKLOGGED);
        reallocate();
        EventExecutor own = leg.channel.eventLoop();
        applyAll(own);
        for (EventExecutor loop : legsByLoop.keySet()) {
            if (loop != own) {
                loop.execute(() -> applyAll(loop));
            }
        }
    }

    /** Connections counted in the last allocation (backlogged or sending), for logs and tests. */
    public int activeCount() {
        return demands.size();
    }

    private void tick(EventExecutor loop) {
        Set<PacedLeg> legs = legsByLoop.get(loop);
        if (legs == null || legs.isEmpty() || refused) {
            return;
        }
        double period = PERIOD.toNanos() / 1e9;
        for (PacedLeg leg : legs) {
            if (!leg.channel.isOpen()) {
                continue;
            }
            TcpInfo info;
            try {
                info = NativeSockets.tcpInfo(leg.channel.fd().intValue());
            } catch (RuntimeException e) {
                continue;
            }
            double demand = leg.demand(info, leg.relayPending(), period, MIN_DEMAND_SHARE * capacity);
            if (Double.isNaN(demand)) {
                leg.active = false;
                demands.remove(leg);
            } else {
                leg.active = true;
                demands.put(leg, demand);
            }
        }
        reallocate();
        applyAll(loop);
    }

    private void reallocate() {
        allocation = PacingAllocator.allocate(capacity, Map.copyOf(demands));
    }

    private void applyAll(EventExecutor loop) {
        Set<PacedLeg> legs = legsByLoop.get(loop);
        if (legs == null) {
            return;
        }
        PacingAllocator.Allocation<PacedLeg> current = allocation;
        for (PacedLeg leg : legs) {
            apply(leg, current.rates().getOrDefault(leg, current.newcomerShare()));
        }
    }

    private void apply(PacedLeg leg, double rate) {
        long bytesPerSecond = Math.max(1, Math.round(rate));
        if (refused || !leg.channel.isOpen()
                || (leg.appliedRate > 0 && Math.abs(bytesPerSecond - leg.appliedRate) < CHANGE_THRESHOLD * leg.appliedRate)) {
            return;
        }
        try {
            NativeSockets.setMaxPacingRate(leg.channel.fd().intValue(), bytesPerSecond);
            leg.appliedRate = bytesPerSecond;
        } catch (NativeSockets.NativeSocketException e) {
            if (e.errno() == Errno.EBADF.intValue()) { // the socket closed under us; nothing to pace
                return;
            }
            refused = true;
            LOG.warn("the kernel refused SO_MAX_PACING_RATE ({}): satellite-side connections are not paced at their "
                    + "share of the link; they start with the route's initial window and their congestion control "
                    + "alone limits them", e.getMessage());
        }
    }
}
