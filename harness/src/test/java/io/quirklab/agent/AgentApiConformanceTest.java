package io.quirklab.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * openapi.yaml against the real server: the file parses without messages, every path x method x status it declares
 * is provoked against a running agent and answered with exactly that status and a body with the schema's required
 * fields; the server answers nothing it does not declare on the declared paths.
 */
class AgentApiConformanceTest {
    static final ObjectMapper JSON = new ObjectMapper();
    AgentFixture agent;
    OpenAPI api;

    @BeforeEach
    void start() throws Exception {
        agent = new AgentFixture();
        String text;
        try (InputStream in = AgentServer.class.getResourceAsStream("openapi.yaml")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        ParseOptions o = new ParseOptions();
        o.setResolve(true);
        o.setResolveFully(true);
        SwaggerParseResult r = new OpenAPIV3Parser().readContents(text, null, o);
        assertThat(r.getMessages()).as("openapi.yaml parses cleanly").isEmpty();
        api = r.getOpenAPI();
    }

    @AfterEach
    void stop() throws Exception {
        agent.close();
    }

    /**
     * A request that should get one status: method, path with query, body (or null), token (or null), and the client
     * address it comes from (null: 127.0.0.1, the machine that claims the leases).
     */
    record Call(String method, String path, String body, String token, String from) {
        Call(String method, String path, String body, String token) {
            this(method, path, body, token, null);
        }
    }

    /** Another machine, as far as the agent can tell. */
    static final String OTHER = "127.0.0.2";

    String lease() throws Exception {
        HttpResponse<byte[]> r = agent.raw("POST", "/leases", "{\"run\":\"r1\",\"holder\":\"unit\",\"host\":\"here\",\"ttl_seconds\":30}");
        return JSON.readTree(r.body()).get("id").asText();
    }

    String leaseWithPersonas() throws Exception {
        String id = lease();
        HttpResponse<byte[]> r = agent.raw("PUT", "/personas?lease=" + id, "{\"base\":\"198.18.7.10\",\"names\":[\"clean\",\"smdc-tyan\"]}");
        assertThat(r.statusCode()).as(new String(r.body())).isEqualTo(200);
        return id;
    }

    /** How each declared (METHOD PATH STATUS) is provoked. */
    Map<String, Call> provokers() throws Exception {
        String l = leaseWithPersonas();
        String other = lease();
        String big = "{\"run\":\"" + "x".repeat(AgentServer.MAX_BODY + 10) + "\"}";
        Map<String, Call> m = new LinkedHashMap<>();
        m.put("GET /health 200", new Call("GET", "/health", null, null));
        m.put("GET /status 200", new Call("GET", "/status?lease=" + l, null, AgentFixture.TOKEN));
        m.put("GET /status 401", new Call("GET", "/status", null, "wrong-token-wrong-token"));
        m.put("GET /status 404", new Call("GET", "/status?lease=nope", null, AgentFixture.TOKEN));
        m.put("GET /leases 200", new Call("GET", "/leases", null, AgentFixture.TOKEN));
        m.put("GET /leases 401", new Call("GET", "/leases", null, null));
        m.put("POST /leases 201", new Call("POST", "/leases", "{\"run\":\"r2\",\"holder\":\"h\",\"host\":\"x\"}", AgentFixture.TOKEN));
        m.put("POST /leases 400", new Call("POST", "/leases", "{\"run\":\"r2\",\"holder\":\"h\",\"host\":\"x\",\"ttl_seconds\":1}", AgentFixture.TOKEN));
        m.put("POST /leases 401", new Call("POST", "/leases", "{}", null));
        m.put("POST /leases 409", new Call("POST", "/leases", "FILL", AgentFixture.TOKEN)); // after filling every lease slot
        m.put("POST /leases 413", new Call("POST", "/leases", big, AgentFixture.TOKEN));
        m.put("GET /leases/{id} 200", new Call("GET", "/leases/" + l, null, AgentFixture.TOKEN));
        m.put("GET /leases/{id} 401", new Call("GET", "/leases/" + l, null, null));
        m.put("GET /leases/{id} 404", new Call("GET", "/leases/nope", null, AgentFixture.TOKEN));
        m.put("PUT /leases/{id} 200", new Call("PUT", "/leases/" + l, null, AgentFixture.TOKEN));
        m.put("PUT /leases/{id} 401", new Call("PUT", "/leases/" + l, null, null));
        m.put("PUT /leases/{id} 404", new Call("PUT", "/leases/nope", null, AgentFixture.TOKEN));
        m.put("DELETE /leases/{id} 200", new Call("DELETE", "/leases/" + other, null, AgentFixture.TOKEN));
        m.put("DELETE /leases/{id} 401", new Call("DELETE", "/leases/" + l, null, null));
        m.put("DELETE /leases/{id} 404", new Call("DELETE", "/leases/nope", null, AgentFixture.TOKEN));
        m.put("GET /personas 200", new Call("GET", "/personas?lease=" + l, null, AgentFixture.TOKEN));
        m.put("GET /personas 400", new Call("GET", "/personas", null, AgentFixture.TOKEN));
        m.put("GET /personas 401", new Call("GET", "/personas?lease=" + l, null, null));
        m.put("GET /personas 404", new Call("GET", "/personas?lease=nope", null, AgentFixture.TOKEN));
        m.put("PUT /personas 200", new Call("PUT", "/personas?lease=" + l, "{\"base\":\"198.18.7.10\",\"names\":[\"clean\",\"smdc-tyan\"]}",
                AgentFixture.TOKEN));
        m.put("PUT /personas 400", new Call("PUT", "/personas?lease=" + l, "{\"base\": ", AgentFixture.TOKEN));
        m.put("PUT /personas 401", new Call("PUT", "/personas?lease=" + l, "{}", null));
        m.put("PUT /personas 404", new Call("PUT", "/personas?lease=nope", "{}", AgentFixture.TOKEN));
        m.put("PUT /personas 409", new Call("PUT", "/personas?lease=CONFLICT", "{\"base\":\"198.18.7.10\",\"names\":[\"clean\"]}",
                AgentFixture.TOKEN));
        m.put("PUT /personas 413", new Call("PUT", "/personas?lease=" + l, big, AgentFixture.TOKEN));
        m.put("POST /probes/begin 200", new Call("POST", "/probes/begin?lease=" + l, "{\"persona\":\"clean\",\"probe\":\"p1\"}", AgentFixture.TOKEN));
        m.put("POST /probes/begin 400", new Call("POST", "/probes/begin?lease=" + l, "{\"persona\":\"clean\",\"probe\":\"\"}", AgentFixture.TOKEN));
        m.put("POST /probes/begin 401", new Call("POST", "/probes/begin?lease=" + l, "{}", null));
        m.put("POST /probes/begin 404", new Call("POST", "/probes/begin?lease=" + l, "{\"persona\":\"nobody\",\"probe\":\"p\"}", AgentFixture.TOKEN));
        m.put("POST /probes/end 200", new Call("POST", "/probes/end?lease=" + l, "{\"persona\":\"clean\",\"probe\":\"p1\"}", AgentFixture.TOKEN));
        m.put("POST /probes/end 401", new Call("POST", "/probes/end?lease=" + l, "{}", null));
        m.put("POST /probes/end 404", new Call("POST", "/probes/end?lease=nope", "{\"persona\":\"clean\",\"probe\":\"p1\"}", AgentFixture.TOKEN));
        m.put("GET /journal 200", new Call("GET", "/journal?lease=" + l + "&since=0&limit=10", null, AgentFixture.TOKEN));
        m.put("GET /journal 400", new Call("GET", "/journal?lease=" + l + "&since=abc", null, AgentFixture.TOKEN));
        m.put("GET /journal 401", new Call("GET", "/journal?lease=" + l, null, null));
        m.put("GET /journal 404", new Call("GET", "/journal?lease=nope", null, AgentFixture.TOKEN));
        m.put("GET /pcap 200", new Call("GET", "/pcap?lease=" + l + "&probe=p1", null, AgentFixture.TOKEN));
        m.put("GET /pcap 400", new Call("GET", "/pcap?lease=" + l + "&limit=0", null, AgentFixture.TOKEN));
        m.put("GET /pcap 401", new Call("GET", "/pcap?lease=" + l, null, null));
        m.put("GET /pcap 404", new Call("GET", "/pcap?lease=nope", null, AgentFixture.TOKEN));
        for (String[] p : new String[][] {{"GET", "/status?lease=" + l}, {"GET", "/leases/" + l}, {"PUT", "/leases/" + l},
            {"DELETE", "/leases/" + l}, {"GET", "/personas?lease=" + l}, {"GET", "/journal?lease=" + l}, {"GET", "/pcap?lease=" + l}}) {
            m.put(p[0] + " " + p[1].replaceAll("\\?.*", "").replace("/leases/" + l, "/leases/{id}") + " 403",
                    new Call(p[0], p[1], null, AgentFixture.TOKEN, OTHER));
        }
        m.put("PUT /personas 403", new Call("PUT", "/personas?lease=" + l, "{\"base\":\"198.18.7.10\"}", AgentFixture.TOKEN, OTHER));
        m.put("POST /probes/begin 403", new Call("POST", "/probes/begin?lease=" + l, "{\"persona\":\"clean\",\"probe\":\"p\"}",
                AgentFixture.TOKEN, OTHER));
        m.put("POST /probes/end 403", new Call("POST", "/probes/end?lease=" + l, "{\"persona\":\"clean\",\"probe\":\"p\"}",
                AgentFixture.TOKEN, OTHER));
        m.put("POST /shutdown 401", new Call("POST", "/shutdown", null, null));
        m.put("POST /shutdown 200", new Call("POST", "/shutdown", null, AgentFixture.TOKEN)); // last: the agent stops
        return m;
    }

    @Test
    void everyDeclaredPathMethodAndStatusIsWhatTheServerAnswers() throws Exception {
        List<String> declared = new ArrayList<>();
        api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, op) ->
                op.getResponses().keySet().forEach(status -> declared.add(method + " " + path + " " + status))));
        Map<String, Call> provokers = provokers();
        assertThat(new TreeSet<>(provokers.keySet())).as("every declared response is exercised, and nothing else")
                .isEqualTo(new TreeSet<>(declared));
        String conflictLease = lease();
        for (Map.Entry<String, Call> e : provokers.entrySet()) {
            Call c = e.getValue();
            String path = c.path().replace("lease=CONFLICT", "lease=" + conflictLease);
            String body = c.body();
            if ("FILL".equals(body)) {
                for (int i = 0; i < Agent.MAX_LEASES; i++) {
                    agent.raw("POST", "/leases", "{\"run\":\"fill" + i + "\",\"holder\":\"h\",\"host\":\"x\"}");
                }
                body = "{\"run\":\"one-too-many\",\"holder\":\"h\",\"host\":\"x\"}";
            }
            AgentFixture.RawAnswer r = c.from() != null ? agent.rawFrom(c.from(), c.method(), path, body, c.token())
                    : raw(c.method(), path, body, c.token());
            String[] key = e.getKey().split(" ");
            assertThat(r.status()).as(e.getKey() + ": " + new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(Integer.parseInt(key[2]));
            Operation op = api.getPaths().get(key[1]).readOperationsMap().get(PathItem.HttpMethod.valueOf(key[0]));
            var content = op.getResponses().get(key[2]).getContent();
            String type = r.header("Content-Type");
            assertThat(content).as(e.getKey() + " declares its content").isNotNull();
            assertThat(content.keySet()).as(e.getKey() + " content type").contains(type);
            if (type.equals("application/json")) {
                requiredFieldsPresent(e.getKey(), content.get(type).getSchema(), JSON.readTree(r.body()));
            } else {
                assertThat(r.body().length).as("a pcap has its 24-byte file header").isGreaterThanOrEqualTo(24);
            }
        }
    }

    AgentFixture.RawAnswer raw(String method, String path, String body, String token) throws Exception {
        HttpResponse<byte[]> r = agent.raw(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), token);
        return new AgentFixture.RawAnswer(r.statusCode(), Map.of("content-type", r.headers().firstValue("Content-Type").orElse("")), r.body());
    }

    @Test
    void pathsTheFileDoesNotDeclareAre404AndWrongMethods405() throws Exception {
        assertThat(agent.raw("GET", "/nothing-here", null).statusCode()).isEqualTo(404);
        assertThat(agent.raw("DELETE", "/health", null).statusCode()).isEqualTo(405);
        assertThat(api.getPaths()).doesNotContainKey("/nothing-here");
    }

    @SuppressWarnings("rawtypes")
    static void requiredFieldsPresent(String where, Schema schema, JsonNode body) {
        if (schema == null || schema.getRequired() == null) {
            return;
        }
        for (Object f : schema.getRequired()) {
            assertThat(body.has((String) f)).as(where + ": required field '" + f + "' in " + body).isTrue();
        }
        if (schema.getProperties() != null) {
            ((Map<?, ?>) schema.getProperties()).forEach((name, s) -> {
                JsonNode v = body.get((String) name);
                Schema p = (Schema) s;
                if (v != null && v.isArray() && p.getItems() != null) {
                    v.forEach(item -> requiredFieldsPresent(where + "." + name, p.getItems(), item));
                }
            });
        }
    }
}
