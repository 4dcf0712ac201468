package org.pepsal.proxy.relay;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.Errors;
import org.pepsal.proxy.link.LinkSide;
import org.pepsal.proxy.link.PacedLeg;
import org.pepsal.proxy.socket.TcpInfo;
import org.pepsal.proxy.table.ConnectionEntry;
import org.pepsal.proxy.table.ConnectionHandle;
import org.pepsal.proxy.table.ConnectionState;
import org.pepsal.proxy.table.FlowKey;
import org.pepsal.proxy.table.FlowRecord;
import org.pepsal.proxy.table.IdleTimeouts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.Inet6Address;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One split connection: the accepted client leg and the server leg the proxy opens from the client's own
 * address. Both legs live on the client leg's event loop, so every method here runs on that one thread and
 * needs no locks. It carries half-closes across (a FIN on one leg becomes a FIN on the other once the data
 * before it is written) and resets (a reset or error on one leg resets the other).
 */
final class SplitConnection implements ConnectionHandle {
    private static final Logger LOG = LoggerFactory.getLogger(SplitConnection.class);

    private final ProxyServices services;
    private final EpollSocketChannel client;
    private final FlowKey key;
    private final Splitter splitter;
    private final DirectionQueue toServer;
    private DirectionQueue toClient;
    private ConnectionEntry entry;
    private EpollSocketChannel server;
    private boolean clientSentFin;
    private boolean serverSentFin;
    /** A FIN seen on that direction's source, waiting for the spliced bytes before it (splice mode). */
    private boolean clientFinWaiting;
    private boolean serverFinWaiting;
    private boolean clientToServerDone;
    private boolean serverToClientDone;
    private boolean finished;
    /** A leg whose read or write failed with ECONNRESET: its peer reset it. */
    private boolean clientPeerReset;
    private boolean serverPeerReset;
    /** The satellite-side socket as the pacer knows it; null without a link or before the server leg connected. */
    private PacedLeg paced;
    private Direction towardsSatellite;
    /** The connect timeout's stand-in after a SYN that carried data; cancelled when the connection ends. */
    private ScheduledFuture<?> handshakeCheck;
    /** The idle and half-close timeouts; null before the server leg connected. */
    private TimeoutWatch timeouts;
    /** Where the connection waits for its server leg's dead-peer settings ({@link DeadPeerSweep}); -1: not. */
    private int deadPeerSlot = -1;

    SplitConnection(ProxyServices services, EpollSocketChannel client, FlowKey key, Splitter splitter,
                    DirectionQueue toServer) {
        this.services = services;
        this.client = client;
        this.key = key;
        this.splitter = splitter;
        this.toServer = toServer;
    }

    /**
     * The table admitted the connection: the client leg gets what it did not inherit from the listener; the server
     * leg is not open yet.
     */
    void admitted(ConnectionEntry admitted) {
        this.entry = admitted;
        services.clientLeg().applyAccepted(client);
    }

