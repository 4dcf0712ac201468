package org.pepsal.testbed.bench;

/** Sleeping without a checked exception: the benchmark treats an interrupt as the end of the run. */
final class Pause {
    private Pause() {
    }

    static void millis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
