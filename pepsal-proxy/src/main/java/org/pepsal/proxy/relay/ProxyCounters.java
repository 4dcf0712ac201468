package org.pepsal.proxy.relay;

import org.pepsal.proxy.table.IdleTimeouts;

import java.util.EnumMap;
import java.util.Map;
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
    private final Map<IdleTimeouts.Reason, LongAdder> timedOut = new EnumMap<>(IdleTimeouts.Reason.class);
    /** Times a direction reached its --relay-buffer bound and stopped reading until half of it was written. */
    final LongAdder boundPauses = new LongAdder();
    private volatile ProxyEvents events = ProxyEvents.NONE;
    private volatile RelayBudget budget;

    /** The budget the relay draws on, for its figures. */
    void budget(RelayBudget relayBudget) {
        this.budget = relayBudget;
    }

    public ProxyCounters() {
        for (IdleTimeouts.Reason reason : IdleTimeouts.Reason.values()) {
            timedOut.put(reason, new LongAdder());
        }
    }

    void countTimeout(IdleTimeouts.Reason reason) {
        timedOut.get(reason).increment();
    }

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

    /** Connections reset because they were quiet longer than this timeout allows. */
    public long timedOut(IdleTimeouts.Reason reason) {
        return timedOut.get(reason).sum();
    }

    public long boundPauses() {
        return boundPauses.sum();
    }

    /** Bytes the relay holds in user space now, over all connections. */
    public long relayQueuedBytes() {
        RelayBudget b = budget;
        return b == null ? 0 : b.queued();
    }

    /** The most the relay may hold in user space (--relay-memory); 0 before the proxy has started. */
    public long relayMemoryLimit() {
        RelayBudget b = budget;
        return b == null ? 0 : b.limit();
    }

    /** Times the relay held --relay-memory and every direction paused until it drained. */
    public long budgetPauses() {
        RelayBudget b = budget;
        return b == null ? 0 : b.pauses();
    }

    @Override
    public String toString() {
        return "accepted=" + accepted() + " connected=" + connected() + " synData=" + synData()
                + " overLimit=" + overLimit() + " overSourceLimit=" + overSourceLimit()
                + " connectFailed=" + connectFailed() + " aborted=" + aborted()
                + " pendingCollected=" + pendingCollected() + " idleTimedOut=" + timedOut(IdleTimeouts.Reason.IDLE)
                + " halfCloseTimedOut=" + timedOut(IdleTimeouts.Reason.HALF_CLOSE)
                + " boundPauses=" + boundPauses() + " budgetPauses=" + budgetPauses();
    }
}
