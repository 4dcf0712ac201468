package org.pepsal.proxy.relay;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollIoOps;

/**
 * Works around a Netty 4.2 epoll defect that breaks half-closed connections. When a channel's interest set
 * becomes empty (its input has ended, so neither EPOLLIN nor EPOLLRDHUP is wanted) Netty removes the fd from
 * the epoll set but still believes it is there; the next change — EPOLLOUT because the half-closed leg has
 * more to write than its socket buffer holds — then fails with ENOENT and kills a healthy connection.
 * Here an empty interest set is registered as EPOLLET with no events instead: the fd stays in the set (so
 * later changes work) and a hang-up or error on it still wakes the loop, once rather than forever.
 */
final class KeepRegisteredIoHandler implements IoHandler {
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
        return new KeptRegistration(delegate.register(handle));
    }

    @Override
    public void wakeup() {
        delegate.wakeup();
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
        return delegate.isCompatible(handleType);
    }

    private record KeptRegistration(IoRegistration delegate) implements IoRegistration {
        @Override
        public <T> T attachment() {
            return delegate.attachment();
        }

        @Override
        public long submit(IoOps ops) {
            if (ops instanceof EpollIoOps epollOps && epollOps.value() == EpollIoOps.NONE.value()) {
                return delegate.submit(EpollIoOps.EPOLLET);
            }
            return delegate.submit(ops);
        }

        @Override
        public boolean isValid() {
            return delegate.isValid();
        }

        @Override
        public boolean cancel() {
            return delegate.cancel();
        }
    }
}
