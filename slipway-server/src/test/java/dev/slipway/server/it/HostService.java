package dev.slipway.server.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;

/**
 * A service on the Docker host, on every address and a free port, answering any connection with
 * an HTTP 200 "reachable": what host isolation must keep task containers away from.
 */
final class HostService implements AutoCloseable {
    private final ServerSocket socket;
    private final Thread acceptor;

    HostService() throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getByName("0.0.0.0"));
        acceptor = Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    var c = socket.accept();
                    c.getOutputStream().write("HTTP/1.0 200 OK\r\n\r\nreachable\n".getBytes(StandardCharsets.UTF_8));
                    c.close();
                }
            } catch (IOException closed) {
                // closed at the end of the test
            }
        });
    }

    int port() {
        return socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        socket.close();
        acceptor.interrupt();
    }
}
