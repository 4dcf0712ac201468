package org.pepsal.proxy.relay;

import io.netty.channel.Channel;
import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollIoOps;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The interest sets the proxy's epoll channels register, adjusted in two ways.
 * <p>
 * No EPOLLRDHUP unless {@link #reportPeerClose} asks for it. On EPOLLRDHUP Netty reads until the end of the
 * stream whatever auto-read says, so a peer's FIN would pull its leg's whole receive queue (up to
 * {@code tcp_rmem}'s maximum) into user space past every bound. Without it the FIN is seen as EPOLLIN, as the end
 * of the stream after the data before it, and only while the channel reads. Splice mode needs it once splicing
 * has begun (a splice of zero bytes is all Netty sees of the end of the stream otherwise); those reads go into a
 * pipe, not user space.
 * <p>
 * It also works around a Netty 4.2 epoll defect that breaks half-closed connections. When a channel's interest set
 * becomes empty (its input has ended, so neither EPOLLIN nor EPOLLRDHUP is wanted) Netty removes the fd from
 * the epoll set but still believes it is there; the next change — EPOLLOUT because the half-closed leg has
 * more to write than its socket buffer holds — then fails with ENOENT and kills a healthy connection.
 * Here an empty interest set is registered as EPOLLET with no events instead: the fd stays in the set (so
 * later changes work) and a hang-up or error on it still wakes the loop, once rather than forever.
 * <p>
 * A set equal to the one last registered is not registered again, and a channel's socket is closed before its
 * registration is cancelled, which spares the epoll_ctl that would take it out of the set.
 */
final class KeepRegisteredIoHandler implements IoHandler {
    /** Each registered channel's registration, by its handle (the channel's unsafe). */
    private static final Map<IoHandle, KeptRegistration> REGISTRATIONS = new ConcurrentHashMap<>();
    private final IoHandler delegate;

    private KeepRegisteredIoHandler(IoHandler delegate) {
        this.delegate = delegate;
    }

    /** Epoll event loops with the fix. */
    static IoHandlerFactory newFactory() {
        IoHandlerFactory epoll = EpollIoHandler.newFactory();
        return executor -> new KeepRegisteredIoHandler(epoll.newHandler(executor));
    }

    @Override
    public void initialize() {
        delegate.initialize();
    }

    @Override
    public int run(IoHandlerContext context) {
        return delegate.run(context);
    }

    @Override
    public void prepareToDestroy() {
        delegate.prepareToDestroy();
    }

    @Override
    public void destroy() {
        delegate.destroy();
    }

    @Override
    public IoRegistration register(IoHandle handle) throws Exception {
        KeptRegistration registration = new KeptRegistration(delegate.register(handle), handle);
        REGISTRATIONS.put(handle, registration);
        return registration;
    }

    /** From now on {@code channel} hears of its peer's FIN by EPOLLRDHUP too; on its event loop. */
    static void reportPeerClose(Channel channel) {
        KeptRegistration registration = REGISTRATIONS.get(channel.unsafe());
        if (registration != null) {
            registration.reportPeerClose();
        }
    }

    @Override
    public void wakeup() {
        delegate.wakeup();
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
        return delegate.isCompatible(handleType);
    }

    private static final class KeptRegistration implements IoRegistration {
        private final IoRegistration delegate;
        private final IoHandle handle;
        /** What Netty last asked for; Netty believes it is registered. */
        private IoOps requested;
        /** What was last handed to epoll; -1 before anything was. */
        private long submitted = -1;
        private boolean peerClose;

        KeptRegistration(IoRegistration delegate, IoHandle handle) {
            this.delegate = delegate;
            this.handle = handle;
        }

        @Override
        public <T> T attachment() {
            return delegate.attachment();
        }

        @Override
        public long submit(IoOps ops) {
            requested = ops;
            return submitChanged(registered(ops));
        }

        /**
         * Netty asks again for a set it already has (a connecting leg clears EPOLLOUT and then asks for the set
         * without EPOLLRDHUP, which is the same here): one epoll_ctl per connection saved.
         */
        private long submitChanged(IoOps ops) {
            if (ops instanceof EpollIoOps epollOps && epollOps.value() == submitted && delegate.isValid()) {
                return submitted;
            }
            long result = delegate.submit(ops);
            submitted = ops instanceof EpollIoOps epollOps ? epollOps.value() : -1;
            return result;
        }

        private IoOps registered(IoOps ops) {
            if (!(ops instanceof EpollIoOps epollOps)) {
                return ops;
            }
            if (!peerClose) {
                epollOps = epollOps.without(EpollIoOps.EPOLLRDHUP);
            }
            return epollOps.value() == EpollIoOps.NONE.value() ? EpollIoOps.EPOLLET : epollOps;
        }

        void reportPeerClose() {
            peerClose = true;
            if (requested != null && delegate.isValid()) {
                submitChanged(registered(requested));
            }
        }

        @Override
        public boolean isValid() {
            return delegate.isValid();
        }

        @Override
        public boolean cancel() {
            REGISTRATIONS.remove(handle, this);
            // Netty cancels a channel's registration as it closes the channel (AbstractEpollChannel.doClose: the
            // proxy never deregisters an open one, nor sets an SO_LINGER above 0, whose close Netty would move off the
            // event loop after cancelling), and takes the fd out of the epoll set first (EPOLL_CTL_DEL)
            // while it is still open. Closed first, the kernel takes it out by itself: one call fewer per socket.
            // Netty's own close then finds it closed, and so does a failing close here (FileDescriptor marks it
            // closed before the call), which had nothing left to do but report.
            if (handle instanceof EpollIoHandle epollHandle) {
                try {
                    epollHandle.fd().close();
                } catch (IOException ignored) {
                    // Closed all the same.
                }
            }
            return delegate.cancel();
        }
    }
}
