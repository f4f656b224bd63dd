package vn.ioc.pulse.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A raw TCP client for the slow, idle and abusive HTTP clients the servers must shed: it writes exactly the bytes it
 * is told to, when it is told to, and tells when the server closed the connection.
 */
public final class RawHttp implements AutoCloseable {
    private static final ScheduledExecutorService TRICKLE = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "raw-http-trickle");
        t.setDaemon(true);
        return t;
    });

    private final Socket socket;
    private ScheduledFuture<?> trickle;

    private RawHttp(Socket socket) {
        this.socket = socket;
    }

    public static RawHttp connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        return new RawHttp(s);
    }

    public RawHttp send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return this;
    }

    /** Writes {@code text} one byte every {@code everyMs} on a background thread until closed or written. */
    public RawHttp trickle(String text, long everyMs) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        int[] next = {0};
        trickle = TRICKLE.scheduleAtFixedRate(() -> {
            try {
                if (next[0] < bytes.length) {
                    socket.getOutputStream().write(bytes[next[0]++]);
                    socket.getOutputStream().flush();
                }
            } catch (IOException e) {
                trickle.cancel(false);
            }
        }, 0, everyMs, TimeUnit.MILLISECONDS);
        return this;
    }

    /**
     * Reads until the server closes the connection (EOF or reset) and returns what it sent; fails if the
     * connection is still open after {@code maxMs}.
     */
    public String readUntilClosed(long maxMs) throws IOException {
        socket.setSoTimeout((int) maxMs);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        long deadline = System.nanoTime() + maxMs * 1_000_000;
        byte[] buf = new byte[8192];
        try {
            while (true) {
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                out.write(buf, 0, n);
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("connection still open after " + maxMs + " ms; got: " + out);
                }
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("connection still open after " + maxMs + " ms; got: " + out);
        } catch (SocketException reset) {
            // closed with a reset: closed all the same
        }
        if (trickle != null) {
            trickle.cancel(false);
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads one HTTP response head and a Content-Length body; returns it as text (connection stays open). */
    public String readResponse(long maxMs) throws IOException {
        socket.setSoTimeout((int) maxMs);
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before a response: " + head);
            }
            head.append((char) b);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        byte[] body = in.readNBytes(length);
        return head + new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        if (trickle != null) {
            trickle.cancel(false);
        }
        socket.close();
    }
}
