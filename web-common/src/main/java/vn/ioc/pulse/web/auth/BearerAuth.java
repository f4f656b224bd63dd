package vn.ioc.pulse.web.auth;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import vn.ioc.pulse.web.Problems;

/**
 * Bearer-token check for the HTTP APIs: a signed JWT ({@code Authorization: Bearer …}) that expires ({@code exp}
 * required) and whose roles claim holds the required role ({@code integration} on the ingest gateway). Missing,
 * malformed, expired, never-expiring or wrongly signed token, or a malformed claim → 401 with
 * {@code WWW-Authenticate: Bearer}; valid token without the role → 403. Tokens come from the province's identity provider (e.g. a Keycloak realm: set
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
     * {@code IOC_AUTH_INGEST_ROLE} [integration], {@code IOC_AUTH_UNITS_CLAIM} [units] (a list of
     * {@code scope_type/scope_id} limiting what a token may read on the dashboard API; absent = the whole province).
     */
    public record Config(boolean enabled, String secret, String publicKeyPem, String algorithm, String issuer,
                         String audience, String rolesClaim, String role, String unitsClaim) {
        public static final Config OFF = new Config(false, null, null, null, null, null, "roles", "integration",
                "units");

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
                    env.getOrDefault("IOC_AUTH_INGEST_ROLE", "integration"),
                    env.getOrDefault("IOC_AUTH_UNITS_CLAIM", "units"));
            if (on && c.secret() == null && c.publicKeyPem() == null) {
                throw new IllegalArgumentException("IOC_AUTH is on but neither IOC_AUTH_JWT_SECRET nor "
                        + "IOC_AUTH_JWT_PUBLIC_KEY is set: configure a key, or IOC_AUTH=off for a closed demo network");
            }
            return c;
        }

        /** HS256 with a shared secret (tests, the demo with {@code IOC_AUTH=on}). */
        public static Config sharedSecret(String secret) {
            return new Config(true, secret, null, "HS256", null, null, "roles", "integration", "units");
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
        protect(vertx, route, config, Set.of(config.role()), false);
    }

    /** The token check with any of {@code roles}, optionally accepting {@code ?access_token=} (WebSocket). */
    public static void protect(Vertx vertx, Route route, Config config, Set<String> roles, boolean queryToken) {
        if (!config.enabled()) {
            return;
        }
        JWTAuth provider = provider(vertx, config);
        route.handler(ctx -> authenticate(ctx, provider, config, roles, queryToken));
    }

    /** What {@code ctx}'s token may read: everything when auth is off or the token has no units claim. */
    public static UnitScope scope(RoutingContext ctx, Config config) {
        if (!config.enabled() || ctx.user() == null) {
            return UnitScope.ALL;
        }
        return UnitScope.of(ctx.user().attributes().getJsonObject("accessToken"), config.unitsClaim());
    }

    /**
     * Checks {@code ctx}'s bearer token and that it holds one of {@code roles}; on success sets the user and calls
     * {@code ctx.next()}. Every malformed credential — no header, another scheme, an empty or undecodable token, a
     * bad signature, an expired token, a token without a numeric {@code exp}, a malformed claim — is answered 401
     * with {@code WWW-Authenticate: Bearer} (RFC 6750), never 400 or 500; a valid token without the role is 403.
     */
    public static void authenticate(RoutingContext ctx, JWTAuth provider, Config config, Set<String> roles) {
        authenticate(ctx, provider, config, roles, false);
    }

    /**
     * As {@link #authenticate(RoutingContext, JWTAuth, Config, Set)}; with {@code queryToken} a browser's WebSocket
     * handshake may carry the token as {@code ?access_token=} instead (browsers cannot set headers on a WebSocket,
     * as Centrifugo and Grafana Live also accept).
     */
    public static void authenticate(RoutingContext ctx, JWTAuth provider, Config config, Set<String> roles,
                                    boolean queryToken) {
        String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        String token = bearerToken(header);
        if (header == null && queryToken) {
            String q = ctx.request().getParam("access_token");
            token = q == null || q.isBlank() || q.indexOf(' ') >= 0 ? null : q.trim();
            if (q != null) {
                header = "(query)";
            }
        }
        if (token == null) {
            unauthorized(ctx, "invalid_request", header == null
                    ? "send 'Authorization: Bearer <token>' with a token from the province's identity provider"
                    : "the Authorization header must be 'Bearer <token>' with a non-empty token");
            return;
        }
        Future<User> user;
        try {
            user = provider.authenticate(new TokenCredentials(token));
        } catch (RuntimeException e) {
            user = Future.failedFuture(e);
        }
        user.onComplete(ar -> {
            if (ar.failed()) {
                unauthorized(ctx, "invalid_token", "the token was refused (" + reason(ar.cause())
                        + "): send a valid, unexpired token");
                return;
            }
            String problem;
            List<String> held = List.of();
            try {
                JsonObject claims = ar.result().attributes().getJsonObject("accessToken");
                problem = claimProblem(claims);
                if (problem == null) {
                    held = roles(claims, config.rolesClaim());
                    UnitScope.of(claims, config.unitsClaim()); // a malformed units claim is refused here
                }
            } catch (RuntimeException e) {
                problem = "a claim is malformed (" + reason(e) + ")";
            }
            if (problem != null) {
                unauthorized(ctx, "invalid_token", "the token was refused: " + problem);
                return;
            }
            if (Collections.disjoint(held, roles)) {
                Problems.send(ctx, 403, "Forbidden", "the token is valid but lacks the role "
                        + (roles.size() == 1 ? "'" + roles.iterator().next() + "'" : "(one of " + roles + ")")
                        + " needed here; it has " + held);
                return;
            }
            ((io.vertx.ext.web.impl.UserContextInternal) ctx.userContext()).setUser(ar.result());
            ctx.next();
        });
    }

    /** The token of an {@code Authorization: Bearer <token>} header (scheme case-insensitive), null if malformed. */
    static String bearerToken(String header) {
        if (header == null) {
            return null;
        }
        String h = header.trim();
        if (h.length() < 7 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = h.substring(7).trim();
        return token.isEmpty() || token.indexOf(' ') >= 0 ? null : token;
    }

    /** Why the claims are unacceptable even though the signature is good, or null: every token must expire. */
    static String claimProblem(JsonObject claims) {
        if (claims == null) {
            return "no claims";
        }
        Object exp = claims.getValue("exp");
        if (exp == null) {
            return "it has no 'exp' (expiry) claim; tokens must expire";
        }
        if (!(exp instanceof Number)) {
            return "its 'exp' claim is not a number of seconds";
        }
        for (String time : List.of("iat", "nbf")) {
            Object v = claims.getValue(time);
            if (v != null && !(v instanceof Number)) {
                return "its '" + time + "' claim is not a number of seconds";
            }
        }
        return null;
    }

    /** The roles at {@code path} (e.g. {@code roles} or {@code realm_access/roles}); absent = none. */
    static List<String> roles(JsonObject claims, String path) {
        Object node = claims;
        for (String part : path.split("/")) {
            if (!(node instanceof JsonObject o)) {
                throw new IllegalArgumentException("'" + path + "' is not an object path in the token");
            }
            node = o.getValue(part);
            if (node == null) {
                return List.of();
            }
        }
        if (!(node instanceof JsonArray a)) {
            throw new IllegalArgumentException("'" + path + "' must be a list of role names");
        }
        List<String> out = new ArrayList<>(a.size());
        for (Object r : a) {
            if (!(r instanceof String s)) {
                throw new IllegalArgumentException("'" + path + "' must hold only role names (strings)");
            }
            out.add(s);
        }
        return out;
    }

    private static String reason(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.length() > 200 ? m.substring(0, 200) : m;
    }

    private static void unauthorized(RoutingContext ctx, String error, String detail) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"ioc-pulse\", error=\"" + error + "\"");
        Problems.send(ctx, 401, "Unauthorized", detail);
    }

    /** Signs a token for {@code subject} with {@code roles}, valid {@code minutes} (HS256 configurations only). */
    public static String mint(Vertx vertx, Config config, String subject, List<String> roles, int minutes) {
        return mint(vertx, config, subject, roles, null, minutes);
    }

    /** As {@link #mint(Vertx, Config, String, List, int)}, limited to {@code units} ({@code scope_type/scope_id}). */
    public static String mint(Vertx vertx, Config config, String subject, List<String> roles, List<String> units,
                              int minutes) {
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
        if (units != null) {
            claims.put(config.unitsClaim(), new JsonArray(units));
        }
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
