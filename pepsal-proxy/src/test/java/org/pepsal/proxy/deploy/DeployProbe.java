package org.pepsal.proxy.deploy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

/**
 * The traffic of the deployment test, run inside the client and server containers with the image's JRE
 * ({@code java -cp /probe org.pepsal.proxy.deploy.DeployProbe ...}); one class, no dependencies.
 * <ul>
 *   <li>{@code server PORT}: echoes every connection until EOF, then half-closes; prints each peer's address.</li>
 *   <li>{@code client HOST PORT BYTES}: sends BYTES seeded random bytes while reading the echo, and checks that
 *       what came back is byte for byte what was sent (SHA-256); exit 0 when it is.</li>
 * </ul>
 */
public final class DeployProbe {
    private DeployProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("server")) {
            server(Integer.parseInt(args[1]));
        } else {
            System.exit(client(args[1], Integer.parseInt(args[2]), Long.parseLong(args[3])));
        }
    }

    private static void server(int port) throws Exception {
        try (ServerSocket listener = new ServerSocket()) {
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress(port));
            System.out.println("probe server listening on " + port);
            System.out.flush();
            while (true) {
                Socket socket = listener.accept();
                Thread thread = new Thread(() -> echo(socket));
                thread.setDaemon(true);
                thread.start();
            }
        }
    }

    private static void echo(Socket socket) {
        String peer = socket.getInetAddress().getHostAddress() + ":" + socket.getPort();
        System.out.println("peer " + peer);
        System.out.flush();
        long total = 0;
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            byte[] buffer = new byte[65536];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                total += n;
            }
            socket.shutdownOutput();
            System.out.println("done " + peer + " echoed=" + total);
        } catch (Exception e) {
            System.out.println("error " + peer + " after " + total + ": " + e);
        }
        System.out.flush();
    }

    private static int client(String host, int port, long bytes) throws Exception {
        MessageDigest sentDigest = MessageDigest.getInstance("SHA-256");
        MessageDigest receivedDigest = MessageDigest.getInstance("SHA-256");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 10_000);
            socket.setSoTimeout(30_000);
            String local = socket.getLocalAddress().getHostAddress() + ":" + socket.getLocalPort();
            Exception[] writeError = new Exception[1];
            Thread writer = new Thread(() -> {
                Random random = new Random(42);
                byte[] chunk = new byte[65536];
                try {
                    OutputStream out = socket.getOutputStream();
                    for (long left = bytes; left > 0; ) {
                        int n = (int) Math.min(chunk.length, left);
                        random.nextBytes(chunk);
                        sentDigest.update(chunk, 0, n);
                        out.write(chunk, 0, n);
                        left -= n;
                    }
                    socket.shutdownOutput();
                } catch (Exception e) {
                    writeError[0] = e;
                }
            });
            writer.start();
            long received = 0;
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[65536];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                receivedDigest.update(buffer, 0, n);
                received += n;
            }
            writer.join();
            if (writeError[0] != null) {
                System.out.println("client write failed: " + writeError[0]);
                return 1;
            }
            String sent = HexFormat.of().formatHex(sentDigest.digest());
            String back = HexFormat.of().formatHex(receivedDigest.digest());
            boolean same = received == bytes && sent.equals(back);
            System.out.println((same ? "client ok" : "client MISMATCH") + " local=" + local + " sent=" + bytes
                    + " received=" + received + " sha256-sent=" + sent + " sha256-received=" + back);
            return same ? 0 : 1;
        }
    }
}
