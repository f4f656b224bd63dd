package vn.ioc.pulse.dashboard;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A wall screen for tests: a WebSocket to the dashboard API that sends JSON messages and hands over the messages it
 * receives one at a time, in order. Waiting for a message fails after {@link #PATIENCE_MS} instead of hanging.
 */
final class ScreenClient {
    static final long PATIENCE_MS = 10_000;

    private final Vertx vertx;
    private final WebSocket ws;
    private final Deque<JsonObject> received = new ArrayDeque<>();
    private final Deque<Promise<JsonObject>> waiting = new ArrayDeque<>();
    private final Promise<Void> closed = Promise.promise();

    private ScreenClient(Vertx vertx, WebSocket ws) {
        this.vertx = vertx;
        this.ws = ws;
        ws.textMessageHandler(this::onText);
        ws.closeHandler(v -> closed.tryComplete());
    }

    /**
     * Opens a WebSocket on {@code path}; the client must be kept referenced by the caller (STACK.md gotcha 2).
     *
     * <p>The handlers are set on a {@link ClientWebSocket} before it connects, not in a callback on the connect
     * future: from the JUnit thread that callback can run after the server's first frames (a close on a wrong path)
     * were already handed over, and setting a handler on a closed WebSocket throws.
     */
    static Future<ScreenClient> connect(Vertx vertx, WebSocketClient client, int port, String path) {
        ClientWebSocket ws = client.webSocket();
        ScreenClient screen = new ScreenClient(vertx, ws);
        return ws.connect(port, "localhost", path).map(screen);
    }

    private synchronized void onText(String text) {
        JsonObject message = new JsonObject(text);
        for (Promise<JsonObject> p = waiting.poll(); p != null; p = waiting.poll()) {
            if (p.tryComplete(message)) {
                return;
            }
        }
        received.add(message);
    }

    /** The next message from the server; fails when none arrives within {@link #PATIENCE_MS}. */
    synchronized Future<JsonObject> next() {
        JsonObject message = received.poll();
        if (message != null) {
            return Future.succeededFuture(message);
        }
        Promise<JsonObject> p = Promise.promise();
        waiting.add(p);
        long timer = vertx.setTimer(PATIENCE_MS, id -> p.tryFail(
                new AssertionError("the screen received no message within " + PATIENCE_MS + " ms")));
        return p.future().andThen(r -> vertx.cancelTimer(timer));
    }

    Future<Void> send(JsonObject message) {
        return sendText(message.encode());
    }

    Future<Void> sendText(String text) {
        return ws.writeTextMessage(text);
    }

    /** Sends a message and returns the next message from the server. */
    Future<JsonObject> request(JsonObject message) {
        return send(message).compose(v -> next());
    }

    /** Completes when the connection is closed; fails when it is still open after {@link #PATIENCE_MS}. */
    Future<WebSocket> closed() {
        long timer = vertx.setTimer(PATIENCE_MS, id -> closed.tryFail(
                new AssertionError("the connection was still open after " + PATIENCE_MS + " ms")));
        return closed.future().andThen(r -> vertx.cancelTimer(timer)).map(ws);
    }

    Future<Void> close() {
        return ws.isClosed() ? Future.succeededFuture() : ws.close();
    }
}
