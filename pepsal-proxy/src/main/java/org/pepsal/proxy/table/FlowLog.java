package org.pepsal.proxy.table;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The JSON-lines flow log: one record per closed connection. Records are written by a thread of their own so
 * that file I/O never runs on an event loop. The queue to it is bounded: when the disk cannot keep up (or a flood
 * of short connections outpaces it) records are dropped and counted instead of growing the heap, and whatever has
 * queued is written in one batch with one flush.
 */
public final class FlowLog implements AutoCloseable {
    /** Records that may wait for the writer; about a kilobyte each. */
    public static final int DEFAULT_CAPACITY = 65_536;
    private static final int BATCH = 1024;
    private static final Logger LOG = LoggerFactory.getLogger(FlowLog.class);

    private final ObjectMapper json = new ObjectMapper();
    private final Writer writer;
    private final BlockingQueue<FlowRecord> queue;
    private final LongAdder dropped = new LongAdder();
    private final LongAdder flushes = new LongAdder();
    private final Thread thread;
    private volatile boolean closing;

    public FlowLog(Path file) throws IOException {
        this(Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND), DEFAULT_CAPACITY);
    }

    FlowLog(Writer writer, int capacity) {
        this.writer = writer;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.thread = new Thread(this::writeUntilClosed, "flow-log");
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues a record; never blocks (a full queue drops it and counts it). */
    public void append(FlowRecord record) {
        if (closing || !queue.offer(record)) {
            dropped.increment();
        }
    }

    /** Records dropped because the queue was full. */
    public long dropped() {
        return dropped.sum();
    }

    /** Batches written (each ends with one flush). */
    long flushes() {
        return flushes.sum();
    }

    private void writeUntilClosed() {
        List<FlowRecord> batch = new ArrayList<>(BATCH);
        while (!closing || !queue.isEmpty()) {
            try {
                FlowRecord first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
            } catch (InterruptedException e) {
                if (!closing) {
                    continue;
                }
            }
            queue.drainTo(batch, BATCH - batch.size());
            write(batch);
            batch.clear();
        }
    }

    private void write(List<FlowRecord> batch) {
        try {
            for (FlowRecord record : batch) {
                writer.write(json.writeValueAsString(record));
                writer.write('\n');
            }
            writer.flush();
            flushes.increment();
        } catch (IOException e) {
            LOG.warn("cannot write the flow log ({} record(s) lost): {}", batch.size(), e.getMessage());
        }
    }

    /** Writes what is queued (waiting up to 5 s), then closes the file. */
    @Override
    public void close() {
        closing = true;
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            writer.close();
        } catch (IOException e) {
            LOG.warn("cannot close the flow log: {}", e.getMessage());
        }
        if (dropped() > 0) {
            LOG.warn("flow log: {} record(s) dropped because the writer could not keep up", dropped());
        }
    }
}
