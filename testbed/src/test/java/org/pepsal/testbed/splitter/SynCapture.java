package org.pepsal.testbed.splitter;

import org.pepsal.testbed.topology.Host;
import org.pepsal.testbed.topology.ManagedProcess;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * tcpdump in a host, keeping the SYNs (not SYN-ACKs) that arrive on a device for one port: what the wire carried,
 * read back after {@link #stop()} with each SYN's payload length and its bytes as tcpdump prints them in ASCII.
 */
final class SynCapture implements AutoCloseable {
    /** tcpdump's line for each packet: {@code ... Flags [S], seq 1:17, win 64240, options [...], length 16}. */
    private static final Pattern HEADER = Pattern.compile("^\\S+ IP6? .*Flags \\[[^\\]]*S[^\\]]*\\].* length (\\d+)");

    private final Host host;
    private final Path file;
    private final ManagedProcess process;

    private SynCapture(Host host, Path file, ManagedProcess process) {
        this.host = host;
        this.file = file;
        this.process = process;
    }

    /**
     * Starts capturing on {@code device} and returns once tcpdump listens (so no SYN sent after it is missed); in
     * immediate mode, as a packet still in the capture buffer when tcpdump is stopped would be lost.
     */
    static SynCapture start(Host host, String device, int port, Path workDir) {
        Path file = workDir.resolve("syn-" + port + ".pcap");
        ManagedProcess process = host.start("tcpdump", List.of("tcpdump", "-Z", "root", "--immediate-mode", "-i", device, "-nn", "-U", "-w",
                file.toString(), "tcp dst port " + port + " and tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn"),
                workDir.resolve("tcpdump-" + port + ".log"));
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!process.output().contains("listening on")) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.stop();
                throw new IllegalStateException("tcpdump did not start: " + process.output());
            }
            sleep(10);
        }
        return new SynCapture(host, file, process);
    }

    /** A SYN as captured: its payload's length, and the whole packet in tcpdump's ASCII rendering. */
    record Syn(int payloadLength, String ascii) {
    }

    /** Stops tcpdump and returns the SYNs it kept, in order. */
    List<Syn> stop() {
        close();
        String printed = host.exec("tcpdump", "-r", file.toString(), "-nn", "-A");
        List<Syn> syns = new ArrayList<>();
        Integer length = null;
        StringBuilder ascii = new StringBuilder();
        for (String line : printed.split("\n")) {
            Matcher header = HEADER.matcher(line);
            if (header.find()) {
                if (length != null) {
                    syns.add(new Syn(length, ascii.toString()));
                }
                length = Integer.parseInt(header.group(1));
                ascii.setLength(0);
            } else if (length != null) {
                ascii.append(line);
            }
        }
        if (length != null) {
            syns.add(new Syn(length, ascii.toString()));
        }
        return syns;
    }

    @Override
    public void close() {
        process.stop();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
