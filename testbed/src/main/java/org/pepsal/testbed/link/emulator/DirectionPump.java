package org.pepsal.testbed.link.emulator;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * One direction of the emulated link, on its own thread: reads IP packets from the ingress TUN device, passes
 * them through a bottleneck (busy-until clock, tail drop beyond the queue limit), the loss model, and the
 * delay line (delay plus jitter), and writes them to the egress TUN device at their delivery time. Between
 * events the thread sleeps in ppoll until the next deadline (the next delivery, or the next schedule step).
 * When a packet leaves the bottleneck is {@link Bottleneck}'s to say, whether it is lost and its jitter
 * {@link RandomImpairments}', and with reordering the delay line is a {@link DelayHeap}.
 *
 * <p>The packet path allocates nothing: packet bytes live in one preallocated native arena used as a circular
 * buffer in arrival order, and the per-packet fields in preallocated parallel arrays indexed by the packet's
 * sequence number. Sequence numbers split the ring into three parts:
 * {@code [ringHead, deliverCursor)} done and not yet freed (only when reordering), {@code [deliverCursor,
 * shaperHead)} past the bottleneck (lost, or waiting in the delay line), {@code [shaperHead, ringTail)} in the
 * bottleneck queue.
 *
 * <p>The workload's start ({@link #startSchedule}) is a fresh start for everything a run compares: the loss and
 * jitter streams are reseeded (so calibration's packets do not move the loss positions, and plain and split of
 * one repetition see the same ones), a trace's clock and the schedule start there (Mahimahi starts a trace with
 * the application), and the counters and the lateness histogram start from zero.
 */
final class DirectionPump implements Runnable {
    /** The largest packet a TUN device hands over (IP's maximum); the arena always keeps this much free. */
    private static final int MAX_PACKET = 65_535;
    private static final int READ_BATCH = 64;
    private static final long IDLE_WAKEUP_NANOS = 1_000_000_000L;
    private static final byte QUEUED = 0;
    private static final byte DELAYED = 1;
    private static final byte DONE = 2;
    /** The delivery time of a packet the loss model dropped. */
    private static final long LOST = Long.MIN_VALUE;

    private final String name;
    private final int ingressFd;
    private final int egressFd;
    private final int wakeFd;
    private final Pointer arena;
    private final long arenaAddress;
    private final long arenaSize;
    private final Pointer pollFds;
    private final Pointer timespec;
    private final Pointer scratch;

    private final int ringMask;
    private final long[] offset;
    private final int[] length;
    private final long[] arrival;
    private final long[] departure;
    private final long[] deliverAt;
    private final byte[] state;
    private final DelayHeap delayHeap;
    private long ringHead;
    private long deliverCursor;
    private long shaperHead;
    private long ringTail;
    private long arenaTail;

    private final PathSettings[] settings;
    private final long[] stepAtNanos;
    private volatile long scheduleStartNanos = Long.MAX_VALUE;
    /** The start this thread has acted on (reseeded, reset its counters for); the control thread sets the other. */
    private long startHandled = Long.MAX_VALUE;
    private volatile long delayCutNanos;
    private volatile boolean stopping;
    private int nextStep = 1;
    private PathSettings current;
    private final Bottleneck bottleneck = new Bottleneck();
    private final RandomImpairments impairments;

    private long busyUntil;
    private long queuedBytes;
    private long queuedPackets;
    private long lastDeliverAt;

    final PumpCounters counters = new PumpCounters();
    final LatenessHistogram lateness = new LatenessHistogram();