    /**
     * Opens the server leg: bound to the client's address (IP_TRANSPARENT), connecting to the original destination.
     * What the client has sent so far is queued on it before the connect, so that with Fast Open the SYN carries
     * it; the connect then completes at once (Netty counts the leg connected as the SYN leaves), which is why a
     * handshake check stands in for the connect timeout on that path.
     */
    void connect() {
        if (finished) {
            return;
        }
        var settings = services.settings();
        SocketProtocolFamily family = key.server().getAddress() instanceof Inet6Address
                ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET;
        EpollSocketChannel opened;
        try {
            opened = services.serverLegs().open(family);
        } catch (RuntimeException e) {
            // No descriptor left (EMFILE), or an option refused: handled here, on the connection's event loop.
            connectFailed(e);
            return;
        }
        server = opened;
        toClient = services.newQueue(opened);
        // What a Bootstrap would do, without one (and its copy of the options) per connection.
        var config = opened.config();
        config.setAllowHalfClosure(true);
        config.setAutoClose(false);
        config.setAutoRead(false);
        config.setWriteBufferWaterMark(waterMark());
        config.setConnectTimeoutMillis((int) settings.connectTimeout().toMillis());
        opened.pipeline().addLast(new RelayHandler(this, Direction.SERVER_TO_CLIENT, client, services.serverLeg(),
                toClient, settings.splice()));
        client.eventLoop().register(opened).addListener((ChannelFuture registered) -> {
            if (finished) {
                return;
            }
            if (!registered.isSuccess()) {
                opened.unsafe().closeForcibly(); // never registered: nothing else would close it
                connectFailed(registered.cause());
                return;
            }
            // Written but not flushed: Netty's connect hands the first of them to sendto(MSG_FASTOPEN).
            boolean early = settings.fastOpen() && splitter.queueEarly(server);
            ChannelFuture connecting = server.connect(key.server(), key.client());
            // Read before the listener below flushes the rest: nothing but the SYN can have sent data yet. (A
            // connect that completed at once need not have carried any: on veth the handshake can finish within
            // the call.)
            TcpInfo atConnect = early && connecting.isSuccess() ? LegSockets.tcpInfo(server) : null;
            connecting.addListener((ChannelFuture f) -> {
                if (finished) {
                    return;
                }
                if (!f.isSuccess()) {
                    connectFailed(f.cause());
                    return;
                }
                try {
                    connected();
                } catch (RuntimeException e) {
                    // Netty would log and drop it, leaving both legs open and the entry in the table for good.
                    abortWith("setting up the connected legs failed: " + RelayHandler.describe(e));
                }
            });
            if (atConnect != null && atConnect.bytesSent() > 0) {
                services.counters().synData.increment();
            }
            if (LegSockets.synSent(atConnect)) {
                awaitHandshake(settings.connectTimeout());
            }
        });
    }

