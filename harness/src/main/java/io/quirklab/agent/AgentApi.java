package io.quirklab.agent;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.quirklab.responder.ControlReply;
import java.util.List;

/**
 * The bodies of the agent's HTTP API that the responder's own control records ({@code ControlRequest},
 * {@code ControlReply}) do not cover: health, leases, persona sets and errors. Field names as on the wire
 * (snake_case); {@code openapi.yaml} beside this package describes them.
 */
public final class AgentApi {
    private AgentApi() {
    }

    /** {@code GET /health}: no token needed, so it says nothing about who runs what. */
    public record Health(String version, @JsonProperty("uptime_seconds") long uptimeSeconds, String status) {
    }

    /**
     * {@code POST /leases}: a run asks for a lease.
     *
     * @param run        the run's id (for people reading a 409)
     * @param holder     who runs it (user, tool)
     * @param host       the machine under test
     * @param ttlSeconds how long the lease lives without renewal (2..3600; default 30)
     */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record LeaseRequest(String run, String holder, String host, @JsonProperty("ttl_seconds") Integer ttlSeconds) {
    }

    /**
     * A lease: the addresses one run holds on the agent until it stops renewing.
     *
     * @param id            the lease id (the {@code lease} parameter of every run-scoped request): shown only to the
     *                      machine that claimed the lease, the only one that may use it
     * @param peer          the address of the machine that claimed it
     * @param expiresMillis when it expires unless renewed, ms since 1970 (agent clock)
     * @param addresses     the persona addresses it holds
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Lease(String id, String run, String holder, String host, String peer, @JsonProperty("ttl_seconds") int ttlSeconds,
                        @JsonProperty("expires_millis") long expiresMillis, List<String> addresses) {
        /** "run R (holder H on host X at ADDRESS)": what a refused claim names (never the id, which acts on the lease). */
        public String describe() {
            return "run " + run + " (holder " + holder + " on host " + host + (peer == null ? "" : " at " + peer) + ")";
        }
    }

    /** {@code GET /leases}. */
    public record Leases(List<Lease> leases) {
    }

    /**
     * {@code PUT /personas}: the persona set of one lease, replaced whole.
     *
     * @param catalogue the persona catalogue (YAML or JSON text, as in a {@code --personas} file)
     * @param source    what errors call the text (the client's file name); default "the catalogue"
     * @param base      the first address for personas the catalogue gives none (198.18.0.0/15)
     * @param names     only these personas of the catalogue (empty or null: all)
     */
    public record PersonaSet(String catalogue, String source, String base, List<String> names) {
    }

    /** {@code GET /personas}, {@code PUT /personas}: what one lease serves. */
    public record Personas(String lease, List<ControlReply.PersonaView> personas) {
    }

    /** {@code POST /probes/begin}, {@code POST /probes/end}. */
    public record ProbeMark(String persona, String probe) {
    }

    /** Every error: the HTTP status and one line that names what is wrong. */
    public record Problem(int status, String error) {
    }
}