    /**
     * @param settings     the initial settings, then one per schedule step
     * @param stepAtNanos  each step's time after the schedule's start (index 0 unused)
     * @param arenaBytes   packet memory: enough for the queue plus everything in flight in the delay line
     */
    DirectionPump(String name, int ingressFd, int egressFd, int wakeFd, PathSettings[] settings,
                  long[] stepAtNanos, long arenaBytes, long seed) {
        this.name = name;
        this.ingressFd = ingressFd;
        this.egressFd = egressFd;
        this.wakeFd = wakeFd;
        this.settings = settings;
        this.stepAtNanos = stepAtNanos;
        this.current = settings[0];
        this.impairments = new RandomImpairments(seed);
        arenaSize = Math.max(arenaBytes, 4L * MAX_PACKET);
        arena = Memory.allocateDirect(Native.RUNTIME, arenaSize, false);
        arenaAddress = arena.address();
        // Even tiny packets (40-byte ACKs) must not exhaust the ring before the arena.
        int ringSize = Integer.highestOneBit((int) Math.min(1 << 24, Math.max(1 << 14, arenaSize / 64)) * 2 - 1);
        ringMask = ringSize - 1;
        offset = new long[ringSize];
        length = new int[ringSize];
        arrival = new long[ringSize];
        departure = new long[ringSize];
        deliverAt = new long[ringSize];
        state = new byte[ringSize];
        delayHeap = new DelayHeap(deliverAt, ringMask);
        pollFds = Memory.allocateDirect(Native.RUNTIME, 2 * Native.POLLFD_SIZE, true);
        pollFds.putInt(0, ingressFd);
        pollFds.putShort(4, Native.POLLIN);
        pollFds.putInt(Native.POLLFD_SIZE, wakeFd);
        pollFds.putShort(Native.POLLFD_SIZE + 4, Native.POLLIN);
        timespec = Memory.allocateDirect(Native.RUNTIME, 16, true);
        scratch = Memory.allocateDirect(Native.RUNTIME, MAX_PACKET, true);
    }

    String name() {
        return name;
    }

    /**
     * Starts the schedule's clock, and with it the workload: the pump reseeds its streams and resets its counters
     * when it next wakes, which the caller makes happen at once (see {@link LinkEmulator}).
     */
    void startSchedule(long nowNanos) {
        scheduleStartNanos = nowNanos;
    }

    /**
     * Takes {@code nanos} off every packet's delay and jitter from now on, never going below none: to make up
     * for the fixed latency of the path outside the delay line, or (with {@link Long#MAX_VALUE}) to measure it.
     */
    void cutDelay(long nanos) {
        delayCutNanos = nanos;
    }

    void stop() {
        stopping = true;
    }

    @Override
    public void run() {
        // The default timer slack (50 µs) would add to every deadline; 1 ns makes ppoll wake on time.
        Native.LIBC.prctl(Native.PR_SET_TIMERSLACK, 1, 0, 0, 0);
        bottleneck.restart(System.nanoTime());
        while (!stopping) {
            long now = System.nanoTime();
            applyDueSteps(now);
            advanceBottleneck(now);
            readArrivals(now);
            advanceBottleneck(now);
            deliverDue(System.nanoTime());
            freeDone();
            sleepUntil(nextDeadline());
        }
    }

    private void applyDueSteps(long now) {
        long start = scheduleStartNanos;
        if (start != startHandled) {
            startWorkload(start);
        }
        while (nextStep < settings.length && start != Long.MAX_VALUE && now >= start + stepAtNanos[nextStep]) {
            current = settings[nextStep];
            bottleneck.restart(start + stepAtNanos[nextStep]);
            nextStep++;
            counters.stepsApplied++;
        }
    }

    private void startWorkload(long start) {
        startHandled = start;
        impairments.reseed();
        bottleneck.restart(start);
        counters.reset();
        lateness.reset();
    }

    private void readArrivals(long now) {
        for (int i = 0; i < READ_BATCH; i++) {
            long position = freeArenaPosition();
            boolean room = position >= 0 && ringTail - ringHead <= ringMask;
            long target = room ? arenaAddress + position : scratch.address();
            long bytes = Native.LIBC.read(ingressFd, target, MAX_PACKET);
            if (bytes <= 0) {
                return;
            }
            counters.received++;
            counters.receivedBytes += bytes;
            if (!room) {
                counters.bufferDrops++;
            } else if (queuedBytes + bytes > current.queueLimitBytes || queuedPackets + 1 > current.queueLimitPackets) {
                counters.tailDrops++;
            } else {
                int slot = (int) (ringTail & ringMask);
                offset[slot] = position;
                length[slot] = (int) bytes;
                arrival[slot] = now;
                departure[slot] = Long.MIN_VALUE;
                state[slot] = QUEUED;
                ringTail++;
                arenaTail = position + bytes;
                queuedBytes += bytes;
                queuedPackets++;
            }
        }
    }

    /** Where the next packet can be read to so that it stays contiguous, or -1 when the arena is full. */
    private long freeArenaPosition() {
        if (ringHead == ringTail) {
            arenaTail = 0;
            return 0;
        }
        long head = offset[(int) (ringHead & ringMask)];
        if (arenaTail >= head) {
            if (arenaSize - arenaTail >= MAX_PACKET) {
                return arenaTail;
            }
            return head > MAX_PACKET ? 0 : -1;
        }
        return head - arenaTail > MAX_PACKET ? arenaTail : -1;
    }

