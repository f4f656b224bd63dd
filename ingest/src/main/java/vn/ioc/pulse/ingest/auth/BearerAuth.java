package vn.ioc.pulse.ingest.auth;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authorization.PermissionBasedAuthorization;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.auth.jwt.authorization.JWTAuthorization;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.handler.AuthorizationHandler;
import io.vertx.ext.web.handler.JWTAuthHandler;
import java.util.List;
import java.util.Map;

/**
 * Bearer-token check for the ingest API: a signed JWT ({@code Authorization: Bearer …}) whose roles claim holds the
 * required role ({@code integration}). Missing, malformed, expired or wrongly signed token → 401; valid token
 * without the role → 403. Tokens come from the province's identity provider (e.g. a Keycloak realm: set
 * {@code IOC_AUTH_ROLES_CLAIM=realm_access/roles} and its RS256 public key) or, for small set-ups, are signed with
 * a shared HS256 secret. Built on Vert.x's JWT provider and handlers; this class only wires them.
 */
public final class BearerAuth {
    private BearerAuth() {
    }

    /**
     * Settings, from the environment (defaults in brackets): {@code IOC_AUTH} [on] (off: no check at all),
     * {@code IOC_AUTH_JWT_SECRET} (HS256 shared secret) or {@code IOC_AUTH_JWT_PUBLIC_KEY} (PEM public key) with
     * {@code IOC_AUTH_JWT_ALGORITHM} [RS256], {@code IOC_AUTH_ISSUER} and {@code IOC_AUTH_AUDIENCE} [not checked],
     * {@code IOC_AUTH_ROLES_CLAIM} [roles] (a path such as {@code realm_access/roles} is allowed),
     * {@code IOC_AUTH_INGEST_ROLE} [integration].
     */
    public record Config(boolean enabled, String secret, String publicKeyPem, String algorithm, String issuer,
                         String audience, String rolesClaim, String role) {
        public static final Config OFF = new Config(false, null, null, null, null, null, "roles", "integration");

        public static Config fromEnv(Map<String, String> env) {
            boolean on = switch (env.getOrDefault("IOC_AUTH", "on").trim().toLowerCase()) {
                case "on", "true", "1", "yes" -> true;
                case "off", "false", "0", "no" -> false;
                default -> throw new IllegalArgumentException("IOC_AUTH: expected on or off, got '"
                        + env.get("IOC_AUTH") + "'");
            };
            Config c = new Config(on, blank(env.get("IOC_AUTH_JWT_SECRET")), blank(env.get("IOC_AUTH_JWT_PUBLIC_KEY")),
                    env.getOrDefault("IOC_AUTH_JWT_ALGORITHM", "RS256"), blank(env.get("IOC_AUTH_ISSUER")),
                    blank(env.get("IOC_AUTH_AUDIENCE")), env.getOrDefault("IOC_AUTH_ROLES_CLAIM", "roles"),
                    env.getOrDefault("IOC_AUTH_INGEST_ROLE", "integration"));
            if (on && c.secret() == null && c.publicKeyPem() == null) {
                throw new IllegalArgumentException("IOC_AUTH is on but neither IOC_AUTH_JWT_SECRET nor "
                        + "IOC_AUTH_JWT_PUBLIC_KEY is set: configure a key, or IOC_AUTH=off for a closed demo network");
            }
            return c;
        }

        /** HS256 with a shared secret (tests, the demo with {@code IOC_AUTH=on}). */
        public static Config sharedSecret(String secret) {
            return new Config(true, secret, null, "HS256", null, null, "roles", "integration");
        }

        private static String blank(String s) {
            return s == null || s.isBlank() ? null : s;
        }
    }

    /** The JWT provider for {@code config} (which must be enabled). */
    public static JWTAuth provider(Vertx vertx, Config config) {
        PubSecKeyOptions key = config.secret() != null
                ? new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(config.secret())
                : new PubSecKeyOptions().setAlgorithm(config.algorithm()).setBuffer(config.publicKeyPem());
        JWTOptions checks = new JWTOptions();
        if (config.issuer() != null) {
            checks.setIssuer(config.issuer());
        }
        if (config.audience() != null) {
            checks.setAudience(List.of(config.audience()));
        }
        return JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(key).setJWTOptions(checks));
    }

    /** Puts the token check and the role check in front of {@code route} when auth is enabled. */
    public static void protect(Vertx vertx, Route route, Config config) {
        if (!config.enabled()) {
            return;
        }
        route.handler(JWTAuthHandler.create(provider(vertx, config)))
                .handler(AuthorizationHandler.create(PermissionBasedAuthorization.create(config.role()))
                        .addAuthorizationProvider(JWTAuthorization.create(config.rolesClaim())));
    }

    /** Signs a token for {@code subject} with {@code roles}, valid {@code minutes} (HS256 configurations only). */
    public static String mint(Vertx vertx, Config config, String subject, List<String> roles, int minutes) {
        if (config.secret() == null) {
            throw new IllegalStateException("only a shared-secret (HS256) configuration can sign tokens here");
        }
        JsonObject claims = new JsonObject().put("sub", subject);
        JsonObject node = claims;
        String[] path = config.rolesClaim().split("/");
        for (int i = 0; i < path.length - 1; i++) {
            JsonObject child = new JsonObject();
            node.put(path[i], child);
            node = child;
        }
        node.put(path[path.length - 1], new JsonArray(roles));
        JWTOptions options = new JWTOptions().setAlgorithm("HS256").setExpiresInMinutes(minutes);
        if (config.issuer() != null) {
            options.setIssuer(config.issuer());
        }
        if (config.audience() != null) {
            options.setAudience(List.of(config.audience()));
        }
        return provider(vertx, config).generateToken(claims, options);
    }
}
