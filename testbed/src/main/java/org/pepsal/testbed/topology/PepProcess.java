package org.pepsal.testbed.topology;

import org.pepsal.proxy.link.SatelliteLink;
import org.pepsal.proxy.rules.InitialWindows;
import org.pepsal.proxy.rules.IpFamily;
import org.pepsal.proxy.rules.RouteWindow;
import org.pepsal.proxy.rules.TproxyRules;
import org.pepsal.testbed.link.LinkDirection;
import org.pepsal.testbed.link.LinkSpec;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The proxy as operators deploy it: {@code java -jar pepsal-proxy.jar}, started inside a host (the gateway),
 * owned by the topology and stopped with it.
 */
public final class PepProcess {
    /** What the jar logs once per listening socket. */
    static final String LISTENING = "PEPsal listening on";

    private final Host host;
    private final ManagedProcess process;

    private PepProcess(Host host, ManagedProcess process) {
        this.host = host;
        this.process = process;
    }

    /** The proxy jar: the {@code pepsal.jar} system property, else the reactor's build output. */
    public static Path jar() {
        String configured = System.getProperty("pepsal.jar");
        List<Path> candidates = configured != null ? List.of(Path.of(configured))
                : List.of(Path.of("pepsal-proxy/target/pepsal-proxy.jar"), Path.of("../pepsal-proxy/target/pepsal-proxy.jar"));
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate)) {
                return candidate.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("pepsal-proxy.jar not found (looked at " + candidates
                + "); build it with `mvn package` or set -Dpepsal.jar=PATH");
    }

    /** The listening port the testbed's proxies use, and the mark and routing table of their TPROXY rules. */
    public static final int PORT = 5000;
    static final int MARK = 1;
    static final int ROUTING_TABLE = 100;

    /**
     * Installs, in {@code host}, the TPROXY rules that hand TCP connections arriving on {@code device} to a proxy
     * on {@link #PORT} (IPv4 and IPv6). They go with the host's namespace.
     */
    public static void divert(Host host, String device) {
        for (List<String> command : rules(device).installCommands()) {
            host.exec(command.toArray(String[]::new));
        }
    }

    /** Removes exactly what {@link #divert} installed: the host routes those connections again. */
    public static void undivert(Host host, String device) {
        for (List<String> command : rules(device).removeCommands()) {
            host.exec(command.toArray(String[]::new));
        }
    }

    /**
     * Runs {@code pepsal rules ARGS --state-dir STATE_DIR} in {@code host} (the jar's own rule management, as the
     * systemd unit runs it before and after the proxy), e.g. {@code install --iface DEV --no-ip-forward}.
     */
    public static String rules(Host host, Path stateDir, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", jar().toString(), "rules"));
        command.addAll(List.of(args));
        command.addAll(List.of("--state-dir", stateDir.toString()));
        return host.exec(command.toArray(String[]::new));
    }

    private static TproxyRules rules(String device) {
        return new TproxyRules(List.of(device), PORT, MARK, ROUTING_TABLE, true);
    }

    /**
     * What {@code pepsal rules install --satellite-iface DEVICE --satellite-rate ...} adds for the link-aware start:
     * an initial congestion window of the BDP in the direction this site sends and an initial receive window of the
     * BDP in the direction it receives, on every route through {@code device}, made with the proxy's own code. They
     * go with the host's namespace.
     */
    public static void startNearTheBdp(Host host, String device, LinkSpec link, boolean atGateway) {
        LinkDirection sending = atGateway ? link.aToB() : link.bToA();
        LinkDirection receiving = atGateway ? link.bToA() : link.aToB();
        int initcwnd = SatelliteLink.initialWindowSegments(sending.rateBitsPerSecond(), link.baseRtt());
        int initrwnd = receiving.rateBitsPerSecond() == LinkDirection.UNLIMITED_RATE ? initcwnd
                : SatelliteLink.initialWindowSegments(receiving.rateBitsPerSecond(), link.baseRtt());
        for (IpFamily family : IpFamily.values()) {
            String listing = host.exec(InitialWindows.list(family, device).argv().toArray(String[]::new));
            for (RouteWindow route : InitialWindows.plan(listing, family, device, initcwnd, initrwnd)) {
                String current = host.exec("ip", family == IpFamily.IPV6 ? "-6" : "-4", "route", "show", "exact",
                        route.destination(), "dev", device).strip();
                host.exec(InitialWindows.apply(route, current).argv().toArray(String[]::new));
            }
        }
    }

    /** Starts the proxy with {@code args} and waits until it listens. */
    public static PepProcess start(Host host, Path workDir, List<String> args) {
        return start(host, workDir, List.of(), args);
    }

    /**
     * Starts the proxy under {@code wrapper} (e.g. {@code prlimit --nofile=64 --}) and waits until it listens on
     * every address family it was asked for, or fails with its log.
     */
    public static PepProcess start(Host host, Path workDir, List<String> wrapper, List<String> args) {
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+ExitOnOutOfMemoryError", "-jar", jar().toString()));
        command.addAll(args);
        ManagedProcess process = host.start("pepsal", command, workDir.resolve("pepsal.log"));
        int expected = args.contains("-a") || args.stream().anyMatch(a -> a.startsWith("--address")) ? 1 : 2;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            String log = process.output();
            if (log.split(LISTENING, -1).length - 1 >= expected) {
                return new PepProcess(host, process);
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("pepsal exited with " + process.process().exitValue() + ":\n" + log);
            }
            sleep(20);
        }
        process.stop();
        throw new IllegalStateException("pepsal did not start listening within 30 s:\n" + process.output());
    }

    public ManagedProcess process() {
        return process;
    }

    public long pid() {
        return process.pid();
    }

    public String log() {
        return process.output();
    }

    /**
     * {@code GET /metrics} from inside its host (the proxy serves them on loopback only, on {@code --metrics-port}).
     * The proxy starts serving them only after it listens, so a refused connection is tried again for a while.
     */
    public String metrics(int port) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try {
                return host.call(() -> {
                    try (Socket socket = new Socket("127.0.0.1", port)) {
                        socket.getOutputStream().write("GET /metrics HTTP/1.0\r\nHost: localhost\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    }
                });
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    throw e;
                }
                sleep(50);
            }
        }
    }

    /** SIGTERM, then the exit code once it has drained and stopped. */
    public int terminate(Duration timeout) {
        return process.terminate(timeout);
    }

    public void stop() {
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
