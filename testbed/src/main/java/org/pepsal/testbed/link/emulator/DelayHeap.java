package org.pepsal.testbed.link.emulator;

/**
 * The delay line when packets may overtake each other (jitter with reordering): a binary min-heap of packet
 * sequence numbers ordered by their delivery times, which live in the pump's ring ({@code deliverAt}, indexed
 * by sequence & ring mask). Preallocated: pushing and popping allocate nothing.
 */
final class DelayHeap {
    private final long[] deliverAt;
    private final int ringMask;
    private final long[] heap;
    private int size;

    DelayHeap(long[] deliverAt, int ringMask) {
        this.deliverAt = deliverAt;
        this.ringMask = ringMask;
        this.heap = new long[deliverAt.length];
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The earliest delivery time in the heap; only when it is not empty. */
    long earliestDue() {
        return due(heap[0]);
    }

    void push(long sequence) {
        long due = due(sequence);
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (due(heap[parent]) <= due) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = sequence;
    }

    /** Takes out the sequence number due first. */
    long pop() {
        long top = heap[0];
        long last = heap[--size];
        long lastDue = due(last);
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && due(heap[child + 1]) < due(heap[child])) {
                child++;
            }
            if (due(heap[child]) >= lastDue) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        if (size > 0) {
            heap[i] = last;
        }
        return top;
    }

    private long due(long sequence) {
        return deliverAt[(int) (sequence & ringMask)];
    }
}
