package io.quirklab.responder;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * The requests of the responder's control API, one JSON object each with {@code "op"} naming the request. The same
 * records travel over the lab's Unix socket and (as bodies and query parameters) over the agent's HTTP API.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
@JsonSubTypes({
        @JsonSubTypes.Type(value = ControlRequest.Status.class, name = "status"),
        @JsonSubTypes.Type(value = ControlRequest.Shutdown.class, name = "shutdown"),
        @JsonSubTypes.Type(value = ControlRequest.ProbeBegin.class, name = "probe-begin"),
        @JsonSubTypes.Type(value = ControlRequest.ProbeEnd.class, name = "probe-end"),
        @JsonSubTypes.Type(value = ControlRequest.Journal.class, name = "journal"),
        @JsonSubTypes.Type(value = ControlRequest.PutPersonas.class, name = "put-personas")})
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface ControlRequest {
    /** The responder's counters and personas. */
    record Status() implements ControlRequest {
    }

    /** Stop serving. */
    record Shutdown() implements ControlRequest {
    }

    /** From now on, tag every frame for or from {@code persona} with {@code probe} (until {@link ProbeEnd}). */
    record ProbeBegin(String persona, String probe) implements ControlRequest {
    }

    /** Stop tagging {@code persona}'s frames with {@code probe}; frames of a delayed reply still carry it. */
    record ProbeEnd(String persona, String probe) implements ControlRequest {
    }

    /**
     * Journal entries: those of one probe, or a page after a cursor (for one persona or all). {@code pcap}: also write
     * the selected frames to this file (Unix socket only: the responder and the caller share a file system).
     *
     * @param probe   the probe id, or null
     * @param persona a persona name, or null for all
     * @param since   the cursor (exclusive) when {@code probe} is null; 0 for the oldest entry kept
     * @param limit   most entries in one page (default and upper bound {@link #MAX_PAGE})
     * @param pcap    a pcap file to write, or null
     */
    record Journal(String probe, String persona, Long since, Integer limit, String pcap) implements ControlRequest {
        public static final int MAX_PAGE = 5_000;

        public static Journal ofProbe(String probe, String pcap) {
            return new Journal(probe, null, null, null, pcap);
        }

        public int pageSize() {
            return limit == null || limit < 1 ? MAX_PAGE : Math.min(limit, MAX_PAGE);
        }
    }

    /**
     * Replace the set of personas served: a persona catalogue (the YAML or JSON of {@code --personas} files) as text.
     * Refused whole, changing nothing, when the catalogue does not validate.
     *
     * @param catalogue the catalogue text
     */
    record PutPersonas(String catalogue) implements ControlRequest {
    }
}
