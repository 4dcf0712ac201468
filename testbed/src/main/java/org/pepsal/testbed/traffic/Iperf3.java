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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Transfers with iperf3: a fresh one-shot server per run in one host, the client in another, its JSON report
 * parsed. The one place the testbed runs iperf3 (bulk workloads, calibration, benchmarks).
 */
public final class Iperf3 {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger NEXT_PORT = new AtomicInteger(5201);

    private Iperf3() {
    }

    /**
     * One transfer as iperf3 reported it. Goodput is what the receiver got; {@code intervals} are the receiver's
     * (the client's for a download, the server's otherwise).
     */
    public record Result(double goodputBitsPerSecond, long retransmits, List<Interval> intervals) {
        /**
         * The receiver's goodput without the first and last {@code edgeSeconds}: the start (slow start, the first
         * packets still in flight) and the end (what is queued or in flight when iperf3 stops counting, a whole
         * RTT's worth at satellite delays) would bias a short transfer low.
         */
        public double steadyGoodputBitsPerSecond(double edgeSeconds) {
            double end = intervals.isEmpty() ? 0 : intervals.get(intervals.size() - 1).end();
            double bits = 0;
            double seconds = 0;
            for (Interval interval : intervals) {
                if (interval.start() >= edgeSeconds && interval.end() <= end - edgeSeconds) {
                    bits += interval.bitsPerSecond() * (interval.end() - interval.start());
                    seconds += interval.end() - interval.start();
                }
            }
            return seconds > 0 ? bits / seconds : goodputBitsPerSecond;
        }
    }

    /** Goodput over one reporting interval, seconds from the start. */
    public record Interval(double start, double end, double bitsPerSecond) {
    }

    /**
     * What to run. {@code download}: the server sends. {@code omitSeconds}: leading seconds left out of the result
     * (slow start). {@code udpBitsPerSecond} &gt; 0 makes it a UDP transfer at that offered rate with datagrams of
     * {@code udpPayload} bytes.
     */
    public record Transfer(Duration duration, int streams, boolean download, String congestionControl,
                           int omitSeconds, long udpBitsPerSecond, int udpPayload) {
        public Transfer {
            if (streams < 1 || duration.toSeconds() < 1 || omitSeconds < 0) {
                throw new IllegalArgumentException("a transfer needs >= 1 stream, >= 1 s and omit >= 0");
            }
        }

        public static Transfer tcp(Duration duration, int streams) {
            return new Transfer(duration, streams, false, null, 0, 0, 0);
        }

        public static Transfer udp(Duration duration, long offeredBitsPerSecond, int payloadBytes) {
            return new Transfer(duration, 1, false, null, 0, offeredBitsPerSecond, payloadBytes);
        }

        public Transfer downloading(boolean serverSends) {
            return new Transfer(duration, streams, serverSends, congestionControl, omitSeconds, udpBitsPerSecond,
                    udpPayload);
        }

        public Transfer withCongestionControl(String algorithm) {
            return new Transfer(duration, streams, download, algorithm, omitSeconds, udpBitsPerSecond, udpPayload);
        }

        public Transfer omitting(int seconds) {
            return new Transfer(duration, streams, download, congestionControl, seconds, udpBitsPerSecond, udpPayload);
        }

        List<String> clientOptions() {
            List<String> options = new ArrayList<>(List.of("-t", Long.toString(duration.toSeconds()),
                    "-P", Integer.toString(streams), "-O", Integer.toString(omitSeconds), "-i", "0.5",
                    "--get-server-output"));
            if (download) {
                options.add("-R");
            }
            if (congestionControl != null) {
                options.addAll(List.of("-C", congestionControl));
            }
            if (udpBitsPerSecond > 0) {
                options.addAll(List.of("-u", "-b", Long.toString(udpBitsPerSecond), "-l", Integer.toString(udpPayload)));
            }
            return options;
        }
    }

    /**
     * Runs one transfer from {@code client} to {@code serverAddress} in {@code server}. With a {@code workDir}
     * the raw JSON report and the server's log are kept there.
     */
    public static Result run(Host client, Host server, String serverAddress, Transfer transfer, Path workDir) {
        String port = Integer.toString(NEXT_PORT.getAndUpdate(p -> p >= 5299 ? 5201 : p + 1));
        Path serverLog = logFile(workDir);
        ManagedProcess listener = server.start("iperf3 server",
                List.of("iperf3", "-s", "-1", "-J", "-i", "0.5", "-B", serverAddress, "-p", port), serverLog);
        try {
            awaitListening(server, port);
            List<String> command = new ArrayList<>(List.of("iperf3", "-c", serverAddress, "-p", port, "-J"));
            command.addAll(transfer.clientOptions());
            Shell.Result result = client.tryExec(command.toArray(String[]::new));
            if (workDir != null) {
                Files.writeString(workDir.resolve("iperf3-client.json"), result.stdout());
            }
            JsonNode report = JSON.readTree(result.stdout());
            if (!result.ok() || report.has("error")) {
                throw new IllegalStateException("iperf3 failed: " + report.path("error").asText(result.stderr()));
            }
            return parse(report, transfer.download());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read iperf3's report: " + e.getMessage(), e);
        } finally {
            listener.stop();
            if (workDir == null) {
                try {
                    Files.deleteIfExists(serverLog);
                } catch (IOException ignored) {
                    // a leftover temporary file is harmless
                }
            }
        }
    }

    static Result parse(JsonNode report, boolean download) {
        JsonNode end = report.get("end");
        double goodput = end.path("sum_received").path("bits_per_second").asDouble(
                end.path("sum").path("bits_per_second").asDouble()); // UDP reports "sum" only
        long retransmits = end.path("sum_sent").path("retransmits").asLong(0);
        List<Interval> intervals = new ArrayList<>();
        JsonNode receiver = download ? report : report.path("server_output_json");
        for (JsonNode interval : receiver.path("intervals")) {
            JsonNode sum = interval.get("sum");
            intervals.add(new Interval(sum.get("start").asDouble(), sum.get("end").asDouble(),
                    sum.get("bits_per_second").asDouble()));
        }
        return new Result(goodput, retransmits, intervals);
    }

    private static Path logFile(Path workDir) {
        try {
            if (workDir == null) {
                return Files.createTempFile("iperf3-server-", ".log");
            }
            Files.createDirectories(workDir);
            return workDir.resolve("iperf3-server.log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for the listening socket itself: iperf3's banner may sit in its output buffer. */
    private static void awaitListening(Host server, String port) {
        for (int attempt = 0; attempt < 250; attempt++) {
            if (server.exec("ss", "-Hltn", "sport = :" + port).contains(":" + port)) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        throw new IllegalStateException("iperf3 server did not start listening on port " + port);
    }
}
