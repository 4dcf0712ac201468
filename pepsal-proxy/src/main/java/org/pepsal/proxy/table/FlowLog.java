package org.pepsal.proxy.table;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The JSON-lines flow log: one record per closed connection. Records are written by a thread of their own so
 * that file I/O never runs on an event loop.
 */
public final class FlowLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FlowLog.class);
    private final ObjectMapper json = new ObjectMapper();
    private final BufferedWriter writer;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "flow-log");
        t.setDaemon(true);
        return t;
    });

    public FlowLog(Path file) throws IOException {
        writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    public void append(FlowRecord record) {
        executor.execute(() -> {
            try {
                writer.write(json.writeValueAsString(record));
                writer.newLine();
                writer.flush();
            } catch (IOException e) {
                LOG.warn("cannot write the flow log: {}", e.getMessage());
            }
        });
    }

    /** Writes what is queued, then closes the file. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
            writer.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.warn("cannot close the flow log: {}", e.getMessage());
        }
    }
}
