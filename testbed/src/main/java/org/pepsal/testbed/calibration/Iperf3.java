package org.pepsal.testbed.calibration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.pepsal.testbed.topology.Host;
import org.pepsal.testbed.topology.ManagedProcess;
import org.pepsal.testbed.topology.Shell;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Bulk throughput with iperf3 (JSON output): a one-off server in one host, the client in another. */
public final class Iperf3 {
    private static final AtomicInteger NEXT_PORT = new AtomicInteger(5201);
    private static final ObjectMapper JSON = new ObjectMapper();

    private Iperf3() {
    }

    /** TCP goodput from {@code client} to {@code server} in bit/s, as the receiver counted it. */
    public static double tcp(Host client, Host server, String serverAddress, int seconds, int omitSeconds,
                             String congestionControl) {
        List<String> options = new ArrayList<>(List.of("-t", Integer.toString(seconds), "-O", Integer.toString(omitSeconds)));
        if (congestionControl != null) {
            options.addAll(List.of("-C", congestionControl));
        }
        return run(client, server, serverAddress, options);
    }

    /** TCP goodput of {@code streams} parallel flows together, in bit/s. */
    public static double tcpParallel(Host client, Host server, String serverAddress, int streams, int seconds,
                                     int omitSeconds) {
        return run(client, server, serverAddress, List.of("-P", Integer.toString(streams),
                "-t", Integer.toString(seconds), "-O", Integer.toString(omitSeconds)));
    }

    /** UDP goodput in bit/s with datagrams of {@code payloadBytes} offered at {@code offeredBitsPerSecond}. */
    public static double udp(Host client, Host server, String serverAddress, int seconds, long offeredBitsPerSecond,
                             int payloadBytes) {
        return run(client, server, serverAddress, List.of("-u", "-b", Long.toString(offeredBitsPerSecond),
                "-l", Integer.toString(payloadBytes), "-t", Integer.toString(seconds)));
    }

    private static double run(Host client, Host server, String serverAddress, List<String> clientOptions) {
        String port = Integer.toString(NEXT_PORT.getAndUpdate(p -> p >= 5299 ? 5201 : p + 1));
        Path log;
        try {
            log = Files.createTempFile("iperf3-server-", ".log");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        ManagedProcess serverProcess = server.start("iperf3 server",
                List.of("iperf3", "-s", "-1", "-B", serverAddress, "-p", port), log);
        try {
            awaitListening(server, port);
            List<String> command = new ArrayList<>(List.of("iperf3", "-c", serverAddress, "-p", port, "-J"));
            command.addAll(clientOptions);
            Shell.Result result = client.tryExec(command.toArray(String[]::new));
            JsonNode report = JSON.readTree(result.stdout());
            if (!result.ok() || report.has("error")) {
                throw new IllegalStateException("iperf3 failed: " + report.path("error").asText(result.stderr()));
            }
            return report.path("end").path("sum_received").path("bits_per_second").asDouble();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read iperf3's JSON: " + e.getMessage(), e);
        } finally {
            serverProcess.stop();
            try {
                Files.deleteIfExists(log);
            } catch (IOException e) {
                // a leftover temp file is harmless
            }
        }
    }

    private static void awaitListening(Host server, String port) {
        for (int attempt = 0; attempt < 100; attempt++) {
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