    /**
     * After a SYN that carried data, Netty counts the leg connected though the server has not answered yet: a
     * server that never does is a connect timeout all the same, seen by the handshake still pending at that time.
     */
    private void awaitHandshake(Duration timeout) {
        if (timeout.isZero()) {
            return; // the kernel's SYN retries end it, as for any connect
        }
        handshakeCheck = client.eventLoop().schedule(() -> {
            if (!finished && LegSockets.synSent(LegSockets.tcpInfo(server))) {
                connectFailed(new ConnectTimeoutException("connection timed out after " + timeout.toMillis()
                        + " ms: " + key.server()));
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void connectFailed(Throwable cause) {
        services.counters().connectFailed.increment();
        services.counters().events().connectFailed(cause);
        abortWith("connect to " + FlowKey.format(key.server()) + " failed: " + RelayHandler.describe(cause));
    }

    static WriteBufferWaterMark waterMark(int relayBuffer) {
        return new WriteBufferWaterMark(relayBuffer / 2, relayBuffer);
    }

    private WriteBufferWaterMark waterMark() {
        return waterMark(services.settings().relayBuffer());
    }

    private void connected() {
        if (finished) {
            return;
        }
        services.counters().connected.increment();
        entry.connected(Instant.now());
        services.counters().events().connected(Duration.between(entry.synTime(), entry.connectedTime()));
        timeouts = new TimeoutWatch(services.settings().idleTimeouts(), client.eventLoop(), entry,
                this::refreshEntry, this::timedOut);
        timeouts.stateChanged();
        services.serverLeg().applyConnected(server);
        if (services.deadPeers() != null) {
            services.deadPeers().add(this, client.eventLoop());
        }
        if (services.pacer() != null) {
            boolean satelliteIsClient = services.settings().satelliteLink().side() == LinkSide.CLIENT;
            paced = services.pacer().add(satelliteIsClient ? client : server);
            towardsSatellite = satelliteIsClient ? Direction.SERVER_TO_CLIENT : Direction.CLIENT_TO_SERVER;
        }
        boolean splice = services.settings().splice();
        boolean clientEnded = splitter.handOver(server);
        client.pipeline().replace(splitter, "relay",
                new RelayHandler(this, Direction.CLIENT_TO_SERVER, server, services.clientLeg(), toServer, splice));
        if (splice) {
            // Spliced bytes stay in the kernel; Netty and the watermarks switch reading from here on.
            toClient.startSplicing();
            toServer.startSplicing();
            server.config().setAutoRead(true);
            if (!clientEnded) {
                client.config().setAutoRead(true);
            }
        } else {
            toClient.start();
            if (!clientEnded) {
                toServer.start();
            }
        }
        if (clientEnded) {
            inputEnded(Direction.CLIENT_TO_SERVER);
        }
        if (splice) {
            if (!clientEnded) {
                splice(client, server);
            }
            splice(server, client);
            KeepRegisteredIoHandler.reportPeerClose(client);
            KeepRegisteredIoHandler.reportPeerClose(server);
        }
    }

    private void splice(AbstractEpollStreamChannel from, AbstractEpollStreamChannel to) {
        from.spliceTo(to, Integer.MAX_VALUE).addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                abortWith("splice " + (from == client ? "client" : "server") + " leg: "
                        + RelayHandler.describe(f.cause()));
            }
        });
    }

    /**
     * The leg a direction reads from has ended (FIN). Once everything read before it is written, the FIN is
     * passed on by shutting down the other leg's output; that leg can still send the other way.
     */
    void inputEnded(Direction direction) {
        if (finished) {
            return;
        }
        entry.state(ConnectionState.CLOSING);
        if (timeouts != null) {
            timeouts.stateChanged();
        }
        AbstractEpollStreamChannel source = direction == Direction.CLIENT_TO_SERVER ? client : server;
        AbstractEpollStreamChannel target = direction == Direction.CLIENT_TO_SERVER ? server : client;
        boolean splice = services.settings().splice();
        if (splice && LegSockets.unread(source) > 0) {
            // Netty reports the FIN as soon as it is seen, while spliced bytes before it may still wait in the
            // socket; they are spliced on the next reads, and the FIN must follow them: readComplete looks again
            // after each of those reads (no timer, so a peer that does not read costs nothing meanwhile).
            finWaiting(direction, true);
            return;
        }
        finWaiting(direction, false);
        // Nothing is left to read: what the queue still holds drains without turning reading back on.
        (direction == Direction.CLIENT_TO_SERVER ? toServer : toClient).stopSteering();
        if (direction == Direction.CLIENT_TO_SERVER) {
            clientSentFin = true;
        } else {
            serverSentFin = true;
        }
        if (splice) {
            stopReadingAtEof(source);
        }
        target.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFuture written) -> {
            if (!written.isSuccess() || finished) {
                return;
            }
            target.shutdownOutput().addListener((ChannelFuture shut) -> {
                if (direction == Direction.CLIENT_TO_SERVER) {
                    clientToServerDone = true;
                } else {
                    serverToClientDone = true;
                }
                if (clientToServerDone && serverToClientDone) {
                    finish("closed by both ends", false);
                }
            });
        });
    }

    /**
     * A read (in splice mode: a splice into the pipe) on the source leg of {@code direction} completed. In splice
     * mode a source at end of stream stays readable (splice returns 0) and Netty keeps reading while auto-read
     * is on, so a leg whose FIN was passed on stops reading; Netty turns auto-read back on whenever a spliced
     * chunk is written out, hence the check after every read.
     */
    void readComplete(Direction direction) {
        if (finished || !services.settings().splice()) {
            return;
        }
        if (direction == Direction.CLIENT_TO_SERVER ? clientFinWaiting : serverFinWaiting) {
            inputEnded(direction);
        } else if (direction == Direction.CLIENT_TO_SERVER ? clientSentFin : serverSentFin) {
            stopReadingAtEof(direction == Direction.CLIENT_TO_SERVER ? client : server);
        }
    }

    private void finWaiting(Direction direction, boolean waiting) {
        if (direction == Direction.CLIENT_TO_SERVER) {
            clientFinWaiting = waiting;
        } else {
            serverFinWaiting = waiting;
        }
    }

    private static void stopReadingAtEof(AbstractEpollStreamChannel source) {
        source.config().setAutoRead(false);
    }

    int deadPeerSlot() {
        return deadPeerSlot;
    }

    void deadPeerSlot(int slot) {
        deadPeerSlot = slot;
    }

    /** The sweep's turn: keepalive and TCP_USER_TIMEOUT on the server leg, if the connection still lives. */
    void applyDeadPeers() {
        if (!finished && server.isOpen()) {
            services.serverLeg().applyDeadPeers(server);
        }
    }

    /** The relay wrote what it read in {@code direction}; the pacer hears when the satellite leg starts sending. */
    void relayed(Direction direction) {
        if (paced != null && direction == towardsSatellite) {
            services.pacer().wrote(paced);
        }
    }

    /** An I/O error on one leg, for the metrics; a reset from its peer also spares that leg's SO_LINGER. */
    void relayError(String leg, Throwable cause) {
        if (cause instanceof Errors.NativeIoException e && e.expectedErr() == Errors.ERRNO_ECONNRESET_NEGATIVE) {
            if (leg.equals(Direction.CLIENT_TO_SERVER.sourceLeg())) {
                clientPeerReset = true;
            } else {
                serverPeerReset = true;
            }
        }
        services.counters().events().relayError(leg, cause);
    }

    /** Quiet too long: reset both legs, saying which timeout in the flow log. */
    private void timedOut(IdleTimeouts.Reason reason) {
        services.counters().countTimeout(reason);
        abortWith(reason.text());
    }

    /** Ends the connection with a reset on both legs; callable from any thread. */
    @Override
    public void abort(String reason) {
        if (client.eventLoop().inEventLoop()) {
            abortWith(reason);
        } else {
            client.eventLoop().execute(() -> abortWith(reason));
        }
    }

    private void abortWith(String reason) {
        if (entry == null || finished) {
            return;
        }
        services.counters().aborted.increment();
        LOG.debug("{}: reset ({})", key, reason);
        finish(reason, true);
    }

    private void finish(String reason, boolean reset) {
        finished = true;
        if (handshakeCheck != null) {
            handshakeCheck.cancel(false);
        }
        if (timeouts != null) {
            timeouts.stop();
        }
        if (services.deadPeers() != null) {
            services.deadPeers().remove(this);
        }
        toServer.closed();
        if (toClient != null) {
            toClient.closed();
        }
        if (paced != null) {
            services.pacer().remove(paced);
        }
        boolean logged = services.flowLog() != null;
        boolean observed = services.counters().observed();
        // TCP_INFO (a getsockopt per leg) and the flow record (timestamps formatted as text) are for the flow log
        // and the metrics alone; without either, a short connection's close is cheaper by both.
        TcpInfo clientInfo = logged || observed ? LegSockets.tcpInfoWithCongestionControl(client) : null;
        TcpInfo serverInfo = (logged || observed) && entry.connectedTime() != null
                ? LegSockets.tcpInfoWithCongestionControl(server) : null;
        if (reset) {
            LegSockets.reset(client, clientPeerReset);
            if (server != null) {
                LegSockets.reset(server, serverPeerReset);
            }
        } else {
            client.close();
            server.close();
        }
        services.table().remove(entry);
        if (logged) {
            services.flowLog().append(record(reason, clientInfo, serverInfo, Instant.now()));
        }
        if (observed) {
            services.counters().events().closed(LegSockets.payloadReceived(clientInfo, clientSentFin),
                    LegSockets.payloadReceived(serverInfo, serverSentFin), reset);
        }
    }

    private FlowRecord record(String reason, TcpInfo clientInfo, TcpInfo serverInfo, Instant closed) {
        Instant connectedAt = entry.connectedTime();
        return new FlowRecord(entry.index(), FlowKey.format(key.client()), FlowKey.format(key.server()),
                entry.synTime().toString(), connectedAt == null ? null : connectedAt.toString(), closed.toString(),
                Duration.between(entry.synTime(), closed).toMillis(),
                LegSockets.payloadReceived(clientInfo, clientSentFin),
                LegSockets.payloadReceived(serverInfo, serverSentFin), reason, clientInfo, serverInfo);
    }

    @Override
    public CompletableFuture<Void> refreshCounters() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        client.eventLoop().execute(() -> {
            if (!finished) {
                refreshEntry();
            }
            done.complete(null);
        });
        return done;
    }

    /** The entry's byte counts and last activity (data received or sent on either leg) from the kernel. */
    private void refreshEntry() {
        TcpInfo clientInfo = LegSockets.tcpInfo(client);
        TcpInfo serverInfo = entry.connectedTime() != null ? LegSockets.tcpInfo(server) : null;
        long quietMs = Math.min(LegSockets.quietMs(clientInfo), LegSockets.quietMs(serverInfo));
        boolean anyData = (clientInfo != null && clientInfo.bytesReceived() + clientInfo.bytesSent() > 0)
                || (serverInfo != null && serverInfo.bytesReceived() + serverInfo.bytesSent() > 0);
        entry.counters(LegSockets.payloadReceived(clientInfo, clientSentFin),
                LegSockets.payloadReceived(serverInfo, serverSentFin), anyData ? Instant.now().minusMillis(quietMs) : null);
    }
}
