package vn.ioc.pulse.web.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import vn.ioc.pulse.web.Problems;

/**
 * Bearer-token checks on a real server: every malformed credential is 401 with {@code WWW-Authenticate: Bearer}
 * (never 400 or 500), tokens must expire, a valid token without the role is 403.
 */
@DisplayName("BearerAuth answers 401 for every bad credential, 403 for a missing role, 200 for a good token")
class BearerAuthTest {
    private static final String SECRET = "bearer-auth-test-secret";
    private static final BearerAuth.Config CONFIG = BearerAuth.Config.sharedSecret(SECRET);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static Vertx vertx;
    private static JWTAuth provider;
    private static int port;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        provider = BearerAuth.provider(vertx, CONFIG);
        Router router = Router.router(vertx);
        Problems.install(router);
        BearerAuth.protect(vertx, router.post("/in"), CONFIG);
        router.post("/in").handler(ctx -> ctx.response().end("welcome " + ctx.user().subject()));
        port = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await().actualPort();
    }

    @AfterAll
    static void stop() {
        vertx.close().await();
    }

    private static HttpResponse<String> post(String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/in"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Signs {@code claims} exactly as given (no exp added unless present). */
    private static String sign(JsonObject claims) {
        return provider.generateToken(claims, new JWTOptions().setAlgorithm("HS256"));
    }

    private static void assertUnauthorized(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(new JsonObject(r.body()).getInteger("status")).isEqualTo(401);
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    @ParameterizedTest(name = "Authorization: [{0}]")
    @ValueSource(strings = {"Bearer", "Bearer ", "Bearer    ", "bearer", "Basic dXNlcjpwYXNz", "Token abc",
            "Bearer !!!not-base64!!!", "Bearer a.b.c", "Bearer eyJhbGciOiJIUzI1NiJ9", "eyJhbGciOiJIUzI1NiJ9.e30.x",
            "Bearer x y"})
    @DisplayName("a malformed Authorization header is 401 with WWW-Authenticate: Bearer")
    void malformedHeaders(String header) throws Exception {
        assertUnauthorized(post(header));
    }

    @Test
    @DisplayName("no Authorization header is 401")
    void noHeader() throws Exception {
        assertUnauthorized(post(null));
    }

    @Test
    @DisplayName("a correctly signed token with \"exp\":\"x\" is 401, not 500")
    void nonNumericExp() throws Exception {
        assertUnauthorized(post("Bearer " + sign(new JsonObject().put("sub", "a").put("exp", "x")
                .put("roles", new JsonArray().add("integration")))));
    }

    @Test
    @DisplayName("a correctly signed token without exp is 401: tokens must expire")
    void noExp() throws Exception {
        HttpResponse<String> r = post("Bearer " + sign(new JsonObject().put("sub", "a")
                .put("roles", new JsonArray().add("integration"))));
        assertUnauthorized(r);
        assertThat(r.body()).contains("exp");
    }

    @Test
    @DisplayName("an expired token is 401")
    void expired() throws Exception {
        assertUnauthorized(post("Bearer " + sign(new JsonObject().put("sub", "a").put("exp", now() - 3600)
                .put("roles", new JsonArray().add("integration")))));
    }

    @Test
    @DisplayName("a token signed with another key is 401")
    void otherKey() throws Exception {
        String forged = BearerAuth.mint(vertx, BearerAuth.Config.sharedSecret("another"), "a", List.of("integration"), 5);
        assertUnauthorized(post("Bearer " + forged));
    }

    @Test
    @DisplayName("an unsigned token (alg none) is 401")
    void algNone() throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String token = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes()) + "."
                + b64.encodeToString(("{\"sub\":\"a\",\"exp\":" + (now() + 600) + ",\"roles\":[\"integration\"]}")
                .getBytes()) + ".";
        assertUnauthorized(post("Bearer " + token));
    }

    @ParameterizedTest(name = "roles = {0}")
    @ValueSource(strings = {"\"integration\"", "42", "{\"a\":1}", "[1,2]", "[\"integration\", 5]"})
    @DisplayName("a malformed roles claim is 401, not 500")
    void malformedRoles(String roles) throws Exception {
        JsonObject claims = new JsonObject("{\"sub\":\"a\",\"exp\":" + (now() + 600) + ",\"roles\":" + roles + "}");
        assertUnauthorized(post("Bearer " + sign(claims)));
    }

    @ParameterizedTest(name = "{0} = \"x\"")
    @ValueSource(strings = {"iat", "nbf"})
    @DisplayName("a non-numeric iat or nbf is 401")
    void malformedTimes(String claim) throws Exception {
        assertUnauthorized(post("Bearer " + sign(new JsonObject().put("sub", "a").put("exp", now() + 600)
                .put(claim, "x").put("roles", new JsonArray().add("integration")))));
    }

    @Test
    @DisplayName("a valid token without the role is 403 naming the role; with it, the request goes through")
    void roles() throws Exception {
        HttpResponse<String> forbidden = post("Bearer " + BearerAuth.mint(vertx, CONFIG, "a", List.of("leader"), 5));
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(new JsonObject(forbidden.body()).getString("detail")).contains("integration");

        HttpResponse<String> ok = post("Bearer " + BearerAuth.mint(vertx, CONFIG, "gw", List.of("integration"), 5));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("welcome gw");
    }

    @Test
    @DisplayName("the scheme is case-insensitive")
    void schemeCase() throws Exception {
        assertThat(post("bEaReR " + BearerAuth.mint(vertx, CONFIG, "gw", List.of("integration"), 5)).statusCode())
                .isEqualTo(200);
    }
}
