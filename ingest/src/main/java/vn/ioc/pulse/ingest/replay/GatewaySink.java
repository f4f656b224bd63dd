package vn.ioc.pulse.ingest.replay;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import vn.ioc.pulse.model.EventCodec;

/**
 * Posts batches to the ingest gateway as NDJSON ({@code POST /api/v1/events}), with a bearer token when given.
 * 503 (Kafka unavailable), 429 (gateway busy: waits {@code Retry-After}) and connection failures are retried with
 * back-off, up to 8 attempts; resending is safe because repeated event_ids are ignored downstream.
 */
final class GatewaySink implements ReplaySink {
    private static final int ATTEMPTS = 8;

    private final URI events;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    GatewaySink(URI gateway, String token) {
        this.events = gateway.resolve("/api/v1/events");
        this.token = token;
    }

    @Override
    public String describe() {
        return "gateway " + events;
    }

    @Override
    public Answer send(byte[] ndjson) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(events)
                .header("Content-Type", "application/x-ndjson")
                .timeout(Duration.ofMinutes(2))
                .POST(HttpRequest.BodyPublishers.ofByteArray(ndjson));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        HttpRequest request = builder.build();
        long backoff = 500;
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> r;
            try {
                r = http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                if (attempt >= ATTEMPTS) {
                    throw new IOException("gateway " + events + " unreachable: " + e.getMessage(), e);
                }
                System.err.printf("%n[replay] gateway unreachable (%s), retrying in %d ms%n", e.getMessage(), backoff);
                Thread.sleep(backoff); // client back-off before resending the same batch
                backoff = Math.min(backoff * 2, 10_000);
                continue;
            }
            int status = r.statusCode();
            if (status == 202 || status == 400) {
                return Answer.of(EventCodec.mapper().readTree(r.body()));
            }
            if ((status == 503 || status == 429) && attempt < ATTEMPTS) {
                long wait = status == 429 ? r.headers().firstValue("Retry-After").map(s -> Long.parseLong(s) * 1000)
                        .orElse(backoff) : backoff;
                System.err.printf("%n[replay] gateway answered %d, resending the batch in %d ms%n", status, wait);
                Thread.sleep(wait); // the gateway asked us to wait (429) or Kafka is recovering (503)
                backoff = Math.min(backoff * 2, 10_000);
                continue;
            }
            if (status == 401 || status == 403) {
                throw new IOException("gateway answered " + status + " (" + r.body() + "): pass a token with role "
                        + "integration via --token or IOC_TOKEN");
            }
            throw new IOException("gateway answered " + status + ": " + r.body());
        }
    }
}
