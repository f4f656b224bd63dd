package vn.ioc.pulse.web;

import io.vertx.core.Vertx;

/**
 * Watches one request body's arrival rate: after {@code grace}, the body must have arrived at
 * {@code minBytesPerSecond} on average over the time the server was reading it (time the server held the body back —
 * paused for backpressure — is not counted). When it falls behind, {@code onTooSlow} runs once (answer 408 and close).
 * Checked once a second on the request's event loop; call {@link #stop()} when the body has ended or failed.
 */
public final class RateWatch {
    private final Vertx vertx;
    private final long minBytesPerSecond;
    private final long graceMs;
    private final Runnable onTooSlow;
    private final long started = System.nanoTime();
    private long received;
    private long pausedNanos;
    private long pausedSince = -1;
    private long timer = -1;
    private boolean done;

    public RateWatch(Vertx vertx, ServerLimits limits, Runnable onTooSlow) {
        this.vertx = vertx;
        this.minBytesPerSecond = limits.minBodyBytesPerSecond();
        this.graceMs = limits.bodyGraceMs();
        this.onTooSlow = onTooSlow;
        if (minBytesPerSecond > 0) {
            timer = vertx.setPeriodic(1000, id -> check());
        }
    }

    public void received(int bytes) {
        received += bytes;
    }

    /** The server stops reading (backpressure): this time does not count against the client. */
    public void paused() {
        if (pausedSince < 0) {
            pausedSince = System.nanoTime();
        }
    }

    public void resumed() {
        if (pausedSince >= 0) {
            pausedNanos += System.nanoTime() - pausedSince;
            pausedSince = -1;
        }
    }

    public void stop() {
        done = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    /** The verdict at {@code readingMs} of reading time: too slow when below the rate after the grace period. */
    static boolean tooSlow(long received, long readingMs, long minBytesPerSecond, long graceMs) {
        return readingMs > graceMs && received < minBytesPerSecond * (readingMs - graceMs) / 1000;
    }

    private void check() {
        if (done || pausedSince >= 0) {
            return;
        }
        long readingMs = (System.nanoTime() - started - pausedNanos) / 1_000_000;
        if (tooSlow(received, readingMs, minBytesPerSecond, graceMs)) {
            stop();
            onTooSlow.run();
        }
    }

    /** Detail for the 408 answer. */
    public String detail() {
        return "the request body arrived slower than " + minBytesPerSecond + " bytes/s on average (" + received
                + " bytes so far): send it faster or in smaller requests";
    }
}
