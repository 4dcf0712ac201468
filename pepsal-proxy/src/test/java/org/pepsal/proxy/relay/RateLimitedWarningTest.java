package org.pepsal.proxy.relay;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimitedWarningTest {
    @Test
    void aFloodIsOneLinePerPeriodThatCountsWhatItLeftOut() {
        Logger logger = (Logger) LoggerFactory.getLogger("rate-limited-test");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        AtomicLong now = new AtomicLong(1_000);
        RateLimitedWarning warning = new RateLimitedWarning(logger, now::get);

        for (int i = 0; i < 1000; i++) {
            warning.warn("refused {}", i);
        }
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("refused 0");
        now.addAndGet(RateLimitedWarning.PERIOD_NANOS - 1);
        warning.warn("refused {}", 1000);
        assertThat(lines.list).hasSize(1);
        now.addAndGet(1);
        warning.warn("refused {}", 1001);
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("refused 0",
                "refused 1001 (and 1000 more like it in the last 10 s, not logged)");
    }
}
