package org.pepsal.testbed.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.pepsal.testbed.topology.Host;
import org.pepsal.testbed.topology.ManagedProcess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Transfers with iperf3: a fresh one-shot server per run in one host, the client in another, its JSON report
 * parsed. The one place the testbed runs iperf3 (bulk workloads, calibration, benchmarks). A transfer that
 * outlasts its time is stopped with SIGTERM, on which iperf3 still writes what it measured: the result is then
 * {@link State#TIMED_OUT}, not an exception.
 */
public final class Iperf3 {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger NEXT_PORT = new AtomicInteger(5201);
    /** Beyond the transfer itself: iperf3's control connection and results exchange, a few RTTs each. */
    private static final Duration CONTROL_ALLOWANCE = Duration.ofSeconds(60);

    private Iperf3() {
    }

    /** How a transfer ended. */
    public enum State { COMPLETED, TIMED_OUT, FAILED }

    /**
     * One transfer as iperf3 reported it. Goodput is what the receiver got; {@code intervals} are the receiver's
     * (the client's for a download, the server's otherwise). {@code connections} are the data streams'
     * addresses as the client saw them (iperf3's control connection is not among them).
     *
     * @param bytesReceived what the receiver got; for an upload stopped at its timeout, what was sent (the
     *                      server's count is not exchanged then)
     * @param seconds       the receiver's measuring time
     * @param clientCommand the exact command line of the client (the server's is {@code serverCommand})
     * @param error         iperf3's error, or empty
     * @param streams       each data stream's goodput at the receiver, in the order the streams were opened
     */
    public record Result(State state, double goodputBitsPerSecond, long retransmits, long bytesReceived, double seconds,
                         List<Interval> intervals, List<Connection> connections, List<String> clientCommand,
                         List<String> serverCommand, String error, List<StreamGoodput> streams) {
        public Result {
            streams = List.copyOf(streams);
        }

        /**
         * The receiver's goodput without the first and last {@code edgeSeconds}: the start (slow start, the first
         * packets still in flight) and the end (what is queued or in flight when iperf3 stops counting, a whole
         * RTT's worth at satellite delays) would bias a short transfer low.
         */
        public double steadyGoodputBitsPerSecond(double edgeSeconds) {
            double end = intervals.isEmpty() ? 0 : intervals.get(intervals.size() - 1).end();
            double bits = 0;
            double time = 0;
            for (Interval interval : intervals) {
                if (!interval.omitted() && interval.start() >= edgeSeconds && interval.end() <= end - edgeSeconds) {
                    bits += interval.bitsPerSecond() * (interval.end() - interval.start());
                    time += interval.end() - interval.start();
                }
            }
            return time > 0 ? bits / time : goodputBitsPerSecond;
        }
    }

    /**
     * Goodput over one reporting interval, seconds from the transfer's start; {@code omitted}: in the leading
     * seconds iperf3 left out of its result ({@code -O}), kept for the time series and the start-up.
     */
    public record Interval(double start, double end, double bitsPerSecond, boolean omitted) {
        public Interval(double start, double end, double bitsPerSecond) {
            this(start, end, bitsPerSecond, false);
        }
    }

    /**
     * One data stream as its receiver counted it over the reported (not omitted) intervals: its number (1 for the
     * first stream opened), bytes and seconds.
     */
    public record StreamGoodput(int number, long bytes, double seconds) {
        public double bitsPerSecond() {
            return seconds > 0 ? bytes * 8 / seconds : 0;
        }
    }

    /** A data stream's addresses, from the client's side. */
    public record Connection(String localHost, int localPort, String remoteHost, int remotePort) {
    }

    /**
     * What to run. {@code download}: the server sends. {@code omitSeconds}: leading seconds left out of the result
     * (slow start). {@code sizeBytes} &gt; 0 makes it a fixed-size transfer (iperf3 -n) stopped after {@code timeout};
     * else it runs for {@code duration}. {@code udpBitsPerSecond} &gt; 0 makes it a UDP transfer at that offered
     * rate with datagrams of {@code udpPayload} bytes.
     */
    public record Transfer(Duration duration, long sizeBytes, Duration timeout, int streams, boolean download,
                           String congestionControl, int omitSeconds, long udpBitsPerSecond, int udpPayload) {
        public Transfer {
            if (streams < 1 || omitSeconds < 0 || (sizeBytes <= 0 && duration.toSeconds() < 1)
                    || (sizeBytes > 0 && (timeout == null || timeout.isZero()))) {
                throw new IllegalArgumentException("a transfer needs >= 1 stream, omit >= 0, and >= 1 s or a size "
                        + "with a timeout");
            }
        }

        public static Transfer tcp(Duration duration, int streams) {
            return new Transfer(duration, 0, null, streams, false, null, 0, 0, 0);
        }

        /** A fixed-size transfer of {@code bytes}, stopped (and reported as timed out) after {@code timeout}. */
        public static Transfer fixedSize(long bytes, Duration timeout, int streams) {
            return new Transfer(Duration.ZERO, bytes, timeout, streams, false, null, 0, 0, 0);
        }

        public static Transfer udp(Duration duration, long offeredBitsPerSecond, int payloadBytes) {
            return new Transfer(duration, 0, null, 1, false, null, 0, offeredBitsPerSecond, payloadBytes);
        }

        public Transfer downloading(boolean serverSends) {
            return new Transfer(duration, sizeBytes, timeout, streams, serverSends, congestionControl, omitSeconds,
                    udpBitsPerSecond, udpPayload);
        }

        public Transfer withCongestionControl(String algorithm) {
            return new Transfer(duration, sizeBytes, timeout, streams, download, algorithm, omitSeconds,
                    udpBitsPerSecond, udpPayload);
        }

        public Transfer omitting(int seconds) {
            return new Transfer(duration, sizeBytes, timeout, streams, download, congestionControl, seconds,
                    udpBitsPerSecond, udpPayload);
        }

        /** How long the client may run before it is stopped. */
        Duration limit() {
            return (sizeBytes > 0 ? timeout : duration.plusSeconds(omitSeconds)).plus(CONTROL_ALLOWANCE);
        }

        List<String> clientOptions() {
            List<String> options = new ArrayList<>(sizeBytes > 0 ? List.of("-n", Long.toString(sizeBytes))
                    : List.of("-t", Long.toString(duration.toSeconds())));
            options.addAll(List.of("-P", Integer.toString(streams), "-O", Integer.toString(omitSeconds), "-i", "0.5",
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

    /** A port for the next transfer's server; each transfer takes its own. */
    public static int nextPort() {
        return NEXT_PORT.getAndUpdate(p -> p >= 5299 ? 5201 : p + 1);
    }

    /**
     * Runs one transfer from {@code client} to {@code serverAddress} in {@code server}. With a {@code workDir}
     * the raw JSON report and the server's log are kept there.
     */
    public static Result run(Host client, Host server, String serverAddress, Transfer transfer, Path workDir) {
        return run(client, server, serverAddress, nextPort(), transfer, workDir);
    }

    /** As {@link #run(Host, Host, String, Transfer, Path)}, on a port the caller chose. */
    public static Result run(Host client, Host server, String serverAddress, int port, Transfer transfer, Path workDir) {
        Path dir = workDir(workDir);
        List<String> serverCommand = List.of("iperf3", "-s", "-1", "-J", "-i", "0.5", "-B", serverAddress, "-p",
                Integer.toString(port));
        ManagedProcess listener = server.start("iperf3 server", serverCommand, dir.resolve("iperf3-server.log"));
        Path report = dir.resolve("iperf3-client.json");
        List<String> command = new ArrayList<>(List.of("iperf3", "-c", serverAddress, "-p", Integer.toString(port), "-J",
                "--logfile", report.toString()));
        command.addAll(transfer.clientOptions());
        try {
            awaitListening(server, port);
            Files.deleteIfExists(report);
            ManagedProcess iperf = client.start("iperf3 client", command, dir.resolve("iperf3-client.log"));
            boolean finished = iperf.process().waitFor(transfer.limit().toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                iperf.terminate(Duration.ofSeconds(10));
            }
            if (!Files.isRegularFile(report) || Files.size(report) == 0) {
                throw new IllegalStateException("iperf3 wrote no report (exit " + iperf.process().exitValue() + "): "
                        + iperf.output().strip());
            }
            JsonNode json = JSON.readTree(report.toFile());
            String error = json.path("error").asText("");
            State state = !finished ? State.TIMED_OUT : iperf.process().exitValue() == 0 && error.isEmpty()
                    ? State.COMPLETED : State.FAILED;
            if (state == State.FAILED && !json.has("end")) {
                throw new IllegalStateException("iperf3 failed: " + (error.isEmpty() ? iperf.output().strip() : error));
            }
            return parse(json, transfer.download(), state, error, command, serverCommand);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read iperf3's report: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while iperf3 ran", e);
        } finally {
            listener.stop();
            if (workDir == null) {
                deleteQuietly(dir);
            }
        }
    }

    static Result parse(JsonNode report, boolean download, State state, String error, List<String> clientCommand,
                        List<String> serverCommand) {
        JsonNode end = report.path("end");
        double goodput = end.path("sum_received").path("bits_per_second").asDouble(
                end.path("sum").path("bits_per_second").asDouble()); // UDP reports "sum" only
        long retransmits = end.path("sum_sent").path("retransmits").asLong(0);
        List<Interval> intervals = new ArrayList<>();
        JsonNode receiver = download ? report : report.path("server_output_json");
        double bits = 0;
        double reported = 0;
        // iperf3 restarts its clock when the omitted seconds end: later intervals are shifted by where they ended.
        double omittedEnd = 0;
        for (JsonNode interval : receiver.path("intervals")) {
            JsonNode sum = interval.get("sum");
            boolean omitted = sum.path("omitted").asBoolean(false);
            double from = sum.get("start").asDouble() + (omitted ? 0 : omittedEnd);
            double to = sum.get("end").asDouble() + (omitted ? 0 : omittedEnd);
            // iperf3 may report a sliver as it ends the omitted seconds or the transfer.
            if (to - from < 0.01) {
                continue;
            }
            Interval i = new Interval(from, to, sum.get("bits_per_second").asDouble(), omitted);
            intervals.add(i);
            if (omitted) {
                omittedEnd = to;
            } else {
                bits += i.bitsPerSecond() * (to - from);
                reported += to - from;
            }
        }
        long bytes = end.path("sum_received").path("bytes").asLong(0);
        double seconds = end.path("sum_received").path("seconds").asDouble(0);
        if (state == State.TIMED_OUT) {
            // iperf3 interrupted does not exchange the receiver's totals: take the receiver's intervals, or
            // (an upload, whose receiver is the server) what was sent.
            bytes = download ? Math.round(bits / 8) : end.path("sum_sent").path("bytes").asLong(0);
            seconds = download ? reported : end.path("sum_sent").path("seconds").asDouble(reported);
            goodput = seconds > 0 ? bytes * 8 / seconds : 0;
        }
        List<Connection> connections = new ArrayList<>();
        for (JsonNode c : report.path("start").path("connected")) {
            connections.add(new Connection(c.path("local_host").asText(), c.path("local_port").asInt(),
                    c.path("remote_host").asText(), c.path("remote_port").asInt()));
        }
        return new Result(state, goodput, retransmits, bytes, seconds, intervals, connections, clientCommand,
                serverCommand, error, streams(receiver));
    }

    /**
     * Each stream's bytes and time from the receiver's per-stream intervals (present also when iperf3 was stopped
     * before its summary), numbered by the order its socket appears in the receiver's {@code start.connected}.
     */
    static List<StreamGoodput> streams(JsonNode receiver) {
        List<Long> sockets = new ArrayList<>();
        receiver.path("start").path("connected").forEach(c -> sockets.add(c.path("socket").asLong()));
        Map<Long, long[]> bytes = new LinkedHashMap<>();
        Map<Long, double[]> seconds = new LinkedHashMap<>();
        for (JsonNode interval : receiver.path("intervals")) {
            for (JsonNode stream : interval.path("streams")) {
                double length = stream.path("end").asDouble() - stream.path("start").asDouble();
                if (stream.path("omitted").asBoolean(false) || length < 0.01) {
                    continue;
                }
                long socket = stream.path("socket").asLong();
                bytes.computeIfAbsent(socket, k -> new long[1])[0] += stream.path("bytes").asLong();
                seconds.computeIfAbsent(socket, k -> new double[1])[0] += length;
            }
        }
        bytes.keySet().stream().filter(s -> !sockets.contains(s)).forEach(sockets::add);
        List<StreamGoodput> streams = new ArrayList<>();
        for (long socket : sockets) {
            if (bytes.containsKey(socket)) {
                streams.add(new StreamGoodput(streams.size() + 1, bytes.get(socket)[0], seconds.get(socket)[0]));
            }
        }
        return streams;
    }

    private static Path workDir(Path workDir) {
        try {
            if (workDir == null) {
                return Files.createTempDirectory("iperf3-");
            }
            return Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a leftover temporary file is harmless
        }
    }

    /** Waits for the listening socket itself: iperf3's banner may sit in its output buffer. */
    private static void awaitListening(Host server, int port) {
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
