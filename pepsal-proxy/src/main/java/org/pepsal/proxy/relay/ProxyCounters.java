package org.pepsal.proxy.relay;

import java.util.concurrent.atomic.LongAdder;

/** Event counts since start, for the log at shutdown and for metrics. */
public final class ProxyCounters {
    final LongAdder accepted = new LongAdder();
    final LongAdder connected = new LongAdder();
    final LongAdder synData = new LongAdder();
    final LongAdder overLimit = new LongAdder();
    final LongAdder overSourceLimit = new LongAdder();
    final LongAdder connectFailed = new LongAdder();
    final LongAdder aborted = new LongAdder();
    final LongAdder pendingCollected = new LongAdder();
    private volatile ProxyEvents events = ProxyEvents.NONE;

    /** Sets the observer of connection events (the metrics); {@code null} for none. */
    public void events(ProxyEvents observer) {
        this.events = observer == null ? ProxyEvents.NONE : observer;
    }

    ProxyEvents events() {
        return events;
    }

    /** Whether anyone observes the events: without an observer the relay skips what only they would need. */
    boolean observed() {
        return events != ProxyEvents.NONE;
    }

    public long accepted() {
        return accepted.sum();
    }

    public long connected() {
        return connected.sum();
    }

    /** Server legs whose SYN carried the client's first bytes (Fast Open). */
    public long synData() {
        return synData.sum();
    }

    public long overLimit() {
        return overLimit.sum();
    }

    public long overSourceLimit() {
        return overSourceLimit.sum();
    }

    public long connectFailed() {
        return connectFailed.sum();
    }

    public long aborted() {
        return aborted.sum();
    }

    public long pendingCollected() {
        return pendingCollected.sum();
    }

    @Override
    public String toString() {
        return "accepted=" + accepted() + " connected=" + connected() + " synData=" + synData()
                + " overLimit=" + overLimit() + " overSourceLimit=" + overSourceLimit()
                + " connectFailed=" + connectFailed() + " aborted=" + aborted()
                + " pendingCollected=" + pendingCollected();
    }
}
