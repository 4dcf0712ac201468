package org.pepsal.testbed.shell;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A user's programs for the shell's tests. {@code server PORT}: accepts connections, prints each peer's address
 * (what the server sees) and answers {@code hello}. {@code client HOST PORT}: connects, prints how long the answer
 * took from before the connect ({@code hello after 31.250 ms}), exits 0 if answered {@code hello}, else 3.
 */
public final class PeerFixture {
    private PeerFixture() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("server")) {
            try (ServerSocket listener = new ServerSocket(Integer.parseInt(args[1]))) {
                while (true) {
                    try (Socket socket = listener.accept()) {
                        System.out.println("peer " + socket.getInetAddress().getHostAddress());
                        System.out.flush();
                        OutputStream out = socket.getOutputStream();
                        out.write("hello".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                }
            }
        }
        long start = System.nanoTime();
        try (Socket socket = new Socket(InetAddress.getByName(args[1]), Integer.parseInt(args[2]))) {
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            System.out.printf(java.util.Locale.ROOT, "%s after %.3f ms%n", answer, (System.nanoTime() - start) / 1e6);
            System.out.flush();
            System.exit(answer.equals("hello") ? 0 : 3);
        }
    }
}
