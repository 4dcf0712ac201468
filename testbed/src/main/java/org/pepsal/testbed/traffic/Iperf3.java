package org.pepsal.testbed.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.pepsal.testbed.topology.Host;
import org.pepsal.testbed.topology.ManagedProcess;
import org.pepsal.testbed.topology.Shell;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Bulk TCP transfers with iperf3: a fresh one-shot server per run, the client's JSON report parsed. */
public final class Iperf3 {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Iperf3() {
    }

    /** One transfer as iperf3 reported it. Goodput is what the receiver got. */
    public record Result(double goodputBitsPerSecond, long retransmits, List<Interval> intervals) {
    }

    /** Goodput over one reporting interval, seconds from the start. */
    public record Interval(double start, double end, double bitsPerSecond) {
    }

    /** What to run: duration, parallel streams, and whether the server sends (a download). */
    public record Transfer(Duration duration, int streams, boolean download, String congestionControl) {
        public Transfer {
            if (streams < 1 || duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("a transfer needs >= 1 stream and a positive duration");
            }
        }
    }

    /**
     * Runs one transfer from {@code client} to {@code serverAddress} (a one-shot server started in {@code server}).
     * The raw JSON report is kept in {@code workDir}.
     */
    public static Result run(Host client, Host server, String serverAddress, int port, Transfer transfer, Path workDir) {
        ManagedProcess listener = server.start("iperf3-server",
                List.of("iperf3", "-s", "-1", "-p", Integer.toString(port)), workDir.resolve("iperf3-server.log"));
        try {
            awaitListening(listener);
            List<String> command = new ArrayList<>(List.of("iperf3", "-c", serverAddress, "-p", Integer.toString(port),
                    "-t", Long.toString(Math.max(1, transfer.duration().toSeconds())), "-P",
                    Integer.toString(transfer.streams()), "-J", "-i", "0.5"));
            if (transfer.download()) {
                command.add("-R");
            }
            if (transfer.congestionControl() != null) {
                command.addAll(List.of("-C", transfer.congestionControl()));
            }
            Shell.Result result = client.tryExec(command.toArray(String[]::new));
            Path report = workDir.resolve("iperf3-client.json");
            Files.createDirectories(workDir);
            Files.writeString(report, result.stdout());
            if (!result.ok()) {
                throw new IllegalStateException("iperf3 failed: " + result.stderr() + result.stdout());
            }
            return parse(JSON.readTree(result.stdout()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            listener.stop();
        }
    }

    static Result parse(JsonNode report) {
        if (report.has("error")) {
            throw new IllegalStateException("iperf3: " + report.get("error").asText());
        }
        JsonNode end = report.get("end");
        double goodput = end.get("sum_received").get("bits_per_second").asDouble();
        long retransmits = end.path("sum_sent").path("retransmits").asLong(0);
        List<Interval> intervals = new ArrayList<>();
        for (JsonNode interval : report.get("intervals")) {
            JsonNode sum = interval.get("sum");
            intervals.add(new Interval(sum.get("start").asDouble(), sum.get("end").asDouble(),
                    sum.get("bits_per_second").asDouble()));
        }
        return new Result(goodput, retransmits, intervals);
    }

    private static void awaitListening(ManagedProcess listener) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!listener.output().contains("Server listening")) {
            if (!listener.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("iperf3 server did not start: " + listener.output());
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }
}