    /** Moves packets whose transmission on the bottleneck has finished on to the delay line (or drops them). */
    private void advanceBottleneck(long now) {
        while (shaperHead < ringTail) {
            int slot = prepareHead();
            if (departure[slot] > now) {
                return;
            }
            busyUntil = departure[slot];
            queuedBytes -= length[slot];
            queuedPackets--;
            if (deliverAt[slot] == LOST) {
                state[slot] = DONE;
                counters.lossDrops++;
            } else {
                state[slot] = DELAYED;
                if (current.reordering) {
                    delayHeap.push(shaperHead);
                }
            }
            shaperHead++;
        }
    }

    /**
     * Decides everything about the packet at the head of the bottleneck queue as soon as it gets there: when
     * it leaves the bottleneck, whether the loss model drops it, and when it is delivered. Knowing the delivery
     * time in advance lets the thread sleep straight to it instead of waking at the departure too, which halves
     * the wake-ups per packet. The settings in force when the packet reaches the head are the ones it gets.
     */
    private int prepareHead() {
        int slot = (int) (shaperHead & ringMask);
        if (departure[slot] == Long.MIN_VALUE) {
            departure[slot] = bottleneck.transmissionEnd(current, Math.max(arrival[slot], busyUntil), length[slot]);
            if (impairments.lost(current)) {
                deliverAt[slot] = LOST;
            } else {
                long due = departure[slot] + Math.max(0, current.delayNanos + impairments.jitter(current) - delayCutNanos);
                if (!current.reordering) {
                    due = Math.max(due, lastDeliverAt);
                    lastDeliverAt = due;
                }
                deliverAt[slot] = due;
            }
        }
        return slot;
    }

    private void deliverDue(long now) {
        if (current.reordering) {
            while (!delayHeap.isEmpty() && delayHeap.earliestDue() <= now) {
                deliver((int) (delayHeap.pop() & ringMask), now);
            }
            return;
        }
        while (deliverCursor < shaperHead) {
            int slot = (int) (deliverCursor & ringMask);
            if (state[slot] == DELAYED) {
                if (deliverAt[slot] > now) {
                    return;
                }
                deliver(slot, now);
            }
            deliverCursor++;
        }
    }

    private void deliver(int slot, long now) {
        long written = Native.LIBC.write(egressFd, arenaAddress + offset[slot], length[slot]);
        if (written == length[slot]) {
            counters.delivered++;
            counters.deliveredBytes += written;
        } else {
            counters.writeErrors++;
        }
        lateness.record(now - deliverAt[slot]);
        state[slot] = DONE;
    }

    /** Frees the arena up to the oldest packet not yet delivered. */
    private void freeDone() {
        while (ringHead < shaperHead && state[(int) (ringHead & ringMask)] == DONE) {
            ringHead++;
        }
        if (deliverCursor < ringHead) {
            deliverCursor = ringHead;
        }
    }

    private long nextDeadline() {
        long deadline = Long.MAX_VALUE;
        if (shaperHead < ringTail) {
            int slot = prepareHead();
            deadline = deliverAt[slot] == LOST ? departure[slot] : deliverAt[slot];
        }
        if (!delayHeap.isEmpty()) {
            deadline = Math.min(deadline, delayHeap.earliestDue());
        } else if (deliverCursor < shaperHead) {
            // After deliverDue, the cursor rests on the first packet still waiting in the delay line.
            int slot = (int) (deliverCursor & ringMask);
            if (state[slot] == DELAYED) {
                deadline = Math.min(deadline, deliverAt[slot]);
            }
        }
        long start = scheduleStartNanos;
        if (nextStep < settings.length && start != Long.MAX_VALUE) {
            deadline = Math.min(deadline, start + stepAtNanos[nextStep]);
        }
        return deadline;
    }

    private void sleepUntil(long deadline) {
        long timeout = deadline == Long.MAX_VALUE ? IDLE_WAKEUP_NANOS : deadline - System.nanoTime();
        if (timeout <= 0) {
            return;
        }
        timeout = Math.min(timeout, IDLE_WAKEUP_NANOS);
        timespec.putLong(0, timeout / 1_000_000_000L);
        timespec.putLong(8, timeout % 1_000_000_000L);
        int ready = Native.LIBC.ppoll(pollFds.address(), 2, timespec.address(), 0);
        if (ready > 0 && (pollFds.getShort(Native.POLLFD_SIZE + 6) & Native.POLLIN) != 0) {
            Native.LIBC.read(wakeFd, scratch.address(), 64);
        }
    }
}
