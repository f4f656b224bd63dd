package vn.ioc.pulse.standalone;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark probe: {@code WsProbe PORT START_EPOCH_MS TIMEOUT_S} connects to {@code ws://localhost:PORT/ws/v1}
 * (retrying until the server is up), subscribes to everything and prints the seconds from START_EPOCH_MS to the
 * first KPI value received (snapshot value or update). Exits 1 on timeout.
 */
public final class WsProbe {
    private WsProbe() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        long start = Long.parseLong(args[1]);
        long deadline = System.currentTimeMillis() + Long.parseLong(args[2]) * 1000;
        Vertx vertx = Vertx.vertx();
        WebSocketClient client = vertx.createWebSocketClient();
        CompletableFuture<Long> first = new CompletableFuture<>();
        WebSocket ws = null;
        while (ws == null && System.currentTimeMillis() < deadline) {
            try {
                ws = client.connect(port, "localhost", "/ws/v1").await(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                vertx.timer(200).await();
            }
        }
        int code = 1;
        if (ws != null) {
            ws.textMessageHandler(text -> {
                JsonObject m = new JsonObject(text);
                boolean hasValue = "update".equals(m.getString("type"))
                        || ("snapshot".equals(m.getString("type")) && !m.getJsonArray("values").isEmpty());
                if (hasValue) {
                    first.complete(System.currentTimeMillis());
                }
            });
            ws.writeTextMessage(new JsonObject().put("type", "subscribe").put("id", "probe").encode());
            try {
                long at = first.get(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
                System.out.printf("first_kpi_on_websocket_s=%.1f%n", (at - start) / 1000.0);
                code = 0;
            } catch (java.util.concurrent.TimeoutException e) {
                System.out.println("first_kpi_on_websocket_s=timeout");
            }
        } else {
            System.out.println("first_kpi_on_websocket_s=no-connection");
        }
        client.close().await();
        vertx.close().await();
        System.exit(code);
    }
}
