package org.pepsal.proxy.relay;

import org.slf4j.Logger;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One kind of warning that a flood could repeat thousands of times a second (connections refused over a limit):
 * written at most once per period, with how many were left out since the last line, so an attack does not turn
 * into synchronous log writes on the event loops. The metrics count every occurrence.
 */
final class RateLimitedWarning {
    static final long PERIOD_NANOS = 10_000_000_000L;

    private final Logger log;
    private final LongSupplier clock;
    private final AtomicLong nextAllowed;
    private final AtomicLong suppressed = new AtomicLong();

    RateLimitedWarning(Logger log) {
        this(log, System::nanoTime);
    }

    RateLimitedWarning(Logger log, LongSupplier clock) {
        this.log = log;
        this.clock = clock;
        this.nextAllowed = new AtomicLong(clock.getAsLong());
    }

    /** Warns with {@code format} and {@code args} unless a line was written less than a period ago. */
    void warn(String format, Object... args) {
        long now = clock.getAsLong();
        long allowed = nextAllowed.get();
        if (now - allowed < 0 || !nextAllowed.compareAndSet(allowed, now + PERIOD_NANOS)) {
            suppressed.incrementAndGet();
            return;
        }
        long left = suppressed.getAndSet(0);
        if (left > 0) {
            log.warn(format + " (and " + left + " more like it in the last " + PERIOD_NANOS / 1_000_000_000L
                    + " s, not logged)", args);
        } else {
            log.warn(format, args);
        }
    }
}
