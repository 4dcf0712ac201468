package org.pepsal.proxy.rules;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the rule manager reads and writes besides commands: sysctls, capabilities, listeners. A fake in tests. */
public interface SystemAccess {
    /** The value of a sysctl such as {@code net.ipv4.ip_forward}, or null when it does not exist. */
    String sysctl(String key);

    /** Sets a sysctl; throws with the reason when the kernel or a read-only /proc/sys refuses. */
    void sysctl(String key, String value) throws IOException;

    /** Whether this process holds CAP_NET_ADMIN in its effective set. */
    boolean hasNetAdmin();

    /** This process's effective user id: whose state files it may trust. */
    int effectiveUid();

    /** An id of the current network namespace (its inode), so each namespace gets its own state file. */
    String networkNamespaceId();

    /** Whether a TCP socket listens on the port (IPv4 or IPv6), from /proc/net/tcp and /proc/net/tcp6. */
    boolean tcpListening(int port);

    /**
     * The proxy's count of accepted connections from its metrics endpoint on 127.0.0.1:port, or -1 when it does
     * not answer.
     */
    default long acceptedByProxy(int metricsPort) {
        try {
            var connection = (java.net.HttpURLConnection) java.net.URI.create("http://127.0.0.1:" + metricsPort
                    + "/metrics").toURL().openConnection();
            connection.setConnectTimeout(2000);
            connection.setReadTimeout(5000);
            try (var in = connection.getInputStream()) {
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                return text.lines().filter(l -> l.startsWith("pepsal_connections_accepted_total "))
                        .mapToLong(l -> (long) Double.parseDouble(l.substring(l.indexOf(' ') + 1).strip()))
                        .findFirst().orElse(-1);
            } finally {
                connection.disconnect();
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The real thing: /proc. */
    SystemAccess LOCAL = new SystemAccess() {
        private static final int CAP_NET_ADMIN = 12;

        private Path path(String key) {
            return Path.of("/proc/sys", key.replace('.', '/'));
        }

        @Override
        public String sysctl(String key) {
            // One buffered read: Files.readString asks the kernel for a single byte first, and a numeric sysctl
            // read again at offset 1 answers end of file, so "1048576" would come back as "1".
            try (var in = Files.newBufferedReader(path(key), StandardCharsets.US_ASCII)) {
                String line = in.readLine();
                return line == null ? "" : line.strip();
            } catch (IOException e) {
                return null;
            }
        }

        @Override
        public void sysctl(String key, String value) throws IOException {
            Files.writeString(path(key), value + "\n", StandardCharsets.US_ASCII);
        }

        @Override
        public boolean hasNetAdmin() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("CapEff:")) {
                        long caps = Long.parseUnsignedLong(line.substring(7).strip(), 16);
                        return (caps & (1L << CAP_NET_ADMIN)) != 0;
                    }
                }
            } catch (IOException | NumberFormatException e) {
                return true; // cannot tell; let the commands themselves say
            }
            return true;
        }

        @Override
        public int effectiveUid() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("Uid:")) {
                        return Integer.parseInt(line.substring(4).strip().split("\\s+")[1]); // real, effective, ...
                    }
                }
            } catch (IOException | RuntimeException e) {
                throw new RulesException("cannot read this process's user id from /proc/self/status: " + e);
            }
            throw new RulesException("no Uid line in /proc/self/status");
        }

        @Override
        public String networkNamespaceId() {
            try {
                String link = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
                return link.replaceAll("[^0-9]", "");
            } catch (IOException | UnsupportedOperationException e) {
                return "unknown";
            }
        }

        @Override
        public boolean tcpListening(int port) {
            String hexPort = String.format(":%04X", port);
            for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
                try {
                    for (String line : Files.readAllLines(Path.of(table))) {
                        String[] f = line.strip().split("\\s+");
                        // sl local_address rem_address st ...; st 0A is LISTEN
                        if (f.length > 3 && f[1].endsWith(hexPort) && f[3].equals("0A")) {
                            return true;
                        }
                    }
                } catch (IOException e) {
                    // no IPv6 here
                }
            }
            return false;
        }
    };
}
