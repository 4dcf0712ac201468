package org.pepsal.proxy.table;

import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class FlowLogTest {
    private static FlowRecord record(long index) {
        return new FlowRecord(index, "10.0.0.1:" + index, "10.0.1.1:80", "s", "c", "e", 1, 2, 3, "closed by both ends",
                null, null);
    }

    /** A file that blocks its first write until released, like a disk that stalls. */
    private static final class StalledWriter extends StringWriter {
        final CountDownLatch writing = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void write(String text) {
            writing.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            super.write(text);
        }
    }

    @Test
    void aStalledWriterDropsAndCountsWhatTheBoundedQueueCannotHold() throws Exception {
        StalledWriter file = new StalledWriter();
        FlowLog log = new FlowLog(file, 8);
        log.append(record(0));
        assertThat(file.writing.await(5, TimeUnit.SECONDS)).isTrue(); // the writer holds record 0 and is stuck
        for (int i = 1; i <= 100; i++) {
            log.append(record(i));
        }
        assertThat(log.dropped()).isEqualTo(100 - 8);
        file.release.countDown();
        log.close();
        assertThat(file.toString().lines()).hasSize(9);
        assertThat(file.toString()).contains("\"client\":\"10.0.0.1:8\"").doesNotContain("\"client\":\"10.0.0.1:9\"");
    }

    @Test
    void queuedRecordsAreWrittenInBatchesWithOneFlushEach() throws Exception {
        StalledWriter file = new StalledWriter();
        FlowLog log = new FlowLog(file, 4096);
        log.append(record(0));
        assertThat(file.writing.await(5, TimeUnit.SECONDS)).isTrue();
        for (int i = 1; i <= 2000; i++) {
            log.append(record(i));
        }
        file.release.countDown();
        log.close();
        assertThat(log.dropped()).isZero();
        assertThat(file.toString().lines()).hasSize(2001);
        // record 0 alone, then the 2000 that queued meanwhile in batches of at most 1024
        assertThat(log.flushes()).isBetween(3L, 4L);
    }
}
