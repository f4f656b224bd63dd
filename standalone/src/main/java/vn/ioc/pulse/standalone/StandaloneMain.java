package vn.ioc.pulse.standalone;

import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.ioc.pulse.web.auth.BearerAuth;

/** {@code ./ioc demo}: starts the whole system in this JVM and prints where to look. */
public final class StandaloneMain {
    private static final Logger LOG = LoggerFactory.getLogger(StandaloneMain.class);

    private StandaloneMain() {
    }

    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        StandaloneConfig config = StandaloneConfig.fromEnv(System.getenv());
        Map<String, String> tokens = null;
        if (config.auth()) {
            tokens = demoTokens(config);
        } else {
            LOG.warn("AUTH IS OFF (demo): the ingest gateway and the dashboard API accept anyone who reaches {} "
                    + "(IOC_BIND_ADDRESS). IOC_AUTH=on ./ioc demo requires bearer tokens (one per role is printed).",
                    config.bindAddress());
        }
        Standalone system = Standalone.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping (SIGTERM / Ctrl-C)…");
            long t = System.nanoTime();
            system.close();
            LOG.info("stopped in {} ms", (System.nanoTime() - t) / 1_000_000);
        }, "ioc-demo-shutdown"));
        String host = "http://localhost:";
        System.out.printf("%n  IOC Pulse demo is up (%.1f s)%n"
                        + "    Wall screen:              %s%d/   (leaders' view: /?view=leader, English: ?lang=en)%n"
                        + "    WebSocket (screens):      ws://localhost:%d/ws/v1%n"
                        + "    KPI values (REST):        %s%d/api/v1/kpis/values?kpi=received&scope_type=province%n"
                        + "    KPI catalogue:            %s%d/api/v1/kpis%n"
                        + "    API docs (interactive):   %s%d/api/docs   metrics: /metrics on both ports%n"
                        + "    Ingest gateway:           POST %s%d/api/v1/events%n"
                        + "    Kafka bootstrap:          %s%n"
                        + "    Listening on %s only%s.%n"
                        + "    simulator %s, live clock %s, history %s. Ctrl-C stops everything.%n%n",
                (System.nanoTime() - t0) / 1e9, host, system.dashboardPort(), system.dashboardPort(), host,
                system.dashboardPort(), host,
                system.dashboardPort(), host, system.dashboardPort(), host, system.ingestPort(), system.kafkaBootstrap(),
                config.bindAddress(), "127.0.0.1".equals(config.bindAddress())
                        ? " (this machine); IOC_BIND_ADDRESS=0.0.0.0 opens the gateway and the API to the network" : "",
                config.simulator() ? "on (scale " + config.simScale() + ", " + config.simBackfillDays()
                        + " days back-filled)" : "off", config.liveClock() ? "on" : "off",
                config.influxUrl() == null ? "in memory" : "InfluxDB " + config.influxUrl());
        if (tokens != null) {
            System.out.printf("  AUTH IS ON. Demo tokens (12 h), e.g. curl -H 'Authorization: Bearer <token>' …, or "
                    + "ws://…/ws/v1?access_token=<token>:%n");
            tokens.forEach((who, t) -> System.out.printf("    %-26s %s%n", who, t));
            System.out.printf("    wall screen as a kiosk:    %s%d/?access_token=%s%n", host, system.dashboardPort(),
                    tokens.get("screen"));
            System.out.println();
        }
    }

    /**
     * With {@code IOC_AUTH=on} and no key configured, the demo makes a random HS256 secret for this run and signs one
     * token per role (screen, leader, operator, integration, admin) and a commune leader's (unit {@code commune/03646})
     * to print; with a configured key it signs nothing (use your IdP's tokens).
     */
    private static Map<String, String> demoTokens(StandaloneConfig config) {
        Map<String, String> env = config.env();
        if (env.get("IOC_AUTH_JWT_SECRET") == null && env.get("IOC_AUTH_JWT_PUBLIC_KEY") == null) {
            byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            env.put("IOC_AUTH_JWT_SECRET", HexFormat.of().formatHex(secret));
            LOG.warn("IOC_AUTH=on without a key: using a random HS256 secret for this run only");
        }
        env.put("IOC_AUTH", "on");
        BearerAuth.Config auth = BearerAuth.Config.fromEnv(env);
        if (auth.secret() == null) {
            LOG.warn("IOC_AUTH=on with a public key: post with a token from your identity provider");
            return null;
        }
        Vertx vertx = Vertx.vertx();
        try {
            Map<String, String> tokens = new java.util.LinkedHashMap<>();
            for (String role : List.of("screen", "leader", "operator", "integration", "admin")) {
                tokens.put(role + (role.equals(auth.role()) ? " (posts events)" : ""),
                        BearerAuth.mint(vertx, auth, "ioc-demo-" + role, List.of(role), 12 * 60));
            }
            tokens.put("leader of commune 03646", BearerAuth.mint(vertx, auth, "ioc-demo-commune-leader",
                    List.of("leader"), List.of("commune/03646"), 12 * 60));
            return tokens;
        } finally {
            vertx.close();
        }
    }
}
